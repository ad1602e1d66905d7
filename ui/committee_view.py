"""The committee's view of a scenario on screen: bridge, sensitivity, plan, FTE, plan years.

Everything shown comes from ``scenarios.committee.CommitteeView`` (the same figures as the
exports); this module only lays them out. Charts have their full axis (zero included),
every bar its printed value, and take an optional shared ``domain`` so that two scenarios
compared side by side are drawn on the same scale.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from forecast.io.formatting import fmt_mkr, fmt_number, fmt_pct
from scenarios.committee import bridge_spans
from ui.widgets import AMOUNT_AXIS_FORMAT, show_table

if TYPE_CHECKING:
    import altair as alt

    from scenarios.committee import CommitteeView

    Layered = alt.LayerChart | alt.FacetChart
    """What ``alt.layer(...).properties(...)`` is typed to return."""

Domain = tuple[float, float] | None
LABEL_BREAK = " › "
"""Between a swing's assumption and its parameter; the chart breaks the label there."""
LABEL_PX = 190
"""Widest axis label line, px: the bars keep most of a narrow (800 px) screen."""
COLOURS = {"förbättring": "#3a923a", "försämring": "#c0392b", "summa": "#1f5f8b"}


def bridge_frame(view: CommitteeView) -> pd.DataFrame:
    """The bars of the difference from the base, largest first, then their sum (mkr).

    Each bar runs from the running total before it to after it, starting at 0; the values are
    the printed ones, so the last bar ends exactly at the printed sum.
    """
    rows = [{"Post": b.label, "från": start, "till": end, "värde": b.printed_mkr,
             "typ": "förbättring" if b.printed_mkr >= 0 else "försämring"}
            for b, (start, end) in zip(view.bridge, bridge_spans(view.bridge), strict=True)]
    rows.append({"Post": "Summa skillnad", "från": 0.0, "till": view.printed_difference_mkr,
                 "värde": view.printed_difference_mkr, "typ": "summa"})
    out = pd.DataFrame(rows)
    out["text"] = [fmt_number(v, 1) for v in out["värde"]]
    return out


def tornado_frame(view: CommitteeView) -> pd.DataFrame:
    """One row per uncertain parameter: result at its P10 and P90 vs likely (mkr)."""
    rows = [{"Parameter": LABEL_BREAK.join([s.assumption, *textwrap.wrap(s.parameter, 30)]),
             "vid P10": s.result_low_tkr / 1000.0, "vid P90": s.result_high_tkr / 1000.0,
             "text10": fmt_number(s.result_low_tkr / 1000.0, 1),
             "text90": fmt_number(s.result_high_tkr / 1000.0, 1)} for s in view.swings]
    return pd.DataFrame(rows, columns=["Parameter", "vid P10", "vid P90", "text10", "text90"])


def shared_domain(frames: Sequence[pd.DataFrame], columns: Sequence[str]) -> tuple[float, float]:
    """One x range (mkr, zero included, 10 % margin for the labels) for several charts."""
    values = [0.0] + [float(x) for f in frames for c in columns for x in f[c]]
    lo, hi = min(values), max(values)
    pad = 0.12 * max(hi - lo, 1.0)
    return (lo - pad if lo < 0 else 0.0, hi + pad if hi > 0 else 0.0)


def _lying_bars(frame: pd.DataFrame, label: str, ends: list[str], domain: Domain,
                axis: alt.Axis) -> tuple[alt.Scale, alt.Chart]:
    """The x scale and the base chart of bars lying down, one row per ``label`` in order.

    The scale spans ``domain``, or the frame's own ``ends`` (zero included).
    """
    import altair as alt

    domain = domain or shared_domain([frame], ends)
    scale = alt.Scale(domain=list(domain), zero=True, nice=False)
    base = alt.Chart(frame).encode(
        y=alt.Y(f"{label}:N", sort=list(frame[label]), title=None, axis=axis))
    return scale, base


def _over_zero(layers: Sequence[alt.Chart], scale: alt.Scale, *, title: str,
               row_px: int) -> Layered:
    """The layers over a rule at zero, titled, ``row_px`` high per row."""
    import altair as alt

    rule = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="#333333").encode(
        x=alt.X("x:Q", scale=scale))
    return alt.layer(*layers, rule).properties(title=title, height=alt.Step(row_px))


def bridge_chart(frame: pd.DataFrame, *, title: str, domain: Domain = None) -> Layered:
    """The difference waterfall, bars lying down, value at each bar's end, full axis."""
    import altair as alt

    scale, base = _lying_bars(frame, "Post", ["från", "till"], domain,
                              alt.Axis(labelLimit=LABEL_PX))
    bars = base.mark_bar().encode(
        x=alt.X("från:Q", title="mkr, skillnad mot basprognosen", scale=scale,
                axis=alt.Axis(format=AMOUNT_AXIS_FORMAT)),
        x2="till:Q",
        color=alt.Color("typ:N", title=None, scale=alt.Scale(
            domain=list(COLOURS), range=list(COLOURS.values())),
            legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("Post:N"), alt.Tooltip("text:N", title="mkr")])
    # the value stands beyond the bar's end: right of a rise, left of a fall
    up = base.transform_filter("datum['till'] >= datum['från']").mark_text(
        align="left", dx=4, fontWeight="bold").encode(x=alt.X("till:Q", scale=scale),
                                                      text="text:N")
    down = base.transform_filter("datum['till'] < datum['från']").mark_text(
        align="right", dx=-4, fontWeight="bold").encode(x=alt.X("till:Q", scale=scale),
                                                        text="text:N")
    return _over_zero([bars, up, down], scale, title=title, row_px=34)


def tornado_chart(frame: pd.DataFrame, *, title: str, domain: Domain = None) -> Layered:
    """Each range's P10→P90 swing of the year result (widest on top), full axis."""
    import altair as alt

    scale, base = _lying_bars(frame, "Parameter", ["vid P10", "vid P90"], domain, alt.Axis(
        labelLimit=LABEL_PX, labelExpr=f"split(datum.label, '{LABEL_BREAK}')"))
    bars = base.mark_bar(color="#7a9cc6").encode(
        x=alt.X("vid P10:Q", title="mkr mot troliga värden", scale=scale,
                axis=alt.Axis(format=AMOUNT_AXIS_FORMAT)),
        x2="vid P90:Q",
        tooltip=[alt.Tooltip("Parameter:N"), alt.Tooltip("text10:N", title="vid P10, mkr"),
                 alt.Tooltip("text90:N", title="vid P90, mkr")])
    # each value beyond its own end of the bar (the lower end's text to its left)
    lo_end = "min(datum['vid P10'], datum['vid P90'])"
    hi_end = "max(datum['vid P10'], datum['vid P90'])"
    lo = base.transform_calculate(x=lo_end, t="datum['vid P10'] <= datum['vid P90'] ? "
                                  "datum.text10 : datum.text90").mark_text(
        align="right", dx=-4).encode(x=alt.X("x:Q", scale=scale), text="t:N")
    hi = base.transform_calculate(x=hi_end, t="datum['vid P10'] <= datum['vid P90'] ? "
                                  "datum.text90 : datum.text10").mark_text(
        align="left", dx=4).encode(x=alt.X("x:Q", scale=scale), text="t:N")
    return _over_zero([bars, lo, hi], scale, title=title, row_px=48)


def plan_lines(view: CommitteeView) -> list[str]:
    """The shortfall against the plan, as sentences."""
    # "3. Omställningsplan" at the start of a line would be read as a numbered list
    return [f"{p.assumption.replace('. ', chr(92) + '. ', 1)}: planerad effekt {view.year} "
            f"{fmt_mkr(p.planned_tkr, 1)}, "
            f"förväntad {fmt_mkr(p.expected_tkr, 1)} ({fmt_pct(p.realisation_pct, 0)}). "
            f"**Underskott mot plan: {fmt_mkr(p.shortfall_tkr, 1)}.**" for p in view.plan]


def fte_frame(view: CommitteeView) -> pd.DataFrame:
    """The FTE consequences as a narrow table of text (how each is made: :func:`fte_basis`)."""
    return pd.DataFrame([{"Antagande": f.assumption, "Vad": f.what,
                          "Trolig": fmt_number(f.likely, 0),
                          "Låg–hög": f"{fmt_number(f.low, 0)}–{fmt_number(f.high, 0)}"}
                         for f in view.fte])


def fte_basis(view: CommitteeView) -> list[str]:
    """How each FTE figure is made, one sentence per figure (shown under the table)."""
    return [f"{f.what}: {f.basis}." for f in view.fte]


def years_frame(view: CommitteeView) -> pd.DataFrame:
    """The year and the plan years; a missing budget is said to be missing."""
    missing = "saknas i data"
    return pd.DataFrame([{
        "År": str(y.year), "Basprognos": fmt_mkr(y.baseline_tkr, 1),
        "Scenario": fmt_mkr(y.scenario_tkr, 1),
        "Budget": missing if y.budget_tkr is None else fmt_mkr(y.budget_tkr, 1),
        "Scenario mot budget": missing if y.deviation_tkr is None
        else fmt_mkr(y.deviation_tkr, 1)} for y in view.years])


def committee_section(view: CommitteeView, *, domain: Domain = None, tornado_domain: Domain = None,
                      key: str = "") -> None:
    """Bridge, sensitivity, plan shortfall, FTE and plan years of one scenario."""
    for note in view.notes:
        st.caption(note)
    st.markdown(f"**Brygga {view.year}**: från basprognosen "
                f"{fmt_number(view.printed_baseline_mkr, 1)} mkr till scenariot "
                f"{fmt_number(view.printed_scenario_mkr, 1)} mkr, största posten först.")
    st.altair_chart(bridge_chart(bridge_frame(view), domain=domain,
                                 title="Skillnad mot basprognosen, mkr"), width="stretch")
    for line in plan_lines(view):
        st.markdown(line)
    tf = tornado_frame(view)
    if not tf.empty:
        st.altair_chart(tornado_chart(tf, domain=tornado_domain,
                                      title="Känslighet: varje intervall från P10 till P90"),
                        width="stretch")
    if view.fte:
        st.markdown("**Årsarbetare**")
        st.table(fte_frame(view).set_index("Antagande"))
        st.caption(" ".join(fte_basis(view)))
    with st.expander("Året och planåren"):
        show_table(years_frame(view).set_index("År"))
