"""The page «Scenarier»: assumptions → bridge, distribution and probability of balance.

The baseline is cached (per data hash and as-of month); a control change only re-applies the
scenario (``scenarios.engine.apply``) and redraws the Monte Carlo (``scenarios.montecarlo``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from forecast.io.formatting import fmt_mkr, fmt_number, fmt_pct
from scenarios import assumptions as A
from ui import cached
from ui import scenario_form as F
from ui import state_keys as K
from ui.cycle_access import guard_store
from ui.data_access import Context, CoreMissing, context
from ui.widgets import help_box, histogram_chart, month_text, show_table, waterfall_chart

HELP = """
Välj ett **förval** (exempelscenarierna eller ett sparat scenario) och justera antagandena.
Varje antagande har ett intervall **låg – trolig – hög**: resultatsiffrorna och bryggan visar
det troliga värdet, fördelningen drar värden i hela intervallet (PERT-fördelning) tillsammans
med basprognosens osäkerhet.

- **Bryggan** visar hur varje antagande flyttar årets resultat från basprognosen till
  scenariot (delarna summerar exakt).
- **Sannolikhet för budget i balans** är andelen simuleringar där årets resultat är minst
  lika bra som budget.

Basprognosen räknas inte om när du ändrar ett antagande; bara scenariot räknas om.
"""

BASE_KEY = K.SCENARIO_BASE
LAST_KEY = K.SCENARIO_LAST


def _months(ctx: Context) -> list[str]:
    return cached.forecast_month_labels(ctx)


def _load_into_controls(scenario: A.Scenario, first_month: str) -> None:
    st.session_state[BASE_KEY] = scenario
    for p, v in F.controls_from_scenario(scenario, first_month).items():
        st.session_state[K.scenario_control(p)] = v
    st.session_state[K.SC_NAME] = scenario.name
    st.session_state[K.SCENARIO_LOADED] = scenario.name


def _on_preset(presets: dict[str, A.Scenario], first_month: str) -> None:
    name = st.session_state.get(K.SC_PRESET)
    if name in presets:
        _load_into_controls(presets[name], first_month)


def _control(block: F.Block, c: F.Control, months: list[str]) -> None:
    key = K.scenario_control(F.path(block.type, c.field))
    kw: dict[str, Any] = {"help": c.help or None}
    if c.kind == "range":
        st.markdown(f"**{c.label}**", help=c.help or None)
        cols = st.columns(3)
        for col, part, label in zip(cols, F.RANGE_PARTS, ("Låg", "Trolig", "Hög"), strict=True):
            col.number_input(label, key=K.scenario_control(F.path(block.type, c.field, part)),
                             min_value=c.min, max_value=c.max, step=c.step, format="%.2f")
    elif c.kind == "bool" and (block.type, c.field) in F.OPTIONAL_RANGES:
        st.checkbox(c.label, key=K.scenario_control(F.path(block.type, c.field, "set")), **kw)
    elif c.kind == "bool":
        st.checkbox(c.label, key=key, **kw)
    elif c.kind in ("month", "optmonth"):
        options = ([""] if c.kind == "optmonth" else []) + months
        current = st.session_state.get(key)
        if current and current not in options:
            options = [current, *options]
        st.selectbox(c.label, options, key=key,
                     format_func=lambda m: month_text(m) if m else "standard", **kw)
    elif c.kind == "int":
        st.number_input(c.label, key=key, min_value=int(c.min or 0), max_value=int(c.max or 999),
                        step=1, **kw)
    else:
        st.number_input(c.label, key=key, min_value=c.min, max_value=c.max, step=c.step,
                        format="%.2f", **kw)


def _controls(months: list[str]) -> None:
    for block in F.BLOCKS:
        enabled_key = K.scenario_control(F.path(block.type, F.ENABLED))
        with st.expander(A.TYPE_NAMES[block.type], expanded=bool(st.session_state.get(
                enabled_key))):
            st.toggle("Med i scenariot", key=enabled_key)
            for c in block.controls:
                _control(block, c, months)


def _values() -> dict[str, Any]:
    prefix = K.SC_CONTROL_PREFIX
    return {k[len(prefix):]: v for k, v in st.session_state.items()
            if isinstance(k, str) and k.startswith(prefix)}


def current_scenario(ctx: Context) -> A.Scenario:
    """The scenario the controls describe (raises pydantic.ValidationError if invalid)."""
    first = _months(ctx)[0]
    return F.scenario_from_controls(st.session_state[BASE_KEY], _values(), first_month=first,
                                    name=st.session_state.get(K.SC_NAME) or None)


def current_scenario_or_default(ctx: Context) -> A.Scenario:
    """The scenario last valid on the page in this session, else the standard preset."""
    last = st.session_state.get(LAST_KEY)
    if last is not None:
        return last
    return next(iter(cached.presets().values()))


DRAW_OPTIONS = (1000, 2000, 5000, 10_000)
DEFAULT_DRAWS = 2000
"""Monte Carlo draws until the user picks another number (also used by the Export page)."""


def _year_figures(ctx: Context, res: Any) -> None:
    """The year-end figures, full width at the top of the page.

    Drawn before the controls (their values are already in session state), so after a change
    the new figures are the first thing the browser receives. Three metrics side by side in
    the right column were too narrow for "-3 460,5 mkr".
    """
    row = res.summary().set_index("year").loc[ctx.as_of.year]
    st.subheader(f"Årsresultat {ctx.as_of.year}")
    c1, c2, c3 = st.columns(3)
    c1.metric("Scenario, årsresultat", fmt_mkr(row["scenario_tkr"], 1), border=True,
              delta=f"{fmt_mkr(row['difference_tkr'], 1)} mot basprognosen", delta_arrow="off",
              delta_color="off")
    c2.metric("Basprognos, årsresultat", fmt_mkr(row["baseline_tkr"], 1), border=True)
    c3.metric("Scenario mot budget", fmt_mkr(row["scenario_deviation_tkr"], 1), border=True,
              delta=f"budget {fmt_mkr(row['budget_tkr'], 1)}", delta_arrow="off",
              delta_color="off")


def _distribution_figures(ctx: Context, mc: Any) -> None:
    """Probability of balance and the P10–P90 interval, under the year-end figures."""
    q = mc.quantiles()
    qs = q.loc[(q["year"] == ctx.as_of.year) & (q["variant"] == "scenario")].iloc[0]
    c1, c2 = st.columns(2)
    c1.metric("Sannolikhet för budget i balans", fmt_pct(mc.prob_within_budget() * 100, 0),
              border=True)
    c2.metric("Intervall P10–P90", f"{fmt_mkr(qs['p10_tkr'])} – {fmt_mkr(qs['p90_tkr'])}",
              border=True)
    st.caption(f"Sannolikhet och intervall: {fmt_number(mc.n_draws)} simuleringar av "
               "antagandenas intervall och basprognosens osäkerhet (fördelningen nedan).")


def _bridge(ctx: Context, res: Any) -> None:
    """The bridge chart, its table and the plan years."""
    y = ctx.as_of.year
    for note in res.notes:
        st.caption(note)
    br = res.bridge()
    st.altair_chart(waterfall_chart(br, title=f"Brygga {y}: basprognos → scenario, mkr"),
                    width="stretch")
    with st.expander("Bryggan som tabell och planåren"):
        show_table(br[["step", "value_tkr", "cumulative_tkr"]].rename(columns={
            "step": "Post", "value_tkr": "Effekt", "cumulative_tkr": "Ackumulerat"}),
            amount_columns=("Effekt", "Ackumulerat"))
        show_table(res.summary().set_index("year").rename(columns={
            "baseline_tkr": "Basprognos", "scenario_tkr": "Scenario",
            "difference_tkr": "Skillnad", "budget_tkr": "Budget",
            "baseline_deviation_tkr": "Bas mot budget",
            "scenario_deviation_tkr": "Scenario mot budget"}).rename_axis("År"),
            amount_columns=("Basprognos", "Scenario", "Skillnad", "Budget", "Bas mot budget",
                            "Scenario mot budget"))


def _distribution(ctx: Context, mc: Any) -> None:
    """The number of draws and the histogram of the simulated year results."""
    st.subheader("Fördelning av årsresultatet")
    st.select_slider("Antal simuleringar", options=list(DRAW_OPTIONS), key=K.SC_DRAWS)
    values = pd.DataFrame({"mkr": mc.totals[:, 0] / 1000.0})
    st.altair_chart(histogram_chart(values, marker=mc.budget / 1000.0,
                                    title=f"Årsresultat {ctx.as_of.year} i {mc.n_draws} "
                                          "simuleringar; röd linje = budget"),
                    width="stretch")


@guard_store("Scenariolagret kan inte nås")
def _store(ctx: Context, scenario: A.Scenario) -> None:
    st.subheader("Spara och hämta")
    try:
        store = cached.store()
    except CoreMissing:
        st.info("Scenariolagret är inte tillgängligt i den här versionen ännu.")
        return
    if st.button("Spara scenariot", icon=":material/save:", key="w_sc_save",
                 help="Sparar en ny version; tidigare versioner finns kvar."):
        rec = store.save(scenario, input_hash=ctx.data_hash)
        st.success(f"Sparat: '{rec.name}' version {rec.version}.")
    saved = store.list_scenarios()
    if saved.empty:
        st.caption("Inga sparade scenarier ännu.")
        return
    c1, c2 = st.columns([3, 1])
    name = c1.selectbox("Sparade scenarier", list(saved["name"]), key=K.SC_STORED)
    versions = store.versions(name)
    version = c2.selectbox("Version", list(versions["version"])[::-1], key=K.SC_VERSION)
    b1, b2 = st.columns(2)
    b1.button("Hämta till kontrollerna", icon=":material/upload:", key="w_sc_load",
              on_click=_load_stored, args=(name, int(version), _months(ctx)[0]))
    with b2.popover("Radera", icon=":material/delete:"):
        st.write(f"Tar bort alla {len(versions)} versioner av '{name}' permanent.")
        if st.button("Ja, radera", key="w_sc_delete", type="primary"):
            store.delete(name, confirm=True)
            st.rerun()
    with st.expander(f"Versioner av '{name}'"):
        st.dataframe(versions.rename(columns={
            "version": "Version", "description": "Beskrivning", "author": "Författare",
            "created": "Skapad", "updated": "Sparad", "input_hash": "Indata-hash",
            "program_version": "Programversion", "schema_version": "Formatversion"}).drop(
            columns=["id"]), hide_index=True, width="stretch")


@guard_store("Scenariot kan inte hämtas")
def _load_stored(name: str, version: int, first_month: str) -> None:
    """Callback: write a stored scenario version into the controls."""
    _load_into_controls(cached.store().load(name, version), first_month)


def render() -> None:
    """Draw the page."""
    ctx = context()
    st.title("Scenarier")
    st.caption("Vad händer med årets resultat om antagandena ändras?")
    help_box(HELP)
    try:
        months = _months(ctx)
    except CoreMissing:
        st.info("Prognosmotorn är inte tillgänglig ännu.")
        return
    presets = cached.presets()
    if BASE_KEY not in st.session_state:
        st.session_state[K.SC_PRESET] = next(iter(presets))
        _load_into_controls(presets[st.session_state[K.SC_PRESET]], months[0])
    st.session_state.setdefault(K.SC_DRAWS, DEFAULT_DRAWS)
    try:
        scenario = current_scenario(ctx)
    except ValidationError as exc:
        scenario = None
        st.error("Antagandena är inte giltiga: " + "; ".join(
            f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()))
    if scenario is not None:
        st.session_state[LAST_KEY] = scenario
        res = cached.apply_scenario(ctx, scenario)
        _year_figures(ctx, res)
        mc = cached.simulate_scenario(ctx, scenario, int(st.session_state[K.SC_DRAWS]))
        _distribution_figures(ctx, mc)
    left, right = st.columns([2, 3], gap="large")
    with left:
        st.selectbox("Förval", list(presets), key=K.SC_PRESET, on_change=_on_preset,
                     args=(presets, months[0]),
                     help="Exempelscenarierna och sparade scenarier. Att välja ett förval "
                          "skriver över antagandena nedan.")
        st.text_input("Scenariots namn", key=K.SC_NAME)
        _controls(months)
    if scenario is None:
        return
    with right:
        _bridge(ctx, res)
        _distribution(ctx, mc)
        _store(ctx, scenario)
