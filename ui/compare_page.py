"""The page «Jämför»: saved scenarios – or versions of one scenario – side by side.

Scenario names (in the pills, headings and the result table's columns, all rendered as
Markdown by Streamlit) and the laid forecast's author are shown through :func:`ui.text.md`.

Every column is a ``scenarios.committee.CommitteeView`` on the same base (the forecast of
record); the tables, the Excel file and the one-page sheet (Word, PDF) are built by
``scenarios.comparison`` from the same views, so the figures agree in every format.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from forecast.io.export import tables_to_xlsx_bytes
from forecast.io.formats import DOCX_MIME, PDF_MIME, XLSX_MIME
from forecast.io.formatting import fmt_mkr, fmt_number, fmt_pct
from forecast.io.limits import MAX_SHEET_SCENARIOS
from scenarios import comparison as C
from scenarios.sheet import sheet_to_docx, sheet_to_pdf
from scenarios.store import save_unless_unchanged
from ui import cached
from ui import scenario_state as D
from ui import state_keys as K
from ui.committee_view import (
    bridge_chart,
    bridge_frame,
    shared_domain,
    tornado_chart,
    tornado_frame,
)
from ui.data_access import Context, context
from ui.text import md
from ui.user_access import guard_store
from ui.widgets import page_header

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from scenarios.committee import CommitteeView
    from scenarios.store import ScenarioStore

HELP = """
Välj sparade scenarier eller **versioner av samma scenario** (sidan **Scenarier** → *Spara
scenariot*) och, om du vill, scenariot du arbetar med just nu. Alla räknas på samma
basprognos (prognosen som gäller för vald data och prognosmånad).

- **Resultat**: årets resultat, P10–P90 (80 % av simuleringarna), sannolikheten för budget i
  balans och avvikelsen mot budget.
- **Antaganden** sida vid sida; rader där scenarierna skiljer sig är markerade.
- **Bryggor** och **känslighet** per scenario, på samma skala så att staplarna går att jämföra.
- **Ladda ned** jämförelsen som Excel (belopp som tal i tkr) eller som ett scenarioblad på en
  sida (Word eller PDF) till nämndens handlingar.
"""

DRAFT_LABEL = "Scenariot på sidan Scenarier (ej sparat)"


@guard_store("Scenarierna sparades inte")
def _save_examples() -> None:
    added = 0
    for sc in cached.presets().values():
        _, new = save_unless_unchanged(cached.store(), sc)
        added += int(new)
    st.session_state[K.SAVE_MESSAGE] = (
        f"{added} exempelscenarier sparades." if added else
        "Exempelscenarierna fanns redan oförändrade i lagret.")


def version_options(store: ScenarioStore) -> dict[str, tuple[str, int]]:
    """Every stored version as "namn vN", names in order and the newest version first."""
    out: dict[str, tuple[str, int]] = {}
    for name in store.list_scenarios()["name"]:
        for v in list(store.versions(name)["version"])[::-1]:
            out[f"{name} v{int(v)}"] = (name, int(v))
    return out


def _default(store: ScenarioStore, options: dict[str, tuple[str, int]]) -> list[str]:
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


def result_display(views: C.Labelled) -> pd.DataFrame:
    """The key figures as Swedish text, one column per scenario."""
    rows: dict[str, list[str]] = {
        "Sannolikhet budget i balans": [fmt_pct(100 * v.prob_balance, 0) for _, v in views],
        "Scenario, årsresultat": [fmt_mkr(v.printed_scenario_mkr * 1000, 1) for _, v in views],
        "P10–P90": [f"{fmt_mkr(v.p10_tkr)} till {fmt_mkr(v.p90_tkr)}" for _, v in views],
        "Avvikelse mot budget": [fmt_mkr(v.deviation_tkr, 1) for _, v in views],
        "Skillnad mot basprognos": [fmt_mkr(v.printed_difference_mkr * 1000, 1)
                                    for _, v in views],
        "Basprognos": [fmt_mkr(v.printed_baseline_mkr * 1000, 1) for _, v in views],
        "Budget": [fmt_mkr(v.budget_tkr, 1) for _, v in views],
    }
    if any(v.plan for _, v in views):
        rows["Omställningsplan: underskott mot plan"] = [
            fmt_mkr(v.plan_shortfall_tkr, 1) if v.plan else "–"
            for _, v in views]
    return pd.DataFrame(rows, index=[label for label, _ in views]).T.rename_axis("Nyckeltal")


def highlighted_assumptions(views: C.Labelled) -> Styler:
    """The assumptions side by side, differing rows highlighted (a pandas Styler)."""
    table = C.assumption_table(views)

    def colour(row: pd.Series) -> list[str]:
        on = row["Skiljer sig"] == "ja"
        return ["background-color: #fff3cd; font-weight: bold" if on else ""] * len(row)

    return table.style.apply(colour, axis=1)


def _views(ctx: Context, chosen: list[str], options: dict[str, tuple[str, int]]
           ) -> list[tuple[str, CommitteeView]]:
    n = int(st.session_state.get(K.SC_DRAWS, 2000))
    out = []
    for label in chosen:
        sc = D.draft().scenario if label == DRAFT_LABEL else cached.store().load(*options[label])
        out.append((label, cached.committee_view(ctx, sc, n)))
    return out


def _downloads(ctx: Context, views: C.Labelled) -> None:
    meta = C.comparison_metadata(views, as_of=str(ctx.as_of), input_hash=ctx.data_hash,
                                 source=ctx.ds.source)
    tables = C.comparison_tables(views)
    too_many = len(views) > MAX_SHEET_SCENARIOS

    def xlsx() -> bytes:
        return tables_to_xlsx_bytes(tables, meta, unit="tkr")

    def sheet(write: Callable[[C.Sheet], bytes]) -> Callable[[], bytes]:
        return lambda: write(C.sheet(views, meta))

    b1, b2, b3 = st.columns(3)
    stamp = f"{ctx.as_of}"
    b1.download_button("Excel (.xlsx)", data=xlsx, file_name=f"jamforelse_{stamp}.xlsx",
                       mime=XLSX_MIME, key=K.CMP_DOWNLOAD_XLSX, icon=":material/table_view:",
                       on_click="ignore")
    b2.download_button("Scenarioblad, Word", data=sheet(sheet_to_docx),
                       file_name=f"scenarioblad_{stamp}.docx", mime=DOCX_MIME,
                       key=K.CMP_DOWNLOAD_DOCX, icon=":material/article:", on_click="ignore",
                       disabled=too_many)
    b3.download_button("Scenarioblad, PDF", data=sheet(sheet_to_pdf),
                       file_name=f"scenarioblad_{stamp}.pdf", mime=PDF_MIME,
                       key=K.CMP_DOWNLOAD_PDF, icon=":material/picture_as_pdf:",
                       on_click="ignore", disabled=too_many)
    if too_many:
        st.caption(f"Scenariobladet rymmer högst {MAX_SHEET_SCENARIOS} scenarier på en sida; "
                   "välj färre för bladet (Excel-filen tar alla).")


def _charts(views: C.Labelled) -> None:
    bridges = [bridge_frame(v) for _, v in views]
    tornados = [tornado_frame(v) for _, v in views]
    bd = shared_domain(bridges, ["från", "till"])
    td = shared_domain([t for t in tornados if not t.empty] or [pd.DataFrame(
        {"vid P10": [], "vid P90": []})], ["vid P10", "vid P90"])
    st.subheader("Bryggor och känslighet (samma skala)")
    for (label, v), bf, tf in zip(views, bridges, tornados, strict=True):
        st.markdown(f"**{md(label)}**")
        st.altair_chart(bridge_chart(bf, domain=bd, title=f"Brygga {v.year}, mkr"),
                        width="stretch")
        if not tf.empty:
            st.altair_chart(tornado_chart(tf, domain=td, title="Känslighet P10→P90, mkr"),
                            width="stretch")


def _choose(store: ScenarioStore) -> tuple[list[str], dict[str, tuple[str, int]]]:
    options = version_options(store)
    labels = [DRAFT_LABEL, *options]
    if K.CMP_SELECTION not in st.session_state:
        st.session_state[K.CMP_SELECTION] = _default(store, options)
    st.session_state[K.CMP_SELECTION] = [c for c in st.session_state[K.CMP_SELECTION]
                                         if c in labels]
    chosen = st.pills("Scenarier och versioner att jämföra", labels, selection_mode="multi",
                      key=K.CMP_SELECTION, format_func=md,
                      help="Klicka för att välja eller välja bort; flera versioner av samma "
                           "scenario går att jämföra.")
    return list(chosen or []), options


@guard_store("Scenariolagret kan inte nås")
def render() -> None:
    """Draw the page."""
    ctx = context()
    page_header("Jämför scenarier",
                "Sparade scenarier och versioner sida vid sida på samma basprognos.", HELP)
    store = cached.store()
    st.button("Spara exempelscenarierna i lagret", on_click=_save_examples,
              icon=":material/library_add:", key="w_cmp_examples")
    msg = st.session_state.pop(K.SAVE_MESSAGE, None)
    if msg:
        st.success(msg)
    chosen, options = _choose(store)
    if not chosen:
        st.info("Välj minst ett scenario.")
        return
    views = _views(ctx, chosen, options)
    st.caption(f"Basprognos: {md(cached.record_heading(ctx))}. "
               f"{fmt_number(views[0][1].n_draws)} simuleringar per scenario.")
    st.subheader("Resultat")
    st.table(result_display(views).rename(columns=md))  # st.table renders Markdown
    _downloads(ctx, views)
    st.subheader("Antaganden sida vid sida")
    st.caption("Gulmarkerade rader skiljer sig mellan scenarierna.")
    st.dataframe(highlighted_assumptions(views), width="stretch")
    _charts(views)
