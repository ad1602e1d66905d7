"""Browser test of issue 30 finding 4: user text on Översikt and Jämför is text, not Markdown.

A scenario saved with a hostile name and description (a Markdown image and link to a local
listener, and HTML) and a forecast laid under a hostile author (single-user mode lets the one
user sign with any display name) are shown on Översikt and Jämför in headless Chromium, on a
SQLite store and on PostgreSQL when one can be started. The listener must get no request, no
link to the foreign site may exist, and the names must read exactly as typed.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest

from cli import main as cli
from forecast.ledger.names import EXAMPLE_DATASET
from scenarios import assumptions as A
from scenarios.store import ScenarioStore
from tests.e2e_support import (
    e2e_marks,
    free_port,
    screenshot,
    streamlit_server,
    wait_for_app,
)
from ui.text import JOINER

pytestmark = e2e_marks()
TIMEOUT = 180_000


class _Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        type(self).hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def listener() -> Iterator[tuple[int, list[str]]]:
    port = free_port()
    _Counter.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield port, _Counter.hits
    server.shutdown()
    server.server_close()


def hostile(port: int, what: str) -> str:
    return (f"![x](http://127.0.0.1:{port}/{what}.png) [Logga in](http://e.se/{what}) "
            f"<img src=http://127.0.0.1:{port}/{what}-h.png>")


def _text(page) -> str:
    """The main area's visible text, without the invisible joiners that stop autolinks."""
    return page.locator("[data-testid='stMain']").inner_text().replace(JOINER, "")


def test_overview_and_compare_show_hostile_names_as_text(browser, listener, db_url, tmp_path,
                                                         monkeypatch, capsys) -> None:
    from playwright.sync_api import expect

    port, hits = listener
    author, name = hostile(port, "author"), hostile(port, "scenario")
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", db_url)
    monkeypatch.setenv("BUDGETPROGNOS_ROLES", str(tmp_path / "ingen.toml"))  # single-user
    rc = cli.main(["prognos", "--metod", "three_year_profile", "--paths", "100", "--as-of",
                   "2023-04", "--lagg", "--kommentar", "April", "--forfattare", author])
    out = capsys.readouterr().out
    assert rc == 0 and f"av {author}: årsprognos" in out, out  # the name as written
    ScenarioStore(db_url, dataset=EXAMPLE_DATASET).save(
        A.Scenario(name=name, description=hostile(port, "desc")))
    env = {"BUDGETPROGNOS_DB_URL": db_url, "BUDGETPROGNOS_ROLES": str(tmp_path / "ingen.toml"),
           "BUDGETPROGNOS_DATA_DIR": str(tmp_path / "data")}
    with streamlit_server(env=env) as url:
        ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="sv-SE")
        ctx.set_default_timeout(TIMEOUT)
        expect.set_options(timeout=TIMEOUT)
        page = ctx.new_page()
        try:
            page.goto(f"{url}/oversikt?manad=2023-04")
            wait_for_app(page)
            expect(page.get_by_text("Lagd prognos april 2023 version 1 av").first).to_be_visible()
            assert f"av {author}, lagd" in _text(page)  # read as typed, no backslashes
            _no_markup(page, port)
            screenshot(page, "access30_oversikt_hostile")
            page.goto(f"{url}/jamfor?manad=2023-04")
            wait_for_app(page)
            expect(page.get_by_text("Scenario, årsresultat")).to_be_visible()
            main = _text(page)
            assert f"Basprognos: Lagd prognos april 2023 version 1 av {author}" in main
            assert main.count(f"{name} v1") >= 3, main  # pill, table column, chart heading
            _no_markup(page, port)
            screenshot(page, "access30_jamfor_hostile")
        finally:
            ctx.close()
    assert hits == [], hits  # the browser fetched nothing named in user text


def _no_markup(page, port: int) -> None:
    """No image, link or element made from user text."""
    assert page.locator(f"img[src*='127.0.0.1:{port}']").count() == 0
    links = page.locator("a[href^='http://e.se']")
    assert links.count() == 0, [links.nth(i).evaluate("a => a.outerHTML")
                                for i in range(links.count())]
    assert "\\!" not in _text(page) and "\\[" not in _text(page)
