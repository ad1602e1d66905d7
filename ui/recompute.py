"""Recomputing the forecast: the figures shown before stay on screen, marked as old.

They stay until the new month's forecast is done, with its progress bar by step beneath
them. The pages remember the region's year-end figures they show (:func:`remember`); a page that
needs a baseline not yet computed calls :func:`baseline_keeping_old` first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import streamlit as st

from forecast.engine import hierarchy as H
from forecast.io.formatting import fmt_mkr, month_label
from forecast.ledger.month import month_from_text
from ui import state_keys as K
from ui.cycle_access import baseline, baseline_ready
from ui.data_access import Context
from ui.text import md

if TYPE_CHECKING:
    from forecast.engine.result import RegionForecast
    from ui.cached import YearEnd


@dataclass(frozen=True)
class Shown:
    """Year-end figures shown on a page: their month, data, source and amounts (tkr)."""

    as_of: str
    data_hash: str
    source: str
    """e.g. "lagd prognos 2023-04 v1 av Anna" or "statistisk prognos"."""
    prognos: float
    budget: float
    deviation: float


def remember(ctx: Context, figures: YearEnd) -> None:
    """Keep the year-end figures now on screen (``ui.cached.year_end``)."""
    st.session_state[K.LAST_FIGURES] = Shown(
        as_of=str(ctx.as_of), data_hash=ctx.data_hash, source=figures.source,
        prognos=float(figures[H.FORECAST]), budget=float(figures[H.ANNUAL_BUDGET]),
        deviation=float(figures[H.DEV]))


def old_notice(shown: Shown, ctx: Context) -> str:
    """The line above the old figures: what they are and what is being computed."""
    return (f"Äldre siffror: årsprognos per {month_label(month_from_text(shown.as_of), long=True)} "
            f"({md(shown.source)}). Prognosen per {month_label(ctx.as_of, long=True)} räknas "
            "fram; siffrorna byts när den är klar.")


def show_old(shown: Shown, ctx: Context) -> None:
    """The remembered figures, clearly marked as old."""
    st.warning(old_notice(shown, ctx), icon=":material/history:")
    c1, c2, c3 = st.columns(3)
    year = shown.as_of[:4]
    c1.metric(f"Äldre: årsprognos {year}", fmt_mkr(shown.prognos), border=True)
    # NaN: the data held no budget for the year (absent, not zero)
    c2.metric(f"Äldre: budget {year}", _shown(shown.budget), border=True)
    c3.metric("Äldre: avvikelse mot budget", _shown(shown.deviation), border=True)


def _shown(tkr: float) -> str:
    return "saknas" if math.isnan(tkr) else fmt_mkr(tkr)


def baseline_keeping_old(ctx: Context) -> RegionForecast:
    """The context's baseline; while it is computed, the last figures stay on screen as old.

    Old figures of the same month and data are not shown (nothing to replace).
    """
    if baseline_ready(ctx):
        return baseline(ctx)
    shown = st.session_state.get(K.LAST_FIGURES)
    holder = st.empty()
    if isinstance(shown, Shown) and (shown.as_of, shown.data_hash) != \
            (str(ctx.as_of), ctx.data_hash):
        with holder.container():
            show_old(shown, ctx)
    try:
        return baseline(ctx)
    finally:
        holder.empty()
