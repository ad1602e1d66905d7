"""The page «Scenarier»: assumptions → bridge, distribution and probability of balance.

The baseline is cached (per data hash and as-of month); a control change only re-applies the
scenario (``scenarios.engine.apply``) and redraws the Monte Carlo (``scenarios.montecarlo``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from forecast.access import Action
from forecast.io.entry import NumberField
from forecast.io.formatting import fmt_mkr, fmt_number, fmt_pct, fmt_timestamp
from scenarios import assumptions as A
from scenarios.document import MAX_NAME_CHARS, UNNAMED, save_check
from ui import cached
from ui import scenario_form as F
from ui import scenario_state as D
from ui import state_keys as K
from ui import user_access as UA
from ui.committee_view import committee_section
from ui.data_access import Context, context
from ui.forecast_gate import forecast_or_none
from ui.measures_editor import measures_section
from ui.number_entry import number_entry, read_entry, set_entry
from ui.text import md
from ui.user_access import guard_store
from ui.widgets import histogram_chart, month_text, page_header

if TYPE_CHECKING:
    from scenarios.committee import CommitteeView
    from scenarios.montecarlo import MCResult
    from scenarios.store import ScenarioStore

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
- **Sannolikhet för budget i balans** är andelen simuleringar där resultatet når budget. Ange
  ett annat belopp vid fördelningen för att fråga om ett största godtaget underskott.
- **Känsligheten** visar hur mycket årets resultat rör sig när ett intervall går från sin
  P10 till sin P90 (övriga antaganden vid troligt värde).
- Scenariot finns kvar när du går till andra sidor och kommer tillbaka, och adressen i
  webbläsaren pekar ut det, så det finns kvar efter omladdning.
- En tom månad betyder antagandets standard, t.ex. *första prognosmånaden*.

Basprognosen räknas inte om när du ändrar ett antagande; bara scenariot räknas om.
"""

SAVED_PREFIX = D.SAVED_PREFIX
RESULTS_KEY = "sc_results"
"""Key of the container of the key figures (sticky at the top, see ``ui.document``)."""
DEFICIT_FIELD = NumberField("Högsta underskott mot budget, mkr", -1_000_000.0, 1_000_000.0, 1,
                            "mkr")


def _months(ctx: Context) -> list[str]:
    return cached.forecast_month_labels(ctx)


saved_label = D.saved_label


def _saved_refs() -> dict[str, tuple[str, int]]:
    """Förval entries of every stored version, newest version of each name first."""
    store = cached.store()
    out: dict[str, tuple[str, int]] = {}
    for name in store.list_scenarios()["name"]:
        for v in list(store.versions(name)["version"])[::-1]:
            out[saved_label(name, int(v))] = (name, int(v))
    return out


def _write_controls(d: D.Draft, first_month: str) -> None:
    """Write the draft into the controls (they are a view of it)."""
    fields = F.number_fields()
    for p, v in F.controls_from_scenario(d.scenario, first_month).items():
        key = K.scenario_control(p)
        if p in fields:
            set_entry(key, fields[p], F.number(v))
        else:
            st.session_state[key] = v
    st.session_state[K.SC_NAME] = d.name
    st.session_state[K.SC_DESCRIPTION] = d.scenario.description
    st.session_state[K.SC_AUTHOR] = d.scenario.author
    st.session_state[K.SC_PRESET] = d.origin


def _controls_missing() -> bool:
    """True when Streamlit has dropped the controls (after a visit to another page)."""
    keys = [K.SC_PRESET, K.SC_NAME, *(K.scenario_control(p) for p in
                                      F.controls_from_scenario(A.Scenario(name="x"), "2000-01"))]
    return any(k not in st.session_state for k in keys)


def _on_preset(presets: dict[str, A.Scenario], first_month: str) -> None:
    label = str(st.session_state.get(K.SC_PRESET))
    if label in presets:
        d = D.from_preset(label, presets[label])
    else:
        ref = _saved_refs().get(label)
        if ref is None:
            return
        d = D.from_saved(*ref, cached.store().load(*ref))
    D.set_draft(d)
    st.session_state.pop(K.SC_PENDING, None)
    _write_controls(d, first_month)


def _month_control(c: F.Control, key: str, months: list[str]) -> None:
    options = ([""] if c.kind == "optmonth" else []) + months
    current = st.session_state.get(key)
    if current and current not in options:
        options = [current, *options]
    none = f"standard: {c.none_label}" if c.none_label else "standard"
    st.selectbox(c.label, options, key=key,
                 format_func=lambda m: month_text(m) if m else none, help=c.help or None)


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
    if c.kind == "range":
        _range_control(block, c)
    elif c.kind == "bool" and (block.type, c.field) in F.OPTIONAL_RANGES:
        st.checkbox(c.label, key=K.scenario_control(F.path(block.type, c.field, "set")),
                    help=c.help or None)
    elif c.kind == "bool":
        st.checkbox(c.label, key=key, help=c.help or None)
    elif c.kind in ("month", "optmonth"):
        _month_control(c, key, months)
    else:
        number_entry(F.number_fields()[F.path(block.type, c.field)], key, help=c.help or None)


def _controls(months: list[str], ctx: Context) -> None:
    for block in F.BLOCKS:
        enabled_key = K.scenario_control(F.path(block.type, F.ENABLED))
        with st.expander(A.TYPE_NAMES[block.type], expanded=bool(st.session_state.get(
                enabled_key))):
            st.toggle("Med i scenariot", key=enabled_key)
            for c in block.controls:
                _control(block, c, months)
            if block.type == "omstallningsplan":
                measures_section(ctx, months)


def _values() -> tuple[dict[str, F.ControlValue], list[str]]:
    """The controls' values (numbers parsed the Swedish way) and the fields' messages."""
    prefix = K.SC_CONTROL_PREFIX
    fields = F.number_fields()
    values: dict[str, F.ControlValue] = {}
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


def computed_name(typed: str) -> str:
    """The name a draft is computed and exported under: the typed one, if it can be saved."""
    name = typed.strip()
    return name if 0 < len(name) <= MAX_NAME_CHARS else UNNAMED


def scenario_from_state(ctx: Context) -> tuple[A.Scenario | None, list[str]]:
    """The scenario the controls describe, or None and Swedish messages saying why not."""
    values, errors = _values()
    if errors:
        return None, errors
    first = _months(ctx)[0]
    meta = _meta()
    try:
        sc = F.scenario_from_controls(D.draft().scenario, values, first_month=first,
                                      name=computed_name(meta["name"]))
        return sc.model_copy(update={"description": meta["description"],
                                     "author": meta["author"]}), []
    except ValidationError as exc:
        return None, F.validation_messages(exc.errors())


def current_scenario_or_default(ctx: Context) -> A.Scenario:
    """The scenario being edited (the session's draft; restored from the address)."""
    return D.draft().scenario


DRAW_OPTIONS = (1000, 2000, 5000, 10_000)
DEFAULT_DRAWS = 2000
"""Monte Carlo draws until the user picks another number (also used by the Export page)."""


def _deficit_label(deficit_tkr: float) -> str:
    if deficit_tkr == 0:
        return "Sannolikhet för budget i balans"
    if deficit_tkr < 0:
        return f"Sannolikhet för ett överskott mot budget på minst {fmt_mkr(-deficit_tkr, 1)}"
    return f"Sannolikhet att underskottet mot budget blir högst {fmt_mkr(deficit_tkr, 1)}"


def _key_figures(ctx: Context, view: CommitteeView, mc: MCResult) -> None:
    """Probability (balance by default), result with its P10–P90, deviation (stays on top)."""
    if K.SC_DEFICIT not in st.session_state:
        set_entry(K.SC_DEFICIT, DEFICIT_FIELD, 0.0)
    deficit, _ = read_entry(K.SC_DEFICIT, DEFICIT_FIELD)
    c1, c2, c3 = st.columns(3)
    if deficit is None:
        c1.metric("Sannolikhet", "–", border=True, help="Rätta beloppet vid fördelningen.")
    else:
        c1.metric(_deficit_label(deficit * 1000.0),
                  fmt_pct(mc.prob_deficit_at_most(deficit * 1000.0) * 100, 0), border=True,
                  help="Andel av simuleringarna; ett annat belopp anges vid fördelningen.")
    c2.metric(f"Scenario, årsresultat {view.year}", fmt_mkr(view.printed_scenario_mkr * 1000, 1),
              border=True, delta=f"P10–P90: {fmt_mkr(view.p10_tkr)} till {fmt_mkr(view.p90_tkr)}",
              delta_arrow="off", delta_color="off",
              help="80 % av simuleringarna hamnar mellan P10 och P90.")
    c3.metric("Scenario mot budget", fmt_mkr(view.deviation_tkr, 1), border=True,
              delta=f"{fmt_mkr(view.printed_difference_mkr * 1000, 1)} mot basprognosen",
              delta_arrow="off", delta_color="off",
              help=f"Budget {fmt_mkr(view.budget_tkr, 1)}; basprognos "
                   f"{fmt_mkr(view.printed_baseline_mkr * 1000, 1)}.")
    st.caption(f"Basprognos: {md(cached.record_heading(ctx))}. Sannolikhet och intervall: "
               f"{fmt_number(mc.n_draws)} simuleringar av antagandenas intervall och "
               "basprognosens osäkerhet.")


def _distribution(ctx: Context, mc: MCResult) -> None:
    """The number of draws, the deficit threshold and the histogram of the year results."""
    st.subheader("Fördelning av årsresultatet")
    c1, c2 = st.columns(2)
    with c1:
        st.select_slider("Antal simuleringar", options=list(DRAW_OPTIONS), key=K.SC_DRAWS,
                         format_func=fmt_number)
    with c2:
        deficit = number_entry(DEFICIT_FIELD, K.SC_DEFICIT,
                               help="Sannolikheten överst gäller ett underskott mot budget på "
                                    "högst detta belopp; 0 = budget i balans, negativt = "
                                    f"överskott. Tillåtet: {DEFICIT_FIELD.allowed()}.")
    values = pd.DataFrame({"mkr": mc.totals[:, 0] / 1000.0})
    limit = None if not deficit else (mc.budget / 1000.0 - deficit)
    st.altair_chart(histogram_chart(values, marker=mc.budget / 1000.0, marker_label="Budget",
                                    limit=limit,
                                    title=f"Årsresultat {ctx.as_of.year} i "
                                          f"{fmt_number(mc.n_draws)} simuleringar"),
                    width="stretch")


def _do_save(ctx_hash: str, scenario: A.Scenario, name: str) -> None:
    author = UA.current_user() or ""  # the signed-in user, never the typed author field
    rec = cached.store().save(scenario.model_copy(update={"name": name, "author": author}),
                              input_hash=ctx_hash)
    st.session_state[K.LAST_SAVED] = (rec.name, rec.version)
    st.session_state[K.SC_SAVE_NOTE] = (f"Sparat: '{md(rec.name)}' version {rec.version}.",
                                        rec.scenario)
    st.session_state.pop(K.SC_PENDING, None)
    d = D.from_saved(rec.name, rec.version, rec.scenario)
    D.set_draft(d)
    st.session_state[K.SC_PRESET] = d.origin
    st.session_state[K.SC_NAME] = rec.name


def _save(ctx_hash: str, scenario: A.Scenario, first_month: str) -> None:
    """Callback of "Spara scenariot": refuse, ask, or save a new version."""
    if not UA.may(Action.SAVE_SCENARIO):
        st.session_state[K.SC_SAVE_NOTE] = ("!Bara en controller får spara scenarier.", scenario)
        return
    typed = str(st.session_state.get(K.SC_NAME) or "")
    name = typed.strip()
    try:
        latest: int | None = cached.store().record(name).version if name else None
    except KeyError:
        latest = None
    check = save_check(typed, D.draft().based_on, latest)
    if check.verdict == "refused":
        st.session_state[K.SC_SAVE_NOTE] = ("!" + check.message, scenario)
    elif check.verdict == "confirm":
        st.session_state[K.SC_PENDING] = (check.message, scenario, name)
    else:
        _do_save(ctx_hash, scenario, name)


def _confirm(ctx_hash: str) -> None:
    pending = st.session_state.get(K.SC_PENDING)
    if pending is not None:
        _do_save(ctx_hash, pending[1], pending[2])


def _pending(ctx: Context, scenario: A.Scenario) -> None:
    pending = st.session_state.get(K.SC_PENDING)
    if pending is None:
        return
    if pending[1] != scenario:  # the assumptions changed since: ask again on the next save
        st.session_state.pop(K.SC_PENDING, None)
        return
    st.warning(pending[0], icon=":material/warning:")
    c1, c2 = st.columns(2)
    c1.button("Ja, spara ny version", key=K.SC_SAVE_CONFIRM, type="primary",
              on_click=_confirm, args=(ctx.data_hash,))
    c2.button("Avbryt", key=K.SC_SAVE_CANCEL,
              on_click=lambda: st.session_state.pop(K.SC_PENDING, None))


def _versions_table(store: ScenarioStore, name: str) -> None:
    versions = store.versions(name)
    shown = pd.DataFrame({
        "Version": versions["version"].astype(int).astype(str),
        "Beskrivning": versions["description"], "Författare": versions["author"],
        "Skapad": versions["updated"].map(fmt_timestamp),
        "Programversion": versions["program_version"]})
    st.dataframe(shown, hide_index=True, width="stretch")


def _save_note(scenario: A.Scenario) -> None:
    note = st.session_state.get(K.SC_SAVE_NOTE)
    if note is None:
        return
    saved = note[1].model_copy(update={"author": scenario.author})  # the saver is the user
    if saved != scenario and not note[0].startswith("!"):
        st.session_state.pop(K.SC_SAVE_NOTE, None)  # the assumptions changed since the save
    elif note[0].startswith("!"):
        st.error(note[0][1:], icon=":material/error:")
        st.session_state.pop(K.SC_SAVE_NOTE, None)
    else:
        st.success(note[0])


@guard_store("Scenariolagret kan inte nås")
def _store(ctx: Context, scenario: A.Scenario) -> None:
    st.subheader("Spara")
    store = cached.store()
    d = D.draft()
    base = (f"Utgår från '{d.based_on[0]}' version {d.based_on[1]}." if d.based_on else
            "Ett nytt scenario: ge det ett namn innan du sparar.")
    st.caption(base + " Att spara lägger till en ny version; tidigare versioner finns kvar.")
    st.button("Spara scenariot", icon=":material/save:", key="w_sc_save",
              on_click=_save, args=(ctx.data_hash, scenario, _months(ctx)[0]))
    _pending(ctx, scenario)
    _save_note(scenario)
    saved = store.list_scenarios()
    if saved.empty:
        st.caption("Inga sparade scenarier ännu.")
        return
    name = st.selectbox("Sparade scenarier", list(saved["name"]), key=K.SC_STORED,
                        help="Hämta en version med Förval överst till vänster.")
    with st.expander(f"Versioner av '{md(name)}'"):
        _versions_table(store, name)
    if not UA.may(Action.DELETE_SCENARIO):
        return
    with st.popover("Radera", icon=":material/delete:"):
        st.write(f"Döljer alla {len(store.versions(name))} versioner av '{md(name)}'; "
                 "raderingen sparas med ditt namn i granskningsloggen.")
        if st.button("Ja, radera", key="w_sc_delete", type="primary"):
            store.delete(name, confirm=True, who=UA.current_user() or "")
            st.rerun()


def _name_field() -> None:
    st.text_input("Scenariots namn", key=K.SC_NAME, max_chars=4 * MAX_NAME_CHARS,
                  placeholder="Namn krävs för att spara",
                  help=f"Högst {MAX_NAME_CHARS} tecken. Ett förval sparas aldrig under "
                       "förvalets namn: ange ett eget.")
    n = len(str(st.session_state.get(K.SC_NAME) or "").strip())
    if n > MAX_NAME_CHARS:
        st.error(f"Namnet är {n} tecken; det får vara högst {MAX_NAME_CHARS} tecken.",
                 icon=":material/error:")


def _left(presets: dict[str, A.Scenario], months: list[str], ctx: Context) -> None:
    options = [*presets, *_saved_refs()]
    if st.session_state.get(K.SC_PRESET) not in options:
        options.append(st.session_state.get(K.SC_PRESET) or "")
    st.selectbox("Förval", options, key=K.SC_PRESET, on_change=_on_preset,
                 args=(presets, months[0]), format_func=lambda o: o or "eget scenario",
                 help="Exempelscenarierna och alla sparade versioner. Att välja ett förval "
                      "skriver över antagandena nedan.")
    _name_field()
    st.text_input("Beskrivning", key=K.SC_DESCRIPTION, max_chars=2000)
    st.text_input("Författare", key=K.SC_AUTHOR, max_chars=200)
    _controls(months, ctx)


def render() -> None:
    """Draw the page: controls on the left, the results on the right (they stay in view)."""
    ctx = context()
    page_header("Scenarier", "Vad händer med årets resultat om antagandena ändras?", HELP)
    if forecast_or_none(ctx, pointer=True) is None:
        return
    months = _months(ctx)
    presets = cached.presets()
    d = D.draft()
    msg = st.session_state.pop(K.SC_URL_MESSAGE, None)
    if msg:
        st.warning(msg, icon=":material/warning:")
    if _controls_missing():
        _write_controls(d, months[0])
    st.session_state.setdefault(K.SC_DRAWS, DEFAULT_DRAWS)
    scenario, errors = scenario_from_state(ctx)
    if scenario is not None:
        D.update(scenario, str(st.session_state.get(K.SC_NAME) or ""))
    # The key figures stay at the top of the window while the user scrolls (ui.document).
    with st.container(key=RESULTS_KEY):
        if scenario is None:
            st.error("Antagandena är inte giltiga, så inget har räknats om. Rätta:\n\n"
                     + "\n".join(f"- {e}" for e in errors), icon=":material/error:")
        else:
            n = int(st.session_state[K.SC_DRAWS])
            mc = cached.simulate_scenario(ctx, scenario, n)
            view = cached.committee_view(ctx, scenario, n)
            _key_figures(ctx, view, mc)
    if D.too_long_for_url(D.draft()):
        st.caption("Utkastet är för stort för att stå i adressen: spara det för att behålla "
                   "det efter en omladdning.")
    left, right = st.columns([2, 3], gap="large")
    with right:
        if scenario is not None:
            committee_section(view)
            _distribution(ctx, mc)
            _store(ctx, scenario)
    with left:
        _left(presets, months, ctx)
