"""End-to-end: a region's own first export through the Data page with its defaults.

The files are written by :mod:`tests.own_ledger` (title row "Belopp i kronor",
``Period;Ansvar;Ansvarstext;Konto;Kontotext;Utfall;Budget``, kronor with the debit sign,
January–April of 2022 and 2023, budget for January–April 2023 only) with an organisation
file and a kontoplan. What is checked is what a controller sees: the unit and sign read right
with their evidence, every page without an error line, the follow-up and a short-history
forecast said in one line, and a Word report that states nothing the data do not hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests import own_ledger as O
from tests.e2e_support import APP_IDLE, e2e_marks, key_selector, screenshot, streamlit_server
from tests.ui.test_e2e import _context, _download, _upload, goto
from ui import state_keys as K

pytestmark = e2e_marks()


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    db = f"sqlite:///{tmp_path_factory.mktemp('own-db') / 'scenarier.db'}"
    data = tmp_path_factory.mktemp("own-data")
    with streamlit_server(env={"BUDGETPROGNOS_DB_URL": db,
                               "BUDGETPROGNOS_DATA_DIR": str(data)}) as url:
        yield url


@pytest.fixture()
def page(browser):
    ctx = _context(browser, 1400)
    yield ctx.new_page()
    ctx.close()


def _no_error(page) -> None:
    from playwright.sync_api import expect

    main = page.locator("[data-testid='stMain']")
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    expect(main).not_to_contain_text("Ett oväntat fel")
    expect(main).not_to_contain_text("ValueError")


def _sheet(path, name: str) -> tuple[dict[str, list[object]], str]:  # noqa: ANN001
    """The columns of a sheet of an exported workbook (heading row 3) and its note."""
    import openpyxl

    ws = openpyxl.load_workbook(str(path))[name]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    head, body = rows[0], [r for r in rows[1:] if any(v is not None for v in r[1:])]
    note = next(str(r[0]) for r in rows[1:] if r[0] and all(v is None for v in r[1:]))
    return {str(h): [r[j] for r in body] for j, h in enumerate(head) if h}, note


def test_own_export_with_the_defaults(page, own_server: str, tmp_path) -> None:  # noqa: ANN001
    from docx import Document
    from playwright.sync_api import expect

    files = O.write(tmp_path)
    goto(page, own_server, "data")
    _upload(page, K.UPLOADER, files["huvudbok"])
    _upload(page, K.UP_ORG, files["organisation"])
    # Account numbers without a kontoplan: the message names the page's field and button.
    page.get_by_role("button", name="Läs in datamängden").click()
    err = page.locator("[data-testid='stAlertContentError']")
    expect(err).to_contain_text("Kontot 3110 (Patientavgifter) finns inte i någon kontoplan")
    expect(err).to_contain_text("en kontoplan i fältet «Kontoplan (valfri)»; gör en mall med "
                                "knappen «Ladda ned kontoplansmall» under fälten")
    assert "--" not in err.inner_text() and "budgetprognos" not in err.inner_text()
    expect(page.locator(APP_IDLE)).to_have_count(1)
    with page.expect_download() as info:
        page.get_by_role("button", name="Ladda ned kontoplansmall").click()
    assert info.value.failure() is None and info.value.suggested_filename == "kontoplan_mall.csv"
    tpl = tmp_path / "kontoplan_mall.csv"
    info.value.save_as(tpl)
    template = tpl.read_bytes().decode("utf-8-sig")
    assert all(f'"{konto}";"";"";"{text}"' in template for konto, text, _ in O.ACCOUNTS)
    _upload(page, K.UP_KONTOPLAN, files["kontoplan"])
    page.get_by_role("button", name="Läs in datamängden").click()
    # a warning, not a success: outcome is missing for May–December 2022
    msg = page.locator("[data-testid='stAlertContentWarning']").filter(
        has_text="Datamängden lästes in")
    expect(msg).to_contain_text("Datamängden lästes in från «huvudbok_raindance.csv», "
                                "«organisation.csv» och «kontoplan.csv»: 216 rader, 3 enheter "
                                "och utfall för 8 månader t.o.m. april 2023.")
    expect(msg).to_contain_text("utfall saknas helt för 8 månader mellan 2022-01 och 2023-04 "
                                "(maj–december 2022)")
    expect(msg).to_contain_text("Beloppen lästes i kronor (titelraden 'Belopp i kronor')")
    expect(msg).to_contain_text("Tecknet lästes som debet (kostnader positiva) eftersom "
                                "100 % av 120 utfallsrader på kostnadskonton är positiva")
    expect(msg).to_contain_text("välj «rapport (kostnader negativa)» i fältet «Tecken i "
                                "huvudboken»")
    expect(msg).to_contain_text("Budget 2023 finns bara för januari–april 2023")
    text = msg.inner_text()
    assert "--" not in text and "('" not in text  # no CLI flag, no Python tuple
    main = page.locator("[data-testid='stMain']")
    expect(main.locator("[data-testid='stAlertContentWarning']").filter(
        has_text="Budget 2023 finns bara")).to_have_count(2)  # the message and the page
    screenshot(page, "own_data_loaded")

    # Översikt as of April 2023: a run-rate forecast after the gap, said in one line.
    page.get_by_role("link", name="Översikt", exact=True).click()
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=300_000)
    expect(main).to_contain_text("Utfall saknas för maj–december 2022, så prognosen bygger "
                                 "bara på utfallet januari–april 2023", timeout=300_000)
    expect(main).to_contain_text("snitt hittills i år")
    expect(main).to_contain_text("Ekonomisk sammanfattning")
    expect(main).to_contain_text("Nettokostnadsutveckling (ack)")
    expect(page.locator("[data-testid='stMetricValue']").filter(has_text="8,0")).to_have_count(1)
    _no_error(page)
    screenshot(page, "own_data_overview")
    for link in ("Prognos", "Scenarier", "Export"):
        page.get_by_role("link", name=link, exact=True).click()
        expect(page.locator(APP_IDLE)).to_have_count(1, timeout=300_000)
        expect(main).to_contain_text("Utfall saknas för maj–december 2022", timeout=300_000)
        _no_error(page)
    # The Årsprognos export and the report as of April 2023: the four-month budget is said,
    # and 2022 (January–April only) is no previous year: empty cells, never 0.
    _, xlsx = _download(page, "w_dl_prognos_xlsx", tmp_path)
    div, note = _sheet(xlsx, "Per division")
    assert all(v is None for v in div["Utfall fg år"]) and all(v is None for v in div[
        "Utveckling mot fg år %"])
    assert all(isinstance(v, float) and v < 0 for v in div["Årsbudget"])
    assert "Budget 2023 finns bara för januari–april 2023" in note
    assert "Utfall saknas i indata för maj–december 2022" in note
    _, docx = _download(page, "w_dl_rapport_docx", tmp_path)
    doc = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "Budget 2023 finns bara för januari–april 2023" in doc

    # As of April 2022: no budget, no previous year; the Word report says so.
    url = re.sub(r"/export.*", "/export", page.url.split("?")[0])
    query = page.url.split("?", 1)[1] if "?" in page.url else ""
    params = "&".join(p for p in query.split("&") if not p.startswith(f"{K.MONTH_PARAM}="))
    page.goto(f"{url}?{params}&{K.MONTH_PARAM}=2022-04")
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=300_000)
    expect(main).to_contain_text("Det är 4 månader", timeout=300_000)
    _no_error(page)
    expect(page.locator(key_selector("w_dl_rapport_docx"))).to_be_visible(timeout=300_000)
    name, path = _download(page, "w_dl_rapport_docx", tmp_path)
    assert name == "budgetprognos_rapport_2022-04.docx"
    doc = "\n".join(p.text for p in Document(str(path)).paragraphs)
    # the notes explain "negativt är sämre än budget"; no sentence states a deviation
    assert "budgeterade" not in doc and not re.search(r"mkr (sämre|bättre) än budget", doc)
    assert "inom taket" not in doc and "Helårsprognosen är 0" not in doc
    assert "Budget för 2022 saknas i indata" in doc
    assert "Nettokostnadsutvecklingen för januari–april kan inte beräknas" in doc
    _, xlsx = _download(page, "w_dl_prognos_xlsx", tmp_path)
    div, note = _sheet(xlsx, "Per division")
    for col in ("Årsbudget", "Avvikelse mot budget", "Utfall fg år"):
        assert all(v is None for v in div[col]), col  # absent: an empty cell, not 0
    assert all(isinstance(v, float) and v < 0 for v in div["Årsprognos"])
    assert "Budget för 2022 saknas i indata" in note
    screenshot(page, "own_data_export_2022-04")
    page.get_by_role("link", name="Prognos", exact=True).click()
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=300_000)
    dev = page.locator("[data-testid='stMetric']").filter(has_text="Avvikelse mot budget")
    expect(dev).to_contain_text("saknas", timeout=300_000)
    expect(dev).to_contain_text("budget saknas")
    _no_error(page)
    page.get_by_role("link", name="Översikt", exact=True).click()
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=300_000)
    budget = page.locator("[data-testid='stMetric']").filter(has_text="Budget").first
    expect(budget).to_contain_text("saknas")  # no budget for 2022: absent, not 0 mkr
    _no_error(page)
