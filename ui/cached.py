"""Cached calls of the core for the pages, keyed by data hash and as-of month.

Frames are cached with ``st.cache_data`` (each caller gets a copy). The Dataset argument is
not hashed (leading underscore); its content hash is the key.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from ui.data_access import Context, baseline, core


@st.cache_data(show_spinner=False, max_entries=32)
def _followup(name: str, _ds: Any, data_hash: str, as_of: str) -> pd.DataFrame:
    fu = core("forecast.followup")
    return getattr(fu, name)(_ds, pd.Period(as_of, freq="M"))


def summary(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.summary`` for the context."""
    return _followup("summary", ctx.ds, ctx.data_hash, str(ctx.as_of))


def cost_development(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.cost_development`` for the context."""
    return _followup("cost_development", ctx.ds, ctx.data_hash, str(ctx.as_of))


def agency_share(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.agency_share`` for the context."""
    return _followup("agency_share", ctx.ds, ctx.data_hash, str(ctx.as_of))


def transition_plan(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.transition_plan`` for the context."""
    return _followup("transition_plan", ctx.ds, ctx.data_hash, str(ctx.as_of))


def monthly(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.monthly`` for the context."""
    return _followup("monthly", ctx.ds, ctx.data_hash, str(ctx.as_of))


def by_division(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.by_division`` for the context."""
    return _followup("by_division", ctx.ds, ctx.data_hash, str(ctx.as_of))


def by_category(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.by_category`` for the context."""
    return _followup("by_category", ctx.ds, ctx.data_hash, str(ctx.as_of))


def year_end(ctx: Context) -> dict[str, float]:
    """The region's year-end forecast against budget (tkr).

    Keys: budget, forecast_p10/p50/p90, deviation_p10/p50/p90.
    """
    hierarchy = core("forecast.hierarchy")
    rf = baseline(ctx)
    return hierarchy.year_end_summary(rf)  # type: ignore[no-any-return]
