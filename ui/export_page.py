"""The page «Export»."""

from __future__ import annotations

import streamlit as st

from ui.data_access import context
from ui.widgets import core_missing, help_box

HELP = """Ladda ned tabellerna som Excel eller CSV."""


def render() -> None:
    """Draw the page."""
    ctx = context()
    st.title("Export")
    st.caption("Ladda ned tabellerna som Excel eller CSV.")
    help_box(HELP)
    core_missing("Sidan")
    del ctx
