"""The app's access to laid forecasts and the forecast of record (thin over forecast.cycle).

A laid forecast is decoded once per stored row id; the forecast of record is made once per
process (``st.cache_resource``). Who the user is and the shared store's faults:
:mod:`ui.user_access`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from forecast.cycle.laid import LaidError, LaidForecast
from forecast.cycle.laid_store import LockInfo
from forecast.cycle.record import ForecastOfRecord, Spec, laid_spec, of_laid
from forecast.ledger.month import month_from_text
from forecast.store.core import StoreError
from ui import data_access as DA
from ui import user_access as UA
from ui.data_access import Context

if TYPE_CHECKING:
    from forecast.engine.result import RegionForecast
    from forecast.ledger.dataset import Dataset


def dataset_name(ctx: Context) -> str:
    """The identity of the session's dataset (the example's, or the stored dataset's id)."""
    return ctx.dataset_id


@st.cache_resource(show_spinner=False, max_entries=32)
def _load(url: str, dataset: str, as_of: str, version: int, row_id: int,
          locked: bool) -> LaidForecast:
    """One stored version, decoded once.

    ``row_id`` and ``locked`` are part of the cache key: a version fastställd since it was
    read is read again.
    """
    return UA.laid_store(url).load(dataset, month_from_text(as_of), version)


def laid(ctx: Context, as_of: str | None = None) -> LaidForecast | None:
    """The current laid forecast of the context's month (or ``as_of``), None if none.

    Only versions laid on the session's data count (:meth:`LaidStore.current_version`).
    """
    st_ = UA.store()
    if st_ is None:
        return None
    month = as_of or str(ctx.as_of)
    try:
        cur = st_.current_version(dataset_name(ctx), month_from_text(month), ctx.data_hash)
        if cur is None:
            return None
        return _load(st_.url, dataset_name(ctx), month, cur[1], cur[0], cur[2])
    except (StoreError, LaidError) as exc:
        st.error(f"Den lagda prognosen kan inte läsas: {exc}")
        return None


def laid_current(ctx: Context) -> tuple[int, int, bool] | None:
    """(id, version, fastställd) of the month's version laid on the session's data, or None.

    The fastställd version, else the latest (``LaidStore.current_version``); a version laid on
    other data (another upload under the same name) is never the current one.
    """
    if "laid_current" in ctx.memo:
        return ctx.memo["laid_current"]
    st_ = UA.store()
    if st_ is None:
        return None
    try:
        cur = st_.current_version(dataset_name(ctx), ctx.as_of, ctx.data_hash)
    except StoreError as exc:
        st.error(f"Lagda prognoser kan inte läsas: {exc}")
        return None
    ctx.memo["laid_current"] = cur
    return cur


@st.cache_resource(show_spinner=False, max_entries=16)
def _laid_record(url: str, dataset: str, as_of: str, laid_id: int, version: int,
                 locked: bool, data_hash: str, _ds: Dataset, _lf: LaidForecast) -> ForecastOfRecord:
    return of_laid(_ds, _lf, DA.stat_store())


@st.cache_resource(show_spinner=False, max_entries=16)
def _stat_record(data_hash: str, as_of: str, stat_id: int | None, _rf: RegionForecast
                 ) -> ForecastOfRecord:
    return ForecastOfRecord.of_statistical(_rf, stat_id)


def record(ctx: Context) -> ForecastOfRecord:
    """The month's forecast of record (``forecast.cycle.record``), made once per process.

    The fastställd or latest laid version laid on these data (its stored statistical forecast
    plus its adjustments), else the stored statistical forecast. Looked up once per page run
    (``ctx.memo``).
    """
    if "record" not in ctx.memo:
        ctx.memo["record"] = _record(ctx)
    return ctx.memo["record"]


def _record(ctx: Context) -> ForecastOfRecord:
    cur = laid_current(ctx)
    if cur is not None:
        st_ = UA.store()
        assert st_ is not None  # laid_current found a version in it
        lf = _load(st_.url, dataset_name(ctx), str(ctx.as_of), cur[1], cur[0], cur[2])
        if lf.stat_forecast_id is None:  # laid before forecasts were stored: once, with a bar
            DA.statistical_entry(ctx, laid_spec(lf, Spec()))
        return _laid_record(st_.url, dataset_name(ctx), str(ctx.as_of), cur[0], cur[1],
                            cur[2], ctx.data_hash, ctx.ds, lf)
    rf, sid = DA.statistical_entry(ctx)
    return _stat_record(ctx.data_hash, str(ctx.as_of), sid, rf)


def lock_info(ctx: Context) -> LockInfo | None:
    """Who fastställde the context's month and when (None if nobody, or on a shown fault)."""
    st_ = UA.store()
    if st_ is None:
        return None
    try:
        return st_.lock_info(dataset_name(ctx), ctx.as_of)
    except StoreError as exc:
        st.error(f"Fastställelsen kan inte läsas: {exc}")
        return None


def laid_months(ctx: Context) -> list[pd.Period]:
    """Months with a laid forecast of the session's dataset (oldest first; [] on a fault)."""
    st_ = UA.store()
    if st_ is None:
        return []
    try:
        return st_.laid_months(dataset_name(ctx))
    except StoreError as exc:
        st.error(f"Lagda prognoser kan inte läsas: {exc}")
        return []


def baseline_ready(ctx: Context) -> bool:
    """True if the forecast of record opens without computing (laid, in memory or stored)."""
    return laid_current(ctx) is not None or DA.statistical_ready(ctx)


def baseline(ctx: Context) -> RegionForecast:
    """The forecast of record of the context: the RegionForecast every page shows.

    The fastställd or latest laid version (statistical plus its adjustments) when one was
    laid on these data, else the stored statistical forecast (computed once, with a progress
    bar, when no process has stored it yet).
    """
    return record(ctx).final
