"""Coverage by subgroup from ``budgetprognos backtest --per-case`` files (a script).

Reads per-case files (series, year, cut-off, method, forecast, actual, P10, P90) of the M3
protocol, adds each case's category and volatility (median |y_t − y_{t−12}| / |y_{t−12}| over
the last 36 months of its history), and prints per method and cut-off: median APE, coverage
overall, by quarter of the range width, by third of volatility (cut at the development
half's terciles, seed 15) and by M3 category, with the largest |coverage − 80| over them.

Usage::

    .venv/bin/python -m research.m3.m3_per_case_report --dev /tmp/dev_cases.csv \\
        --confirm /tmp/confirm_cases.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from research.m3.m3_choose_v2 import BENCH, subgroups, worst
from research.m3.m3_widths import case_volatility


def with_features(cases: pd.DataFrame, bench: Path) -> pd.DataFrame:
    """Cases with their category and volatility."""
    info = pd.read_csv(bench, usecols=["series_id", "category"],
                       dtype={"series_id": str}).drop_duplicates("series_id")
    out = cases.merge(info, on="series_id", how="left")
    out["vol"] = case_volatility(out, bench)
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dev", type=Path, required=True)
    p.add_argument("--confirm", type=Path, required=True)
    p.add_argument("--bench", type=Path, default=BENCH)
    a = p.parse_args(argv)
    samples = {name: with_features(pd.read_csv(f, dtype={"series_id": str}), a.bench)
               for name, f in (("utveckling", a.dev), ("kontroll", a.confirm))}
    dev = samples["utveckling"]
    vol_cuts = np.nanquantile(dev.loc[dev["method"] == dev["method"].iloc[0], "vol"],
                              [1 / 3, 2 / 3])
    pd.set_option("display.width", 200)
    for name, cases in samples.items():
        for meth, g in cases.groupby("method", sort=True):
            g = g.reset_index(drop=True)
            ape = 100 * (g["forecast"] - g["actual"]).abs() / g["actual"].abs()
            tab = subgroups(g, g["p10"].to_numpy(), g["p90"].to_numpy(), vol_cuts)
            med = ", ".join(f"{c}: {ape[g['cutoff'] == c].median():.3f}" for c in (4, 8))
            print(f"\n== {name}, {meth}: median APE {med}; "
                  f"värsta |täckning − 80| = {worst(tab):.1f}")
            wide = tab.pivot_table(index="grupp", columns="brytmånad", values="täckning %",
                                   aggfunc="first")
            print(wide.to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
