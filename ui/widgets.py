"""Small building blocks shared by the pages: help text, notices, Swedish tables and charts.

Nothing here computes a figure: amounts arrive from the core in tkr and are only formatted
(``forecast.io.formatting``) or drawn. Chart builders are pure functions returning Altair charts,
so they are testable without a running app.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypedDict, Unpack

import pandas as pd
import streamlit as st

from forecast.io.formatting import (
    MONTHS_LONG,
    MONTHS_SHORT,
    fmt_mkr,
    fmt_number,
    fmt_pct,
    fmt_tkr,
    month_label,
)
from forecast.ledger.month import month_from_text

if TYPE_CHECKING:
    import altair as alt

    from forecast.report.model import ReportTable
    from ui.data_access import Context


@functools.cache
def swedish_locale() -> alt.Locale:
    """Altair's Swedish number and time locale (Altair is imported on the first chart)."""
    import altair as alt

    return alt.Locale(
        number={"decimal": ",", "thousands": "\u00a0", "grouping": [3],
                "currency": ["", "\u00a0kr"]},
        time={
            "dateTime": "%A den %d %B %Y %X",
            "date": "%Y-%m-%d",
            "time": "%H:%M:%S",
            "periods": ["fm", "em"],
            "days": ["söndag", "måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag"],
            "shortDays": ["sön", "mån", "tis", "ons", "tor", "fre", "lör"],
            "months": list(MONTHS_LONG),
            "shortMonths": list(MONTHS_SHORT),
        },
    )


AMOUNT_AXIS_FORMAT = ",.0f"


@functools.lru_cache(maxsize=2048)
def month_text(month: str, long: bool = False) -> str:
    """``forecast.io.formatting.month_label`` of a ``YYYY-MM`` string, memoised.

    A selectbox calls its ``format_func`` once per option on every rerun; the Scenarier page
    has several month selectboxes, so this saves a few hundred Period parses per rerun.
    """
    return month_label(month_from_text(month), long=long)


def page_header(title: str, caption: str | None, help_text: str) -> None:
    """A page's title, its one-line caption (if any) and its collapsed help text."""
    st.title(title)
    if caption is not None:
        st.caption(caption)
    help_box(help_text)


def help_box(text: str) -> None:
    """The page's short help text in a collapsed expander titled "Hjälp"."""
    with st.expander("Hjälp", icon=":material/help:"):
        st.markdown(text)


def basis_notice(warnings: Sequence[str]) -> None:
    """A warning box above the figures saying what the forecast rests on (if anything)."""
    if warnings:
        st.warning("**Prognosens underlag är svagt.**\n\n" + "\n".join(
            f"- {w}" for w in warnings), icon=":material/warning:")


def swedish_table(frame: pd.DataFrame, *, amount_columns: Iterable[str] = (),
                  percent_columns: Iterable[str] = (), number_columns: Iterable[str] = (),
                  unit: str = "mkr", decimals: int = 1, missing: str | None = None
                  ) -> pd.DataFrame:
    """A display copy of ``frame`` with numbers as Swedish text (NBSP thousands, decimal comma).

    Args:
        frame: the core's table; amount columns in tkr.
        amount_columns: columns in tkr, shown in ``unit``.
        percent_columns: columns holding percent values (14.1 → "14,1 %").
        number_columns: other numbers (e.g. FTE), shown with ``decimals`` decimals.
        unit: "mkr" or "tkr".
        decimals: decimals of mkr amounts and plain numbers.
        missing: the text of a missing figure in those columns (e.g. ``saknas`` for a
            budget or previous year not in the data); None: the dash of ``fmt_number``.
    """
    out = frame.copy()
    absent = frame.isna()
    for c in amount_columns:
        if c in out.columns:
            if unit == "mkr":
                out[c] = out[c].map(lambda v: fmt_mkr(v, decimals))
            else:
                out[c] = out[c].map(lambda v: fmt_tkr(v, 0))
    for c in percent_columns:
        if c in out.columns:
            out[c] = out[c].map(lambda v: fmt_pct(v, 1))
    for c in number_columns:
        if c in out.columns:
            out[c] = out[c].map(lambda v: fmt_number(v, decimals))
    if missing is not None:
        for c in (*amount_columns, *percent_columns, *number_columns):
            if c in out.columns:
                out[c] = out[c].where(~absent[c], missing)
    return out


class TableFormat(TypedDict, total=False):
    """The formatting options of :func:`swedish_table`, passed on by :func:`show_table`."""

    amount_columns: Iterable[str]
    percent_columns: Iterable[str]
    number_columns: Iterable[str]
    unit: str
    decimals: int
    missing: str | None


def show_table(frame: pd.DataFrame, *, download: TableDownload | None = None,
               **kwargs: Unpack[TableFormat]) -> None:
    """Show a core table Swedish-formatted (see :func:`swedish_table`) without the index.

    A named index (e.g. "Division") becomes the first column; an unnamed one (row numbers left
    by filtering) is dropped, so no "index" column appears. With ``download`` a Swedish
    download button follows the table (Streamlit's English table toolbar is hidden).
    """
    disp = display_frame(swedish_table(frame, **kwargs))
    st.dataframe(disp, hide_index=True, width="stretch")
    if download is not None:
        table_download(frame, download, amount_columns=tuple(
            kwargs.get("amount_columns", ())),
            percent_columns=tuple(kwargs.get("percent_columns", ())))


@dataclass(frozen=True)
class TableDownload:
    """What a table's own download button needs: file title, widget key and provenance."""

    title: str
    key: str
    as_of: str
    input_hash: str
    source: str
    method: str = "tabell från appen budgetprognos"


def download_spec(ctx: Context, title: str, key: str) -> TableDownload:
    """The :class:`TableDownload` of a table on a page with context ``ctx`` (data, month)."""
    return TableDownload(title=title, key=key, as_of=str(ctx.as_of), input_hash=ctx.data_hash,
                         source=str(ctx.ds.source))


def _sheet_name(title: str) -> str:
    return (re.sub(r"[\[\]:*?/\\']", " ", title).strip() or "tabell")[:31]


def table_csv(frame: pd.DataFrame, spec: TableDownload, *, amount_columns: Sequence[str] = (),
              percent_columns: Sequence[str] = ()) -> bytes:
    """The table as the export's table-form CSV (Swedish, tkr, metadata below the table).

    ``forecast.io.export`` (and xlsxwriter) is imported on the first download, not when the
    app opens.
    """
    from forecast import __version__
    from forecast.io.export import ExportMetadata, ExportTable, table_to_csv_bytes

    data = frame if frame.index.name is not None else frame.set_index(frame.columns[0])
    cols = [str(c) for c in data.columns]
    table = ExportTable(_sheet_name(spec.title), spec.title, data,
                        amount_columns=tuple(c for c in amount_columns if c in cols),
                        percent_columns=tuple(c for c in percent_columns if c in cols))
    meta = ExportMetadata(as_of=spec.as_of, input_hash=spec.input_hash, source=spec.source,
                          method=spec.method, program_version=__version__,
                          created=datetime.now(UTC))
    return table_to_csv_bytes(table, meta, unit="tkr", dialect="sv")


def table_download(frame: pd.DataFrame, spec: TableDownload, **columns: Sequence[str]) -> None:
    """A "Ladda ned tabellen (CSV)" button; the file is made only on click."""
    st.download_button(
        "Ladda ned tabellen (CSV)", data=lambda: table_csv(frame, spec, **columns),
        file_name=f"{_sheet_name(spec.title).replace(' ', '_')}_{spec.as_of}.csv",
        mime="text/csv", key=spec.key, icon=":material/download:", on_click="ignore",
        help="Tabellen som i Excel, belopp i tkr, med metadata (prognosmånad, indata-hash).")


def display_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with a named index turned into columns and an unnamed one dropped."""
    if all(n is None for n in frame.index.names):
        return frame.reset_index(drop=True)
    return frame.reset_index()


def show_report_table(table: ReportTable) -> None:
    """Show a printed report table (``forecast.report.model.ReportTable``) as in the report.

    The cells are the report's own texts (Swedish format, already rounded), numbers aligned
    right; the unit is in the first column's heading.
    """
    disp = table.display().reset_index()
    disp = disp.rename(columns={disp.columns[0]: table.header()[0]})
    config = {c: st.column_config.TextColumn(c, alignment="right") for c in disp.columns[1:]}
    st.dataframe(disp, hide_index=True, width="stretch", column_config=config)
    if table.note:
        st.caption(table.note)


def _finish(chart: alt.Chart | alt.LayerChart | alt.FacetChart,
            height: int | alt.Step = 320) -> alt.Chart:
    return chart.properties(height=height).configure(locale=swedish_locale())


def fan_chart(history: pd.DataFrame, fan: pd.DataFrame, *, title: str = "") -> alt.Chart:
    """History, the forecast median and its P10–P90 band.

    Args:
        history: columns ``month`` (Timestamp) and ``mkr`` (outcome).
        fan: columns ``month`` (Timestamp), ``p10``, ``p50``, ``p90`` in mkr.
        title: chart title.
    """
    import altair as alt

    x = alt.X("month:T", title="Månad", axis=alt.Axis(format="%b %Y"))
    band = alt.Chart(fan).mark_area(opacity=0.25, color="#1f5f8b").encode(
        x=x, y=alt.Y("p10:Q", title="mkr", axis=alt.Axis(format=AMOUNT_AXIS_FORMAT)),
        y2="p90:Q",
        tooltip=[alt.Tooltip("month:T", title="Månad", format="%b %Y"),
                 alt.Tooltip("p10:Q", title="P10", format=",.1f"),
                 alt.Tooltip("p50:Q", title="P50", format=",.1f"),
                 alt.Tooltip("p90:Q", title="P90", format=",.1f")],
    )
    median = alt.Chart(fan).mark_line(color="#1f5f8b", strokeDash=[5, 3]).encode(
        x=x, y="p50:Q")
    hist = alt.Chart(history).mark_line(color="#333333", point=True).encode(
        x=x, y=alt.Y("mkr:Q", title="mkr"),
        tooltip=[alt.Tooltip("month:T", title="Månad", format="%b %Y"),
                 alt.Tooltip("mkr:Q", title="Utfall", format=",.1f")])
    return _finish(alt.layer(band, median, hist).properties(title=title))


def to_mkr(frame: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """A copy of ``frame`` with the tkr ``columns`` scaled to mkr for drawing (display only)."""
    out = frame.copy()
    for c in columns:
        out[c] = out[c] / 1000.0
    return out


SERIES_COLOURS = {"utfall": "#1b1b1b", "budget": "#e08a00", "prognos": "#1f5f8b"}
"""Colours by the kind of series: outcome near-black, budget orange, forecast blue (told apart
also by colour-blind readers and on grey print; budget is also dashed)."""
_OTHER_COLOURS = ("#7b3294", "#008837", "#c0392b", "#5e5e5e")


def _kind(name: str) -> str:
    low = name.lower()
    return next((k for k in SERIES_COLOURS if k in low), "")


def series_scale(names: Sequence[str]) -> alt.Scale:
    """A colour scale giving outcome, budget and forecast series their fixed colours."""
    import altair as alt

    others = iter(_OTHER_COLOURS * 3)
    colours = [SERIES_COLOURS.get(_kind(n)) or next(others) for n in names]
    return alt.Scale(domain=list(names), range=colours)


def dash_scale(names: Sequence[str]) -> alt.Scale:
    """Budget series dashed, forecasts dotted, outcome solid."""
    import altair as alt

    dashes = {"budget": [6, 3], "prognos": [2, 2]}
    return alt.Scale(domain=list(names), range=[dashes.get(_kind(n), [1, 0]) for n in names])


def monthly_chart(frame: pd.DataFrame, *, value_columns: Sequence[str], label: str = "Månad",
                  title: str = "", y_title: str = "mkr") -> alt.Chart:
    """Lines of several values per month (e.g. outcome and budget), months in row order.

    Args:
        frame: a column ``label`` with month labels ("jan 2023" …) and the ``value_columns``
            (already in the display unit).
        value_columns: columns to draw, one line each (their names are the legend).
        label: the month label column.
        title: chart title.
        y_title: y axis title.
    """
    import altair as alt

    order = list(frame[label])
    long = frame.melt(id_vars=label, value_vars=list(value_columns), var_name="Serie",
                      value_name="värde")
    chart = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y("värde:Q", title=y_title, axis=alt.Axis(format=AMOUNT_AXIS_FORMAT)),
        color=alt.Color("Serie:N", title=None, sort=list(value_columns),
                        scale=series_scale(value_columns),
                        legend=alt.Legend(orient="bottom", labelLimit=0)),
        strokeDash=alt.StrokeDash("Serie:N", sort=list(value_columns),
                                  scale=dash_scale(value_columns), legend=None),
        tooltip=[alt.Tooltip(f"{label}:N", title="Månad"), "Serie:N",
                 alt.Tooltip("värde:Q", title=y_title, format=",.1f")],
    )
    return _finish(chart.properties(title=title))


def waterfall_geometry(bridge: pd.DataFrame) -> pd.DataFrame:
    """Bar ends (mkr) for drawing the core's bridge table as a waterfall (geometry only).

    Args:
        bridge: ``scenarios.engine`` bridge rows with columns ``step``, ``kind`` ('start',
            'assumption', 'end'), ``value_tkr`` and ``cumulative_tkr``.

    Returns:
        Columns ``label``, ``top``, ``bottom`` (mkr), ``effect`` (mkr) and ``kind`` (Swedish:
        "total", "förbättring", "försämring"). Total bars stand on a floor just below the
        lowest level, so the assumptions' bars stay visible next to a large total.
    """
    cum = bridge["cumulative_tkr"].to_numpy(dtype=float) / 1000.0
    val = bridge["value_tkr"].to_numpy(dtype=float) / 1000.0
    is_total = bridge["kind"].isin(["start", "end"]).to_numpy()
    levels = cum.tolist() + (cum - val)[~is_total].tolist()
    span = max(max(levels) - min(levels), 1.0)
    floor = min(levels) - 0.5 * span
    bottom = [floor if t else c - v for t, c, v in zip(is_total, cum, val, strict=True)]
    kind = ["total" if t else ("förbättring" if v >= 0 else "försämring")
            for t, v in zip(is_total, val, strict=True)]
    return pd.DataFrame({"label": bridge["step"].astype(str), "top": cum, "bottom": bottom,
                         "effect": val, "kind": kind})


NOT_FROM_ZERO = "axeln börjar inte vid 0"


def waterfall_chart(bridge: pd.DataFrame, *, title: str = "") -> alt.Chart:
    """A bridge (waterfall) of the core's bridge table, bars lying down.

    The geometry is :func:`waterfall_geometry`. Every step's name is on its own row, so no
    label is dropped however many there are; the amount axis does not start at zero (the total
    bars are cut), which its title says.
    """
    import altair as alt

    steps = waterfall_geometry(bridge)
    order = list(steps["label"])
    chart = alt.Chart(steps).mark_bar().encode(
        y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("bottom:Q", title=f"mkr ({NOT_FROM_ZERO})",
                scale=alt.Scale(zero=False), axis=alt.Axis(format=AMOUNT_AXIS_FORMAT)),
        x2="top:Q",
        color=alt.Color("kind:N", title=None, scale=alt.Scale(
            domain=["total", "förbättring", "försämring"],
            range=["#1f5f8b", "#3a923a", "#c0392b"]),
            legend=alt.Legend(orient="bottom", labelLimit=0)),
        tooltip=[alt.Tooltip("label:N", title="Post"),
                 alt.Tooltip("effect:Q", title="Belopp, mkr", format=",.1f"),
                 alt.Tooltip("top:Q", title="Nivå efter, mkr", format=",.1f")],
    ).properties(title=title)
    # A step per row: Streamlit's theme squeezes a discrete axis given a fixed height.
    return _finish(chart, height=alt.Step(38))


def histogram_chart(values: pd.DataFrame, *, marker: float | None = None,
                    marker_label: str = "", limit: float | None = None,
                    title: str = "", x_title: str = "Årsresultat, mkr") -> alt.Chart:
    """Distribution of a simulated result.

    Args:
        values: column ``mkr`` with one row per draw.
        marker: a labelled vertical rule, e.g. at the budget, in mkr.
        marker_label: the rule's label (e.g. "Budget").
        limit: a second, dashed rule (e.g. budget minus the accepted deficit), in mkr.
        title: chart title.
        x_title: x axis title; it says so when the axis does not include zero.
    """
    import altair as alt

    lo, hi = float(values["mkr"].min()), float(values["mkr"].max())
    refs = [v for v in (marker, limit) if v is not None]
    lo, hi = min([lo, *refs]), max([hi, *refs])
    if lo > 0 or hi < 0:
        x_title = f"{x_title} ({NOT_FROM_ZERO})"
    bars = alt.Chart(values).mark_bar(color="#1f5f8b", opacity=0.8).encode(
        x=alt.X("mkr:Q", bin=alt.Bin(maxbins=40), title=x_title,
                scale=alt.Scale(zero=False), axis=alt.Axis(format=AMOUNT_AXIS_FORMAT)),
        y=alt.Y("count():Q", title="Antal dragningar"),
    )
    layers: list[alt.Chart] = [bars]
    rules = [(marker, marker_label, [1, 0])]
    if limit is not None:
        rules.append((limit, "Största godtagna underskott", [4, 3]))
    for x, label, dash in rules:
        if x is None:
            continue
        ref = pd.DataFrame({"x": [x], "label": [label]})
        layers.append(alt.Chart(ref).mark_rule(color="#c0392b", strokeWidth=2,
                                               strokeDash=dash).encode(x="x:Q"))
        if label:
            layers.append(alt.Chart(ref).mark_text(
                align="left", dx=4, dy=-4, baseline="top", color="#c0392b",
                fontWeight="bold").encode(x="x:Q", y=alt.value(4), text="label:N"))
    return _finish(alt.layer(*layers).properties(title=title))


def grouped_bar_chart(frame: pd.DataFrame, *, category: str, group: str, value: str,
                      title: str = "", y_title: str = "mkr") -> alt.Chart:
    """Side-by-side bars, e.g. scenarios (``group``) per measure (``category``)."""
    import altair as alt

    return _finish(alt.Chart(frame).mark_bar().encode(
        x=alt.X(f"{category}:N", title=None, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset(f"{group}:N"),
        y=alt.Y(f"{value}:Q", title=y_title, axis=alt.Axis(format=AMOUNT_AXIS_FORMAT)),
        color=alt.Color(f"{group}:N", title=None,
                        legend=alt.Legend(orient="bottom", columns=1, labelLimit=0)),
        tooltip=[f"{category}:N", f"{group}:N", alt.Tooltip(f"{value}:Q", format=",.1f")],
    ).properties(title=title))
