"""The page «Jämför»: saved scenarios – or versions of one scenario – side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecast.io.formatting import fmt_mkr, fmt_number, fmt_timestamp
from scenarios.store import save_unless_unchanged
from ui import cached
from ui import state_keys as K
from ui.cycle_access import guard_store
from ui.data_access import CoreMissing, context
from ui.widgets import grouped_bar_chart, page_header, to_mkr

HELP = """
Välj sparade scenarier eller **versioner av samma scenario** (sidan **Scenarier** → *Spara
scenariot*) för att se dem sida vid sida: antaganden, årsresultat per år, skillnaden mot
basprognosen och avvikelsen mot budget, i mkr. Alla räknas på samma basprognos (vald data och
prognosmånad) med antagandenas troliga värden. Diagrammet visar skillnaden mot basprognosen,
så att även små skillnader mellan scenarierna syns. Knappen nedan sparar exempelscenarierna i
lagret (ett exempel som redan finns oförändrat sparas inte igen).
"""


@guard_store("Scenarierna sparades inte")
def _save_examples() -> None:
    added = 0
    for sc in cached.presets().values():
        _, new = save_unless_unchanged(cached.store(), sc)
        added += int(new)
    st.session_state[K.SAVE_MESSAGE] = (
        f"{added} exempelscenarier sparades." if added else
        "Exempelscenarierna fanns redan oförändrade i lagret.")


def version_options(store) -> dict[str, tuple[str, int]]:  # noqa: ANN001
    """Every stored version as "namn vN", names in order and the newest version first."""
    out: dict[str, tuple[str, int]] = {}
    for name in store.list_scenarios()["name"]:
        for v in list(store.versions(name)["version"])[::-1]:
            out[f"{name} v{int(v)}"] = (name, int(v))
    return out


def _default(store, options: dict[str, tuple[str, int]]) -> list[str]:  # noqa: ANN001
    """The version this session saved last, else the most recently saved one."""
    last = st.session_state.get(K.LAST_SAVED)
    if last is not None:
        label = f"{last[0]} v{last[1]}"
        if label in options:
            return [label]
    saved = store.list_scenarios()
    if saved.empty:
        return []
    newest = saved.sort_values("updated").iloc[-1]
    return [f"{newest['name']} v{int(newest['version'])}"]


def display_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The core's comparison with Swedish text cells: amounts in mkr, times local."""
    rows = {}
    for label, values in table.iterrows():
        text = str(label)
        if "(tkr)" in text:
            rows[text.replace("(tkr)", "(mkr)")] = [fmt_mkr(v, 1) for v in values]
        elif text in ("Uppdaterad", "Skapad"):
            rows[text] = [fmt_timestamp(v) for v in values]
        else:
            rows[text] = [fmt_number(v, 1) if isinstance(v, float) else
                          ("" if v is None else str(v)) for v in values]
    out = pd.DataFrame(rows, index=table.columns).T
    return out.rename_axis("Egenskap").reset_index()


def difference_long(table: pd.DataFrame) -> pd.DataFrame:
    """Long rows (År, Scenario, tkr) of the difference from the baseline per year."""
    prefix = "Skillnad mot basprognos "
    return pd.DataFrame([
        {"År": str(i)[len(prefix):].split()[0], "Scenario": c, "tkr": float(table.loc[i, c])}
        for i in table.index if str(i).startswith(prefix) for c in table.columns])


@guard_store("Scenariolagret kan inte nås")
def render() -> None:
    """Draw the page."""
    ctx = context()
    page_header("Jämför scenarier",
                "Sparade scenarier och versioner sida vid sida på samma basprognos.", HELP)
    try:
        store = cached.store()
    except CoreMissing:
        st.info("Scenariolagret är inte tillgängligt i den här versionen ännu.")
        return
    st.button("Spara exempelscenarierna i lagret", on_click=_save_examples,
              icon=":material/library_add:", key="w_cmp_examples")
    msg = st.session_state.pop(K.SAVE_MESSAGE, None)
    if msg:
        st.success(msg)
    options = version_options(store)
    if not options:
        st.info("Inga sparade scenarier ännu.")
        return
    if K.CMP_SELECTION not in st.session_state:
        st.session_state[K.CMP_SELECTION] = _default(store, options)
    st.session_state[K.CMP_SELECTION] = [c for c in st.session_state[K.CMP_SELECTION]
                                         if c in options]
    chosen = st.pills("Scenarier och versioner att jämföra", list(options),
                      selection_mode="multi", key=K.CMP_SELECTION,
                      help="Klicka för att välja eller välja bort; flera versioner av samma "
                           "scenario går att jämföra.")
    if not chosen:
        st.info("Välj minst ett scenario.")
        return
    table = cached.compare(ctx, tuple(options[c] for c in chosen))
    # A static table: every cell in full, no English toolbar.
    st.table(display_rows(table).set_index("Egenskap"))
    long = difference_long(table)
    if not long.empty:
        st.altair_chart(grouped_bar_chart(to_mkr(long, ["tkr"]), category="År",
                                          group="Scenario", value="tkr",
                                          title="Skillnad mot basprognosen per år, mkr"),
                        width="stretch")
