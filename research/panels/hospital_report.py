"""The hospital panel's figures (``research/rules/hospital_rule.md``), from a ``--per-case`` file.

Prints per cut-off: median APE of every method, ``combo`` / AutoETS with a 90 % interval
from resampling series, and ``combo``'s P10–P90 coverage overall, by width quarter, by
volatility third and by level third, with the worst |coverage − 80|.

Usage::

    .venv/bin/python -m research.panels.hospital_report --bench /tmp/hosp/hospital_long.csv \\
        --cases /tmp/hosp/cases.csv
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.evaluation.backtest import panel_series, read_bench
from research.m3.m3_choose_v2 import subgroups, worst
from research.m3.m3_widths import case_volatility

PEER = "autoets_statsforecast"
STANDARD = "combo"
DRAWS = 2000


def ape(g: pd.DataFrame) -> pd.Series:
    return 100 * (g["forecast"] - g["actual"]).abs() / g["actual"].abs()


def ratio_interval(cases: pd.DataFrame, cutoff: int, seed: int = 1) -> tuple[float, float, float]:
    """combo / AutoETS median APE and its 5–95 % interval over series drawn with replacement."""
    g = cases[cases["cutoff"] == cutoff]
    wide = g.assign(ape=ape(g)).pivot_table(index=["series_id", "year"], columns="method",
                                            values="ape")[[STANDARD, PEER]].dropna()
    ids = wide.index.get_level_values(0)
    series = np.unique(ids)
    pos = {s: np.flatnonzero(ids == s) for s in series}
    a, b = wide[STANDARD].to_numpy(), wide[PEER].to_numpy()
    rng = np.random.default_rng(seed)
    ratios = []
    for _ in range(DRAWS):
        idx = np.concatenate([pos[s] for s in rng.choice(series, len(series))])
        ratios.append(np.median(a[idx]) / np.median(b[idx]))
    lo, hi = np.quantile(ratios, [0.05, 0.95])
    return float(np.median(a) / np.median(b)), float(lo), float(hi)


def level_thirds(cases: pd.DataFrame, bench: Path) -> np.ndarray:
    """Third (1–3) of the mean of each case's history, cut at the panel's terciles."""
    ser = {s.series_id: s for s in panel_series(read_bench(bench))}
    lvl = []
    for sid, year, n in zip(cases["series_id"], cases["year"], cases["cutoff"], strict=True):
        s = ser[sid]
        t_jan = (year - s.start_year) * 12 - (s.start_month - 1)
        lvl.append(float(np.mean(s.y[: t_jan + n])))
    lvl = np.asarray(lvl)
    return np.searchsorted(np.quantile(lvl, [1 / 3, 2 / 3]), lvl, side="right") + 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", type=Path, required=True)
    p.add_argument("--cases", type=Path, required=True)
    a = p.parse_args(argv)
    cases = pd.read_csv(a.cases, dtype={"series_id": str})
    pd.set_option("display.width", 200)
    print(f"{cases.series_id.nunique()} serier, {len(cases)} fall-metod-rader")
    med = cases.assign(ape=ape(cases)).pivot_table(index="method", columns="cutoff",
                                                   values="ape", aggfunc="median")
    print("\nmedian APE %:\n" + med.round(3).to_string())
    for n in (4, 8):
        r, lo, hi = ratio_interval(cases, n)
        print(f"brytmånad {n}: combo / AutoETS {r:.3f} (90 % av dragningarna {lo:.3f}–{hi:.3f})")
    g = cases[cases["method"] == STANDARD].reset_index(drop=True)
    g["vol"] = case_volatility(g, a.bench)
    g["category"] = [f"nivå-tredjedel {v}" for v in level_thirds(g, a.bench)]
    vol_cuts = np.nanquantile(g["vol"], [1 / 3, 2 / 3])
    tab = subgroups(g, g["p10"].to_numpy(), g["p90"].to_numpy(), vol_cuts)
    wide = tab.pivot_table(index="grupp", columns="brytmånad", values="täckning %",
                           aggfunc="first")
    print(f"\n{STANDARD}: P10–P90-täckning %\n" + wide.to_string())
    print(f"värsta |täckning − 80| = {worst(tab):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
