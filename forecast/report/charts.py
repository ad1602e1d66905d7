"""The report's charts drawn with matplotlib (Agg, no display) to PNG bytes.

Axis numbers are Swedish (space thousands separator, decimal comma); text uses DejaVu Sans
(:mod:`forecast.report.fonts`). Every chart is drawn from :class:`~forecast.report.model.Chart`
data only.
"""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from forecast.io.formatting import fmt_number  # noqa: E402
from forecast.report.fonts import FONT_FAMILY  # noqa: E402
from forecast.report.model import Chart, clean_text  # noqa: E402

DPI = 200
SIZE = (7.0, 3.6)
BLUE, GREY, ORANGE, RED, GREEN = "#1f4e79", "#7f7f7f", "#d9822b", "#b22222", "#2e7d32"


def _axes(title: str) -> tuple[Figure, plt.Axes]:
    fig, ax = plt.subplots(figsize=SIZE, dpi=DPI)
    ax.set_title(clean_text(title), fontsize=10, loc="left", family=FONT_FAMILY)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.tick_params(labelsize=8)
    return fig, ax


def _swedish_axis(ax: plt.Axes, decimals: int = 0, suffix: str = "") -> None:
    ax.yaxis.set_major_formatter(FuncFormatter(
        lambda v, _pos: fmt_number(v, decimals) + suffix))


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
    ax.fill_between(x, d["P10"], d["P90"], color=ORANGE, alpha=0.25, linewidth=0,
                    label="Prognos P10–P90")
    ax.plot(x, d["Ack budget"], color=GREY, linestyle="--", linewidth=1.4, label="Budget")
    ax.plot(x, d["Prognos"], color=ORANGE, linewidth=1.6, label="Prognos")
    ax.plot(x, d["Ack utfall"], color=BLUE, linewidth=2.2, marker="o", markersize=3,
            label="Utfall")
    ax.set_xticks(x, list(d["Månad"]))
    _swedish_axis(ax)
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
    ax.set_xticks(x[::step], [str(m) for m in d["Månad"]][::step])
    ax.set_ylim(bottom=0)
    _swedish_axis(ax, 1, " %")
    ax.legend(fontsize=8, frameon=False, loc="upper left")
    return _png(fig)


def bridge(chart: Chart) -> bytes:
    """A waterfall: start bar, one floating bar per step (red worse, green better), end bar."""
    d = chart.data
    fig, ax = _axes(chart.title)
    values = d["Värde"].to_numpy(dtype=float)
    kinds = list(d["Typ"])
    bottoms, heights, colours = [], [], []
    level = 0.0
    for v, k in zip(values, kinds, strict=True):
        if k in ("start", "end"):
            bottoms.append(0.0)
            heights.append(v)
            colours.append(BLUE)
            level = v
        else:
            bottoms.append(level)
            heights.append(v)
            colours.append(GREEN if v >= 0 else RED)
            level += v
    x = np.arange(len(values))
    ax.bar(x, heights, bottom=bottoms, color=colours, width=0.65)
    for xi, b, h in zip(x, bottoms, heights, strict=True):
        ax.annotate(fmt_number(h), (xi, b + h), ha="center", fontsize=7,
                    va="bottom" if h >= 0 else "top", xytext=(0, 2 if h >= 0 else -2),
                    textcoords="offset points")
    labels = [_wrap(clean_text(s)) for s in d["Post"]]
    ax.set_xticks(x, labels, fontsize=7, rotation=30, ha="right", rotation_mode="anchor")
    _swedish_axis(ax)
    ax.set_ylim(*_levels_range(bottoms, heights, kinds))
    return _png(fig)


def _levels_range(bottoms: list[float], heights: list[float], kinds: list[str]
                  ) -> tuple[float, float]:
    """The y range around the waterfall's levels (zero left out when far away).

    Start and end bars then run off the top or bottom edge, as in the committee reports'
    bridges, so the steps stay readable.
    """
    levels = [b + h for b, h in zip(bottoms, heights, strict=True)]
    levels += [b for b, k in zip(bottoms, kinds, strict=True) if k == "step"]
    lo, hi = min(levels), max(levels)
    span = hi - lo
    if lo <= 0 <= hi or min(abs(lo), abs(hi)) < 0.5 * span:
        lo, hi = min(lo, 0.0), max(hi, 0.0)
        span = hi - lo
    pad = 0.15 * span if span else max(1.0, 0.05 * abs(hi))
    return lo - pad, hi + pad


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
