"""The page «Prognosförändring»: the change since the previous laid forecast, and accuracy.

Prognossäkerhet of completed years too. Reads only laid forecasts (no recomputation).
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from forecast.cycle import change as CH
from forecast.cycle import tables as CT
from forecast.cycle import value_added as VA
from forecast.cycle.accuracy import AccuracyError, accuracy_table
from forecast.cycle.change import ChangeError
from forecast.cycle.laid import LaidForecast
from forecast.io.formats import XLSX_MIME
from forecast.io.formatting import fmt_timestamp, month_label
from forecast.ledger.month import month_from_text
from ui import cycle_access as CA
from ui import state_keys as K
from ui import user_access as UA
from ui.data_access import context
from ui.export_page import downloader
from ui.widgets import grouped_bar_chart, page_header, show_table, to_mkr, waterfall_chart

HELP = """
Förändringen av årsprognosen (avvikelse mot budget på helår) från en lagd prognos till nästa,
uppdelad i delar som summerar exakt: **utfallet** i de nya månaderna mot vad föregående
prognos räknade med, den **nya bedömningen** av årets återstående månader, **justeringar** som
lagts till, ändrats eller tagits bort (med sina kommentarer) och **scenarioantaganden** som
tagits in.
**Prognossäkerhet** jämför varje lagd prognos för ett avslutat år med årets utfall, och
**förädlingsvärdet (FVA)** visar om justeringarna förde prognosen närmare utfallet än den
statistiska prognosen: för regionen, per division och per kostnadsslag.
"""


def _pick(months: list[pd.Period]) -> tuple[pd.Period, pd.Period] | None:
    labels = [str(m) for m in months]
    c1, c2 = st.columns(2)
    cur = c1.selectbox("Ny prognos", labels[::-1], key=K.CHG_CURRENT,
                       format_func=lambda m: month_label(month_from_text(m), long=True))
    cur_p = month_from_text(cur)
    before = [m for m in labels if month_from_text(m).year == cur_p.year and m < cur]
    if not before:
        st.info(f"Ingen lagd prognos före {month_label(cur_p, long=True)} samma år att jämföra "
                "med.")
        return None
    if st.session_state.get(K.CHG_PREVIOUS) not in before:
        st.session_state[K.CHG_PREVIOUS] = before[-1]
    prev = c2.selectbox("Föregående prognos", before[::-1], key=K.CHG_PREVIOUS,
                        format_func=lambda m: month_label(month_from_text(m), long=True))
    return month_from_text(prev), cur_p


def _change(ctx, prev: LaidForecast, cur: LaidForecast) -> None:
    try:
        fc = CH.decompose(prev, cur)
    except ChangeError as exc:
        st.error(str(exc))
        return
    st.markdown(f"**{CH.sentence(fc)}**")
    st.altair_chart(waterfall_chart(CH.bridge(fc), title="Avvikelse mot budget på helår, mkr"),
                    width="stretch")
    table = CT.labelled(CH.change_table(fc))
    amounts = ("Föregående prognos", *CH.PART_LABELS.values(), "Förändring", "Ny prognos")
    per_div = table[table["Kostnadsslag"].isin(["Summa", ""])]
    show_table(per_div.drop(columns=["Division", "Kostnadsslag"]), amount_columns=amounts)
    with st.expander("Per division och kostnadsslag"):
        show_table(table.drop(columns=["Division", "Kostnadsslag"]), amount_columns=amounts)
    st.subheader("Justeringar")
    show_table(CH.adjustment_table(fc), amount_columns=("Belopp föregående", "Belopp nytt",
                                                        "Effekt på förändringen"))
    st.download_button("Ladda ned prognosförändringen (Excel)",
                       data=downloader(CT.change_tables(fc), CT.change_metadata(fc),
                                       fmt="xlsx", unit="mkr"),
                       file_name=f"prognosforandring_{cur.as_of}.xlsx", mime=XLSX_MIME,
                       icon=":material/download:")


def render() -> None:
    """Draw the page."""
    ctx = context()
    page_header("Prognosförändring", None, HELP)
    months = CA.laid_months(ctx)
    if not months:
        st.info("Inga lagda prognoser ännu. Lägg en prognos på sidan Prognos med knappen "
                "«Lägg prognos» (skriv först en kommentar).")
    else:
        pair = _pick(months)
        if pair is not None:
            prev, cur = (CA.laid(ctx, str(m)) for m in pair)
            if prev is not None and cur is not None:
                _change(ctx, prev, cur)
        _accuracy(ctx, months)
    audit_log()


AUDIT_ROWS = 200
"""The newest audit rows shown in «Händelselogg»."""


@UA.guard_store("Händelseloggen kan inte läsas")
def audit_log() -> None:
    """«Händelselogg»: who did what when in the store (lays, locks, adjustments, scenarios)."""
    st.header("Händelselogg")
    st.caption(f"Vem som gjort vad och när: lagda och fastställda prognoser, sparade "
               f"justeringar och scenarier. Senaste först, högst {AUDIT_ROWS} händelser; "
               "loggen ändras aldrig i efterhand.")
    store = UA.store()
    if store is None:
        return
    log = store.audit_trail(limit=AUDIT_ROWS, newest_first=True)
    if log.empty:
        st.info("Inga händelser ännu.")
        return
    st.dataframe(log.assign(Tid=[fmt_timestamp(t) for t in log["Tid"]]), hide_index=True,
                 width="stretch", column_config={"Vad": st.column_config.TextColumn(
                     width="large")})


def _accuracy(ctx, months: list[pd.Period]) -> None:
    st.header("Prognossäkerhet")
    years = sorted({m.year for m in months if m.year < ctx.ds.last_outcome.year or
                    ctx.ds.last_outcome.month == 12}, reverse=True)
    if not years:
        st.info("Inget avslutat år har lagda prognoser ännu.")
        return
    year = st.selectbox("År", years, key=K.ACC_YEAR)
    laid = [lf for m in months if m.year == year if (lf := CA.laid(ctx, str(m))) is not None]
    try:
        table = accuracy_table(ctx.ds, int(year), laid)
    except AccuracyError as exc:
        st.info(str(exc))
        return
    show_table(table.set_index("Månad"), amount_columns=("Årsprognos", "P10", "P90",
                                                        "Utfall helår",
                                                        "Avvikelse prognos − utfall"),
               percent_columns=("Avvikelse %",))
    chart = alt.Chart(table.assign(mkr=table["Avvikelse prognos − utfall"] / 1000)).mark_bar(
    ).encode(x=alt.X("Månad:N", title="Lagd månad"),
             y=alt.Y("mkr:Q", title="Prognos − utfall, mkr"),
             tooltip=["Månad", "Källa", alt.Tooltip("mkr:Q", format=",.1f"),
                      alt.Tooltip("Avvikelse %:Q", format=",.1f")])
    st.altair_chart(chart.properties(title=f"Prognossäkerhet {year}"), width="stretch")
    _value_added(ctx, int(year), laid)


def _value_added(ctx, year: int, laid: list[LaidForecast]) -> None:
    """«Förbättrade justeringarna prognosen?»: FVA per laid month, region/division/category."""
    st.subheader("Förbättrade justeringarna prognosen? (FVA)")
    st.caption(VA.NOTE)
    try:
        table = VA.value_added_table(ctx.ds, year, laid)
    except AccuracyError as exc:
        st.info(str(exc))
        return
    region, division, category, whole = st.tabs(["Region", "Per division", "Per kostnadsslag",
                                                   "Över året"])
    with region:
        _fva_group(table, "region", VA.REGION)
    for tab, level, key in ((division, "division", K.FVA_DIVISION),
                            (category, "category", K.FVA_CATEGORY)):
        with tab:
            group = st.selectbox(VA.LEVELS[level], VA.groups(table, level), key=key)
            _fva_group(table, level, group)
    with whole:
        summary = VA.year_summary(table)
        for level in VA.LEVELS:
            show_table(VA.summary_view(summary, level), amount_columns=VA.SUMMARY_AMOUNTS)
    st.download_button("Ladda ned förädlingsvärdet (Excel)",
                       data=downloader(VA.value_added_tables(table, year),
                                       VA.metadata(ctx.ds, year, laid, CA.dataset_name(ctx)),
                                       fmt="xlsx", unit="mkr"),
                       file_name=f"foradlingsvarde_{year}.xlsx", mime=XLSX_MIME,
                       icon=":material/download:")


def _fva_group(table: pd.DataFrame, level: str, group: str) -> None:
    show_table(VA.group_view(table, level, group), amount_columns=VA.AMOUNTS)
    st.altair_chart(grouped_bar_chart(to_mkr(VA.error_bars(table, level, group), ["tkr"]),
                                      category=VA.MONTH, group="Prognos", value="tkr",
                                      title=f"Absolut fel mot utfallet, {group}"),
                    width="stretch")
