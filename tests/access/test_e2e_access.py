"""Browser test of issue 30's findings 1–3: an outsider, a viewer, a controller and a second
department in headless Chromium, against a server started as the README says (single-user
mode's identity is the operating-system user running it; roles from the roles file), on a
SQLite store and on PostgreSQL when one can be started.

anna (controller, department hsn) stores a dataset and lays its April forecast on the command
line. Then the server runs as each of:

- cecilia (controller of another department): anna's link answers "Datamängden finns inte"
  and the example is shown; nothing of anna's forecast appears (findings 1 and 2);
- eve (no role): told she has no role; no data, no page;
- bo (granskare in hsn): sees anna's dataset and her laid forecast, but no control to adjust
  or lay (finding 3);
- anna: the same pages offer «Lägg prognos».
"""

from __future__ import annotations

import re

import pytest

from cli import main as cli
from forecast.access import NOT_FOUND
from tests.e2e_support import (
    e2e_marks,
    screenshot,
    streamlit_server,
    wait_for_app,
)

pytestmark = e2e_marks()
TIMEOUT = 180_000
MONTH = "2023-04"


def _server_env(who: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    import os

    env = {k: os.environ[k] for k in ("BUDGETPROGNOS_DB_URL", "BUDGETPROGNOS_ROLES",
                                      "BUDGETPROGNOS_DATA_DIR")}
    return {**env, "USER": who, "LOGNAME": who, "LNAME": who, "USERNAME": who}


def _open(browser, url: str, path: str):  # noqa: ANN001, ANN202
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="sv-SE")
    ctx.set_default_timeout(TIMEOUT)
    expect.set_options(timeout=TIMEOUT)
    page = ctx.new_page()
    page.goto(f"{url}/{path}")
    wait_for_app(page)
    return ctx, page


def _main(page) -> str:  # noqa: ANN001
    return page.locator("[data-testid='stApp']").inner_text()


def test_outsider_viewer_controller_and_second_department(browser, anna_dataset, monkeypatch,
                                                          capsys) -> None:
    from playwright.sync_api import expect

    rc = cli.main(["prognos", "--dataset", anna_dataset, "--metod", "three_year_profile",
                   "--paths", "100", "--as-of", MONTH, "--lagg", "--kommentar", "April"])
    out = capsys.readouterr().out
    assert rc == 0 and "av anna" in out, out
    link = f"oversikt?data={anna_dataset}&manad={MONTH}"
    laid = "Lagd prognos april 2023 version 1 av anna"

    with streamlit_server(env=_server_env("cecilia", monkeypatch)) as url:
        # the Data page: the example's forecast is not computed for nothing
        ctx, page = _open(browser, url, f"data?data={anna_dataset}&manad={MONTH}")
        try:
            expect(page.get_by_text(NOT_FOUND).first).to_be_visible()
            expect(page.get_by_text("Data: inbäddad exempeldata").first).to_be_visible()
            assert "av anna" not in _main(page) and anna_dataset not in page.url
            screenshot(page, "access30_second_department")
        finally:
            ctx.close()

    with streamlit_server(env=_server_env("eve", monkeypatch)) as url:
        ctx, page = _open(browser, url, link)
        try:
            expect(page.get_by_text("har ingen roll").first).to_be_visible()
            text = _main(page)
            assert "Årsprognos" not in text and "Data:" not in text and "av anna" not in text
        finally:
            ctx.close()

    with streamlit_server(env=_server_env("bo", monkeypatch)) as url:
        ctx, page = _open(browser, url, link)
        try:
            expect(page.get_by_text(laid).first).to_be_visible()
            assert re.search(r"Enanvändarläge.*bo \(granskare\)", _main(page), re.S)
            page.goto(f"{url}/prognos?data={anna_dataset}&manad={MONTH}")
            wait_for_app(page)
            expect(page.get_by_text("Endast controllers kan ändra justeringar").first
                   ).to_be_visible()
            assert page.get_by_role("button", name="Lägg prognos").count() == 0
            screenshot(page, "access30_viewer_prognos")
        finally:
            ctx.close()

    with streamlit_server(env=_server_env("anna", monkeypatch)) as url:
        ctx, page = _open(browser, url, f"prognos?data={anna_dataset}&manad={MONTH}")
        try:
            expect(page.get_by_role("button", name="Lägg prognos")).to_be_visible()
            assert "Endast controllers" not in _main(page)
        finally:
            ctx.close()
