"""Fifth attempt at the point: combinations with an airline ARIMA (a script).

The rule: ``research/rules/standard_rule_v5.md``.

Reads ``combo``'s ``--per-case`` file, the members' ``--per-case`` file (theta, ces,
prior_year_profile, three_year_profile, ces_b2) and ``research/m3/m3_members.py`` rows of
``airline`` for the same sample (the member is in commit b48611a only: it was removed when
it was not adopted, so those rows are made at that commit), and scores the rule's five
candidates (median / mean / trimmed mean of the members' year totals) against ``combo`` on
the same cases.

Usage::

    .venv/bin/python -m research.m3.m3_airline --cases /tmp/dev_cases.csv \\
        --members /tmp/gbm/dev_members.csv --airline /tmp/air/dev_airline_1.csv \\
        --airline /tmp/air/dev_airline_2.csv --sample dev
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from research.m3.m3_pooled import AUTOETS_MEDIAN, ape

KEY = ["series_id", "year", "cutoff"]
CANDIDATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "median(theta, ces, airline)": ("median", ("theta", "ces", "airline")),
    "mean(theta, ces, airline)": ("mean", ("theta", "ces", "airline")),
    "median(theta, ces, prior, airline)": (
        "median", ("theta", "ces", "prior_year_profile", "airline")),
    "median(theta, ces, prior, three, airline)": (
        "median", ("theta", "ces", "prior_year_profile", "three_year_profile", "airline")),
    "trimmed(theta, ces, prior, ces_b2, airline)": (
        "trimmed", ("theta", "ces", "prior_year_profile", "ces_b2", "airline")),
    "airline alone": ("mean", ("airline",)),
    "median(theta, ces, prior) (combo's members)": (
        "median", ("theta", "ces", "prior_year_profile")),
}


def combine(x: np.ndarray, how: str) -> np.ndarray:
    """Row-wise median, mean or trimmed mean (highest and lowest dropped)."""
    if how == "median":
        return np.median(x, axis=1)
    if how == "mean":
        return x.mean(axis=1)
    s = np.sort(x, axis=1)
    return s[:, 1:-1].mean(axis=1)


def table(cases: str, members: str, airline: list[str]) -> pd.DataFrame:
    """One row per case: actual, combo and every member's year total."""
    c = pd.read_csv(cases, dtype={"series_id": str})
    c = c[c["method"] == "combo"].rename(columns={"forecast": "combo"})[
        [*KEY, "actual", "combo"]]
    m = pd.read_csv(members, dtype={"series_id": str}).pivot_table(
        index=KEY, columns="method", values="forecast", aggfunc="first").reset_index()
    a = pd.concat([pd.read_csv(f, dtype={"series_id": str}) for f in airline])
    a = a.loc[a["protocol"] == 1, [*KEY, "airline"]]
    return c.merge(m, on=KEY, how="left").merge(a, on=KEY, how="left")


def report(df: pd.DataFrame, sample: str) -> pd.DataFrame:
    rows = []
    for n, g in df.groupby("cutoff"):
        base = ape(g["combo"], g["actual"]).median()
        for name, (how, cols) in CANDIDATES.items():
            x = g[list(cols)].to_numpy(float)
            ok = np.isfinite(x).all(axis=1)
            f = np.where(ok, combine(np.where(ok[:, None], x, 0.0), how), g["combo"])
            med = ape(pd.Series(f, index=g.index), g["actual"]).median()
            rows.append({"kandidat": name, "brytmånad": n, "fall": len(g),
                         "fall utan alla medlemmar": int((~ok).sum()),
                         "median APE": med, "kvot mot combo": med / base,
                         "kvot mot AutoETS": med / AUTOETS_MEDIAN[sample][n]})
        rows.append({"kandidat": "combo", "brytmånad": n, "fall": len(g),
                     "fall utan alla medlemmar": 0, "median APE": base, "kvot mot combo": 1.0,
                     "kvot mot AutoETS": base / AUTOETS_MEDIAN[sample][n]})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", required=True)
    p.add_argument("--members", required=True)
    p.add_argument("--airline", action="append", required=True)
    p.add_argument("--sample", choices=("dev", "confirm"), required=True)
    a = p.parse_args(argv)
    df = table(a.cases, a.members, a.airline)
    print(f"urval {a.sample}: {df.series_id.nunique()} serier, {len(df)} fall, "
          f"airline saknas i {int(df['airline'].isna().sum())}")
    res = report(df, a.sample)
    pd.set_option("display.width", 200)
    print(res.round(4).to_string(index=False))
    worst = res.groupby("kandidat")["kvot mot combo"].max().sort_values()
    print("\nsämsta kvot mot combo av de två brytmånaderna:\n" + worst.round(4).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
