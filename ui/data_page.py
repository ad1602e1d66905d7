"""The page «Data»."""

from __future__ import annotations

import streamlit as st

from ui.data_access import context
from ui.widgets import core_missing, help_box

HELP = """Läs in egen huvudboksdata (CSV eller Excel) och se valideringen."""


def render() -> None:
    """Draw the page."""
    ctx = context()
    st.title("Data")
    st.caption("Läs in egen huvudboksdata (CSV eller Excel) och se valideringen.")
    help_box(HELP)
    core_missing("Sidan")
    del ctx
