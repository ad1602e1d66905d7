"""Ranges shrunk toward the panel's typical width, on M3 per-case files (a script).

The addendum of ``research/rules/standard_rule_v3.md``: every case's path deviations are multiplied
by g · (w / m)^(p − 1), w the case's relative P10–P90 width (P90 − P10)/|T| of ``combo``, m
the median w of the panel's cases at the same cut-off, g per cut-off so that the development
cases cover 80 %. Year-total quantiles scale exactly with the deviations, so the new P10/P90
are T + factor · (P10 − T) and T + factor · (P90 − T). Chooses p on development; with
``--confirm`` scores the chosen p (once) on the confirmation half.

Usage::

    .venv/bin/python -m research.m3.m3_width_shrink --dev /tmp/dev_cases.csv \\
        --confirm-file /tmp/confirm_cases.csv [--confirm]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from research.m3.m3_choose_v2 import BENCH, subgroups, worst
from research.m3.m3_per_case_report import with_features

POWERS = (1.0, 0.9, 0.8, 0.75, 0.7, 0.6)


def shrink_factor(cases: pd.DataFrame, p: float) -> np.ndarray:
    """(w / m)^(p − 1) per case, m the median relative width at the case's cut-off."""
    w = ((cases["p90"] - cases["p10"]) / cases["forecast"].abs()).to_numpy()
    m = cases.assign(w=w).groupby("cutoff")["w"].transform("median").to_numpy()
    return (w / m) ** (p - 1.0)


def needed_scale(cases: pd.DataFrame, f: np.ndarray) -> np.ndarray:
    """The smallest common factor g at which each case's range covers its actual."""
    t, a = cases["forecast"].to_numpy(), cases["actual"].to_numpy()
    up, down = cases["p90"].to_numpy() - t, cases["p10"].to_numpy() - t
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.where(a >= t, (a - t) / (f * up), (a - t) / (f * down))
    return np.where(np.isfinite(g) & (g >= 0), g, np.inf)


def rescaled(cases: pd.DataFrame, f: np.ndarray, g: dict[int, float]
             ) -> tuple[np.ndarray, np.ndarray]:
    """New P10 and P90 with the factor f · g_cutoff."""
    t = cases["forecast"].to_numpy()
    k = f * cases["cutoff"].map(g).to_numpy()
    return t + k * (cases["p10"].to_numpy() - t), t + k * (cases["p90"].to_numpy() - t)


def fit_g(cases: pd.DataFrame, f: np.ndarray) -> dict[int, float]:
    need = needed_scale(cases, f)
    return {int(c): float(np.quantile(need[(cases["cutoff"] == c).to_numpy()], 0.8))
            for c in sorted(cases["cutoff"].unique())}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, required=True)
    ap.add_argument("--confirm-file", type=Path, required=True)
    ap.add_argument("--confirm", action="store_true", help="score the chosen p on confirmation")
    ap.add_argument("--bench", type=Path, default=BENCH)
    a = ap.parse_args(argv)
    dev = with_features(pd.read_csv(a.dev, dtype={"series_id": str}), a.bench)
    vol_cuts = np.nanquantile(dev["vol"], [1 / 3, 2 / 3])
    rows = []
    for p in POWERS:
        f = shrink_factor(dev, p)
        g = fit_g(dev, f)
        lo, hi = rescaled(dev, f, g)
        tab = subgroups(dev, lo, hi, vol_cuts)
        wq = tab[tab["grupp"].str.startswith("bredd")]
        rows.append({"p": p, "g april": g[4], "g augusti": g[8], "värsta": worst(tab),
                     "breddkvartiler": " ".join(f"{v:.1f}" for v in wq["täckning %"])})
    res = pd.DataFrame(rows)
    print("utvecklingshalvan (breddkvartiler: april Q1–Q4, augusti Q1–Q4):")
    print(res.round(3).to_string(index=False))
    best = res["värsta"].min()
    chosen = float(res.loc[res["värsta"] <= best + 0.5, "p"].max())
    print(f"vald p = {chosen} (minsta värsta {best:.1f}; inom 0,5 punkt: största p)")
    if a.confirm:
        conf = with_features(pd.read_csv(a.confirm_file, dtype={"series_id": str}), a.bench)
        g = fit_g(dev, shrink_factor(dev, chosen))
        for label, p, gg in (("i dag (p = 1, utan omskalning)", 1.0, {4: 1.0, 8: 1.0}),
                             (f"vald p = {chosen}", chosen, g)):
            lo, hi = rescaled(conf, shrink_factor(conf, p), gg)
            tab = subgroups(conf, lo, hi, vol_cuts)
            wide = tab.pivot_table(index="grupp", columns="brytmånad", values="täckning %",
                                   aggfunc="first")
            print(f"\n== kontrollhalvan, {label}: värsta |täckning − 80| = {worst(tab):.1f}")
            print(wide.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
