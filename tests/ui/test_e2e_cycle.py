"""End-to-end: the app opens on laid forecasts, and recomputing a month keeps the old figures.

Its own server and store (laid forecasts of 2023-03 and 2023-04), so it does not wait for the
baseline the other end-to-end tests warm up.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from forecast.cycle.laid import EXAMPLE_DATASET
from forecast.cycle.laid_store import LaidStore
from forecast.io.formatting import fmt_mkr
from tests.e2e_support import (
    APP_IDLE,
    e2e_marks,
    streamlit_server,
    wait_for_app,
)
from tests.laid_fixtures import lay_example_months

pytestmark = e2e_marks()
TIMEOUT = 120_000
DONE_TIMEOUT = 900_000
"""The standard forecast of a month not laid (about 20 s alone; minutes on a loaded machine)."""
METRIC = "Årsprognos, nettoresultat"


@pytest.fixture(scope="module")
def laid_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-cycle') / 'store.db'}"
    lay_example_months(url, ("2023-03", "2023-04"))
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
    laid = LaidStore(laid_store).load(EXAMPLE_DATASET, "2023-04").summary()
    metric = page.locator("[data-testid='stMetric']", has_text=METRIC).first
    expect(metric).to_contain_text(fmt_mkr(laid["final"]), timeout=TIMEOUT)
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=TIMEOUT)
    page.get_by_role("combobox", name="Prognosmånad (senaste utfall)").click()
    page.get_by_role("option", name="februari 2023").click()
    # while the statistical forecast of February is computed: the April figures, as old
    notice = page.get_by_text("Äldre siffror: årsprognos per april 2023 (lagd prognos 2023-04 "
                              "v1 av Anna)")
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
