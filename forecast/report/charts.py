"""The report's charts drawn with matplotlib (Agg, no display) to PNG bytes.

Axis numbers are Swedish (space thousands separator, decimal comma); text uses DejaVu Sans
(:mod:`forecast.report.fonts`). Every chart is drawn from :class:`~forecast.report.model.Chart`
data only.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from forecast.io.formatting import fmt_number, month_label
from forecast.ledger.month import month_from_text
from forecast.report.chartdata import bridge_levels, printed
from forecast.report.fonts import FONT_FAMILY
from forecast.report.model import Chart, clean_text, typeset

DPI = 200
SIZE = (7.0, 2.9)
"""Inches; printed 16,6 cm wide, so about 6,9 cm high."""
BRIDGE_SIZE = (7.0, 3.0)
BLUE, GREY, ORANGE, RED, GREEN = "#1f4e79", "#7f7f7f", "#d9822b", "#b22222", "#2e7d32"


def _axes(title: str, size: tuple[float, float] = SIZE) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=size, dpi=DPI)
    ax.set_title(clean_text(title), fontsize=10, loc="left", family=FONT_FAMILY)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)
    return fig, ax


def _num(v: float, decimals: int = 0) -> str:
    """A printed number with the true minus sign (U+2212)."""
    return typeset(fmt_number(v, decimals))


def _swedish_axis(ax: plt.Axes, decimals: int = 0, suffix: str = "") -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _pos: _num(v, decimals) + suffix))


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


def fan(chart: Chart) -> bytes:
    """Accumulated outcome and budget by month, the forecast mean and its P10–P90 band."""
    d = chart.data
    fig, ax = _axes(chart.title)
    x = np.arange(len(d))
    ax.fill_between(x, d["P10"], d["P90"], color=ORANGE, alpha=0.35, linewidth=0,
                    label="Prognos P10–P90")
    for q in ("P10", "P90"):  # the band's edges, visible even when the band is narrow
        ax.plot(x, d[q], color=ORANGE, linewidth=0.8, linestyle=":")
    ax.plot(x, d["Ack budget"], color=GREY, linestyle="--", linewidth=1.4, label="Budget")
    ax.plot(x, d["Prognos"], color=ORANGE, linewidth=1.6, label="Prognos")
    ax.plot(x, d["Ack utfall"], color=BLUE, linewidth=2.2, marker="o", markersize=3,
            label="Utfall")
    ax.set_xticks(x, list(d["Månad"]))
    _swedish_axis(ax)
    last = len(d) - 1
    if np.isfinite(d["Prognos"].iloc[last]):  # the year's figures, where they are read
        for col, colour, dy in (("Prognos", ORANGE, 0), ("Ack budget", GREY, 0)):
            v = float(d[col].iloc[last])
            ax.annotate(_num(printed(v)), (last, v), xytext=(4, dy), textcoords="offset points",
                        fontsize=7, color=colour, va="center", ha="left")
        ax.set_xlim(-0.3, last + 1.2)
    ax.legend(fontsize=8, frameon=False, loc="lower left")
    return _png(fig)


def share(chart: Chart) -> bytes:
    """The agency share R12 by month with the target as a dashed line."""
    d = chart.data
    fig, ax = _axes(chart.title)
    x = np.arange(len(d))
    ax.plot(x, d["Hyrandel R12 %"], color=BLUE, linewidth=2, marker="o", markersize=3,
            label="Hyrandel R12")
    target = float(chart.params.get("target_pct", 2.0))
    ax.axhline(target, color=RED, linestyle="--", linewidth=1.2, label="Mål")
    step = max(1, len(d) // 8)
    labels = [month_label(month_from_text(m)) for m in d["Månad"]]
    ax.set_xticks(x[::step], labels[::step], fontsize=7)
    ax.set_ylim(bottom=0, top=max(target, float(np.nanmax(d["Hyrandel R12 %"]))) * 1.15)
    if len(d) and np.isfinite(d["Hyrandel R12 %"].iloc[-1]):
        v = float(d["Hyrandel R12 %"].iloc[-1])
        ax.annotate(_num(v, 1) + "\u00a0%", (x[-1], v), xytext=(0, 6),
                    textcoords="offset points", fontsize=7, ha="center", color=BLUE)
    _swedish_axis(ax, 1, " %")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return _png(fig)


def bridge(chart: Chart) -> bytes:
    """A waterfall: start bar, one floating bar per step (red worse, green better), end bar.

    The axis runs from zero, unless the steps are small beside the totals
    (:func:`~forecast.report.chartdata.bridge_is_cut`): then it spans the levels with even
    ticks and the total bars are cut, marked with a white double slash at the cut.
    """
    d = chart.data
    fig, ax = _axes(chart.title, size=BRIDGE_SIZE)
    values = [float(v) for v in d["Värde"]]
    kinds = list(d["Typ"])
    bottoms, heights = bridge_levels(values, kinds)
    colours = [BLUE if k != "step" else GREEN if v >= 0 else RED
               for v, k in zip(values, kinds, strict=True)]
    x = np.arange(len(values))
    ax.bar(x, heights, bottom=bottoms, color=colours, width=0.62)
    cut = bool(chart.params.get("cut", 0.0))
    lo, hi = _bridge_range(bottoms, heights, kinds, cut=cut)
    ax.set_ylim(lo, hi)
    if cut:
        ticks = ax.get_yticks()
        gap = (ticks[1] - ticks[0]) / (hi - lo) if len(ticks) > 1 else 0.1
        _cut_marks(ax, [float(xi) for xi, k in zip(x, kinds, strict=True) if k != "step"],
                   y0=1 - gap / 2 if hi <= 0 else gap / 2)
    span = hi - lo
    for xi, b, h in zip(x, bottoms, heights, strict=True):
        end = b + h
        below = h < 0
        ax.annotate(_num(h), (xi, end), ha="center", fontsize=7,
                    va="top" if below else "bottom", xytext=(0, -2 if below else 2),
                    textcoords="offset points",
                    annotation_clip=lo - span <= end <= hi + span)
    width = max(10, 120 // max(1, len(x)))  # characters per line under each bar
    ax.set_xticks(x, [_wrap(clean_text(s), width) for s in d["Post"]], fontsize=7)
    _swedish_axis(ax)
    return _png(fig)


def _bridge_range(bottoms: list[float], heights: list[float], kinds: list[str], *,
                  cut: bool) -> tuple[float, float]:
    """The y range on even ticks: from zero (no bar cut), or the levels' span when ``cut``."""
    levels = [b + h for b, h in zip(bottoms, heights, strict=True)]
    levels += [b for b, k in zip(bottoms, kinds, strict=True) if k == "step"]
    if not cut:
        levels.append(0.0)
    lo, hi = min(levels), max(levels)
    pad = 0.15 * (hi - lo) if hi > lo else 1.0
    lo, hi = (lo - pad if lo < 0 or cut else lo), (hi + pad if hi > 0 or cut else hi)
    ticks = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
    step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
    lo2, hi2 = np.floor(lo / step) * step, np.ceil(hi / step) * step
    if not cut:  # zero stays on the axis's end when every bar is on one side of it
        lo2, hi2 = min(lo2, 0.0), max(hi2, 0.0)
    return float(lo2), float(hi2)


def _cut_marks(ax: plt.Axes, xs: list[float], *, y0: float) -> None:
    """A white double slash across each cut total bar and on the axis, at ``y0``.

    ``y0`` is an axes fraction: between the two ticks nearest the cut edge.
    """
    y0 -= 0.015
    for xi in xs:
        for dy in (0.0, 0.03):
            ax.plot([xi - 0.36, xi + 0.36], [y0 + dy - 0.015, y0 + dy + 0.015], color="white",
                    linewidth=2.2, transform=ax.get_xaxis_transform(), clip_on=False,
                    solid_capstyle="butt")
    for dy in (0.0, 0.03):
        ax.plot([-0.012, 0.012], [y0 + dy - 0.012, y0 + dy + 0.012], color="black",
                linewidth=0.8, transform=ax.transAxes, clip_on=False)


def _wrap(text: str, width: int = 22) -> str:
    words, lines, cur = text.split(), [], ""
    for w in words:
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    lines.append(cur)
    return "\n".join(lines[:3])


RENDERERS = {"fan": fan, "share": share, "bridge": bridge}


def render(chart: Chart) -> bytes:
    """PNG bytes of ``chart`` (by its kind)."""
    try:
        fn = RENDERERS[chart.kind]
    except KeyError as exc:
        raise ValueError(f"okänd diagramtyp {chart.kind!r}") from exc
    return fn(chart)


def render_all(charts: list[Chart]) -> dict[str, bytes]:
    """PNG bytes of every chart by key."""
    return {c.key: render(c) for c in charts}
