"""The page «Översikt»."""

from __future__ import annotations

import streamlit as st

from ui.data_access import context
from ui.widgets import core_missing, help_box

HELP = """Årsprognos mot budget, nettokostnadsutveckling, hyrandel, omställningsplan och
utfall per månad."""


def render() -> None:
    """Draw the page."""
    ctx = context()
    st.title("Översikt")
    st.caption("Årsprognos mot budget och uppföljning per månad.")
    help_box(HELP)
    core_missing("Sidan")
    del ctx
