"""Development and confirmation figures of the standard, today's combo and AutoETS (a script).

From the rows of ``research/m3/m3_members.py`` (protocol cases only): per sample and cut-off, the
protocol's figures (median / mean APE, share > 5 %, P10–P90 coverage and median width) for

- ``combo`` (today: median of Theta, CES, prior-year profile; Theta's path spread widened
  by 1 + 0.025 · months left, exactly as ``forecast.methods.combination``);
- the candidate point ``--members``/``--how`` with the conformal range (q10/q90 per cut-off
  fitted on the development rows, ``research/m3/m3_widths.py`` form ``r``), and ``combo``'s point
  with the conformal range;
- AutoETS (point only where no paths were collected);

and the coverage by width quarter and volatility third of the conformal ranges and today's.

Usage::

    .venv/bin/python -m research.m3.m3_report --dev A.csv B.csv --confirm C.csv D.csv \\
        --members theta,ces,theta_b2 --how mean
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.methods.combination import OUT_OF_SAMPLE_WIDENING
from research.m3.m3_choose import COMBO, combine, load
from research.m3.m3_widths import BENCH, add_features, coverage_table, fit_qs, worst


def figures(df: pd.DataFrame, fc: np.ndarray, lo: np.ndarray | None,
            hi: np.ndarray | None) -> dict[int, dict]:
    """The protocol's figures per cut-off."""
    a = df["actual"].to_numpy()
    ape = 100 * np.abs(fc - a) / np.abs(a)
    out = {}
    for c in (4, 8):
        m = (df["cutoff"] == c).to_numpy() & np.isfinite(ape)
        row = {"cases": int(m.sum()), "median_ape": float(np.median(ape[m])),
               "mean_ape": float(np.mean(ape[m])),
               "share_ape_over_5": float(100 * np.mean(ape[m] > 5))}
        if lo is not None:
            row["coverage"] = float(100 * np.mean((a[m] >= lo[m]) & (a[m] <= hi[m])))
            row["median_width"] = float(np.median(100 * (hi[m] - lo[m]) / np.abs(a[m])))
        out[c] = row
    return out


def combo_range(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Today's combo range: point + (1 + 0.025·months left) × Theta's total deviation."""
    t = combine(df, COMBO, "median")
    k = 1 + OUT_OF_SAMPLE_WIDENING * (12 - df["cutoff"].to_numpy())
    return t + k * df["theta_q10"].to_numpy(), t + k * df["theta_q90"].to_numpy()


def conformal_range(df: pd.DataFrame, qs: dict[int, tuple]) -> tuple[np.ndarray, np.ndarray]:
    """T + |T|·r·(q10, q90) with r = Theta's sd / |T| (i.e. T + sd·q)."""
    cut = df["cutoff"].to_numpy()
    q10 = np.array([qs[int(c)][0] for c in cut])
    q90 = np.array([qs[int(c)][1] for c in cut])
    sd = df["theta_sd"].to_numpy()
    return df["T"].to_numpy() + sd * q10, df["T"].to_numpy() + sd * q90


def report(dev: pd.DataFrame, conf: pd.DataFrame, members: list[str], how: str,
           bench: Path) -> None:
    """Print every figure for both samples."""
    variants = {"ny standard": (members, how), "combo-punkt": (list(COMBO), "median")}
    rows, subgroup = [], {}
    feats = {}
    for name, (mem, hw) in variants.items():
        fd = add_features(dev, mem, hw, "theta", bench)
        fd_ok = fd.loc[np.isfinite(fd["e"]) & (fd["r"] > 0)]
        qs = fit_qs(fd_ok, fd_ok["r"].to_numpy(), per_cutoff=True)
        print(f"{name}: q10/q90 på utvecklingsurvalet {qs}")
        feats[name] = (qs, fd, add_features(conf, mem, hw, "theta", bench))
    vol_cuts = np.nanquantile(feats["ny standard"][1]["vol"], [1 / 3, 2 / 3])
    for sample_name, idx in (("utveckling", 1), ("bekräftelse", 2)):
        for name, (qs, fd, fc) in feats.items():
            d = (fd, fc)[idx - 1]
            lo, hi = conformal_range(d, qs)
            for c, f in figures(d, d["T"].to_numpy(), lo, hi).items():
                rows.append({"urval": sample_name, "metod": f"{name} + konform bredd",
                             "cutoff": c, **f})
            subgroup[(sample_name, f"{name} + konform bredd")] = coverage_table(
                d, lo, hi, vol_cuts)
        d = feats["combo-punkt"][idx]
        lo, hi = combo_range(d)
        for c, f in figures(d, combine(d, COMBO, "median"), lo, hi).items():
            rows.append({"urval": sample_name, "metod": "combo (idag)", "cutoff": c, **f})
        subgroup[(sample_name, "combo (idag)")] = coverage_table(d, lo, hi, vol_cuts)
        if "autoets_statsforecast" in d:
            for c, f in figures(d, d["autoets_statsforecast"].to_numpy(), None, None).items():
                rows.append({"urval": sample_name, "metod": "AutoETS", "cutoff": c, **f})
        for m in members:
            for c, f in figures(d, d[m].to_numpy(), None, None).items():
                rows.append({"urval": sample_name, "metod": m, "cutoff": c, **f})
    tab = pd.DataFrame(rows)
    with pd.option_context("display.width", 220, "display.max_rows", 500):
        print(tab.round(2).to_string(index=False))
        for (s, m), t in subgroup.items():
            print(f"\n== {s}: {m}; största |täckning − 80| = {worst(t):.1f}")
            print(t.round(1).to_string(index=False))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dev", nargs="+", type=Path, required=True)
    p.add_argument("--confirm", nargs="+", type=Path, required=True)
    p.add_argument("--members", required=True)
    p.add_argument("--how", default="median")
    p.add_argument("--bench", type=Path, default=BENCH)
    a = p.parse_args(argv)
    dev = load(a.dev)
    conf = load(a.confirm)
    dev = dev.loc[dev["protocol"] == 1].reset_index(drop=True)
    conf = conf.loc[conf["protocol"] == 1].reset_index(drop=True)
    print(f"utveckling: {dev.series_id.nunique()} serier, {len(dev)} fall; bekräftelse: "
          f"{conf.series_id.nunique()} serier, {len(conf)} fall")
    report(dev, conf, a.members.split(","), a.how, a.bench)
    return 0


if __name__ == "__main__":
    sys.exit(main())
