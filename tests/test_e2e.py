"""End-to-end tests: the real app (``streamlit run app.py``) in Debian's headless Chromium.

Run by the normal test command. Each xdist worker starts its own server on a free port.
Screenshots of every page are saved under ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from e2e_support import (
    chromium_missing_reason,
    launch_chromium,
    screenshot,
    streamlit_server,
    wait_for_app,
)

from forecast.dataset import DATA_DIR
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
