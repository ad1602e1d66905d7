"""Browser test of issue 26: scenarios built, kept across every page, compared and exported.

Builds the committee's scenarios on the embedded region (as-of April 2023) through the page's
controls, moves through every page and back (the scenario must survive), compares two saved
scenarios and two versions of one, downloads the comparison (Excel) and the one-page sheet
(Word and PDF) and checks their figures against the engine (``scenarios.committee.views_of`` on
the forecast of record the app stored) and against ``budgetprognos scenario jamfor``, which
exports the same comparison from the stored scenarios. Screens at 1 280 and 800 px are saved
under ``test-artifacts/scenarios/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import openpyxl
import pandas as pd
import pytest

from forecast.io.formatting import fmt_mkr, fmt_number, fmt_pct
from forecast.ledger.dataset import Dataset
from tests import e2e_support as E
from ui import state_keys as K
from ui.shell import PAGES

pytestmark = E.e2e_marks()
TIMEOUT = 120_000
HEADLINE = "Sannolikhet för budget i balans"
RESULT = "Scenario, årsresultat"


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('e2e26') / 'scenarier.db'}"


@pytest.fixture(scope="module")
def server_url(db_url: str) -> Iterator[str]:
    with E.streamlit_server(env={"BUDGETPROGNOS_DB_URL": db_url}) as url:
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

    expect(page.locator(E.APP_IDLE)).to_have_count(1, timeout=900_000)


def metric(page, label: str):
    return page.locator("[data-testid='stMetric']").filter(
        has=page.locator("[data-testid='stMetricLabel']", has_text=label)).locator(
        "[data-testid='stMetricValue']")


RUNNING = "[data-testid='stApp'][data-test-script-state='running']"


def settle(page) -> None:
    """Wait for the rerun an entry starts (if it starts within 2 s) to finish.

    Checking for an idle app right after Enter can pass before the rerun begins; the next
    field typed into would then be redrawn under the typing (two elements for one key).
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator(RUNNING).wait_for(state="attached", timeout=2_000)
    except PlaywrightTimeout:
        pass  # no rerun (the value was already there)
    idle(page)


def fill(page, key: str, text: str) -> None:
    """Type ``text`` into a field and commit it with Enter, once the app is idle.

    Text typed while an earlier rerun was still redrawing the page has been seen (once in CI,
    under load) to be replaced by the redraw; a user would type it again, and so does this,
    once. A field that reverts twice fails.
    """
    from playwright.sync_api import expect

    box = page.locator(f"{E.key_selector(key)} input")
    expect(box).to_have_count(1)
    for attempt in (1, 2):
        idle(page)
        box.fill(text)
        box.press("Enter")
        settle(page)
        try:
            expect(box).to_have_value(text, timeout=10_000 if attempt == 1 else TIMEOUT)
            return
        except AssertionError:  # what a failed expect raises
            if attempt == 2:
                raise


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
    box = page.locator(f"{E.key_selector(key)} input").first
    was = box.is_checked()
    page.locator(f"{E.key_selector(key)} label").first.click()
    expect(box).to_be_checked(checked=not was)
    # the rerun the click starts must have finished before the next field is typed into
    settle(page)


def save(page, name: str, version: int) -> None:
    from playwright.sync_api import expect

    fill(page, K.SC_NAME, name)
    page.locator(f"{E.key_selector('w_sc_save')} button:visible").first.click()
    expect(page.get_by_role("combobox", name="Förval")).to_have_value(
        f"Sparat: {name} v{version}")
    idle(page)


def ctl(path: str) -> str:
    return K.scenario_control(path)


SHOTS = E.ARTIFACTS / "scenarios"


def shot(page, name: str) -> None:
    """A screenshot under ``test-artifacts/scenarios/<name>.png`` (once the page is still)."""
    from playwright.sync_api import expect

    idle(page)
    expect(page.locator("[data-testid='stSkeleton']")).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    E.screenshot(page, name).replace(SHOTS / f"{name}.png")


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label``."""
    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label)
    idle(page)
    box.click()
    box.fill(option)  # filters the list: the option is drawn even in a long, virtual list
    page.get_by_role("option", name=option, exact=True).click()
    idle(page)
    expect(box).to_have_value(option)


def add_measure(page, name: str, amount: str, account: str, rate: str) -> None:
    """Add a measure of the user's own to the omställningsplan, without the data's measures."""
    from playwright.sync_api import expect

    block(page, BLOCKS["omstallningsplan"])
    data = page.locator(f"{E.key_selector(K.SC_DATA_MEASURES)} input")
    if data.is_checked():
        page.locator(f"{E.key_selector(K.SC_DATA_MEASURES)} label").click()
        expect(data).not_to_be_checked()
        idle(page)
    fill(page, K.SC_MEASURE_NAME, name)
    fill(page, K.SC_MEASURE_AMOUNT, amount)
    choose(page, "Kostnadsslag", account)
    for key in (K.SC_MEASURE_LOW, K.SC_MEASURE_LIKELY, K.SC_MEASURE_HIGH):
        fill(page, key, rate)
    page.locator(f"{E.key_selector(K.SC_MEASURE_ADD)} button").click()
    idle(page)
    expect(page.get_by_text(f"Åtgärden «{name}» är med i scenariot.")).to_be_visible()


def build_four(page) -> str:
    """The four scenarios of the issue, saved; returns the last one's result as shown."""
    from playwright.sync_api import expect

    # 1. dygnsvila from October 2023 (the block's default start) with an FTE range
    toggle(page, ctl("dygnsvila.extra_fte.set"))
    for part, v in (("low", "30"), ("likely", "50"), ("high", "80")):
        fill(page, ctl(f"dygnsvila.extra_fte.{part}"), v)
    expect(page.locator("[data-testid='stTable']").filter(
        has_text="Extra bemanningsbehov, årsarbetare")).to_contain_text("30–80")
    save(page, "Dygnsvila oktober", 1)
    shot(page, "dygnsvila_1280")
    fill(page, ctl("dygnsvila.extra_fte.likely"), "60")  # a second version
    save(page, "Dygnsvila oktober", 2)
    # 2. hyrpersonal to 2 % with replacement (the block's default), dygnsvila off
    toggle(page, ctl("dygnsvila.enabled"))
    toggle(page, ctl("hyrpersonal.enabled"))
    expect(page.locator("[data-testid='stTable']")).to_contain_text(
        "Egen personal att rekrytera")
    save(page, "Hyrpersonal 2 procent", 1)
    # 3. a 100 mkr plan at 60 %: a measure of the user's own, sized and rated in the page
    toggle(page, ctl("hyrpersonal.enabled"))
    toggle(page, ctl("omstallningsplan.enabled"))
    add_measure(page, "Plan 100 mkr", "100", "Personalkostnader", "60")
    expect(page.get_by_text(re.compile(r"Underskott mot plan: 40,0\smkr"))).to_be_visible()
    save(page, "Plan 100 mkr", 1)
    shot(page, "plan_100_mkr_1280")
    # 4. all three
    toggle(page, ctl("dygnsvila.enabled"))
    toggle(page, ctl("hyrpersonal.enabled"))
    save(page, "Alla tre", 1)
    shot(page, "alla_tre_1280")
    return metric(page, RESULT).inner_text()


def every_page_and_back(page, shown: str) -> None:
    from playwright.sync_api import expect

    for p in PAGES:
        page.get_by_role("link", name=p.title, exact=True).click()
        E.wait_for_app(page)
        idle(page)
        expect(page.locator("[data-testid='stException']")).to_have_count(0)
    page.get_by_role("link", name="Scenarier", exact=True).click()
    E.wait_for_app(page)
    idle(page)
    expect(metric(page, RESULT)).to_have_text(shown)
    expect(page.get_by_role("combobox", name="Förval")).to_have_value("Sparat: Alla tre v1")
    page.reload()  # a reload keeps it too (named in the address)
    E.wait_for_app(page)
    idle(page)
    expect(metric(page, RESULT)).to_have_text(shown)


COMPARED = ("Alla tre v1", "Dygnsvila oktober v1", "Dygnsvila oktober v2", "Plan 100 mkr v1")


def compare_and_download(page) -> dict[str, object]:
    """Jämför with two saved scenarios and two versions; the three files downloaded."""
    from playwright.sync_api import expect

    page.get_by_role("link", name="Jämför", exact=True).click()
    E.wait_for_app(page)
    idle(page)
    pills = page.locator(E.key_selector(K.CMP_SELECTION))
    for label in COMPARED[1:]:
        pills.get_by_role("button", name=label, exact=True).click()
        idle(page)
    grid = page.locator("[data-testid='stTable']").first
    for label in COMPARED:
        expect(grid).to_contain_text(label)
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
    shot(page, "jamfor_1280")
    target = E.ARTIFACTS / "downloads" / "scen26"
    target.mkdir(parents=True, exist_ok=True)
    files = {key: E.download(page, key, target)
             for key in (K.CMP_DOWNLOAD_XLSX, K.CMP_DOWNLOAD_DOCX, K.CMP_DOWNLOAD_PDF)}
    page.set_viewport_size({"width": 800, "height": 1000})
    page.goto(page.url)  # loaded at 800 px: the sidebar folds away as on a small screen
    E.wait_for_app(page)
    idle(page)
    pills = page.locator(E.key_selector(K.CMP_SELECTION))
    for label in COMPARED[1:]:  # a new session: the choice is made again
        pills.get_by_role("button", name=label, exact=True).click()
        idle(page)
    shot(page, "jamfor_800")
    return files


def engine_views(db_url: str) -> dict[str, object]:
    """The committee views of the compared versions on the forecast of record the app stored."""
    from forecast.cycle.record import resolve
    from forecast.ledger.dataset import load_default
    from forecast.store.statistical import StatisticalStore
    from scenarios.committee import views_of
    from scenarios.store import ScenarioStore
    from ui.scenarios_page import DEFAULT_DRAWS

    ds: Dataset = load_default()
    rec = resolve(ds, pd.Period("2023-04", "M"), dataset="Exempelregionen", laid=None,
                  store=StatisticalStore(db_url),
                  compute=lambda *a, **k: pytest.fail("the forecast was not stored"))
    store = ScenarioStore(db_url)
    labelled = [(label, store.load(label.rsplit(" v", 1)[0], int(label.rsplit(" v", 1)[1])))
                for label in COMPARED]
    return dict(views_of(rec.final, labelled, ds, n_draws=DEFAULT_DRAWS, base=rec.heading()))


def norm(text: str) -> str:
    """Text with every run of spaces (also non-breaking) one space, the typeset minus '-'."""
    return " ".join(text.replace("\u2212", "-").split())


def check_files(files: dict[str, object], views: dict[str, object], db_url: str,
                tmp: object) -> None:
    """The downloads' figures are the engine's, and the CLI exports the same comparison."""
    import docx
    import pypdf

    from cli.main import main

    wb = openpyxl.load_workbook(files[K.CMP_DOWNLOAD_XLSX])
    head = [c.value for c in wb["resultat"][3]]
    res = {str(r[0].value): [c.value for c in r] for r in wb["resultat"].iter_rows()}
    for label, v in views.items():
        row = res[label]
        assert row[head.index("Scenario", 1)] == pytest.approx(v.scenario_tkr, abs=0.5), label
        assert row[head.index("Sannolikhet budget i balans")] == pytest.approx(
            100 * v.prob_balance), label
    plan = views["Plan 100 mkr v1"]
    assert plan.plan_shortfall_tkr == pytest.approx(40_000.0, abs=1.0)
    assert res["Plan 100 mkr v1"][head.index("Omställningsplanens underskott mot plan")] \
        == pytest.approx(plan.plan_shortfall_tkr, abs=0.5)
    pdf = pypdf.PdfReader(files[K.CMP_DOWNLOAD_PDF])
    assert len(pdf.pages) == 1
    word = "\n".join(p.text for p in docx.Document(files[K.CMP_DOWNLOAD_DOCX]).paragraphs)
    for text in (norm(pdf.pages[0].extract_text()), norm(word)):
        for label, v in views.items():
            assert norm(f"{label}: sannolikheten för budget i balans {v.year} är "
                        f"{fmt_pct(100.0 * v.prob_balance, 0)}") in text, label
            assert norm(fmt_mkr(v.scenario_tkr, 1)) in text, label
    out = tmp / "cli.xlsx"
    refs = [f"{label.rsplit(' v', 1)[0]}@{label.rsplit(' v', 1)[1]}" for label in COMPARED]
    assert main(["scenario", "jamfor", *refs, "--db", db_url, "--enhet", "tkr",
                 "--out", str(out)]) == 0
    cli = {str(r[0].value): [c.value for c in r]
           for r in openpyxl.load_workbook(out)["resultat"].iter_rows()}
    for label in COMPARED:
        assert cli[label] == pytest.approx(res[label]), label


def test_four_scenarios_kept_compared_and_exported(page, server_url: str, db_url: str,
                                                   tmp_path) -> None:
    from playwright.sync_api import expect

    page.goto(f"{server_url}/scenarier")
    idle(page)  # the first open computes the month's forecast once (minutes on a busy machine)
    E.wait_for_app(page)
    expect(metric(page, HEADLINE)).to_be_visible(timeout=900_000)
    shown = build_four(page)
    every_page_and_back(page, shown)
    files = compare_and_download(page)
    views = engine_views(db_url)
    check_files(files, views, db_url, tmp_path)
    # the FTE of the agency cut: one figure on the page, the engine's
    alla = views["Alla tre v1"]
    (hyr,) = [f for f in alla.fte if f.what.startswith("Egen personal att rekrytera i")]
    page.set_viewport_size({"width": 800, "height": 1000})
    page.goto(page.url.replace("/jamfor", "/scenarier"))  # the address names the scenario
    E.wait_for_app(page)
    idle(page)
    expect(metric(page, RESULT)).to_have_text(shown)
    expect(page.locator("[data-testid='stTable']").filter(has_text="Egen personal att rekrytera")
           ).to_contain_text(fmt_number(hyr.likely, 0))
    shot(page, "alla_tre_800")
