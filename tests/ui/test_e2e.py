"""End-to-end tests: the real app (``streamlit run app.py``) in Debian's headless Chromium.

Run by the normal test command. Each xdist worker starts its own server on a free port.
Screenshots of every page are saved under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import openpyxl
import pandas as pd
import pytest

from forecast.io.formatting import fmt_mkr
from forecast.ledger.dataset import DATA_DIR, Dataset
from tests.e2e_support import (
    APP_IDLE,
    ARTIFACTS,
    chromium_missing_reason,
    key_selector,
    launch_chromium,
    screenshot,
    streamlit_server,
    wait_for_app,
)
from ui import state_keys as K
from ui.shell import PAGES

_reason = chromium_missing_reason()
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(_reason is not None, reason=_reason or ""),
    pytest.mark.skipif(not (DATA_DIR / "ledger.csv").exists(),
                       reason="den inbäddade exempeldatan (data/) saknas"),
]

EXPECT_TIMEOUT = 60_000


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    with streamlit_server() as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server_url):
    from playwright.sync_api import expect

    expect.set_options(timeout=EXPECT_TIMEOUT)
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="sv-SE",
                              accept_downloads=True)
    pg = ctx.new_page()
    pg.set_default_timeout(EXPECT_TIMEOUT)
    yield pg
    ctx.close()


def goto(page, server_url: str, key: str) -> None:
    path = "" if key == PAGES[0].key else key  # the default page lives at "/"
    page.goto(f"{server_url}/{path}")
    wait_for_app(page)


def test_every_page_loads_with_screenshot(page, server_url: str) -> None:
    from playwright.sync_api import expect

    for spec in PAGES:
        goto(page, server_url, spec.key)
        expect(page.get_by_role("heading", level=1)).to_contain_text(spec.title.split()[0])
        expect(page.get_by_text("Hjälp")).to_be_visible()
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
        for m in page.locator("[data-testid='stMetric']").all():
            assert_not_truncated(m)
        screenshot(page, spec.key)


def test_as_of_defaults_to_last_outcome_month(page, server_url: str) -> None:
    from playwright.sync_api import expect

    goto(page, server_url, "oversikt")
    box = page.locator("[data-testid='stSidebar']").get_by_role(
        "combobox", name="Prognosmånad (senaste utfall)")
    # Streamlit renders the chosen option as the input's value (or its aria-label).
    expect(box).to_be_visible()
    shown = box.input_value() or box.get_attribute("aria-label") or ""
    assert "april 2023" in shown or "april 2023" in page.locator(
        "[data-testid='stSidebar'] [data-baseweb='select']").inner_text()


# --------------------------------------------------------------------------- interactions

AS_OF = "2023-04"
"""The embedded example's last outcome month (the app's default as-of month)."""
YEAR_END = "Scenario, årsresultat"
LIKELY = K.scenario_control("dygnsvila.extra_need.likely")


@pytest.fixture(scope="session")
def default_ds() -> Dataset:
    from forecast.ledger.dataset import load_default

    return load_default()


def metric_value(page, label: str):
    """The value element of the ``st.metric`` labelled ``label``."""
    return page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label)).locator(
        "[data-testid='stMetricValue']")


@pytest.fixture(scope="session")
def core_baseline(default_ds: Dataset):
    """The baseline RegionForecast, computed here by the core with the app's settings."""
    from forecast.engine.region import forecast_region
    from ui.data_access import UI_FORECAST_KWARGS, UI_N_PATHS, UI_SEED

    return forecast_region(default_ds, pd.Period(AS_OF, "M"), n_paths=UI_N_PATHS,
                           seed=UI_SEED, **UI_FORECAST_KWARGS)


def core_year_end(rf, ds: Dataset, likely: float | None = None) -> str:
    """The year-end result of the standard dygnsvila preset (optionally with "Trolig" =
    ``likely``), computed by the core and formatted as the app shows it."""
    from scenarios import assumptions as A
    from scenarios.engine import apply

    need = A.Dygnsvila().extra_need.model_dump()
    if likely is not None:
        need["likely"] = likely
    sc = A.Scenario(name="e2e", assumptions=[A.Dygnsvila(extra_need=need)])
    return fmt_mkr(apply(rf, sc, ds=ds).year_result(), 1)


def assert_not_truncated(locator) -> None:
    """No element inside ``locator`` cuts its text (no ellipsis, nothing scrolled away)."""
    cut = locator.evaluate(
        "el => [el, ...el.querySelectorAll('*')]"
        ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent)")
    assert cut == [], f"visually truncated: {cut}"


def test_scenario_control_changes_year_end_to_core_amount(page, server_url: str,
                                                          default_ds: Dataset,
                                                          core_baseline) -> None:
    from playwright.sync_api import expect

    goto(page, server_url, "scenarier")
    value = metric_value(page, YEAR_END)
    expect(value).to_have_count(1)
    before = value.text_content()
    assert before == core_year_end(core_baseline, default_ds), "the preset's year end"
    assert_not_truncated(page.locator("[data-testid='stMetric']").first)

    expected = core_year_end(core_baseline, default_ds, 3.5)
    assert expected != before
    box = page.locator(f"{key_selector(LIKELY)} input")
    box.fill("3.50")
    box.press("Enter")
    expect(value).to_have_text(expected)
    expect(page.locator(APP_IDLE)).to_have_count(1)
    assert value.text_content() == expected  # exact, incl. the non-breaking spaces
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    for m in page.locator("[data-testid='stMetric']").all():
        assert_not_truncated(m)
    screenshot(page, "scenarier_after_change")


BAD_CSV = (
    "månad;enhet;konto;typ;belopp\n"
    "2023-05;K101;Personalkostnader;utfall;tolv\n"
    "2023-05;K101;Personalkostnader;prognos;-100\n"
).encode()


def test_bad_upload_is_rejected_with_row_and_column_and_data_stays(
        page, server_url: str, default_ds: Dataset) -> None:
    from playwright.sync_api import expect

    goto(page, server_url, "data")
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_contain_text(f"Data: {default_ds.source}")
    page.locator(f"{key_selector(K.UPLOADER)} input[type='file']").set_input_files(
        files=[{"name": "fel.csv", "mimeType": "text/csv", "buffer": BAD_CSV}])
    page.get_by_role("button", name="Läs in datamängden").click()
    error = page.locator("[data-testid='stAlertContentError']")
    expect(error).to_contain_text("Filen 'fel.csv' lästes inte in: 2 problem hittades.")
    expect(error).to_contain_text("Nuvarande data behålls.")
    expect(error).to_contain_text("rad 2, kolumn 'belopp': Beloppet 'tolv' är inte ett tal")
    expect(error).to_contain_text("rad 3, kolumn 'typ': Typen 'prognos' känns inte igen")
    expect(page.get_by_role("heading", name="Valideringsrapport")).to_be_visible()
    expect(page.locator(APP_IDLE)).to_have_count(1)
    # The current data stays: the embedded example, in the sidebar and on the page.
    expect(sidebar).to_contain_text(f"Data: {default_ds.source}")
    expect(page.get_by_role("button", name="Byt till exempeldata")).to_have_count(0)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "data_rejected")


def _upload(page, key: str, path) -> None:
    from playwright.sync_api import expect

    expect(page.locator(APP_IDLE)).to_have_count(1)  # not while the last upload reruns
    page.locator(f"{key_selector(key)} input[type='file']").set_input_files(str(path))
    expect(page.locator(key_selector(key))).to_contain_text(path.name)
    expect(page.locator(APP_IDLE)).to_have_count(1)


def test_own_dataset_shows_no_example_data_and_survives_a_reload(
        page, server_url: str, default_ds: Dataset, tmp_path) -> None:
    from playwright.sync_api import expect

    from tests.io import ledger_fixtures as X

    amounts = X.known_amounts()
    goto(page, server_url, "data")
    _upload(page, K.UPLOADER, X.write_sie4(tmp_path / "hb.se", amounts))
    _upload(page, K.UP_ORG, X.write_org(tmp_path / "org.csv"))
    _upload(page, K.UP_KONTOPLAN, X.write_map(tmp_path / "map.csv"))
    page.get_by_role("button", name="Läs in datamängden").click()
    expect(page.locator("[data-testid='stAlertContentSuccess']")).to_contain_text(
        "Datamängden lästes in")
    sidebar = page.locator("[data-testid='stSidebar']")
    source = "Data: hb.se, org.csv, map.csv"
    expect(sidebar).to_contain_text(source)
    main = page.locator("[data-testid='stMain']")
    expect(main).to_contain_text("Omställningsplan: saknas i indata")
    expect(main).to_contain_text("Årsarbetare inhyrd personal: saknas i indata")
    expect(page.get_by_text("Kontomappning")).to_be_visible()
    assert "data=" in page.url
    screenshot(page, "data_own_dataset")
    page.reload()
    wait_for_app(page)
    expect(sidebar).to_contain_text(source)  # read back from the server's store
    expect(main).to_contain_text("egen datamängd")
    page.get_by_role("link", name="Översikt").click()
    wait_for_app(page)
    expect(main).to_contain_text("åtgärder saknas i indata")
    expect(sidebar).to_contain_text(source)
    expect(main).not_to_contain_text("Exempelregionen")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.get_by_role("link", name="Data").click()
    wait_for_app(page)
    page.get_by_role("button", name="Byt till exempeldata").click()
    expect(sidebar).to_contain_text(f"Data: {default_ds.source}")


def _download(page, key: str, target_dir):
    with page.expect_download() as info:
        page.locator(f"{key_selector(key)} button").click()
    dl = info.value
    assert dl.failure() is None, dl.failure()
    path = target_dir / dl.suggested_filename
    dl.save_as(path)
    return dl.suggested_filename, path


def test_excel_download_has_sheets_and_no_formulas(page, server_url: str,
                                                   default_ds: Dataset) -> None:
    from playwright.sync_api import expect

    from forecast.followup.tables import followup_tables
    from forecast.io.export import METADATA_SHEET

    goto(page, server_url, "export")
    target = ARTIFACTS / "downloads"
    target.mkdir(parents=True, exist_ok=True)
    expected = {
        "uppfoljning": [t.name for t in followup_tables(default_ds, AS_OF)] + [METADATA_SHEET],
        # The scenario export is the CLI's (scenarios.export, one builder for both).
        "scenario": ["arsresultat", "osakerhet", "bridge", "antaganden", METADATA_SHEET],
    }
    for bundle, sheets in expected.items():
        name, path = _download(page, f"w_dl_{bundle}_xlsx", target)
        assert name == f"budgetprognos_{bundle}_{AS_OF}.xlsx"
        wb = openpyxl.load_workbook(path)  # not data_only: formulas would keep type "f"
        assert wb.sheetnames == sheets
        formulas = [f"{ws.title}!{c.coordinate}" for ws in wb.worksheets
                    for row in ws.iter_rows() for c in row if c.data_type == "f"]
        assert formulas == [], f"formula cells: {formulas[:5]}"
        numbers = [c.value for ws in wb.worksheets if ws.title != METADATA_SHEET
                   for row in ws.iter_rows() for c in row if c.data_type == "n"
                   and c.value is not None]
        assert numbers, "amounts are numeric cells"
        meta = {str(r[0].value): r[1].value for r in wb[METADATA_SHEET].iter_rows()
                if len(r) > 1}
        assert any(v == AS_OF for v in meta.values()), meta
        assert any(v == default_ds.source_hash for v in meta.values()), meta
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "export_downloaded")
