"""The app's access to laid forecasts and to who the user is (thin over forecast.cycle).

- The laid-forecast store is shared (``st.cache_resource``; no pooled connections); a laid
  forecast is decoded once per stored row id. A database fault becomes one Swedish line on
  the page (``st.error``), never a traceback.
- Identity: Streamlit's ``st.login`` (OIDC) when ``[auth]`` is configured in secrets, else a
  name asked once in the sidebar and kept in the session. Roles come from the roles file
  (:mod:`forecast.cycle.roles`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar

import pandas as pd
import streamlit as st

from forecast.cycle.laid import EXAMPLE_DATASET, USER_DATASET, LaidError, LaidForecast
from forecast.cycle.laid_store import LaidStore, LockInfo
from forecast.cycle.record import ForecastOfRecord, Spec, laid_spec, of_laid
from forecast.cycle.roles import RolesError, load_roles
from forecast.store.core import StoreError, default_url
from ui import data_access as DA
from ui import state_keys as K
from ui.data_access import Context

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def store_faults(what: str) -> Iterator[None]:
    """Show a database fault as one Swedish line on the page instead of a traceback."""
    try:
        yield
    except StoreError as exc:
        st.error(f"{what}: {exc}")


def guard_store(what: str) -> Callable[[F], F]:
    """Decorator: :func:`store_faults` around a page function or a widget callback."""
    def deco(fn: F) -> F:
        @wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with store_faults(what):
                return fn(*args, **kwargs)
            return None
        return inner  # type: ignore[return-value]
    return deco


@st.cache_resource(show_spinner=False)
def _store(url: str) -> LaidStore:
    return LaidStore(url)


def store() -> LaidStore | None:
    """The laid-forecast store, or None after showing the fault on the page."""
    try:
        return _store(default_url())
    except StoreError as exc:
        st.error(f"Lagda prognoser kan inte läsas: {exc}")
        return None


def dataset_name(ctx: Context) -> str:
    """The dataset name of the session's data (the example or the user's own ledger)."""
    return USER_DATASET if K.DATASET in st.session_state and \
        st.session_state[K.DATASET] is not None else EXAMPLE_DATASET


@st.cache_resource(show_spinner=False, max_entries=32)
def _load(url: str, dataset: str, as_of: str, version: int, row_id: int,
          locked: bool) -> LaidForecast:
    """One stored version, decoded once.

    ``row_id`` and ``locked`` are part of the cache key: a version fastställd since it was
    read is read again.
    """
    return _store(url).load(dataset, as_of, version)


def laid(ctx: Context, as_of: str | None = None) -> LaidForecast | None:
    """The current laid forecast of the context's month (or ``as_of``), None if none.

    Only versions laid on the session's data count (:meth:`LaidStore.current_version`).
    """
    st_ = store()
    if st_ is None:
        return None
    month = as_of or str(ctx.as_of)
    try:
        cur = st_.current_version(dataset_name(ctx), month, ctx.data_hash)
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
    st_ = store()
    if st_ is None:
        return None
    try:
        return st_.current_version(dataset_name(ctx), str(ctx.as_of), ctx.data_hash)
    except StoreError as exc:
        st.error(f"Lagda prognoser kan inte läsas: {exc}")
        return None


@st.cache_resource(show_spinner=False, max_entries=16)
def _laid_record(url: str, dataset: str, as_of: str, laid_id: int, version: int,
                 locked: bool, data_hash: str, _ds: Any) -> ForecastOfRecord:
    lf = _store(url).load(dataset, as_of, version)
    return of_laid(_ds, lf, DA.stat_store())


@st.cache_resource(show_spinner=False, max_entries=16)
def _stat_record(data_hash: str, as_of: str, stat_id: int | None, _rf: Any) -> ForecastOfRecord:
    return ForecastOfRecord.of_statistical(_rf, stat_id)


def record(ctx: Context) -> ForecastOfRecord:
    """The month's forecast of record (``forecast.cycle.record``), made once per process.

    The fastställd or latest laid version laid on these data (its stored statistical forecast
    plus its adjustments), else the stored statistical forecast.
    """
    cur = laid_current(ctx)
    if cur is not None:
        st_ = store()
        assert st_ is not None  # laid_current found a version in it
        lf = _load(st_.url, dataset_name(ctx), str(ctx.as_of), cur[1], cur[0], cur[2])
        if lf.stat_forecast_id is None:  # laid before forecasts were stored: once, with a bar
            DA.statistical_entry(ctx, laid_spec(lf, Spec()))
        return _laid_record(st_.url, dataset_name(ctx), str(ctx.as_of), cur[0], cur[1],
                            cur[2], ctx.data_hash, ctx.ds)
    rf, sid = DA.statistical_entry(ctx)
    return _stat_record(ctx.data_hash, str(ctx.as_of), sid, rf)


def lock_info(ctx: Context) -> LockInfo | None:
    """Who fastställde the context's month and when (None if nobody, or on a shown fault)."""
    st_ = store()
    if st_ is None:
        return None
    try:
        return st_.lock_info(dataset_name(ctx), str(ctx.as_of))
    except StoreError as exc:
        st.error(f"Fastställelsen kan inte läsas: {exc}")
        return None


def laid_months(ctx: Context) -> list[pd.Period]:
    """Months with a laid forecast of the session's dataset (oldest first; [] on a fault)."""
    st_ = store()
    if st_ is None:
        return []
    try:
        return st_.laid_months(dataset_name(ctx))
    except StoreError as exc:
        st.error(f"Lagda prognoser kan inte läsas: {exc}")
        return []


# --------------------------------------------------------------------------- identity


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def current_user() -> str | None:
    """The signed-in user's name (OIDC), or the name given in the sidebar; None if neither."""
    if _auth_configured():
        user: Any = st.user
        if not user.is_logged_in:
            st.sidebar.button("Logga in", on_click=st.login)
            return None
        return str(user.get("email") or user.get("name") or "")
    return st.session_state.get(K.USER_NAME) or None


def ask_name() -> None:
    """Ask for the user's name once (no [auth]); shown in the sidebar."""
    if _auth_configured() or st.session_state.get(K.USER_NAME):
        if st.session_state.get(K.USER_NAME):
            st.sidebar.caption(f"Inloggad som {st.session_state[K.USER_NAME]}")
        return

    def _keep() -> None:
        st.session_state[K.USER_NAME] = st.session_state.get(K.USER_NAME_INPUT, "").strip()

    st.sidebar.text_input("Ditt namn (för lagda prognoser och justeringar)",
                          key=K.USER_NAME_INPUT, on_change=_keep)


def is_controller(user: str | None) -> bool:
    """True if ``user`` may lay and lock forecasts and edit adjustments."""
    if not user:
        return False
    try:
        return load_roles().is_controller(user)
    except RolesError as exc:
        st.error(str(exc))
        return False
