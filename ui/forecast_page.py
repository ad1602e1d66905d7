"""The page «Prognos»."""

from __future__ import annotations

import streamlit as st

from ui.data_access import context
from ui.widgets import core_missing, help_box

HELP = """Prognosen per division, enhet och kostnadsslag med osäkerhetsintervall."""


def render() -> None:
    """Draw the page."""
    ctx = context()
    st.title("Prognos")
    st.caption("Prognosen per division, enhet och kostnadsslag med osäkerhetsintervall.")
    help_box(HELP)
    core_missing("Sidan")
    del ctx
