"""Browser test of issue 26: scenarios built, kept across every page, compared and exported.

Builds the committee's scenarios on the embedded region (as-of April 2023) through the page's
controls, moves through every page and back (the scenario must survive), compares two saved
scenarios and two versions of one, downloads the comparison (Excel) and the one-page sheet
(PDF) and checks their figures against the engine. Screens at 1 280 and 800 px are saved
under ``test-artifacts/screenshots/scen26_*``.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import openpyxl
import pandas as pd
import pytest

from forecast.ledger.dataset import Dataset
from tests.e2e_support import (
    APP_IDLE,
    ARTIFACTS,
    e2e_marks,
    key_selector,
    screenshot,
    streamlit_server,
    wait_for_app,
)
from ui import state_keys as K
from ui.shell import PAGES

pytestmark = e2e_marks()
TIMEOUT = 120_000
HEADLINE = "Sannolikhet för budget i balans"
RESULT = "Scenario, årsresultat"


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('e2e26') / 'scenarier.db'}"


@pytest.fixture(scope="module")
def server_url(db_url: str) -> Iterator[str]:
    with streamlit_server(env={"BUDGETPROGNOS_DB_URL": db_url}) as url:
        yield url


@pytest.fixture()
def page(browser, server_url):
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="sv-SE",
                              accept_downloads=True)
    ctx.set_default_timeout(TIMEOUT)
    yield ctx.new_page()
    ctx.close()


def idle(page) -> None:
    from playwright.sync_api import expect

    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=900_000)


def metric(page, label: str):
    return page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label)).locator(
        "[data-testid='stMetricValue']")


def fill(page, key: str, text: str) -> None:
    from playwright.sync_api import expect

    box = page.locator(f"{key_selector(key)} input")
    box.fill(text)
    box.press("Enter")
    idle(page)
    expect(box).to_have_value(text)


def block(page, title: str):
    exp = page.locator("[data-testid='stExpander']").filter(
        has=page.locator("summary", has_text=title)).first
    is_open = exp.evaluate(
        "e => (e.matches('details') ? e : e.querySelector('details')).open")
    if not is_open:
        exp.locator("summary").first.click()
    return exp


BLOCKS = {"dygnsvila": "Dygnsvila 11 timmar", "hyrpersonal": "Hyrpersonal mot mål",
          "omstallningsplan": "Omställningsplan"}


def toggle(page, key: str) -> None:
    """Click a switch or checkbox of an assumption block (opening the block first)."""
    from playwright.sync_api import expect

    block(page, BLOCKS[key.removeprefix(K.SC_CONTROL_PREFIX).split(".")[0]])
    box = page.locator(f"{key_selector(key)} input").first
    was = box.is_checked()
    page.locator(f"{key_selector(key)} label").first.click()
    expect(box).to_be_checked(checked=not was)
    # the rerun the click starts must have finished before the next field is typed into
    expect(page.locator("[data-testid='stApp'][data-test-script-state='running']")
           ).to_have_count(0)
    idle(page)


def save(page, name: str, version: int) -> None:
    from playwright.sync_api import expect

    fill(page, K.SC_NAME, name)
    page.locator(f"{key_selector('w_sc_save')} button:visible").first.click()
    expect(page.get_by_role("combobox", name="Förval")).to_have_value(
        f"Sparat: {name} v{version}")
    idle(page)


def ctl(path: str) -> str:
    return K.scenario_control(path)


def test_four_scenarios_kept_compared_and_exported(page, server_url: str, db_url: str) -> None:
    from playwright.sync_api import expect

    from forecast.engine.region import forecast_region
    from forecast.ledger.dataset import load_default
    from scenarios.engine import apply
    from scenarios.store import ScenarioStore
    from ui.data_access import UI_N_PATHS, UI_SEED, forecast_kwargs

    page.goto(f"{server_url}/scenarier")
    idle(page)  # the first open computes the month's forecast once (minutes on a busy machine)
    wait_for_app(page)
    expect(metric(page, HEADLINE)).to_be_visible(timeout=900_000)
    # 1. dygnsvila from October 2023 with an FTE range
    toggle(page, ctl("dygnsvila.extra_fte.set"))
    for part, v in (("low", "30"), ("likely", "50"), ("high", "80")):
        fill(page, ctl(f"dygnsvila.extra_fte.{part}"), v)
    save(page, "Dygnsvila oktober", 1)
    screenshot(page, "scen26_dygnsvila_1280")
    # a second version of the same scenario
    fill(page, ctl("dygnsvila.extra_fte.likely"), "60")
    save(page, "Dygnsvila oktober", 2)
    # 2. hyrpersonal to 2 % with replacement (dygnsvila off)
    toggle(page, ctl("dygnsvila.enabled"))
    toggle(page, ctl("hyrpersonal.enabled"))
    save(page, "Hyrpersonal 2 procent", 1)
    # 3. the plan at 60 % (own realisation)
    toggle(page, ctl("hyrpersonal.enabled"))
    toggle(page, ctl("omstallningsplan.enabled"))
    toggle(page, ctl("omstallningsplan.realisation_pct.set"))
    for part in ("low", "likely", "high"):
        fill(page, ctl(f"omstallningsplan.realisation_pct.{part}"), "60")
    save(page, "Plan 60 procent", 1)
    # 4. all three
    toggle(page, ctl("dygnsvila.enabled"))
    toggle(page, ctl("hyrpersonal.enabled"))
    save(page, "Alla tre", 1)
    shown = metric(page, RESULT).inner_text()
    screenshot(page, "scen26_alla_tre_1280")

    # every page and back: the scenario is kept
    for p in PAGES:
        page.get_by_role("link", name=p.title, exact=True).click()
        wait_for_app(page)
        idle(page)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.get_by_role("link", name="Scenarier", exact=True).click()
    wait_for_app(page)
    idle(page)
    expect(metric(page, RESULT)).to_have_text(shown)
    expect(page.get_by_role("combobox", name="Förval")).to_have_value("Sparat: Alla tre v1")
    # a reload keeps it too (named in the address)
    page.reload()
    wait_for_app(page)
    idle(page)
    expect(metric(page, RESULT)).to_have_text(shown)

    # compare two saved scenarios and two versions
    page.get_by_role("link", name="Jämför", exact=True).click()
    wait_for_app(page)
    idle(page)
    pills = page.locator(key_selector(K.CMP_SELECTION))
    for label in ("Dygnsvila oktober v1", "Dygnsvila oktober v2", "Hyrpersonal 2 procent v1"):
        pills.get_by_role("button", name=label, exact=True).click()
        idle(page)
    grid = page.locator("[data-testid='stTable']").first
    for label in ("Alla tre v1", "Dygnsvila oktober v1", "Dygnsvila oktober v2"):
        expect(grid).to_contain_text(label)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    screenshot(page, "scen26_jamfor_1280")
    page.set_viewport_size({"width": 800, "height": 1000})
    idle(page)
    screenshot(page, "scen26_jamfor_800")
    page.set_viewport_size({"width": 1280, "height": 1000})

    target = ARTIFACTS / "downloads" / "scen26"
    target.mkdir(parents=True, exist_ok=True)
    with page.expect_download() as info:
        page.locator(f"{key_selector(K.CMP_DOWNLOAD_XLSX)} button").click()
    xlsx = target / info.value.suggested_filename
    info.value.save_as(xlsx)
    with page.expect_download() as info:
        page.locator(f"{key_selector(K.CMP_DOWNLOAD_PDF)} button").click()
    pdf = target / info.value.suggested_filename
    info.value.save_as(pdf)

    # the figures against the engine
    ds: Dataset = load_default()
    rf = forecast_region(ds, pd.Period("2023-04", "M"), n_paths=UI_N_PATHS, seed=UI_SEED,
                         **forecast_kwargs())
    store = ScenarioStore(db_url)
    wb = openpyxl.load_workbook(xlsx)
    res = {str(r[0].value): r for r in wb["resultat"].iter_rows()}
    for name, v in (("Dygnsvila oktober", 2), ("Hyrpersonal 2 procent", 1), ("Alla tre", 1)):
        engine = apply(rf, store.load(name, v), ds=ds).year_result()
        row = res[f"{name} v{v}"]
        scenario_cell = row[2].value
        assert isinstance(scenario_cell, float)
        assert scenario_cell == pytest.approx(engine, abs=1.0), name
    import pypdf

    text = pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages[0].extract_text()
    assert "Sannolikhet budget i balans" in text and "Alla tre v1" in text
    assert len(pypdf.PdfReader(io.BytesIO(pdf.read_bytes())).pages) == 1

    page.set_viewport_size({"width": 800, "height": 1000})
    page.goto(page.url.replace("/jamfor", "/scenarier"))  # the address names the scenario
    wait_for_app(page)
    idle(page)
    expect(metric(page, RESULT)).to_have_text(shown)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0)
    screenshot(page, "scen26_scenarier_800")

