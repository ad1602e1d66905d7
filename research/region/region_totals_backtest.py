"""Backtest of the division and region year totals of the embedded region (a script).

For every year 2019–2022 and cut-off (April, August) the region is forecast as of that
month (history up to it only) with the standard method and its per-series backtest (whose
signed errors couple the paths), 1 000 paths per series, and the
P10–P90 of each total (the region and each division; net cost, revenue and gross cost) is
compared with the year's outcome: with the series' paths paired independently, joined by
:mod:`forecast.engine.joint`, and joined and level-corrected by :mod:`forecast.engine.level`,
and with the net totals' ranges floored by their own earlier errors as well
(:mod:`forecast.engine.totals_width`, ``research/rules/region_width_rule.md``: what
``forecast_region`` does by default since session 8).
Prints coverage and median APE per variant and
level (also per half of the years), the
probability of balance (net cost within the budget) and writes one row per total and as-of.

Usage::

    nice -n 10 .venv/bin/python -m research.region.region_totals_backtest \\
        --out /tmp/region_totals.csv
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.engine import joint
from forecast.engine.level import corrected
from forecast.engine.region import (
    _choice_errors,
    choose_methods,
    forecast_region,
    series_rng,
)
from forecast.engine.totals_width import widened
from forecast.ledger import schema as S
from forecast.ledger.dataset import load_default

YEARS = (2019, 2020, 2021, 2022)
CUTOFFS = (4, 8)


def groups(keys: pd.DataFrame) -> list[tuple[str, str, np.ndarray]]:
    """(level, name, row mask) of the region and division totals: net, revenue, cost."""
    out = []
    divs = [("region", "Regionen", np.ones(len(keys), dtype=bool))] + [
        ("division", d, (keys["division"] == d).to_numpy())
        for d in sorted(keys["division"].unique())]
    for level, name, rows in divs:
        out.append((f"{level} netto", name, rows))
        for typ in ("intakt", "kostnad"):
            out.append((f"{level} {typ}", name, rows & (keys["account_type"] == typ).to_numpy()))
    return out


def actual_totals(ds, year: int, keys: pd.DataFrame) -> np.ndarray:
    """(n_series,) outcome of ``year`` per bottom series (ordered as ``keys``)."""
    led = ds.ledger
    sel = (led[S.KIND] == S.UTFALL) & (led[S.PERIOD].dt.year == year)
    tot = led.loc[sel].groupby([S.UNIT, S.ACCOUNT])[S.AMOUNT].sum()
    idx = pd.MultiIndex.from_arrays([keys["unit"], keys["account"]])
    return tot.reindex(idx, fill_value=0.0).to_numpy(float)


def annual_budget(rf) -> np.ndarray:
    """(n_series,) the year's budget per bottom series."""
    return np.asarray(rf.annual_budget, dtype=float)


def one_as_of(ds, year: int, n: int, method: str, n_paths: int,
              own_errors: bool = True) -> list[dict]:
    """Rows of every total at one as-of month, for the independent and the joint paths."""
    as_of = pd.Period(f"{year}-{n:02d}", freq="M")
    t0 = time.perf_counter()
    choice = choose_methods(ds, as_of, (method,)) if own_errors else None
    rf = forecast_region(ds, as_of, n_paths=n_paths, seed=0, default_method=method,
                         methods=choice, joint=False, level=False, totals_floor=False)
    seconds = time.perf_counter() - t0
    hist = _histories(ds, rf)
    uids = [S.series_id(u, a) for u, a in zip(rf.keys['unit'], rf.keys['account'], strict=True)]
    errors = _choice_errors([choice.get(u) for u in uids]) if choice else None
    coupled = joint.joint_paths(rf.paths, hist, n % 12, series_rng(0, "joint|paths"),
                                errors=errors)
    levelled = corrected(replace(rf, paths=coupled), errors)
    floored = widened(levelled, errors)
    act = actual_totals(ds, year, rf.keys)
    m = rf.month_mask(year)
    rows = []
    for variant, f in (("oberoende", rf), ("samvarierande", replace(rf, paths=coupled)),
                       ("samvarierande + nivå", levelled),
                       ("samvarierande + nivå + bredd", floored)):
        rest = f.paths[:, :, m].sum(axis=2, dtype=np.float64)  # (n_series, n_paths)
        rows += series_rows(f, rest, act, year, n, variant)
        for level, name, mask in groups(rf.keys):
            if not mask.any():
                continue
            tot = float(f.ytd_outcome[mask].sum()) + rest[mask].sum(axis=0)
            lo, hi = np.quantile(tot, [0.1, 0.9])
            a = float(act[mask].sum())
            budget = float(annual_budget(rf)[mask].sum())
            rows.append({"year": year, "cutoff": n, "variant": variant, "level": level,
                         "name": name, "forecast": float(tot.mean()), "actual": a,
                         "ape": abs(float(tot.mean()) - a) / abs(a) * 100 if a else np.nan,
                         "p10": float(lo), "p90": float(hi), "covered": bool(lo <= a <= hi),
                         "p_balance": float(np.mean(tot >= budget)),
                         "balance": bool(a >= budget), "seconds": seconds})
    return rows


def series_rows(f, rest: np.ndarray, act: np.ndarray, year: int, n: int,
                variant: str) -> list[dict]:
    """One row per bottom series (level ``serie``): its year total against the outcome."""
    tot = np.asarray(f.ytd_outcome, dtype=float)[:, None] + rest
    point = np.asarray(f.ytd_outcome, dtype=float) + f.point[:, f.month_mask(year)].sum(axis=1)
    lo, hi = np.quantile(tot, [0.1, 0.9], axis=1)
    rows = []
    for i in np.flatnonzero(act != 0):
        rows.append({"year": year, "cutoff": n, "variant": variant, "level": "serie",
                     "name": f"{f.keys['unit'].iat[i]}|{f.keys['account'].iat[i]}",
                     "forecast": float(point[i]), "actual": float(act[i]),
                     "ape": abs(float(point[i]) - float(act[i])) / abs(float(act[i])) * 100,
                     "p10": float(lo[i]), "p90": float(hi[i]),
                     "covered": bool(lo[i] <= act[i] <= hi[i])})
    return rows


def _histories(ds, rf) -> list[np.ndarray]:
    """Each series' history as the engine saw it (first outcome month through as-of)."""
    from forecast.engine.region import _prepare, _series_inputs, forecast_months

    inp = _prepare(ds, rf.as_of)
    tasks = _series_inputs(inp, rf.as_of, len(forecast_months(rf.as_of)),
                           ["x"] * len(inp.uids))
    return [t.y for t in tasks]


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Coverage % per variant and level (and per cut-off)."""
    g = df.groupby(["variant", "level"])
    out = g["covered"].agg(["mean", "size"]).rename(columns={"mean": "coverage", "size": "n"})
    out["coverage"] *= 100
    out["median_ape"] = g["ape"].median()
    for half, years in (("2019_20", (2019, 2020)), ("2021_22", (2021, 2022))):
        out[f"coverage_{half}"] = 100 * df[df.year.isin(years)].groupby(["variant", "level"])[
            "covered"].mean()
    for c in CUTOFFS:
        out[f"coverage_{c}"] = 100 * df[df.cutoff == c].groupby(["variant", "level"])[
            "covered"].mean()
    return out.reset_index()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--method", default="combo")
    p.add_argument("--paths", type=int, default=1000)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--proxy-errors", action="store_true",
                   help="couple by the prior-year profile's errors (no per-series backtest)")
    a = p.parse_args(argv)
    import warnings

    warnings.filterwarnings("ignore")
    ds = load_default()
    a.out.parent.mkdir(parents=True, exist_ok=True)
    done = pd.read_csv(a.out) if a.out.exists() else pd.DataFrame(columns=["year", "cutoff"])
    for year in YEARS:
        for n in CUTOFFS:
            if ((done["year"] == year) & (done["cutoff"] == n)).any():
                continue
            rows = one_as_of(ds, year, n, a.method, a.paths, not a.proxy_errors)
            pd.DataFrame(rows).to_csv(a.out, mode="a", header=not a.out.exists(), index=False)
            print(f"{year}-{n:02d} klart", flush=True)
    df = pd.read_csv(a.out)
    with pd.option_context("display.width", 200):
        print(summary(df).round(1).to_string(index=False))
        net = df[df.level.str.endswith("netto")]
        print("region + division netto, täckning %:")
        print(net.groupby("variant")["covered"].mean().mul(100).round(1).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
