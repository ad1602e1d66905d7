"""The scenario being edited: one object in the session, mirrored in the page's address.

Streamlit forgets a page's widget values when the user goes to another page; the scenario
must not be forgotten with them. So the scenario lives here, in one session object
(:class:`Draft` under :data:`ui.state_keys.SC_DRAFT`), and the Scenarier page's controls are
only a view of it: they are written from it whenever they are missing. Every page and export
reads :func:`draft`.

The draft is also named in the address (``st.query_params``), so a reload or a server
restart brings it back: ``scenario`` + ``version`` for a saved version (read from the store),
``utkast`` for an unsaved draft (``scenarios.document.encode``). :func:`keep_in_url` puts the
parameters back after a page change (navigation clears them) and is called on every run.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import streamlit as st

from scenarios import assumptions as A
from scenarios.document import UNNAMED, decode, encode
from ui import cached
from ui import state_keys as K


@dataclass(frozen=True)
class Draft:
    """The scenario being edited and where it came from."""

    scenario: A.Scenario
    """The scenario as computed (named :data:`UNNAMED` until the user names it)."""
    name: str
    """The name as the user typed it (may be empty or too long: saving checks it)."""
    based_on: tuple[str, int] | None = None
    """The saved (name, version) it was opened from or last saved as; None for a preset."""
    origin: str = ""
    """The Förval entry it was opened from (a preset's or a saved version's label)."""
    changed: bool = False
    """True when it differs from ``based_on``/``origin`` (then the address carries it)."""


SAVED_PREFIX = "Sparat: "


def saved_label(name: str, version: int) -> str:
    """The Förval entry of a stored scenario version."""
    return f"{SAVED_PREFIX}{name} v{version}"


def from_preset(label: str, scenario: A.Scenario) -> Draft:
    """A draft opened from a preset (never based on a saved version: saving asks a name)."""
    return Draft(scenario, "", None, label)


def from_saved(name: str, version: int, scenario: A.Scenario) -> Draft:
    """A draft opened from a stored version."""
    return Draft(scenario, name, (name, version), saved_label(name, version))


def _default() -> Draft:
    label, sc = next(iter(cached.presets().items()))
    return from_preset(label, sc)


def _from_url() -> Draft | None:
    qp = st.query_params
    token = qp.get(K.SC_PARAM_DRAFT)
    name, version = qp.get(K.SC_PARAM_NAME), qp.get(K.SC_PARAM_VERSION)
    based: tuple[str, int] | None = None
    if name and version and version.isdigit():
        based = (name, int(version))
    try:
        if token:
            sc = decode(token)
            typed = "" if sc.name == UNNAMED else sc.name
            origin = saved_label(*based) if based else qp.get(K.SC_PARAM_ORIGIN, "")
            return Draft(sc, typed, based, origin, changed=True)
        if based is not None:
            return from_saved(*based, cached.store().load(*based))
    except (ValueError, KeyError) as exc:
        st.session_state[K.SC_URL_MESSAGE] = (
            f"Scenariot i adressen kunde inte läsas ({str(exc).strip(chr(39))}); "
            "standardförvalet visas.")
    return None


def draft() -> Draft:
    """The session's draft: restored from the address after a reload, else the default."""
    d = st.session_state.get(K.SC_DRAFT)
    if d is None:
        d = _from_url() or _default()
        st.session_state[K.SC_DRAFT] = d
        keep_in_url()
    return d


def set_draft(d: Draft) -> None:
    """Make ``d`` the session's draft and name it in the address."""
    st.session_state[K.SC_DRAFT] = d
    keep_in_url()


def update(scenario: A.Scenario, name: str) -> Draft:
    """The draft with the scenario the controls describe (``changed`` when it differs)."""
    d = draft()
    if scenario == d.scenario and name == d.name:
        return d
    new = replace(d, scenario=scenario, name=name, changed=True)
    set_draft(new)
    return new


def _params(d: Draft) -> dict[str, str]:
    out: dict[str, str] = {}
    if d.based_on is not None:
        out[K.SC_PARAM_NAME], out[K.SC_PARAM_VERSION] = d.based_on[0], str(d.based_on[1])
    elif d.origin:
        out[K.SC_PARAM_ORIGIN] = d.origin
    if d.changed or d.based_on is None:
        token = encode(d.scenario)
        if token is not None:
            out[K.SC_PARAM_DRAFT] = token
    return out


SC_PARAMS = (K.SC_PARAM_NAME, K.SC_PARAM_VERSION, K.SC_PARAM_DRAFT, K.SC_PARAM_ORIGIN)


def keep_in_url() -> None:
    """Write the draft's parameters into the address (only those that changed)."""
    d = st.session_state.get(K.SC_DRAFT)
    if d is None:
        return
    want = _params(d)
    for k in SC_PARAMS:
        if k in want and st.query_params.get(k) != want[k]:
            st.query_params[k] = want[k]
        elif k not in want and k in st.query_params:
            del st.query_params[k]


def too_long_for_url(d: Draft) -> bool:
    """True when the draft is too large for the address (it then survives no reload)."""
    return (d.changed or d.based_on is None) and encode(d.scenario) is None
