"""The omställningsplan's measures sized by the user: amount, start, unit, realisation range.

The table is edited in an ``st.data_editor`` whose source never changes while editing; the
rows are read (``ui.scenario_form.measures_from_rows``: Swedish numbers, a message naming row
and column for anything else) and written into the scenario being edited only on «Spara
åtgärderna», as the style guide asks (edits are not fed back on every rerun).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from forecast.followup.transition import measures_of_year
from forecast.io.formatting import fmt_mkr
from scenarios import assumptions as A
from ui import cached
from ui import scenario_form as F
from ui import scenario_state as D
from ui import state_keys as K
from ui.data_access import Context

WHOLE_REGION = "Hela regionen"


def _plan(scenario: A.Scenario) -> A.Omstallningsplan | None:
    return next((a for a in scenario.assumptions if isinstance(a, A.Omstallningsplan)), None)


def _commit(rows: pd.DataFrame, with_data: bool) -> None:
    measures, errors = F.measures_from_rows(rows.to_dict("records"), whole_region=WHOLE_REGION)
    if errors:
        st.session_state[K.SC_MEASURES_MESSAGE] = ("error", "\n".join(f"- {e}" for e in errors))
        return
    d = D.draft()
    new = F.with_plan_measures(d.scenario, measures, with_data)
    D.update(new, d.name)
    st.session_state[K.SC_MEASURES_MESSAGE] = (
        "success", f"{len(measures)} egna åtgärder är med i scenariot.")


def measures_section(ctx: Context, months: list[str]) -> None:
    """The measures table of the omställningsplan block (shown when the block is on)."""
    plan = _plan(D.draft().scenario)
    if plan is None:
        return
    with st.expander("Omställningsplanens åtgärder: egna belopp", expanded=bool(plan.added)):
        data, total = measures_of_year(ctx.ds, ctx.as_of.year)
        with_data = st.checkbox(
            f"Med datans åtgärder ({len(data)} st, {fmt_mkr(total, 1)} per år)",
            value=plan.measures is None, key=K.SC_DATA_MEASURES,
            help="Bocka ur för att bara räkna med de egna åtgärderna nedan.")
        units = [WHOLE_REGION, *sorted(cached.baseline_keys(ctx)["unit"].astype(str).unique())]
        accounts = sorted(cached.baseline_keys(ctx)["category"].astype(str).unique())
        st.data_editor(
            F.measure_rows(plan.added, WHOLE_REGION), key=K.SC_MEASURES_EDITOR,
            num_rows="dynamic", hide_index=True, width="stretch",
            column_config=_columns(units, accounts, months))
        edited: Any = _edited(plan)
        st.button("Spara åtgärderna", key="w_sc_measures_save", icon=":material/check:",
                  on_click=_commit, args=(edited, with_data))
        msg = st.session_state.pop(K.SC_MEASURES_MESSAGE, None)
        if msg is not None:
            (st.error if msg[0] == "error" else st.success)(msg[1])
        st.caption("Belopp i mkr per år (positivt = besparing), start ÅÅÅÅ-MM. Realisering i % "
                   "(låg / trolig / hög); tomt = planens realiseringsgrad ovan.")


def _edited(plan: A.Omstallningsplan) -> pd.DataFrame:
    """The editor's rows after the user's edits (its state applied to the source rows)."""
    src = F.measure_rows(plan.added, WHOLE_REGION)
    state = st.session_state.get(K.SC_MEASURES_EDITOR) or {}
    rows = src.to_dict("records")
    for i, change in (state.get("edited_rows") or {}).items():
        rows[int(i)].update(change)
    deleted = set(state.get("deleted_rows") or [])
    rows = [r for i, r in enumerate(rows) if i not in deleted]
    rows += [{**dict.fromkeys(src.columns, None), **r} for r in state.get("added_rows") or []]
    return pd.DataFrame(rows, columns=src.columns)


def _columns(units: list[str], accounts: list[str], months: list[str]) -> dict[str, Any]:
    c = st.column_config
    return {
        "Namn": c.TextColumn("Namn", required=True, max_chars=200),
        "Belopp, mkr per år": c.TextColumn("Belopp, mkr per år", required=True),
        "Start": c.SelectboxColumn("Start", options=months, required=True),
        "Enhet": c.SelectboxColumn("Enhet", options=units, required=True),
        "Konto": c.SelectboxColumn("Kostnadsslag", options=accounts, required=True),
        "Realisering låg": c.TextColumn("Realisering låg, %"),
        "Realisering trolig": c.TextColumn("Realisering trolig, %"),
        "Realisering hög": c.TextColumn("Realisering hög, %"),
    }
