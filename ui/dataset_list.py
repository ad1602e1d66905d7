"""«Mina datamängder» on the Data page: the stored datasets one sees, and whom each is shared with.

Thin over :mod:`forecast.datasets` (``listing``, ``share``) and
:mod:`forecast.access` (who may share: the dataset's owner or a controller who sees it). A
share is written to the audit trail with who and when. Names are shown in tables and plain
option labels (never Markdown); the one caption with user text goes through :func:`ui.text.md`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from forecast.access import Policy
from forecast.io.formatting import fmt_number, fmt_timestamp
from ui import state_keys as K
from ui.text import md

if TYPE_CHECKING:
    from forecast.datasets import StoredInfo

COLUMNS = ("Datamängd", "Filer", "Ägare", "Delad med grupperna", "Sparad", "Din")


def table(infos: list[StoredInfo], pol: Policy) -> pd.DataFrame:
    """One row per stored dataset: id, files, owner, groups, when saved, and whether it is yours."""
    rows = [(i.id, ", ".join(i.names), i.owner.owner, ", ".join(sorted(i.owner.groups)) or "–",
             fmt_timestamp(i.created) if i.created else "–",
             "ja" if i.owner.owner == pol.identity.key else "nej") for i in infos]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _label(infos: dict[str, StoredInfo]) -> Callable[[str], str]:
    def label(key: str) -> str:
        i = infos[key]
        names = ", ".join(i.names)
        return f"{names[:60]}{'…' if len(names) > 60 else ''} ({key[:11]}…)"
    return label


def _open(key: str) -> None:
    """Callback of «Öppna»: the dataset is read from the URL on the next run (access checked)."""
    for k in (K.DATASET, K.DATASET_ID, K.AS_OF, K.UPLOAD_REPORT):
        st.session_state.pop(k, None)
    st.query_params[K.DATA_PARAM] = key
    st.session_state[K.DS_MESSAGE] = ("success", "Datamängden öppnades.")


def _share(key: str) -> None:
    """Callback of «Spara delningen»: share with exactly the chosen groups (audited)."""
    from forecast import datasets as DS
    from forecast.access import AccessDenied
    from forecast.store.base import StoreError
    from ui import user_access as UA

    pol, store = UA.policy(), UA.store()
    groups = frozenset(st.session_state.get(K.DS_GROUPS + key) or ())
    try:
        if pol is None or store is None:
            raise DS.StoreError("Ingen användare eller inget lager: delningen sparades inte")
        done = DS.share(key, groups, pol, store.db)
    except (DS.StoreError, StoreError, AccessDenied) as exc:
        st.session_state[K.DS_MESSAGE] = ("error", md(str(exc)))
        return
    shared = ", ".join(sorted(done.owner.groups)) or "ingen grupp (bara ägaren)"
    st.session_state[K.DS_MESSAGE] = ("success", f"Datamängden delas nu med {md(shared)}.")


def render(pol: Policy) -> None:
    """The section: the list, and opening or sharing one of them."""
    from forecast import datasets as DS

    st.subheader("Mina datamängder")
    msg = st.session_state.pop(K.DS_MESSAGE, None)
    if msg:
        (st.error if msg[0] == "error" else st.success)(msg[1])
    infos, total = DS.listing(pol)
    if not infos:
        st.caption("Inga sparade datamängder som du ser: dina egna och de som delas med dina "
                   "grupper visas här när de har lästs in.")
        return
    st.caption(f"{fmt_number(total)} sparade datamängder som du ser: dina egna och de som "
               "delas med dina grupper." + (f" De {fmt_number(len(infos))} senaste visas."
                                            if total > len(infos) else ""))
    st.dataframe(table(infos, pol), hide_index=True, width="stretch")
    by_id = {i.id: i for i in infos}
    key = st.selectbox("Datamängd att öppna eller dela", list(by_id), key=K.DS_CHOSEN,
                       format_func=_label(by_id))
    if key is None:
        return
    chosen = by_id[key]
    st.button("Öppna", key=K.DS_OPEN, on_click=_open, args=(key,),
              icon=":material/folder_open:")
    if not pol.may_share(chosen.owner):
        st.caption(f"Bara ägaren ({md(chosen.owner.owner)}) eller en controller får ändra "
                   "vilka grupper datamängden delas med.")
        return
    groups = sorted(pol.roles.groups)
    if not groups:
        st.caption("Rollfilen har inga grupper ([grupper]); datamängden kan inte delas.")
        return
    st.multiselect("Delas med grupperna", groups, key=K.DS_GROUPS + key,
                   default=sorted(g for g in chosen.owner.groups if g in groups),
                   help="Alla i en vald grupp som har en roll ser datamängden och dess "
                        "prognoser. Ändringen skrivs i granskningsloggen.")
    st.button("Spara delningen", key=K.DS_SHARE, on_click=_share, args=(key,),
              icon=":material/share:")
