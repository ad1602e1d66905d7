"""Fourth attempt at the point: a LightGBM correction of combo (a script).

The rule: ``research/rules/standard_rule_v4.md``.

Reads the M3 panel, ``combo``'s ``--per-case`` file and the members' ``--per-case`` file of
the same sample, builds the rule's features from each case's history up to the cut-off and
the members' forecasts, fits a gradient-boosted L1 model of ``log(R / R_combo)`` per cut-off
on the panel's earlier calendar years and scores ``gbm`` and ``gbm_mean`` against ``combo``.

Needs ``lightgbm`` (``pip install lightgbm``), which is not a dependency of the package: the
model was not adopted (``research/m3/results/m3_gbm_dev.txt``).

Usage::

    .venv/bin/python -m research.m3.m3_gbm --bench ../shared/bench/m3_monthly.csv.gz \\
        --cases /tmp/dev_cases.csv --members /tmp/gbm/dev_members.csv --sample dev
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from forecast.evaluation.backtest import Series
from forecast.evaluation.samples import bench_split
from research.m3.m3_pooled import FEATURES, ratio_table, walk_forward
from research.m3.m3_pooled import build as pooled_build

MEMBERS = ("theta", "ces", "prior_year_profile", "three_year_profile", "theta_b2", "ces_b2")
LEAVES = (7, 15)
CLIP = 1.0


def volatility(y: np.ndarray, end: int) -> float:
    """sd of the 12-month log growths of the 24 months before ``end`` (nan if not positive)."""
    h = y[max(0, end - 36): end]
    if len(h) < 24 or (h <= 0).any():
        return np.nan
    g = np.log(h[12:] / h[:-12])[-24:]
    return float(np.std(g, ddof=1))


def build(bench: str, cases_file: str, members_file: str, ids: set[str]) -> pd.DataFrame:
    """The third attempt's rows (``m3_pooled.build``) with the members' features and target."""
    mem = pd.read_csv(members_file, dtype={"series_id": str})
    mem = mem.pivot_table(index=["series_id", "year", "cutoff"], columns="method",
                          values="forecast", aggfunc="first")

    def add_members(s: Series, t_jan: int, n: int, row: dict) -> None:
        key = (s.series_id, row["year"], n)
        rest_c = row["combo"] - row["ytd"]
        rests = ({k: float(mem.loc[key].get(k, np.nan)) - row["ytd"] for k in MEMBERS}
                 if key in mem.index else {})
        if not rests or not all(np.isfinite(v) and v > 0 for v in rests.values()):
            row["usable"] = False
            return
        row.update({f"d_{k}": np.log(v / rest_c) for k, v in rests.items()})
        row.update(vol=volatility(s.y, t_jan + n), years=(t_jan + n) // 12, rest_c=rest_c)

    df = pooled_build(bench, cases_file, ids, extra=add_members)
    rest = (df["actual"] - df["ytd"]).to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        target = np.log(rest / df["rest_c"].to_numpy(float))
    df["target"] = np.where(df["usable"].to_numpy(bool) & (rest > 0), target, np.nan)
    return df


def feature_names() -> list[str]:
    return [*FEATURES, *(f"d_{k}" for k in MEMBERS), "vol", "years"]


def gbm_forecast(df: pd.DataFrame, leaves: int) -> pd.Series:
    """Each case's year total by the rule's model (combo where the rule falls back)."""
    import lightgbm as lgb

    params = {"objective": "l1", "learning_rate": 0.03, "num_leaves": leaves,
              "min_data_in_leaf": 50, "feature_fraction": 0.8, "bagging_fraction": 0.8,
              "bagging_freq": 1, "lambda_l2": 1.0, "seed": 1, "deterministic": True,
              "num_threads": 2, "verbose": -1}
    cols = feature_names()
    out = df["combo"].copy()
    for train, test in walk_forward(df):
        model = lgb.train(params, lgb.Dataset(train[cols].to_numpy(), train["target"].to_numpy()),
                          num_boost_round=300)
        pred = np.clip(model.predict(test[cols].to_numpy()), -CLIP, CLIP)
        out.loc[test.index] = test["combo"] - test["rest_c"] + test["rest_c"] * np.exp(pred)
    return out


def report(df: pd.DataFrame, sample: str) -> pd.DataFrame:
    df = df.copy()
    names = ["combo"]
    for leaves in LEAVES:
        df[f"gbm_{leaves}"] = gbm_forecast(df, leaves)
        df[f"gbm_mean_{leaves}"] = (df[f"gbm_{leaves}"] + df["combo"]) / 2
        names += [f"gbm_{leaves}", f"gbm_mean_{leaves}"]
    return ratio_table(df, names, sample, "fall med modellen")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", required=True)
    p.add_argument("--cases", required=True, help="combo's --per-case file of the sample")
    p.add_argument("--members", required=True, help="the members' --per-case file")
    p.add_argument("--sample", choices=("dev", "confirm"), required=True)
    args = p.parse_args(argv)
    dev, confirm = bench_split(args.bench)
    ids = set(dev if args.sample == "dev" else confirm)
    df = build(args.bench, args.cases, args.members, ids)
    print(f"urval {args.sample}: {df.series_id.nunique()} serier, {len(df)} fall, "
          f"användbara {int(df.usable.sum())}")
    res = report(df, args.sample)
    print(res.round(4).to_string(index=False))
    worst = res.groupby("metod")["kvot mot combo"].max().sort_values()
    print("\nsämsta kvot mot combo av de två brytmånaderna:")
    print(worst.round(4).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
