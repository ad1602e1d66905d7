"""The page «Scenarier»."""

from __future__ import annotations

import streamlit as st

from ui.data_access import context
from ui.widgets import core_missing, help_box

HELP = """Vad händer med årsresultatet om antagandena ändras?"""


def render() -> None:
    """Draw the page."""
    ctx = context()
    st.title("Scenarier")
    st.caption("Vad händer med årsresultatet om antagandena ändras?")
    help_box(HELP)
    core_missing("Sidan")
    del ctx
