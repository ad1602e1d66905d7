"""The page «Scenarier»: assumptions → bridge, distribution and probability of balance.

The baseline is cached (per data hash and as-of month); a control change only re-applies the
scenario (``scenarios.engine.apply``) and redraws the Monte Carlo (``scenarios.montecarlo``).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from forecast.io.entry import NumberField
from forecast.io.formatting import fmt_mkr, fmt_number, fmt_pct, fmt_timestamp
from scenarios import assumptions as A
from ui import cached
from ui import scenario_form as F
from ui import state_keys as K
from ui.cycle_access import guard_store
from ui.data_access import Context, CoreMissing, context
from ui.forecast_gate import forecast_or_none
from ui.number_entry import number_entry, read_entry, set_entry
from ui.widgets import histogram_chart, month_text, page_header, show_table, waterfall_chart

HELP = """
Välj ett **förval** – ett exempelscenario eller ett sparat scenario (med version) – och justera
antagandena. Resultatet till höger följer med när du bläddrar. Varje antagande har ett
intervall **låg – trolig – hög**: resultatsiffrorna och bryggan visar det troliga värdet,
fördelningen drar värden i hela intervallet (PERT-fördelning) tillsammans med basprognosens
osäkerhet.

Tal skrivs på svenskt sätt: **2,5** är två och en halv (decimalpunkt går också). Ett tal som
inte går att läsa eller ligger utanför det tillåtna visas med ett rött meddelande, och då räknas
inget om förrän det är rättat. Fältet gäller när du trycker Enter eller lämnar det.

- **Bryggan** visar hur varje antagande flyttar årets resultat från basprognosen till
  scenariot (delarna summerar exakt).
- **Sannolikhet att underskottet blir högst …** är andelen simuleringar där underskottet mot
  budget inte blir större än beloppet du anger (0 mkr = budget i balans).
- En tom månad betyder antagandets standard, t.ex. *första prognosmånaden*.

Basprognosen räknas inte om när du ändrar ett antagande; bara scenariot räknas om.
"""

BASE_KEY = K.SCENARIO_BASE
LAST_KEY = K.SCENARIO_LAST
SAVED_PREFIX = "Sparat: "
RESULTS_KEY = "sc_results"
"""Key of the container of the key figures (sticky at the top, see ``ui.document``)."""
DEFICIT_FIELD = NumberField("Högsta underskott mot budget, mkr", -1_000_000.0, 1_000_000.0, 1,
                            "mkr")


def _months(ctx: Context) -> list[str]:
    return cached.forecast_month_labels(ctx)


def saved_label(name: str, version: int) -> str:
    """The Förval entry of a stored scenario version."""
    return f"{SAVED_PREFIX}{name} v{version}"


def _saved_refs() -> dict[str, tuple[str, int]]:
    """Förval entries of every stored version, newest version of each name first."""
    try:
        store = cached.store()
    except CoreMissing:
        return {}
    out: dict[str, tuple[str, int]] = {}
    for name in store.list_scenarios()["name"]:
        for v in list(store.versions(name)["version"])[::-1]:
            out[saved_label(name, int(v))] = (name, int(v))
    return out


def _load_into_controls(scenario: A.Scenario, first_month: str) -> None:
    st.session_state[BASE_KEY] = scenario
    fields = F.number_fields()
    for p, v in F.controls_from_scenario(scenario, first_month).items():
        key = K.scenario_control(p)
        if p in fields:
            set_entry(key, fields[p], float(v))
        else:
            st.session_state[key] = v
    st.session_state[K.SC_NAME] = scenario.name
    st.session_state[K.SC_DESCRIPTION] = scenario.description
    st.session_state[K.SC_AUTHOR] = scenario.author
    st.session_state[K.SCENARIO_LOADED] = scenario.name


def _on_preset(presets: dict[str, A.Scenario], first_month: str) -> None:
    name = st.session_state.get(K.SC_PRESET)
    if name in presets:
        _load_into_controls(presets[name], first_month)
        return
    ref = _saved_refs().get(str(name))
    if ref is not None:
        _load_into_controls(cached.store().load(*ref), first_month)


def _month_control(c: F.Control, key: str, months: list[str], kw: dict[str, Any]) -> None:
    options = ([""] if c.kind == "optmonth" else []) + months
    current = st.session_state.get(key)
    if current and current not in options:
        options = [current, *options]
    none = f"standard: {c.none_label}" if c.none_label else "standard"
    st.selectbox(c.label, options, key=key,
                 format_func=lambda m: month_text(m) if m else none, **kw)


def _range_control(block: F.Block, c: F.Control) -> None:
    fields = F.number_fields()
    st.markdown(f"**{c.label}**", help=c.help or None)
    cols = st.columns(3)
    errors = []
    for col, part, word in zip(cols, F.RANGE_PARTS, F.PART_WORDS, strict=True):
        p = F.path(block.type, c.field, part)
        col.caption(word.capitalize())
        number_entry(fields[p], K.scenario_control(p), label_visibility="collapsed",
                     container=col, show_error=False)
        errors.append(read_entry(K.scenario_control(p), fields[p])[1])
    for e in errors:
        if e:
            st.error(e, icon=":material/error:")


def _control(block: F.Block, c: F.Control, months: list[str]) -> None:
    key = K.scenario_control(F.path(block.type, c.field))
    kw: dict[str, Any] = {"help": c.help or None}
    if c.kind == "range":
        _range_control(block, c)
    elif c.kind == "bool" and (block.type, c.field) in F.OPTIONAL_RANGES:
        st.checkbox(c.label, key=K.scenario_control(F.path(block.type, c.field, "set")), **kw)
    elif c.kind == "bool":
        st.checkbox(c.label, key=key, **kw)
    elif c.kind in ("month", "optmonth"):
        _month_control(c, key, months, kw)
    else:
        number_entry(F.number_fields()[F.path(block.type, c.field)], key, help=c.help or None)


def _controls(months: list[str]) -> None:
    for block in F.BLOCKS:
        enabled_key = K.scenario_control(F.path(block.type, F.ENABLED))
        with st.expander(A.TYPE_NAMES[block.type], expanded=bool(st.session_state.get(
                enabled_key))):
            st.toggle("Med i scenariot", key=enabled_key)
            for c in block.controls:
                _control(block, c, months)


def _values() -> tuple[dict[str, Any], list[str]]:
    """The controls' values (numbers parsed the Swedish way) and the fields' messages."""
    prefix = K.SC_CONTROL_PREFIX
    fields = F.number_fields()
    values: dict[str, Any] = {}
    errors: list[str] = []
    for k, v in list(st.session_state.items()):
        if not (isinstance(k, str) and k.startswith(prefix)):
            continue
        p = k[len(prefix):]
        if p in fields:
            number, error = read_entry(k, fields[p])
            if error is not None:
                errors.append(error)
            values[p] = number
        else:
            values[p] = v
    return values, errors


def _meta() -> dict[str, str]:
    return {"name": st.session_state.get(K.SC_NAME) or "",
            "description": st.session_state.get(K.SC_DESCRIPTION) or "",
            "author": st.session_state.get(K.SC_AUTHOR) or ""}


def scenario_from_state(ctx: Context) -> tuple[A.Scenario | None, list[str]]:
    """The scenario the controls describe, or None and Swedish messages saying why not."""
    values, errors = _values()
    if errors:
        return None, errors
    first = _months(ctx)[0]
    meta = _meta()
    try:
        sc = F.scenario_from_controls(st.session_state[BASE_KEY], values, first_month=first,
                                      name=meta["name"] or None)
        return sc.model_copy(update={"description": meta["description"],
                                     "author": meta["author"]}), []
    except ValidationError as exc:
        return None, F.validation_messages(exc.errors())


def current_scenario(ctx: Context) -> A.Scenario:
    """The scenario the controls describe (raises ValueError with Swedish text if invalid)."""
    sc, errors = scenario_from_state(ctx)
    if sc is None:
        raise ValueError("; ".join(errors))
    return sc


def current_scenario_or_default(ctx: Context) -> A.Scenario:
    """The scenario last valid on the page in this session, else the standard preset."""
    last = st.session_state.get(LAST_KEY)
    if last is not None:
        return last
    return next(iter(cached.presets().values()))


DRAW_OPTIONS = (1000, 2000, 5000, 10_000)
DEFAULT_DRAWS = 2000
"""Monte Carlo draws until the user picks another number (also used by the Export page)."""


def _deficit_label(deficit_tkr: float) -> str:
    if deficit_tkr == 0:
        return "Sannolikhet för budget i balans"
    if deficit_tkr < 0:
        return f"Sannolikhet för ett överskott mot budget på minst {fmt_mkr(-deficit_tkr, 1)}"
    return f"Sannolikhet att underskottet mot budget blir högst {fmt_mkr(deficit_tkr, 1)}"


def _key_figures(ctx: Context, res: Any, mc: Any) -> None:
    """The year-end figures and the probability in one row (it stays on screen)."""
    row = res.summary().set_index("year").loc[ctx.as_of.year]
    q = mc.quantiles()
    qs = q.loc[(q["year"] == ctx.as_of.year) & (q["variant"] == "scenario")].iloc[0]
    c1, c2, c3 = st.columns(3)
    c1.metric("Scenario, årsresultat", fmt_mkr(row["scenario_tkr"], 1),
              border=True, delta=f"{fmt_mkr(row['difference_tkr'], 1)} mot bas",
              delta_arrow="off", delta_color="off",
              help=f"Basprognosen: {fmt_mkr(row['baseline_tkr'], 1)}.")
    c2.metric("Scenario mot budget", fmt_mkr(row["scenario_deviation_tkr"], 1), border=True,
              delta=f"budget {fmt_mkr(row['budget_tkr'], 1)}", delta_arrow="off",
              delta_color="off")
    if K.SC_DEFICIT not in st.session_state:
        set_entry(K.SC_DEFICIT, DEFICIT_FIELD, mc.suggested_deficit_tkr() / 1000.0)
    deficit, _ = read_entry(K.SC_DEFICIT, DEFICIT_FIELD)
    if deficit is None:
        c3.metric("Sannolikhet", "–", border=True, help="Rätta beloppet under diagrammen.")
    else:
        c3.metric(_deficit_label(deficit * 1000.0),
                  fmt_pct(mc.prob_deficit_at_most(deficit * 1000.0) * 100, 0), border=True,
                  help="Andel av simuleringarna; ändra beloppet vid fördelningen.")
    st.caption(f"År {ctx.as_of.year}. Basprognos {fmt_mkr(row['baseline_tkr'], 1)} "
               f"({cached.record_heading(ctx)}). "
               f"Scenariots intervall P10–P90: {fmt_mkr(qs['p10_tkr'])} till "
               f"{fmt_mkr(qs['p90_tkr'])}. Sannolikhet och intervall: "
               f"{fmt_number(mc.n_draws)} simuleringar av antagandenas intervall och "
               "basprognosens osäkerhet.")


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
    """The number of draws, the deficit threshold and the histogram of the year results."""
    st.subheader("Fördelning av årsresultatet")
    c1, c2 = st.columns(2)
    with c1:
        st.select_slider("Antal simuleringar", options=list(DRAW_OPTIONS), key=K.SC_DRAWS,
                         format_func=fmt_number)
    with c2:
        deficit = number_entry(DEFICIT_FIELD, K.SC_DEFICIT,
                               help="Sannolikheten ovan gäller ett underskott mot budget på "
                                    "högst detta belopp; 0 = budget i balans, negativt = "
                                    f"överskott. Tillåtet: {DEFICIT_FIELD.allowed()}.")
    values = pd.DataFrame({"mkr": mc.totals[:, 0] / 1000.0})
    limit = None if not deficit else (mc.budget / 1000.0 - deficit)
    st.altair_chart(histogram_chart(values, marker=mc.budget / 1000.0, marker_label="Budget",
                                    limit=limit,
                                    title=f"Årsresultat {ctx.as_of.year} i "
                                          f"{fmt_number(mc.n_draws)} simuleringar"),
                    width="stretch")


def _save(ctx_hash: str, scenario: A.Scenario, first_month: str) -> None:
    """Callback of "Spara scenariot": a new version; Förval and Jämför show it."""
    rec = cached.store().save(scenario, input_hash=ctx_hash)
    st.session_state[K.LAST_SAVED] = (rec.name, rec.version)
    st.session_state[K.SC_SAVE_NOTE] = (f"Sparat: '{rec.name}' version {rec.version}.", scenario)
    st.session_state[K.SC_PRESET] = saved_label(rec.name, rec.version)
    st.session_state[BASE_KEY] = rec.scenario


def _versions_table(store: Any, name: str) -> None:
    versions = store.versions(name)
    shown = pd.DataFrame({
        "Version": versions["version"].astype(int).astype(str),
        "Beskrivning": versions["description"], "Författare": versions["author"],
        "Skapad": versions["updated"].map(fmt_timestamp),
        "Indata-hash": versions["input_hash"].str[:12],
        "Programversion": versions["program_version"]})
    st.dataframe(shown, hide_index=True, width="stretch")


@guard_store("Scenariolagret kan inte nås")
def _store(ctx: Context, scenario: A.Scenario) -> None:
    st.subheader("Spara")
    try:
        store = cached.store()
    except CoreMissing:
        st.info("Scenariolagret är inte tillgängligt i den här versionen ännu.")
        return
    st.button("Spara scenariot", icon=":material/save:", key="w_sc_save",
              help="Sparar namn, beskrivning, författare och antaganden som en ny version; "
                   "tidigare versioner finns kvar.",
              on_click=_save, args=(ctx.data_hash, scenario, _months(ctx)[0]))
    note = st.session_state.get(K.SC_SAVE_NOTE)
    if note is not None and note[1] == scenario:
        st.success(note[0])
    else:
        st.session_state.pop(K.SC_SAVE_NOTE, None)  # the assumptions changed since the save
    saved = store.list_scenarios()
    if saved.empty:
        st.caption("Inga sparade scenarier ännu.")
        return
    name = st.selectbox("Sparade scenarier", list(saved["name"]), key=K.SC_STORED,
                        help="Hämta en version med Förval överst till vänster.")
    with st.expander(f"Versioner av '{name}'"):
        _versions_table(store, name)
    with st.popover("Radera", icon=":material/delete:"):
        st.write(f"Tar bort alla {len(store.versions(name))} versioner av '{name}' permanent.")
        if st.button("Ja, radera", key="w_sc_delete", type="primary"):
            store.delete(name, confirm=True)
            st.rerun()


def _left(presets: dict[str, A.Scenario], months: list[str]) -> None:
    options = [*presets, *_saved_refs()]
    if st.session_state.get(K.SC_PRESET) not in options:
        options.append(st.session_state[K.SC_PRESET])
    st.selectbox("Förval", options, key=K.SC_PRESET, on_change=_on_preset,
                 args=(presets, months[0]),
                 help="Exempelscenarierna och alla sparade versioner. Att välja ett förval "
                      "skriver över antagandena nedan.")
    st.text_input("Scenariots namn", key=K.SC_NAME, max_chars=200)
    st.text_input("Beskrivning", key=K.SC_DESCRIPTION, max_chars=2000)
    st.text_input("Författare", key=K.SC_AUTHOR, max_chars=200)
    _controls(months)


def render() -> None:
    """Draw the page: controls on the left, the results on the right (they stay in view)."""
    ctx = context()
    page_header("Scenarier", "Vad händer med årets resultat om antagandena ändras?", HELP)
    if forecast_or_none(ctx, pointer=True) is None:
        return
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
    scenario, errors = scenario_from_state(ctx)
    # The key figures stay at the top of the window while the user scrolls (ui.document).
    with st.container(key=RESULTS_KEY):
        if scenario is None:
            st.error("Antagandena är inte giltiga, så inget har räknats om. Rätta:\n\n"
                     + "\n".join(f"- {e}" for e in errors), icon=":material/error:")
        else:
            st.session_state[LAST_KEY] = scenario
            res = cached.apply_scenario(ctx, scenario)
            mc = cached.simulate_scenario(ctx, scenario, int(st.session_state[K.SC_DRAWS]))
            _key_figures(ctx, res, mc)
    left, right = st.columns([2, 3], gap="large")
    with right:
        if scenario is not None:
            _bridge(ctx, res)
            _distribution(ctx, mc)
            _store(ctx, scenario)
    with left:
        _left(presets, months)
