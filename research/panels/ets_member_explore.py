"""Exploration, no rule (session 9): would an ETS member carry `combo` across panels?

FRED-MD showed `combo` 19–25 % behind AutoETS, its Theta and CES members further behind.
This script combines year totals from ``--per-case`` files already computed (``combo``,
the members, AutoETS) and prints, per panel and cut-off, the median APE ratio to AutoETS of
``combo``, of combinations with AutoETS as a member, and of AutoETS itself. It reads the
development half of M3 and two panels that have been read before (the hospital panel and
FRED-MD, so both are development sets for anything chosen from this); the confirmation half
of M3 is not read. Its figures choose nothing: they say what a next rule could try.

Usage::

    .venv/bin/python -m research.panels.ets_member_explore \\
        --panel "M3 utveckling" /tmp/dev_cases.csv /tmp/gbm/dev_members.csv \\
            /tmp/gbm/dev_autoets.csv \\
        --panel sjukhus /tmp/hosp/cases.csv /tmp/hosp/members.csv /tmp/hosp/cases.csv \\
        --panel FRED-MD /tmp/fred/cases.csv /tmp/fred/members.csv /tmp/fred/cases.csv
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

KEY = ["series_id", "year", "cutoff"]
ETS = "autoets_statsforecast"
CANDIDATES: dict[str, tuple[str, tuple[str, ...]]] = {
    "combo": ("one", ("combo",)),
    "median(theta, ces, prior, ets)": ("median", ("theta", "ces", "prior_year_profile", ETS)),
    "median(theta, ces, ets)": ("median", ("theta", "ces", ETS)),
    "mean(theta, ces, ets)": ("mean", ("theta", "ces", ETS)),
    "mean(combo, ets)": ("mean", ("combo", ETS)),
    "ets": ("one", (ETS,)),
}


def forecasts(files: tuple[str, str, str]) -> pd.DataFrame:
    """One row per case: actual and the year total of every method in the three files."""
    frames = [pd.read_csv(f, dtype={"series_id": str}) for f in dict.fromkeys(files)]
    allc = pd.concat(frames).drop_duplicates([*KEY, "method"])
    wide = allc.pivot_table(index=KEY, columns="method", values="forecast", aggfunc="first")
    actual = allc.groupby(KEY)["actual"].first()
    return wide.join(actual).reset_index()


def median_ape(f: np.ndarray, actual: np.ndarray) -> float:
    return float(np.nanmedian(100 * np.abs(f - actual) / np.abs(actual)))


def ratios(df: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for n, g in df.groupby("cutoff"):
        act = g["actual"].to_numpy(float)
        base = median_ape(g[ETS].to_numpy(float), act)
        for name, (how, cols) in CANDIDATES.items():
            x = g[list(cols)].to_numpy(float)
            f = {"one": x[:, 0], "median": np.median(x, axis=1),
                 "mean": x.mean(axis=1)}[how]
            m = median_ape(f, act)
            rows.append({"kandidat": name, "brytmånad": n, "fall": int(np.isfinite(f).sum()),
                         "median APE": m, "kvot mot AutoETS": m / base})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--panel", nargs=4, action="append", required=True,
                   metavar=("NAMN", "COMBO", "MEDLEMMAR", "AUTOETS"))
    a = p.parse_args(argv)
    out = []
    for name, *files in a.panel:
        r = ratios(forecasts(tuple(files)))
        r.insert(0, "panel", name)
        out.append(r)
    res = pd.concat(out)
    pd.set_option("display.width", 200)
    print(res.pivot_table(index="kandidat", columns=["panel", "brytmånad"],
                          values="kvot mot AutoETS", sort=False).round(3).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
