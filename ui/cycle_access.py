"""The app's access to laid forecasts and to who the user is (thin over forecast.cycle).

- The laid-forecast store is shared (``st.cache_resource``; no pooled connections); a laid
  forecast is decoded once per stored row id. A database fault becomes one Swedish line on
  the page (``st.error``), never a traceback.
- Identity: Streamlit's ``st.login`` (OIDC) when ``[auth]`` is configured in secrets. Without
  it the app is in single-user mode: it serves only a server bound to localhost
  (``server.address``), and the user is the operating-system user running it. Never a typed
  name. What the user may do is :mod:`forecast.access` (roles from the roles file).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec

import pandas as pd
import streamlit as st

from forecast.access import SINGLE_USER, AccessDenied, Action, Identity, Policy, os_identity
from forecast.access import policy as make_policy
from forecast.cycle.laid import LaidError, LaidForecast
from forecast.cycle.laid_store import LaidStore, LockInfo
from forecast.cycle.record import ForecastOfRecord, Spec, laid_spec, of_laid
from forecast.cycle.roles import RolesError
from forecast.ledger.month import month_from_text
from forecast.store.core import StoreError, default_url
from ui import data_access as DA
from ui import state_keys as K
from ui.data_access import Context
from ui.text import md

if TYPE_CHECKING:
    from forecast.engine.result import RegionForecast
    from forecast.ledger.dataset import Dataset

P = ParamSpec("P")


@contextmanager
def store_faults(what: str) -> Iterator[None]:
    """Show a database fault as one Swedish line on the page instead of a traceback."""
    try:
        yield
    except StoreError as exc:
        st.error(f"{what}: {exc}")


def guard_store(what: str) -> Callable[[Callable[P, None]], Callable[P, None]]:
    """Decorator: :func:`store_faults` around a page function or a widget callback."""
    def deco(fn: Callable[P, None]) -> Callable[P, None]:
        @wraps(fn)
        def inner(*args: P.args, **kwargs: P.kwargs) -> None:
            with store_faults(what):
                fn(*args, **kwargs)
        return inner
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
    """The identity of the session's dataset (the example's, or the stored dataset's id)."""
    return ctx.dataset_id


@st.cache_resource(show_spinner=False, max_entries=32)
def _load(url: str, dataset: str, as_of: str, version: int, row_id: int,
          locked: bool) -> LaidForecast:
    """One stored version, decoded once.

    ``row_id`` and ``locked`` are part of the cache key: a version fastställd since it was
    read is read again.
    """
    return _store(url).load(dataset, month_from_text(as_of), version)


def laid(ctx: Context, as_of: str | None = None) -> LaidForecast | None:
    """The current laid forecast of the context's month (or ``as_of``), None if none.

    Only versions laid on the session's data count (:meth:`LaidStore.current_version`).
    """
    st_ = store()
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
    st_ = store()
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
        st_ = store()
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
    st_ = store()
    if st_ is None:
        return None
    try:
        return st_.lock_info(dataset_name(ctx), ctx.as_of)
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

LOCAL_ADDRESSES = frozenset({"localhost", "127.0.0.1", "::1"})


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def bound_to_localhost() -> bool:
    """True if the server listens on the loopback address only (``server.address``)."""
    return str(st.get_option("server.address") or "") in LOCAL_ADDRESSES


def identity() -> Identity | None:
    """The signed-in user (OIDC), or the OS user in single-user mode; None if not signed in.

    Single-user mode (no ``[auth]``) on a server not bound to localhost serves nobody.
    """
    if _auth_configured():
        user = st.user
        if not user.is_logged_in:
            return None
        who = str(user.get("email") or user.get("sub") or "")
        return Identity(who, "inloggning") if who else None
    if not bound_to_localhost():
        return None
    return os_identity()


def policy() -> Policy | None:
    """The policy of the session's identity (None: not signed in, or a fault shown)."""
    who = identity()
    if who is None:
        return None
    try:
        pol = make_policy(who)
    except (RolesError, AccessDenied) as exc:
        st.error(str(exc))
        return None
    _audit_roles(pol)
    return pol


def _audit_roles(pol: Policy) -> None:
    """Write a change of the roles file to the audit trail (checked once per session)."""
    digest = pol.roles.digest()
    if st.session_state.get(K.ROLES_AUDITED) == digest:
        return
    from forecast.access import audit_role_change

    st_ = store()
    if st_ is not None:
        with store_faults("Rolländringen kan inte skrivas i granskningsloggen"):
            audit_role_change(st_.db, pol.roles, pol.identity)
            st.session_state[K.ROLES_AUDITED] = digest


def _login() -> None:
    """Callback of «Logga in»: start the OIDC sign-in; a misconfiguration is one Swedish line."""
    from streamlit.errors import StreamlitAuthError

    try:
        st.login()
    except StreamlitAuthError as exc:
        what = " ".join(str(exc).split())[:300] or type(exc).__name__
        st.session_state[K.LOGIN_FAULT] = (
            "Inloggningen kan inte startas: [auth] i .streamlit/secrets.toml är inte "
            f"fullständig ({md(what)}); se README, «Deployment for a department».")


def gate() -> Policy | None:
    """The session's policy if it may view; else a sign-in or a Swedish refusal is shown."""
    if _auth_configured() and not st.user.is_logged_in:
        st.title("Budgetprognos")
        st.info("Logga in med regionens konto för att se prognoserna.")
        fault = st.session_state.pop(K.LOGIN_FAULT, None)
        if fault:
            st.error(fault)
        st.button("Logga in", on_click=_login, type="primary")
        return None
    if not _auth_configured() and not bound_to_localhost():
        st.error("Ingen inloggning är konfigurerad ([auth] i .streamlit/secrets.toml), så "
                 "appen körs bara i enanvändarläge på den här datorn. Starta den med "
                 "--server.address localhost, eller konfigurera inloggning (se README, "
                 "«Driftsättning för en förvaltning»).")
        return None
    pol = policy()
    if pol is None:
        return None
    if not pol.may(Action.VIEW):
        st.error(f"{pol.identity.user} har ingen roll i budgetprognos; be förvaltningens "
                 "administratör om rollen granskare eller controller.")
        return None
    return pol


def current_user() -> str | None:
    """The user's identity (sign-in or single-user OS user); None if there is none."""
    who = identity()
    return who.user if who is not None else None


def may(action: Action) -> bool:
    """True if the session's user may do ``action`` (roles only; datasets are checked on load)."""
    pol = policy()
    return pol is not None and pol.may(action)


def show_identity() -> None:
    """Who is signed in, the role and the mode, in the sidebar (and «Logga ut» with sign-in)."""
    pol = policy()
    if pol is None:
        return
    role = pol.role or "ingen roll"
    if pol.identity.source == "inloggning":
        st.sidebar.caption(f"Inloggad som {md(pol.identity.user)} ({role})")
        st.sidebar.button("Logga ut", on_click=st.logout)
    else:
        st.sidebar.caption(f"**{SINGLE_USER.capitalize()}** (ingen inloggning; bara den här "
                           f"datorn): {md(pol.identity.user)} ({role})")


def is_controller(user: str | None) -> bool:
    """True if the session's user (``user``, from :func:`current_user`) may lay and fastställ."""
    return bool(user) and may(Action.LAY)

