"""The app's frame: the page registry, the sidebar and the navigation.

``app.py`` calls :func:`main`; tests call :func:`run_single` to render one page with the same
sidebar (AppTest cannot switch between function pages).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ui import (
    change_page,
    compare_page,
    data_page,
    export_page,
    forecast_page,
    overview,
    scenarios_page,
)
from ui import cycle_access as CA
from ui import state_keys as K
from ui.data_access import context, current_dataset, outcome_months
from ui.widgets import month_text


@dataclass(frozen=True)
class PageSpec:
    """One page: its URL path, Swedish title, icon and render function."""

    key: str
    title: str
    icon: str
    render: Callable[[], None]


PAGES: tuple[PageSpec, ...] = (
    PageSpec("oversikt", "Översikt", ":material/dashboard:", overview.render),
    PageSpec("prognos", "Prognos", ":material/trending_up:", forecast_page.render),
    PageSpec("forandring", "Prognosförändring", ":material/difference:", change_page.render),
    PageSpec("scenarier", "Scenarier", ":material/tune:", scenarios_page.render),
    PageSpec("jamfor", "Jämför", ":material/compare_arrows:", compare_page.render),
    PageSpec("data", "Data", ":material/upload_file:", data_page.render),
    PageSpec("export", "Export", ":material/download:", export_page.render),
)


def page_spec(key: str) -> PageSpec:
    """The page registered under ``key`` (KeyError if none)."""
    for p in PAGES:
        if p.key == key:
            return p
    raise KeyError(key)


def sidebar() -> None:
    """The as-of month selector and the data source line, shown on every page."""
    ds = current_dataset()
    months = outcome_months(ds)
    if st.session_state.get(K.AS_OF) not in months:
        laid = [str(m) for m in CA.laid_months(context()) if str(m) in months]
        st.session_state[K.AS_OF] = laid[-1] if laid else months[-1]
    with st.sidebar:
        st.selectbox(
            "Prognosmånad (senaste utfall)", months, key=K.AS_OF,
            format_func=lambda m: month_text(m, long=True),
            help="Månaden vars bokslut prognosen bygger på. Förval: senaste månaden med utfall.",
        )
        st.caption(f"Data: {ds.source}")
    CA.ask_name()


def _configure() -> None:
    st.set_page_config(page_title="Budgetprognos – hälso- och sjukvård",
                       page_icon=":material/monitoring:", layout="wide")


def main() -> None:
    """Build the navigation from :data:`PAGES`, draw the sidebar and run the chosen page."""
    _configure()
    nav = st.navigation([
        st.Page(p.render, title=p.title, icon=p.icon, url_path=p.key, default=i == 0)
        for i, p in enumerate(PAGES)
    ])
    sidebar()
    guarded(nav.run)


def guarded(render: Callable[[], object]) -> None:
    """Run a page so that no traceback reaches the user.

    An unexpected error becomes one Swedish line on the page; the environment variable
    ``BUDGETPROGNOS_RAISE`` (set by the test suite) lets it propagate instead. Streamlit's own
    rerun/stop signals are ``BaseException`` and pass through.
    """
    try:
        render()
    except Exception as exc:  # noqa: BLE001 - the last guard before the user's screen
        if os.environ.get("BUDGETPROGNOS_RAISE"):
            raise
        text = " ".join(str(exc).split())[:200]
        st.error(f"Ett oväntat fel inträffade ({type(exc).__name__}: {text}). Kontrollera "
                 "indata, eller rapportera felet med vad du gjorde och filen du använde.")


def run_single(key: str) -> None:
    """Render one page with the sidebar, without navigation (for AppTest)."""
    _configure()
    sidebar()
    guarded(page_spec(key).render)
