"""AppTest (headless, in-process) tests of every page of the Streamlit app."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from forecast.dataset import DATA_DIR
from ui import state_keys as K
from ui.shell import PAGES

REPO = Path(__file__).resolve().parent.parent
TIMEOUT = 120

pytestmark = pytest.mark.skipif(not (DATA_DIR / "ledger.csv").exists(),
                                reason="den inbäddade exempeldatan (data/) saknas")


def _page_app(key: str) -> None:
    from ui.shell import run_single

    run_single(key)


def run_page(key: str) -> AppTest:
    """Render one page (with the sidebar) and return the finished AppTest."""
    at = AppTest.from_function(_page_app, args=(key,), default_timeout=TIMEOUT)
    return at.run()


def _texts(at: AppTest) -> str:
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning",
                 "error", "success"):
        parts.extend(str(e.value) for e in getattr(at, kind))
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    return "\n".join(parts)


def test_app_file_runs_default_page() -> None:
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Översikt"
    assert at.sidebar.selectbox(key=K.AS_OF).value == "2023-04"


@pytest.mark.parametrize("key", [p.key for p in PAGES])
def test_every_page_renders(key: str) -> None:
    at = run_page(key)
    assert not at.exception, at.exception
    title = next(p.title for p in PAGES if p.key == key)
    assert at.title[0].value.startswith(title.split()[0])
    assert any(e.label == "Hjälp" for e in at.expander), "every page has a help text"
