"""Apply the rule of ``research/rules/standard_rule.md`` to collected member forecasts (a script).

Reads the CSV files written by ``research/m3/m3_members.py`` (merged on series, year, cut-off),
scores every candidate combination (member subset × combiner) on the protocol cases and
prints them ranked by the rule: qualifies when its median APE is below ``combo``'s at both
cut-offs; ranked by the worse of its two ratios to ``combo``; speed admissible when the
members' summed fit time per case is at most 60 % of AutoETS's.

Usage::

    .venv/bin/python -m research.m3.m3_choose /tmp/dev_cheap.csv /tmp/dev_ets.csv
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd

KEYS = ["series_id", "year", "cutoff"]
POINT_MEMBERS = ("theta", "ces", "autoets_statsforecast", "three_year_profile",
                 "prior_year_profile", "theta_b2", "ces_b2", "ets_b2", "arima")
COMBO = ("theta", "ces", "prior_year_profile")
SPEED_SHARE = 0.6


def load(paths: list[Path]) -> pd.DataFrame:
    """Merge member files on the case keys (protocol cases only)."""
    frames = [pd.read_csv(p) for p in paths]
    df = frames[0]
    for f in frames[1:]:
        cols = [c for c in f.columns if c not in df.columns or c in KEYS]
        df = df.merge(f[cols], on=KEYS, how="inner")
    return df


def combine(df: pd.DataFrame, members: tuple[str, ...], how: str) -> np.ndarray:
    """Year-total forecast of a combination (members that failed are left out)."""
    x = df[list(members)].to_numpy(float)
    if how == "median":
        return np.nanmedian(x, axis=1)
    if how == "mean":
        return np.nanmean(x, axis=1)
    if how == "trimmed":  # drop the highest and the lowest available member
        s = np.sort(x, axis=1)  # NaN sort last
        k = np.sum(np.isfinite(x), axis=1)
        out = np.full(len(x), np.nan)
        for i, ki in enumerate(k):
            v = s[i, :ki]
            out[i] = v[1:-1].mean() if ki >= 4 else (np.median(v) if ki else np.nan)
        return out
    raise ValueError(how)


def median_ape(df: pd.DataFrame, fc: np.ndarray) -> dict[int, float]:
    """Median APE % per cut-off."""
    ape = 100 * np.abs(fc - df["actual"]) / df["actual"].abs()
    return {int(c): float(np.nanmedian(ape[df["cutoff"] == c])) for c in (4, 8)}


def score(df: pd.DataFrame, members: list[str]) -> pd.DataFrame:
    """Every candidate (subset of ≥ 2 members × combiner) with its figures."""
    base = median_ape(df, combine(df, COMBO, "median"))
    ets_sec = float(df["autoets_statsforecast_sec"].mean()) if \
        "autoets_statsforecast_sec" in df else np.nan
    rows = []
    for k in range(1, len(members) + 1):
        for sub in itertools.combinations(members, k):
            for how in ("median", "mean", "trimmed"):
                if (how == "trimmed" and k < 4) or (k == 1 and how != "median"):
                    continue
                m = median_ape(df, combine(df, sub, how))
                sec = float(sum(df[f"{s}_sec"].mean() for s in sub))
                rows.append({"members": "+".join(sub), "how": how, "k": k,
                             "apr": m[4], "aug": m[8],
                             "r_apr": m[4] / base[4], "r_aug": m[8] / base[8],
                             "sec_per_case": sec,
                             "admissible": bool(sec <= SPEED_SHARE * ets_sec)})
    out = pd.DataFrame(rows)
    out["worse"] = out[["r_apr", "r_aug"]].max(axis=1)
    out["qualifies"] = (out["r_apr"] < 1) & (out["r_aug"] < 1)
    return out.sort_values(["worse", "k", "sec_per_case"]).reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--top", type=int, default=25)
    a = p.parse_args(argv)
    df = load(a.files)
    df = df.loc[df["protocol"] == 1]
    members = [m for m in POINT_MEMBERS if m in df.columns]
    print(f"{df.series_id.nunique()} serier, {len(df)} fall; AutoETS "
          f"{df.get('autoets_statsforecast_sec', pd.Series([np.nan])).mean() * 1000:.0f} ms/fall")
    res = score(df, members)
    with pd.option_context("display.width", 200, "display.max_colwidth", 80):
        print(res.head(a.top).round(3).to_string())
        print("\nbästa tillåtna:")
        print(res[res.admissible & res.qualifies].head(10).round(3).to_string())
        for m in members:
            r = res[(res.members == m)].iloc[0]
            print(f"  {m:24s} {r.apr:.3f} {r.aug:.3f}  {r.sec_per_case * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
