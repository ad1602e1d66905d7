"""The page «Jämför scenarier»."""

from __future__ import annotations

import streamlit as st

from ui.data_access import context
from ui.widgets import core_missing, help_box

HELP = """Sparade scenarier sida vid sida."""


def render() -> None:
    """Draw the page."""
    ctx = context()
    st.title("Jämför scenarier")
    st.caption("Sparade scenarier sida vid sida.")
    help_box(HELP)
    core_missing("Sidan")
    del ctx
