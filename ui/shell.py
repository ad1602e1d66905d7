"""The app's frame: the page registry, the sidebar and the navigation.

``app.py`` calls :func:`main`; tests call :func:`run_single` to render one page with the same
sidebar (AppTest cannot switch between function pages).

A page's module is imported when the page is first shown (:class:`PageSpec.render`), so the
app's first run imports only the page it opens (the other pages pull in Altair, openpyxl,
the scenario engine …).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ui import cycle_access as CA
from ui import document
from ui import state_keys as K
from ui import user_access as UA
from ui.data_access import context, current_dataset, outcome_months
from ui.text import md
from ui.widgets import month_text


@dataclass(frozen=True)
class PageSpec:
    """One page: its URL path, Swedish title, icon and the module whose ``render`` draws it."""

    key: str
    title: str
    icon: str
    module: str

    def render(self) -> None:
        """Import the page's module (once per process) and draw the page."""
        importlib.import_module(self.module).render()

    def page(self, *, default: bool) -> st.Page:
        """The ``st.Page`` of this spec (a named function, so Streamlit can tell pages apart)."""
        def draw() -> None:
            self.render()

        draw.__name__ = draw.__qualname__ = f"page_{self.key}"
        return st.Page(draw, title=self.title, icon=self.icon, url_path=self.key,
                       default=default)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("oversikt", "Översikt", ":material/dashboard:", "ui.overview"),
    PageSpec("prognos", "Prognos", ":material/trending_up:", "ui.forecast_page"),
    PageSpec("forandring", "Prognosförändring", ":material/difference:", "ui.change_page"),
    PageSpec("scenarier", "Scenarier", ":material/tune:", "ui.scenarios_page"),
    PageSpec("jamfor", "Jämför", ":material/compare_arrows:", "ui.compare_page"),
    PageSpec("data", "Data", ":material/upload_file:", "ui.data_page"),
    PageSpec("export", "Export", ":material/download:", "ui.export_page"),
)


def page_spec(key: str) -> PageSpec:
    """The page registered under ``key`` (KeyError if none)."""
    for p in PAGES:
        if p.key == key:
            return p
    raise KeyError(key)


def sidebar() -> None:
    """The as-of month selector and the data source line, shown on every page.

    The month is kept in the URL (``?manad=YYYY-MM``, beside the dataset's ``data``), so a
    reload or a shared link opens the same month.
    """
    ds = current_dataset()
    months = outcome_months(ds)
    if st.session_state.get(K.AS_OF) not in months:
        st.session_state[K.AS_OF] = _opening_month(months, fresh=K.AS_OF not in st.session_state)
    with st.sidebar:
        st.selectbox(
            "Prognosmånad (senaste utfall)", months[::-1], key=K.AS_OF,
            format_func=lambda m: month_text(m, long=True),
            help="Månaden vars bokslut prognosen bygger på. Förval: senaste månaden med utfall "
                 "(listan börjar med den senaste).",
        )
        _month_note()
        st.caption(f"Data: {md(ds.source)}")
    if st.query_params.get(K.MONTH_PARAM) != st.session_state[K.AS_OF]:
        st.query_params[K.MONTH_PARAM] = st.session_state[K.AS_OF]
    if K.SC_DRAFT in st.session_state:  # navigation clears the address: name the scenario again
        from ui.scenario_state import keep_in_url

        keep_in_url()
    UA.show_identity()


def _opening_month(months: list[str], *, fresh: bool) -> str:
    """The month a session opens on.

    A new session takes the URL's month if it has outcome; else the latest laid month, else
    the last outcome month. An unusable URL month is noted (:func:`_month_note`).
    """
    asked = st.query_params.get(K.MONTH_PARAM) if fresh else None
    if asked in months:
        return str(asked)
    laid = [str(m) for m in CA.laid_months(context()) if str(m) in months]
    month = laid[-1] if laid else months[-1]
    if asked:
        st.session_state[K.MONTH_NOTE] = (
            month, f"Månaden «{asked[:20]}» i adressen finns inte bland månaderna med utfall "
                   f"och används inte; visar {month_text(month, long=True)}.")
    return month


def _month_note() -> None:
    """The note on an unusable URL month, while the month shown instead is on screen."""
    note = st.session_state.get(K.MONTH_NOTE)
    if note and note[0] == st.session_state.get(K.AS_OF):
        st.warning(note[1], icon=":material/link_off:")
    elif note:
        del st.session_state[K.MONTH_NOTE]


def _configure() -> None:
    st.set_page_config(page_title="Budgetprognos – hälso- och sjukvård",
                       page_icon=":material/monitoring:", layout="wide",
                       initial_sidebar_state="auto")
    document.apply()


def main() -> None:
    """Build the navigation from :data:`PAGES`, draw the sidebar and run the chosen page."""
    _configure()
    if UA.gate() is None:  # not signed in, no role, or single-user mode off localhost
        return
    nav = st.navigation([p.page(default=i == 0) for i, p in enumerate(PAGES)])
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
    except Exception as exc:  # the last guard before the user's screen
        if os.environ.get("BUDGETPROGNOS_RAISE"):
            raise
        text = " ".join(str(exc).split())[:200]
        st.error(f"Ett oväntat fel inträffade ({type(exc).__name__}: {text}). Kontrollera "
                 "indata, eller rapportera felet med vad du gjorde och filen du använde.")


def run_single(key: str) -> None:
    """Render one page with the sidebar, without navigation (for AppTest), behind the gate."""
    _configure()
    if UA.gate() is None:
        return
    sidebar()
    guarded(page_spec(key).render)
