"""The omställningsplan's measures sized by the user: amount, start, unit, realisation range.

A measure is typed into a few plain fields (name, amount in mkr per year, start month, unit,
cost category and, optionally, its own realisation low / likely / high) and added with
«Lägg till åtgärden». The fields are read the Swedish way by
``ui.scenario_form.measures_from_rows`` (a message naming the field for anything else; nothing
is guessed) and written into the scenario being edited (``ui.scenario_state``) only on that
click, so half-typed values never reach the scenario. The added measures are listed below
as text (they fit a narrow screen) and each can be removed.
"""

from __future__ import annotations

import streamlit as st

from forecast.followup.transition import measures_of_year
from forecast.io.formatting import fmt_mkr
from forecast.io.limits import MAX_LIST_ITEMS
from scenarios import assumptions as A
from ui import cached
from ui import scenario_form as F
from ui import scenario_state as D
from ui import state_keys as K
from ui.data_access import Context
from ui.text import md
from ui.widgets import month_text

WHOLE_REGION = "Hela regionen"
MEASURES_KEY = "sc_measures"
"""Key of the measures' container (inside the omställningsplan block)."""
FIELDS = {"Namn": K.SC_MEASURE_NAME, "Belopp, mkr per år": K.SC_MEASURE_AMOUNT,
          "Start": K.SC_MEASURE_START, "Enhet": K.SC_MEASURE_UNIT, "Konto": K.SC_MEASURE_ACCOUNT,
          "Realisering låg": K.SC_MEASURE_LOW, "Realisering trolig": K.SC_MEASURE_LIKELY,
          "Realisering hög": K.SC_MEASURE_HIGH}
"""The editor's column names (``ui.scenario_form.MEASURE_COLUMNS``) → the field's state key."""
TEXT_FIELDS = ("Namn", "Belopp, mkr per år", "Realisering låg", "Realisering trolig",
               "Realisering hög")


def _plan(scenario: A.Scenario) -> A.Omstallningsplan | None:
    return next((a for a in scenario.assumptions if isinstance(a, A.Omstallningsplan)), None)


def _set_measures(added: list[A.PlanMeasure], with_data: bool) -> None:
    d = D.draft()
    D.update(F.with_plan_measures(d.scenario, added, with_data), d.name)


def _add(with_data: bool) -> None:
    plan = _plan(D.draft().scenario)
    if plan is None:
        return
    row = {col: st.session_state.get(key) for col, key in FIELDS.items()}
    measures, errors = F.measures_from_rows([row], whole_region=WHOLE_REGION)
    if errors or not measures:
        text = errors or ["fyll i namn, belopp, start, enhet och kostnadsslag"]
        st.session_state[K.SC_MEASURES_MESSAGE] = (
            "error", "\n".join(f"- {e.replace('Åtgärd rad 1', 'Ny åtgärd')}" for e in text))
        return
    if len(plan.added) >= MAX_LIST_ITEMS:
        st.session_state[K.SC_MEASURES_MESSAGE] = (
            "error", f"Planen rymmer högst {MAX_LIST_ITEMS} egna åtgärder.")
        return
    _set_measures([*plan.added, measures[0]], with_data)
    for col in TEXT_FIELDS:
        st.session_state[FIELDS[col]] = ""
    st.session_state[K.SC_MEASURES_MESSAGE] = (
        "success", f"Åtgärden «{md(measures[0].name)}» är med i scenariot.")


def _remove(with_data: bool) -> None:
    plan = _plan(D.draft().scenario)
    i = st.session_state.get(K.SC_MEASURE_REMOVE)
    if plan is None or not isinstance(i, int) or not 0 <= i < len(plan.added):
        return
    name = plan.added[i].name
    _set_measures([m for j, m in enumerate(plan.added) if j != i], with_data)
    st.session_state[K.SC_MEASURES_MESSAGE] = ("success", f"Åtgärden «{md(name)}» är borttagen.")


def _toggle_data() -> None:
    plan = _plan(D.draft().scenario)
    if plan is not None:
        _set_measures(list(plan.added), bool(st.session_state.get(K.SC_DATA_MEASURES)))


def measure_text(m: A.PlanMeasure) -> str:
    """One added measure as a line of Swedish text."""
    where = m.unit or WHOLE_REGION.lower()
    r = m.realisation_pct
    rate = (f"realisering {F.REALISATION_FIELD.show(r.low)} / "
            f"{F.REALISATION_FIELD.show(r.likely)} / {F.REALISATION_FIELD.show(r.high)} %"
            if r is not None else "planens realiseringsgrad")
    return (f"**{md(m.name)}**: {fmt_mkr(m.planned_annual_tkr, 1)} per år från "
            f"{month_text(m.start)}, {md(where)}, {md(m.account)}; {rate}")


def _fields(ctx: Context, months: list[str]) -> None:
    keys = cached.baseline_keys(ctx)
    units = [WHOLE_REGION, *sorted(keys["unit"].astype(str).unique())]
    accounts = sorted(keys["category"].astype(str).unique())
    # one field a line: the block is a third of a wide screen and all of a narrow one
    st.text_input("Åtgärdens namn", key=K.SC_MEASURE_NAME, max_chars=200)
    st.text_input("Belopp, mkr per år", key=K.SC_MEASURE_AMOUNT, placeholder="t.ex. 100",
                  help="Planerad besparing för ett helt år, positivt tal (decimalkomma går bra).")
    st.selectbox("Start", months, key=K.SC_MEASURE_START, format_func=month_text,
                 help="Första månaden med effekt; effekten fördelas på planårets månader "
                      "från start.")
    st.selectbox("Enhet", units, key=K.SC_MEASURE_UNIT)
    st.selectbox("Kostnadsslag", accounts, key=K.SC_MEASURE_ACCOUNT)
    st.caption("Åtgärdens egen realiseringsgrad i % (låg / trolig / hög); tomt = planens "
               "realiseringsgrad ovan.")
    lo, li, hi = st.columns(3)
    lo.text_input("Låg, %", key=K.SC_MEASURE_LOW)
    li.text_input("Trolig, %", key=K.SC_MEASURE_LIKELY)
    hi.text_input("Hög, %", key=K.SC_MEASURE_HIGH)


def _listing(plan: A.Omstallningsplan, with_data: bool) -> None:
    if not plan.added:
        st.caption("Inga egna åtgärder ännu.")
        return
    st.markdown("\n".join(f"{i + 1}. {measure_text(m)}" for i, m in enumerate(plan.added)))
    options = list(range(len(plan.added)))
    st.selectbox("Åtgärd att ta bort", options, key=K.SC_MEASURE_REMOVE,
                 format_func=lambda i: f"{i + 1}. {plan.added[i].name}")
    st.button("Ta bort åtgärden", key=K.SC_MEASURE_REMOVE_BUTTON, icon=":material/delete:",
              on_click=_remove, args=(with_data,))


def measures_section(ctx: Context, months: list[str]) -> None:
    """The measures of the omställningsplan block (inside it, shown when the block is on)."""
    plan = _plan(D.draft().scenario)
    if plan is None:
        return
    with st.container(border=True, key=MEASURES_KEY):
        st.markdown("**Planens åtgärder**")
        data, total = measures_of_year(ctx.ds, ctx.as_of.year)
        st.session_state[K.SC_DATA_MEASURES] = plan.measures is None
        with_data = st.checkbox(
            f"Med datans åtgärder ({len(data)} st, {fmt_mkr(total, 1)} per år)",
            key=K.SC_DATA_MEASURES, on_change=_toggle_data,
            help="Bocka ur för att bara räkna med de egna åtgärderna nedan.")
        _listing(plan, with_data)
        st.markdown("**Ny åtgärd**")
        _fields(ctx, months)
        st.button("Lägg till åtgärden", key=K.SC_MEASURE_ADD, icon=":material/add:",
                  on_click=_add, args=(with_data,))
        msg = st.session_state.pop(K.SC_MEASURES_MESSAGE, None)
        if msg is not None:
            (st.error if msg[0] == "error" else st.success)(msg[1])
