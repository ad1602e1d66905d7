"""Third attempt at the point (``research/rules/standard_rule_v3.md``): a pooled growth regression.

Reads the M3 panel and a ``budgetprognos backtest --per-case`` file of ``combo`` (its year
total per case), builds the rule's features from each case's history up to the cut-off,
fits a median regression per cut-off on the panel's earlier calendar years and scores
``pooled`` and ``pooled_mean`` against ``combo`` on the same cases.

Usage::

    .venv/bin/python -m research.m3.m3_pooled --bench ../shared/bench/m3_monthly.csv.gz \\
        --cases /tmp/m3/bt_dev_cases.csv --sample dev
"""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd

from forecast.evaluation.backtest import (
    Series,
    case_years,
    panel_series,
    read_bench,
)
from forecast.evaluation.samples import bench_split

FEATURES = ("g_ytd", "g_12", "g_3", "g_rest_prev", "g_ytd_prev", "g_combo")
EXPLORE_FEATURES = (FEATURES, ("g_combo", "g_ytd"), ("g_combo", "g_ytd", "g_3"),
                    ("g_ytd", "g_12", "g_3", "g_rest_prev", "g_ytd_prev"))
MIN_TRAIN = 300
CLIP = 1.0
AUTOETS_MEDIAN = {  # research/m3/results/m3_rule_v2.txt: AutoETS on the same protocol cases
    "dev": {4: 2.333, 8: 1.039}, "confirm": {4: 2.235, 8: 0.948}}


def case_features(y: np.ndarray, t_jan: int, n: int, combo_total: float) -> dict | None:
    """The rule's features of one case (None if a sum is not positive)."""
    h = y[: t_jan + n]
    a = h[t_jan:].sum()
    a1 = y[t_jan - 12: t_jan - 12 + n].sum()
    r1 = y[t_jan - 12 + n: t_jan].sum()
    a2 = y[t_jan - 24: t_jan - 24 + n].sum()
    r2 = y[t_jan - 24 + n: t_jan - 12].sum()
    l12, p12 = h[-12:].sum(), h[-24:-12].sum()
    l3, p3 = h[-3:].sum(), h[-15:-12].sum()
    combo_rest = combo_total - a
    sums = (a, a1, r1, a2, r2, l12, p12, l3, p3, combo_rest)
    if n == 0 or min(sums) <= 0:
        return None
    return {"ytd": a, "r1": r1, "g_ytd": np.log(a / a1), "g_12": np.log(l12 / p12),
            "g_3": np.log(l3 / p3), "g_rest_prev": np.log(r1 / r2),
            "g_ytd_prev": np.log(a1 / a2), "g_combo": np.log(combo_rest / r1)}


def build(bench: str, cases_file: str, ids: set[str],
          extra: Callable[[Series, int, int, dict], None] | None = None) -> pd.DataFrame:
    """One row per protocol case of ``ids``: features, combo's forecast and the actual.

    ``extra(series, t_jan, cutoff, row)``, if given, adds to (or rejects, with
    ``row["usable"] = False``) each row whose features exist.
    """
    cases = pd.read_csv(cases_file, dtype={"series_id": str})
    cases = cases[cases["method"] == "combo"].set_index(["series_id", "year", "cutoff"])
    panel = read_bench(bench)
    panel = panel[panel["series_id"].isin(ids)]
    rows = []
    for s in panel_series(panel):
        for year, t_jan in case_years(s):
            for n in (4, 8):
                key = (s.series_id, year, n)
                if key not in cases.index:
                    continue
                c = cases.loc[key]
                actual = float(s.y[t_jan: t_jan + 12].sum())
                f = case_features(s.y, t_jan, n, float(c["forecast"]))
                row = {"series_id": s.series_id, "year": year, "cutoff": n,
                       "actual": actual, "combo": float(c["forecast"]),
                       "target": np.nan, "usable": f is not None}
                if f is not None:
                    row.update(f)
                    rest = actual - f["ytd"]
                    row["target"] = np.log(rest / f["r1"]) if rest > 0 else np.nan
                    if extra is not None:
                        extra(s, t_jan, n, row)
                rows.append(row)
    return pd.DataFrame(rows)


def walk_forward(df: pd.DataFrame) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """(train, test) per cutoff and year: the usable cases of that cutoff in earlier years with
    a target, and those of the year itself; years with fewer than MIN_TRAIN training cases are
    skipped (their cases keep the combination)."""
    for _, g in df.groupby("cutoff"):
        ok = g[g["usable"]]
        for year in sorted(ok["year"].unique()):
            train = ok[(ok["year"] < year) & ok["target"].notna()]
            if len(train) >= MIN_TRAIN:
                yield train, ok[ok["year"] == year]


def pooled_forecast(df: pd.DataFrame, features: tuple[str, ...] = FEATURES) -> pd.Series:
    """Each case's pooled year total (combo where the rule falls back)."""
    from statsmodels.regression.quantile_regression import QuantReg

    out = df["combo"].copy()
    for train, test in walk_forward(df):
        x = np.column_stack([np.ones(len(train)), train[list(features)].to_numpy()])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            beta = QuantReg(train["target"].to_numpy(), x).fit(q=0.5).params
        xt = np.column_stack([np.ones(len(test)), test[list(features)].to_numpy()])
        pred = np.clip(xt @ beta, -CLIP, CLIP)
        out.loc[test.index] = test["ytd"] + test["r1"] * np.exp(pred)
    return out


def ape(forecast: pd.Series, actual: pd.Series) -> pd.Series:
    return 100 * (forecast - actual).abs() / actual.abs()


def report(df: pd.DataFrame, sample: str) -> pd.DataFrame:
    df = df.copy()
    df["pooled"] = pooled_forecast(df)
    df["pooled_mean"] = (df["pooled"] + df["combo"]) / 2
    return ratio_table(df, ("combo", "pooled", "pooled_mean"), sample)


def ratio_table(df: pd.DataFrame, names: tuple[str, ...] | list[str], sample: str,
                changed: str = "fall med poolad modell") -> pd.DataFrame:
    """Median APE of each forecast column in ``names`` and its ratios to combo and AutoETS."""
    rows = []
    for n, g in df.groupby("cutoff"):
        base = ape(g["combo"], g["actual"]).median()
        for m in names:
            med = ape(g[m], g["actual"]).median()
            rows.append({"metod": m, "brytmånad": n, "fall": len(g),
                         changed: int((g[m] != g["combo"]).sum()),
                         "median APE": med, "kvot mot combo": med / base,
                         "kvot mot AutoETS": med / AUTOETS_MEDIAN[sample][n]})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", required=True)
    p.add_argument("--cases", required=True, help="combo's --per-case file of the sample")
    p.add_argument("--sample", choices=("dev", "confirm"), required=True)
    p.add_argument("--explore", action="store_true",
                   help="also feature subsets × weights on the pooled model (development only)")
    args = p.parse_args(argv)
    if args.explore and args.sample != "dev":
        p.error("--explore is for the development half only")
    dev, confirm = bench_split(args.bench)
    ids = set(dev if args.sample == "dev" else confirm)
    df = build(args.bench, args.cases, ids)
    print(f"urval {args.sample}: {df.series_id.nunique()} serier, {len(df)} fall, "
          f"användbara {int(df.usable.sum())}")
    print(report(df, args.sample).round(4).to_string(index=False))
    if args.explore:
        print("\nfeatures × weight w of the pooled model (1 − w: combo): "
              "ratio to combo, April / August")
        for feats in EXPLORE_FEATURES:
            pooled = pooled_forecast(df, feats)
            for w in (0.5, 0.7, 1.0):
                f = w * pooled + (1 - w) * df["combo"]
                ratios = [ape(f[df.cutoff == n], df.actual[df.cutoff == n]).median()
                          / ape(df.combo[df.cutoff == n], df.actual[df.cutoff == n]).median()
                          for n in (4, 8)]
                print(f"  {'+'.join(feats):50s} w={w:.1f}  {ratios[0]:.4f} / {ratios[1]:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
