"""Whether a page can show the month's forecast, and the one line that says what it rests on.

The follow-up (outcome, budget, previous year, development, agency share) needs no forecast;
a page draws it whatever happens here. The forecast part is drawn only when
:func:`forecast_or_none` returns the forecast of record; otherwise the page shows one Swedish
line saying what is missing (``forecast.engine.history``), never an error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from forecast.io.formatting import month_label
from forecast.ledger.month import month_from_text
from ui import recompute
from ui.data_access import Context

if TYPE_CHECKING:
    from forecast.engine.history import ForecastHistory
    from forecast.engine.result import RegionForecast
    from forecast.ledger.dataset import Dataset

FOLLOWUP_POINTER = ("Uppföljningen (utfall mot budget och föregående år) visas ändå på "
                    "Översikt och kan laddas ned under Export.")


@st.cache_data(show_spinner=False, max_entries=32)
def _history(_ds: Dataset, data_hash: str, as_of: str) -> ForecastHistory:
    from forecast.engine.history import forecast_history
    return forecast_history(_ds, month_from_text(as_of))


def history(ctx: Context) -> ForecastHistory:
    """``forecast.engine.history.forecast_history`` of the context (cheap, cached)."""
    return _history(ctx.ds, ctx.data_hash, str(ctx.as_of))


def history_line(ctx: Context) -> str:
    """The history's line (empty when the history is whole and at least a year)."""
    return str(history(ctx).line)


def forecast_or_none(ctx: Context, *, pointer: bool = False) -> RegionForecast | None:
    """The forecast of record, or None with one line on the page saying why not.

    When the forecast can be made on part of the history only, the line says so above it.
    A forecast that cannot be made (no outcome in the month, or the engine refuses the
    data) is one Swedish line; ``pointer`` adds where the follow-up is still shown.
    """
    line = history_line(ctx)
    if not history(ctx).possible:
        st.info(line + (f" {FOLLOWUP_POINTER}" if pointer else ""), icon=":material/info:")
        return None
    try:
        rf = recompute.baseline_keeping_old(ctx)
    except ValueError as exc:  # the engine's Swedish refusal (a size limit is one too)
        text = " ".join(str(exc).split())
        st.info(f"Ingen prognos per {month_label(ctx.as_of, long=True)}: {text}"
                + (f" {FOLLOWUP_POINTER}" if pointer else ""), icon=":material/info:")
        return None
    if line:
        st.info(line, icon=":material/info:")
    return rf
