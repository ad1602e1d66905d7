"""The page «Jämför»: saved scenarios side by side, as a table and a chart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecast.io.formatting import fmt_mkr, fmt_number
from ui import cached
from ui import state_keys as K
from ui.cycle_access import guard_store
from ui.data_access import CoreMissing, context, core
from ui.widgets import grouped_bar_chart, help_box, to_mkr

HELP = """
Välj sparade scenarier (sidan **Scenarier** → *Spara scenariot*) för att se dem sida vid
sida: antaganden, årsresultat per år, skillnaden mot basprognosen och avvikelsen mot budget.
Alla scenarier räknas på samma basprognos (vald data och prognosmånad), med antagandenas
troliga värden. Knappen nedan sparar exempelscenarierna i lagret så att de kan jämföras.
"""


@guard_store("Scenarierna sparades inte")
def _save_examples() -> None:
    presets = cached.presets()
    for sc in presets.values():
        cached.store().save(sc)


def _fmt_cell(is_amount: bool, v: object) -> str:
    if is_amount and isinstance(v, int | float):
        return fmt_mkr(v, 1)
    if isinstance(v, float):
        return fmt_number(v, 1)
    return "" if v is None else str(v)


@guard_store("Scenariolagret kan inte nås")
def render() -> None:
    """Draw the page."""
    ctx = context()
    st.title("Jämför scenarier")
    st.caption("Sparade scenarier sida vid sida på samma basprognos.")
    help_box(HELP)
    try:
        store = cached.store()
    except CoreMissing:
        st.info("Scenariolagret är inte tillgängligt i den här versionen ännu.")
        return
    saved = store.list_scenarios()
    st.button("Spara exempelscenarierna i lagret", on_click=_save_examples,
              icon=":material/library_add:")
    if saved.empty:
        st.info("Inga sparade scenarier ännu.")
        return
    refs = [f"{r.name} v{r.version}" for r in saved.itertuples()]
    by_ref = {f"{r.name} v{r.version}": (r.name, int(r.version)) for r in saved.itertuples()}
    default = refs[: min(3, len(refs))]
    chosen = st.multiselect("Scenarier att jämföra", refs, default=default, key=K.CMP_SELECTION)
    if not chosen:
        st.info("Välj minst ett scenario.")
        return
    picked = tuple(by_ref[c] for c in chosen)
    table = cached.compare(ctx, picked)
    amounts = set(core("scenarios.store").amount_rows(table))
    shown = pd.DataFrame({c: [_fmt_cell(str(i) in amounts, v) for i, v in table[c].items()]
                          for c in table.columns}, index=table.index)
    st.dataframe(shown.rename_axis("Egenskap").reset_index(), hide_index=True, width="stretch")
    res = cached.compare_results(ctx, picked)
    long = pd.DataFrame({"År": res["year"].astype(str), "Scenario": res["scenario"],
                         "tkr": res["result_tkr"]})
    st.altair_chart(grouped_bar_chart(to_mkr(long, ["tkr"]), category="År", group="Scenario",
                                      value="tkr", title="Årsresultat per scenario, mkr"),
                    width="stretch")
