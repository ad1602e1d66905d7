"""The page «Prognos»: drill-down by division, unit and category, method and fan chart."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from forecast.engine import hierarchy as H
from forecast.engine import tables as PT
from forecast.io.formatting import fmt_mkr, fmt_pct, month_label
from ui import cached, recompute
from ui import cycle_access as CA
from ui import state_keys as K
from ui import user_access as UA
from ui.data_access import context
from ui.forecast_gate import forecast_or_none, history
from ui.laid_section import adjustment_editor, laid_summary
from ui.month_section import month_controls
from ui.text import md
from ui.widgets import (
    basis_notice,
    display_frame,
    download_spec,
    fan_chart,
    page_header,
    swedish_table,
    table_download,
    to_mkr,
)

HELP = """
Prognosen görs per enhet och konto (serie) med en **kombination** av tre metoder: medianen
av Theta, CES (två statistiska tidsseriemodeller) och fjolårets månadsprofil. I tabellen
heter den *Kombination*. Metoden har prövats på
1 399 verkliga månadsserier (M3) och träffade årsutfallet bättre än både controllernas egna
metoder och AutoETS. För varje serie görs ett **backtest**: prognosen görs om vid samma månad
tidigare år och jämförs med årsutfallet. *Backtestat fel* är medianen av det absoluta
procentfelet (APE) de åren. Serier med för kort historik får en enklare metod, och det står i
anmärkningen.

Regionens serier missar ofta åt samma håll (samma lönerevision, samma höst). Därför
**korrigeras nivån** för regionens intäkter och kostnader var för sig med medianen av deras
fel vid samma månad tidigare år (krympt mot noll, högst 5 %), fördelat på serierna efter
storlek; korrigeringen står under tabellen och i exportens metadata.

Välj division, enhet och kostnadsslag för att borra ned. **Årsprognos** är medelvärdet av
simuleringarna (summerar exakt uppåt), **P10–P90** intervallet som 8 av 10 simuleringar
hamnar inom. Diagrammet visar utfall, prognosens median och P10–P90-bandet per månad; en
kostnad simuleras aldrig som en intäkt.

**Helårsprognos mot fjolårets helår** jämför årsprognosen med fjolårets hela utfall;
Översiktens *nettokostnadsutveckling (ack)* jämför årets utfall hittills med samma månader i
fjol. Breda tabeller går att rulla i sidled.
"""

ALL = "Alla"


def _selectors(ctx) -> dict[str, str]:
    keys = cached.baseline_keys(ctx)
    c1, c2, c3 = st.columns(3)
    divisions = [ALL, *dict.fromkeys(keys["division"])]
    div = c1.selectbox("Division", divisions, key=K.FC_DIVISION)
    units_in = keys if div == ALL else keys.loc[keys["division"] == div]
    names = {u.id: u.name for u in ctx.ds.org.units}
    units = [ALL, *dict.fromkeys(units_in["unit"])]
    if st.session_state.get(K.FC_UNIT) not in units:
        st.session_state[K.FC_UNIT] = ALL
    unit = c2.selectbox("Enhet", units, key=K.FC_UNIT,
                        format_func=lambda u: u if u == ALL else f"{u} {names.get(u, '')}")
    cats_in = units_in if unit == ALL else units_in.loc[units_in["unit"] == unit]
    order = {c: i for i, c in enumerate(ctx.ds.accounts.categories)}
    cats = [ALL, *sorted(dict.fromkeys(cats_in["category"]), key=lambda c: order.get(c, 99))]
    if st.session_state.get(K.FC_CATEGORY) not in cats:
        st.session_state[K.FC_CATEGORY] = ALL
    cat = c3.selectbox("Kostnadsslag", cats, key=K.FC_CATEGORY)
    sel = {"division": div, "unit": unit, "category": cat}
    return {k: v for k, v in sel.items() if v != ALL}


def _or_missing(text: str, value: float) -> str:
    """``text``, or ``saknas`` for a figure the data do not hold (NaN: absent, not zero)."""
    return "saknas" if pd.isna(value) else text


def _metrics(ctx, sel: dict[str, str]) -> None:
    tot = cached.year_totals(ctx, tuple(sel))
    for k, v in sel.items():
        tot = tot.loc[tot[k] == v]
    r = tot.iloc[0]
    # Two by two: four metrics side by side cut the P10–P90 figures short.
    c1, c2 = st.columns(2)
    c3, c4 = st.columns(2)
    c1.metric(f"Årsprognos {ctx.as_of.year}", fmt_mkr(r[H.FORECAST], 1), border=True)
    c2.metric("P10–P90", f"{fmt_mkr(r[H.P10], 1)} – {fmt_mkr(r[H.P90], 1)}", border=True)
    c3.metric("Avvikelse mot budget", _or_missing(fmt_mkr(r[H.DEV], 1), r[H.DEV]), border=True,
              delta=f"budget {_or_missing(fmt_mkr(r[H.ANNUAL_BUDGET], 1), r[H.ANNUAL_BUDGET])}",
              delta_color="off", delta_arrow="off")
    c4.metric("Helårsprognos mot fjolårets helår",
              _or_missing(fmt_pct(r[H.DEVELOPMENT]), r[H.DEVELOPMENT]), border=True,
              help="Årsprognosen jämförd med hela fjolårets utfall. Översiktens "
                   "nettokostnadsutveckling jämför i stället årets utfall hittills med samma "
                   "månader i fjol, så talen skiljer sig.")
    st.caption(cached.method_sentence(ctx, sel))


def _fan(ctx, sel: dict[str, str]) -> None:
    history, fan = cached.fan_data(ctx, sel)
    what = ", ".join(sel.values()) or "regionen totalt"
    chart = fan_chart(to_mkr(history, ["tkr"]).rename(columns={"tkr": "mkr"}),
                      to_mkr(fan, ["p10", "p50", "p90"]),
                      title=f"{what}: utfall och prognos per månad, mkr")
    st.altair_chart(chart, width="stretch")


def _tables(ctx, sel: dict[str, str]) -> None:
    uc = cached.unit_category_table(ctx, sel).reset_index()
    st.subheader("Metod och backtestat fel")
    cols = ["Enhet", "Kostnadsslag", PT.ARSPROGNOS, PT.ARS_P10, PT.ARS_P90, PT.METOD, PT.APE,
            PT.ANM]
    shown = swedish_table(uc[cols], amount_columns=(PT.ARSPROGNOS, PT.ARS_P10, PT.ARS_P90),
                          percent_columns=(PT.APE,))
    st.dataframe(_with_interval(shown), hide_index=True, width="stretch",
                 column_config={PT.ANM: st.column_config.TextColumn(width="large")})
    table_download(uc, download_spec(ctx, "Prognos per enhet och kostnadsslag", "w_dl_fc_uc"),
                   amount_columns=PT.AMOUNTS, percent_columns=(*PT.PERCENTS, PT.APE))
    if not sel:
        st.subheader("Per division")
        div = swedish_table(cached.division_table(ctx), amount_columns=PT.AMOUNTS,
                            percent_columns=PT.PERCENTS, missing="saknas")
        cols = [PT.ACK, PT.ARSBUDGET, PT.ARSPROGNOS, PT.ARS_P10, PT.ARS_P90, PT.AVV, PT.UTV]
        st.dataframe(_with_interval(display_frame(div[cols])), hide_index=True,
                     width="stretch")
        table_download(cached.division_table(ctx), download_spec(
            ctx, "Prognos per division", "w_dl_fc_div"), amount_columns=PT.AMOUNTS,
            percent_columns=PT.PERCENTS)
        st.caption("Alla kolumner (P50, avvikelsens intervall, fjolårets utfall) finns i "
                   "exporten.")


def _with_interval(frame: pd.DataFrame) -> pd.DataFrame:
    """P10 and P90 text columns joined into one "P10–P90" column (narrower tables)."""
    out = frame.copy()
    at = list(out.columns).index(PT.ARS_P10)
    joined = out[PT.ARS_P10] + " – " + out[PT.ARS_P90]
    out = out.drop(columns=[PT.ARS_P10, PT.ARS_P90])
    out.insert(at, "P10–P90", joined)
    return out


def render() -> None:
    """Draw the page."""
    ctx = context()
    page_header("Prognos",
                f"Årsprognos {ctx.as_of.year} per division, enhet och kostnadsslag, med "
                f"utfall till och med {month_label(ctx.as_of, long=True)}.", HELP)
    if not history(ctx).possible:
        forecast_or_none(ctx, pointer=True)
        return
    user = UA.current_user()
    lf = CA.laid(ctx)
    if lf is not None:
        laid_summary(lf)
        recompute.remember(ctx, cached.year_end(ctx))
    adjustment_editor(ctx, lf, user)
    if forecast_or_none(ctx, pointer=True) is None:
        return
    st.header("Prognosen i detalj")
    st.caption(f"Visar: {md(cached.record_heading(ctx))} (per enhet, diagram och metoder; ingen "
               "omräkning).")
    basis_notice(cached.basis_warnings(ctx))
    sel = _selectors(ctx)
    _metrics(ctx, sel)
    _fan(ctx, sel)
    _tables(ctx, sel)
    st.caption(PT.NOTE)
    month_controls(ctx, lf, user)



