"""The page «Översikt»: the year at a glance for the committee.

The one user-supplied string it shows in Markdown is the laid forecast's author (in the
heading of which forecast is shown), through :func:`ui.text.md`; unit and division names are
in tables, which Streamlit shows as text.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal, TypedDict

import pandas as pd
import streamlit as st

from forecast.engine import hierarchy as H
from forecast.engine.monthly import ACK_PROGNOS, PROGNOS
from forecast.io.formatting import fmt_mkr, fmt_pct, month_label
from forecast.report import DEFAULT_CEILING_PCT
from forecast.report.rounding import fmt_printed_mkr
from ui import cached, recompute
from ui import state_keys as K
from ui.data_access import Context, context
from ui.forecast_gate import forecast_or_none
from ui.text import md

if TYPE_CHECKING:
    from forecast.io.entry import NumberField
from ui.widgets import (
    basis_notice,
    download_spec,
    monthly_chart,
    page_header,
    show_report_table,
    show_table,
    to_mkr,
)

HELP = """
**Årsprognos** är årets resultat (intäkter + kostnader, tkr → mkr) enligt den statistiska
prognosen: utfall hittills plus simulerade återstående månader. P50 är medianen; P10–P90 är
intervallet som 8 av 10 simuleringar hamnar inom. **Avvikelse** = prognos − budget (negativt
är sämre än budget).

**Ekonomisk sammanfattning** är nämndrapportens tabeller (samma siffror som i Word/PDF-
rapporten på sidan Export): intäkter, bruttokostnader och nettokostnader för månaden,
ackumulerat, föregående år, årsbudget och årsprognos, även per division och kostnadsslag.
Avrundat så att delarna summerar till totalen.

**Nettokostnadsutveckling (ack)** jämför ackumulerad nettokostnad i år med samma månader i
fjol (sidan Prognos visar i stället helårsprognosen mot fjolårets helår). Taket skrivs med
decimalkomma, t.ex. 2,5.
**Hyrandel** är inhyrd personal som andel av egen personalkostnad, rullande 12 månader, mot
det gemensamma målet 2 %. **Omställningsplan** visar rapporterad effekt mot planerad hittills.

Välj prognosmånad i sidomenyn.
"""

MISSING_TEXT = "saknas"
"""How a figure the data do not hold (budget, previous year, FTE) is shown."""


def ceiling_field() -> NumberField:
    """The ceiling's number field (``forecast.io.entry`` is imported after the first figure)."""
    from forecast.io.entry import NumberField

    return NumberField("Tak för nettokostnadsutveckling, %", -50.0, 100.0, 1, "%")


class Badge(TypedDict):
    """The delta of a metric (``st.metric``'s keyword arguments)."""

    delta: str
    delta_color: Literal["normal", "inverse", "off"]
    delta_arrow: Literal["off"]


def ceiling_badge(pct: float, ceiling: float | None) -> Badge:
    """The metric's delta: over/within the ceiling, or plainly why there is no comparison.

    A missing development (no prior-year outcome) or an invalid ceiling never shows a green
    "inom taket".
    """
    if ceiling is None:
        return {"delta": "taket är inte giltigt – se fältet", "delta_color": "off",
                "delta_arrow": "off"}
    if not math.isfinite(pct):
        return {"delta": "ingen jämförelse: fjolårets utfall saknas", "delta_color": "off",
                "delta_arrow": "off"}
    over = pct > ceiling
    return {"delta": ("över taket " if over else "inom taket ") + fmt_pct(ceiling),
            "delta_color": "inverse" if over else "normal", "delta_arrow": "off"}


def _year_end(ctx: Context) -> None:
    st.subheader(f"Årsprognos {ctx.as_of.year}")
    ye = cached.year_end(ctx)
    # Two by two: four metrics side by side cut the P10–P90 figures short.
    c1, c2 = st.columns(2)
    c3, c4 = st.columns(2)
    from forecast.followup.tables import budget_coverage, budget_months

    has_budget = bool(budget_months(ctx.ds, ctx.as_of.year))  # none: absent, not zero
    c1.metric("Årsprognos, nettoresultat", fmt_printed_mkr(ye[H.FORECAST]), border=True,
              help="Medelvärdet av de simulerade årsresultaten (summerar exakt över enheter).")
    c2.metric("Budget", fmt_printed_mkr(ye[H.ANNUAL_BUDGET]) if has_budget else MISSING_TEXT,
              border=True)
    c3.metric("Avvikelse mot budget", fmt_printed_mkr(ye[H.DEV]) if has_budget
              else MISSING_TEXT, border=True, delta_color="off", delta_arrow="off",
              delta=(f"P10–P90: {fmt_printed_mkr(ye[H.DEV_P10])} till "
                     f"{fmt_printed_mkr(ye[H.DEV_P90])}" if has_budget
                     else "budget saknas i indata"))
    if (coverage := budget_coverage(ctx.ds, ctx.as_of.year)) is not None:
        st.warning(coverage, icon=":material/warning:")
    c4.metric("Årsprognos P10–P90",
              f"{fmt_printed_mkr(ye[H.P10])} – {fmt_printed_mkr(ye[H.P90])}",
              border=True, help="8 av 10 simulerade årsresultat ligger inom intervallet.")
    recompute.remember(ctx, ye)
    st.caption(f"{md(ye.source)}. Underlag: utfall till och med "
               f"{month_label(ctx.as_of, long=True)}; P50 (median) "
               f"{fmt_printed_mkr(ye[H.P50])}. "
               "Negativa belopp är nettokostnad.")


def _against_limit(label: str, value: float, limit: float, limit_word: str) -> None:
    """A percent metric with its limit: ``över/inom <limit_word> <limit>`` as the delta."""
    over = value > limit
    st.metric(label, fmt_pct(value), border=True,
              delta=("över " if over else "inom ") + f"{limit_word} " + fmt_pct(limit),
              delta_color="inverse" if over else "normal", delta_arrow="off")


def _summary_tables(ctx: Context, *, forecast: bool = True) -> None:
    st.subheader("Ekonomisk sammanfattning")
    if not forecast:
        return _followup_tables(ctx)
    summary, division, category = cached.overview_tables(ctx)
    st.caption(f"Som i nämndrapporten: månaden, ackumulerat, föregående år, årsbudget och "
               f"årsprognos ({summary.title}).")
    t1, t2, t3 = st.tabs(["Sammanfattning", "Per division", "Per kostnadsslag"])
    with t1:
        show_report_table(summary)
    with t2:
        show_report_table(division)
    with t3:
        show_report_table(category)


def _followup_tables(ctx: Context) -> None:
    """The follow-up tables without a forecast column (no forecast for the month)."""
    from forecast.followup.tables import amount_columns

    st.caption("Som i nämndrapporten: månaden, ackumulerat, föregående år och årsbudget, tkr "
               "(utan prognoskolumn).")
    t1, t2, t3 = st.tabs(["Sammanfattning", "Per division", "Per kostnadsslag"])
    for tab, frame in ((t1, cached.summary(ctx)), (t2, cached.by_division(ctx)),
                       (t3, cached.by_category(ctx))):
        with tab:
            show_table(frame, amount_columns=amount_columns(frame), unit="tkr",
                       missing=MISSING_TEXT)


def _row(frame: pd.DataFrame, label: str, column: str) -> float:
    return float(frame.loc[label, column]) if label in frame.index else float("nan")


def _indicators(ctx: Context) -> None:
    st.subheader("Nyckeltal")
    dev = cached.cost_development(ctx)
    agency = cached.agency_share(ctx)
    plan = cached.transition_plan(ctx)
    c1, c2, c3 = st.columns(3)
    with c1:
        from ui.number_entry import number_entry, read_entry

        field = ceiling_field()
        pct = _row(dev, "Nettokostnadsutveckling", "Utveckling %")
        ceiling = st.session_state.get(K.OV_CEILING)
        value, _ = read_entry(K.OV_CEILING, field) if ceiling is not None else \
            (DEFAULT_CEILING_PCT, None)
        st.metric("Nettokostnadsutveckling (ack)", fmt_pct(pct), border=True,
                  help="Ackumulerad nettokostnad i år mot samma månader i fjol.",
                  **ceiling_badge(pct, value))
        number_entry(field, K.OV_CEILING, default=DEFAULT_CEILING_PCT)
    with c2:
        _against_limit("Hyrandel R12", _row(agency, "Totalt", "Hyrandel R12 %"),
                       _row(agency, "Totalt", "Mål %"), "målet")
    with c3:
        if not ctx.ds.measures:
            st.metric("Omställningsplan, realiserat", "–", border=True,
                      delta="åtgärder saknas i indata", delta_color="off", delta_arrow="off")
            return _details(ctx, plan, agency)
        real = _row(plan, "Totalt", "Realisering %")
        st.metric("Omställningsplan, realiserat", fmt_pct(real, ), border=True,
                  delta=f"{fmt_mkr(_row(plan, 'Totalt', 'Rapporterad hittills'), 1)} av "
                        f"{fmt_mkr(_row(plan, 'Totalt', 'Planerad hittills'), 1)} hittills",
                  delta_color="off", delta_arrow="off")
    _details(ctx, plan, agency)


def _details(ctx: Context, plan: pd.DataFrame, agency: pd.DataFrame) -> None:
    if not ctx.ds.measures:
        st.caption("Omställningsplanens åtgärder saknas i indata (ingen åtgärdsfil inläst).")
    with st.expander("Omställningsplanen per åtgärd"):
        show_table(plan, amount_columns=("Planerad årseffekt", "Planerad hittills",
                                         "Rapporterad hittills", "Avvikelse"),
                   percent_columns=("Realisering %",),
                   download=download_spec(ctx, "Omställningsplan", "w_dl_ov_plan"))
    with st.expander("Hyrpersonal per kategori och division"):
        from forecast.followup.tables import agency_amount_columns

        if ctx.ds.agency_fte is None or ctx.ds.agency_fte.empty:
            st.caption("Årsarbetare (åa) för inhyrd personal saknas i indata.")

        show_table(agency, amount_columns=agency_amount_columns(agency),
                   percent_columns=("Hyrandel R12 %", "Mål %"),
                   number_columns=tuple(c for c in agency.columns if c.startswith("Snitt åa")),
                   missing=MISSING_TEXT)


def _monthly(ctx: Context, *, forecast: bool = True) -> None:
    st.subheader("Utfall, budget och prognos per månad" if forecast else
                 "Utfall och budget per månad")
    mon = cached.monthly_with_forecast(ctx) if forecast else cached.monthly(ctx)
    lines = ["Utfall", "Budget", PROGNOS] if forecast else ["Utfall", "Budget"]
    acks = ["Ack utfall", "Ack budget", ACK_PROGNOS] if forecast else ["Ack utfall",
                                                                         "Ack budget"]
    chart = to_mkr(mon.reset_index(), [c for c in lines + acks if c in mon.columns])
    left, right = st.columns(2)
    left.altair_chart(monthly_chart(chart, value_columns=lines,
                                    title="Nettoresultat per månad, mkr"), width="stretch")
    right.altair_chart(monthly_chart(chart, value_columns=acks,
                                     title="Ackumulerat, mkr"), width="stretch")
    if forecast:
        st.caption("Prognos = medelvärdet av simuleringarna för årets återstående månader; den "
                   "börjar i prognosmånadens utfall.")
    with st.expander("Tabell per månad"):
        show_table(mon, amount_columns=tuple(mon.columns),
                   download=download_spec(ctx, "Utfall, budget och prognos per månad",
                                          "w_dl_ov_monthly"))


def render() -> None:
    """Draw the page."""
    ctx = context()
    page_header("Översikt",
                f"Hälso- och sjukvårdens ekonomi per {month_label(ctx.as_of, long=True)}: "
                "årsprognos, nyckeltal och utfall mot budget.", HELP)
    has_forecast = forecast_or_none(ctx, pointer=False) is not None
    if has_forecast:
        basis_notice(cached.basis_warnings(ctx))
        _year_end(ctx)
    _summary_tables(ctx, forecast=has_forecast)
    _indicators(ctx)
    _monthly(ctx, forecast=has_forecast)
