"""Ranges scaled by the series' volatility relative to the panel's, on M3 per-case files.

Exploration of session 8 (rule: the addendum "volatility factor" of
``research/rules/standard_rule_v3.md``): every case's path deviations (today's ``combo``, with the
panel width rule) are multiplied by h_n · (v / m_v)^q, v the case's volatility (median
|y_t − y_{t−12}| / |y_{t−12}| over the last 36 months of its history, known at the cut-off),
m_v the median v of the panel's cases at the same cut-off, h_n per cut-off so that the
development cases cover 80 %. Chooses q on development; with ``--confirm`` scores the chosen
q (once) on the confirmation half beside today's range.

Usage::

    .venv/bin/python -m research.m3.m3_vol_width --dev /tmp/dev_cases.csv \\
        --confirm-file /tmp/confirm_cases.csv [--confirm]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from research.m3.m3_choose_v2 import BENCH, subgroups, worst
from research.m3.m3_per_case_report import with_features
from research.m3.m3_width_shrink import fit_g, rescaled

POWERS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4)


def vol_factor(cases: pd.DataFrame, q: float) -> np.ndarray:
    """(v / m_v)^q per case, m_v the median volatility at the case's cut-off; 1 if undefined."""
    v = cases["vol"].to_numpy(float)
    m = cases.assign(v=v).groupby("cutoff")["v"].transform("median").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (v / m) ** q
    return np.where(np.isfinite(f) & (f > 0), f, 1.0)


def table(cases: pd.DataFrame, q: float, h: dict[int, float], vol_cuts: np.ndarray
          ) -> pd.DataFrame:
    lo, hi = rescaled(cases, vol_factor(cases, q), h)
    return subgroups(cases, lo, hi, vol_cuts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, required=True)
    ap.add_argument("--confirm-file", type=Path)
    ap.add_argument("--confirm", action="store_true", help="score the chosen q on confirmation")
    ap.add_argument("--bench", type=Path, default=BENCH)
    a = ap.parse_args(argv)
    dev = with_features(pd.read_csv(a.dev, dtype={"series_id": str}), a.bench)
    vol_cuts = np.nanquantile(dev["vol"], [1 / 3, 2 / 3])
    rows, tabs = [], {}
    for q in POWERS:
        h = fit_g(dev, vol_factor(dev, q))
        tab = table(dev, q, h, vol_cuts)
        tabs[q] = tab
        rows.append({"q": q, "h april": h[4], "h augusti": h[8], "värsta": worst(tab)})
    res = pd.DataFrame(rows)
    pd.set_option("display.width", 200)
    print("utvecklingshalvan:")
    print(res.round(3).to_string(index=False))
    best = res["värsta"].min()
    chosen = float(res.loc[res["värsta"] <= best + 0.5, "q"].min())
    print(f"vald q = {chosen} (minsta värsta {best:.1f}; inom 0,5 punkt: minsta q)")
    print(tabs[chosen].pivot_table(index="grupp", columns="brytmånad", values="täckning %",
                                   aggfunc="first").to_string())
    if a.confirm:
        conf = with_features(pd.read_csv(a.confirm_file, dtype={"series_id": str}), a.bench)
        h = fit_g(dev, vol_factor(dev, chosen))
        for label, q, hh in (("i dag", 0.0, {4: 1.0, 8: 1.0}), (f"vald q = {chosen}", chosen, h)):
            tab = table(conf, q, hh, vol_cuts)
            print(f"\n== kontrollhalvan, {label}: värsta |täckning − 80| = {worst(tab):.1f}")
            print(tab.pivot_table(index="grupp", columns="brytmånad", values="täckning %",
                                  aggfunc="first").to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
