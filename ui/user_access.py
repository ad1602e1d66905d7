"""The session's user and the shared store: who is signed in, what they may do, store faults.

- Identity: Streamlit's ``st.login`` (OIDC) when ``[auth]`` is configured in secrets. Without
  it the app is in single-user mode: it serves only a server bound to localhost
  (``server.address``), and the user is the operating-system user running it. Never a typed
  name. What the user may do is :mod:`forecast.access` (roles from the roles file).
- The laid-forecast store is shared (``st.cache_resource``; no pooled connections). A
  database fault becomes one Swedish line on the page (``st.error``), never a traceback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec

import streamlit as st

from forecast.access import SINGLE_USER, AccessDenied, Action, Identity, Policy, os_identity
from forecast.access import policy as make_policy
from forecast.cycle.laid_store import LaidStore
from forecast.cycle.roles import RolesError
from forecast.store.core import StoreError, default_url
from ui import state_keys as K
from ui.text import md

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
def laid_store(url: str) -> LaidStore:
    """The laid-forecast store at ``url``, opened once per process."""
    return LaidStore(url)


def store() -> LaidStore | None:
    """The laid-forecast store, or None after showing the fault on the page."""
    try:
        return laid_store(default_url())
    except StoreError as exc:
        st.error(f"Lagda prognoser kan inte läsas: {exc}")
        return None


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

