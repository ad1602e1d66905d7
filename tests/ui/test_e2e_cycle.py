"""End-to-end: the app opens on laid forecasts, and recomputing a month keeps the old figures.

Its own server and store (laid forecasts of 2023-03 and 2023-04), so it does not wait for the
baseline the other end-to-end tests warm up.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docx
import openpyxl
import pandas as pd
import pytest

from forecast.cycle.adjustments import Adjustment
from forecast.cycle.laid import EXAMPLE_DATASET
from forecast.cycle.laid_store import LaidStore
from forecast.engine import hierarchy as H
from forecast.io.formatting import fmt_mkr
from tests.e2e_support import (
    APP_IDLE,
    download,
    e2e_marks,
    streamlit_server,
    wait_for_app,
)
from tests.laid_fixtures import example_record, lay_example_months

pytestmark = e2e_marks()
TIMEOUT = 120_000
DONE_TIMEOUT = 900_000
"""The standard forecast of a month not laid (about 20 s alone; minutes on a loaded machine)."""
METRIC = "Årsprognos, nettoresultat"


ADJ = Adjustment(comment="dygnsvila från hösten", amount_tkr=-5000.0, division="Medicin",
                 category="Personalkostnader", start="2023-05", end="2023-12",
                 rule="prognos", author="Anna")


@pytest.fixture(scope="module")
def laid_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """March laid as computed; April laid with −5 mkr for dygnsvila in Medicin."""
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-cycle') / 'store.db'}"
    lay_example_months(url, ("2023-03", "2023-04"), {"2023-04": [ADJ]})
    return url


@pytest.fixture(scope="module")
def page(laid_store: str, browser) -> Iterator[object]:
    # The session's one browser (tests/ui/conftest.py): a second sync_playwright in the same
    # xdist worker is refused by Playwright ("Sync API inside the asyncio loop").
    with streamlit_server(env={"BUDGETPROGNOS_DB_URL": laid_store}) as url:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        p = ctx.new_page()
        p.set_default_timeout(TIMEOUT)
        p.goto(url)
        yield p
        ctx.close()


def test_recomputing_a_month_not_laid_keeps_the_laid_figures_marked_as_old(page, laid_store):
    from playwright.sync_api import expect

    wait_for_app(page)
    laid = LaidStore(laid_store).load(EXAMPLE_DATASET, pd.Period("2023-04", "M")).summary()
    metric = page.locator("[data-testid='stMetric']", has_text=METRIC).first
    expect(metric).to_contain_text(fmt_mkr(laid["final"]), timeout=TIMEOUT)
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=TIMEOUT)
    page.get_by_role("combobox", name="Prognosmånad (senaste utfall)").click()
    page.get_by_role("option", name="februari 2023").click()
    # while the statistical forecast of February is computed: the April figures, as old
    notice = page.get_by_text("Äldre siffror: årsprognos per april 2023 (Lagd prognos april 2023 "
                              "version 1 av Anna")
    expect(notice).to_be_visible(timeout=TIMEOUT)
    old = page.locator("[data-testid='stMetric']", has_text="Äldre: årsprognos 2023")
    expect(old).to_contain_text(fmt_mkr(laid["final"]))
    bar = page.locator("[data-testid='stProgress']")
    expect(bar).to_contain_text("Räknar om prognosen per 2023-02", timeout=TIMEOUT)
    expect(bar).to_contain_text(" serier")
    # once February is computed: its own figures, the old ones and the bar gone (waiting for
    # it also lets the server finish its worker processes before it is stopped)
    expect(page.get_by_text("Underlag: utfall till och med februari 2023")).to_be_visible(
        timeout=DONE_TIMEOUT)
    expect(notice).to_have_count(0)
    expect(old).to_have_count(0)
    expect(bar).to_have_count(0)  # nor replayed by a cached call after the computation


def _region_net(path: Path) -> float:
    """The xlsx's «Region totalt» row «Nettokostnad 2023», column «Årsprognos» (as written)."""
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(path)["Region totalt"]
            .iter_rows()]
    header = next(r for r in rows if "Årsprognos" in r)
    line = next(r for r in rows if r and r[0] == "Nettokostnad 2023")
    return float(line[header.index("Årsprognos")])


def _overview_metric(page, url: str) -> str:
    from playwright.sync_api import expect

    page.goto(url)
    wait_for_app(page)
    metric = page.locator("[data-testid='stMetric']", has_text=METRIC).first
    expect(metric).to_be_visible(timeout=TIMEOUT)
    return metric.inner_text()


def test_a_laid_month_with_an_adjustment_is_one_number_everywhere_and_after_a_restart(
        browser, laid_store, tmp_path):
    """Översikt, Prognos, the Årsprognos xlsx and the Word report of April (laid with an
    adjustment) show the forecast of record's figure; a restarted server shows it again."""
    from playwright.sync_api import expect

    rec = example_record(laid_store, "2023-04")
    assert rec.laid is not None and rec.laid.adjustments and rec.laid.version == 1
    total = float(H.year_totals(rec.final, ())[H.FORECAST].iloc[0])
    assert total == pytest.approx(rec.laid.summary()["final"], abs=0.5)
    env = {"BUDGETPROGNOS_DB_URL": laid_store}
    with streamlit_server(env=env) as url:
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000},
                                  accept_downloads=True)
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        assert fmt_mkr(total) in _overview_metric(page, url)
        expect(page.get_by_text("Lagd prognos april 2023 version 1 av Anna").first).to_be_visible()
        page.goto(f"{url}/prognos")
        wait_for_app(page)
        laid_metric = page.locator("[data-testid='stMetric']", has_text="(lagd)").first
        expect(laid_metric).to_contain_text(fmt_mkr(total, 1))
        page.goto(f"{url}/export")
        wait_for_app(page)
        xlsx = download(page, "w_dl_prognos_xlsx", tmp_path)
        assert _region_net(xlsx) * 1000 == pytest.approx(total, abs=0.5)  # mkr, unrounded
        assert {"Statistisk och justerad", "Justeringar"} <= set(
            openpyxl.load_workbook(xlsx).sheetnames)
        word = docx.Document(str(download(page, "w_dl_rapport_docx", tmp_path)))
        text = " ".join(p.text for p in word.paragraphs)
        assert "Prognosen som visas: Lagd prognos april 2023 version 1 av Anna" in text
        ctx.close()
    with streamlit_server(env=env) as url:  # a restart: a new process reads the store
        ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        page.set_default_timeout(TIMEOUT)
        assert fmt_mkr(total) in _overview_metric(page, url)
        ctx.close()
