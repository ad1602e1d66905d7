"""The seventh rule's candidate: a panel's choice by earlier years (a script).

The rule: ``research/rules/standard_rule_v7.md``.

From ``--per-case`` files (one row per case and method: ``combo``, ``prior_year_profile``,
``three_year_profile`` and ``autoets_statsforecast``), for each panel, cut-off n and year Y
the method with the lowest median year-end APE over the panel's cases of the years
Y − 3 … Y − 1 at the same cut-off is chosen (``combo`` when they are fewer than 100), and
its point and P10–P90 are scored on the cases of Y. Prints per panel and cut-off the median
APE of the choice and of ``combo``, their ratio, the ratio to AutoETS, the choice's
coverage and how often each method was chosen.

Usage::

    .venv/bin/python -m research.panels.panel_choice --panel sjukhus /tmp/hosp/cases.csv \\
        --panel "M3 utveckling" /tmp/dev_cases.csv /tmp/gbm/dev_members.csv \\
            /tmp/gbm/dev_autoets.csv
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

CANDIDATES = ("combo", "prior_year_profile", "three_year_profile")
PEER = "autoets_statsforecast"
WINDOW = 3
MIN_CASES = 100
KEY = ["series_id", "year", "cutoff"]


def read_cases(files: list[str]) -> pd.DataFrame:
    """The candidates' and the peer's rows of the files, with each row's APE."""
    c = pd.concat([pd.read_csv(f, dtype={"series_id": str}) for f in dict.fromkeys(files)])
    c = c[c["method"].isin([*CANDIDATES, PEER])].drop_duplicates([*KEY, "method"])
    return c.assign(ape=100 * (c["forecast"] - c["actual"]).abs() / c["actual"].abs())


def choices(c: pd.DataFrame) -> pd.DataFrame:
    """(cutoff, year) → the chosen method, from the panel's earlier years only."""
    rows = []
    for (n, year), _ in c.groupby(["cutoff", "year"]):
        w = c[(c["cutoff"] == n) & c["year"].between(year - WINDOW, year - 1)
              & c["method"].isin(CANDIDATES)]
        counts = w.groupby("method").size()
        if w.empty or counts.min() < MIN_CASES or len(counts) < len(CANDIDATES):
            pick = "combo"
        else:
            pick = str(w.groupby("method")["ape"].median().reindex(CANDIDATES).idxmin())
        rows.append({"cutoff": n, "year": year, "chosen": pick})
    return pd.DataFrame(rows)


def score(c: pd.DataFrame) -> pd.DataFrame:
    pick = choices(c)
    chosen = c.merge(pick, on=["cutoff", "year"])
    chosen = chosen[chosen["method"] == chosen["chosen"]]
    out = []
    for n, g in chosen.groupby("cutoff"):
        base = c[(c["cutoff"] == n) & (c["method"] == "combo")]
        peer = c[(c["cutoff"] == n) & (c["method"] == PEER)]
        inside = (g["actual"] >= g["p10"]) & (g["actual"] <= g["p90"])
        shares = g["chosen"].value_counts(normalize=True)
        out.append({"brytmånad": n, "fall": len(g), "val median APE": g["ape"].median(),
                    "combo median APE": base["ape"].median(),
                    "mot combo": g["ape"].median() / base["ape"].median(),
                    "mot AutoETS": g["ape"].median() / peer["ape"].median()
                    if len(peer) else np.nan,
                    "val täckning %": 100 * inside.mean(),
                    "combo täckning %": 100 * ((base["actual"] >= base["p10"])
                                               & (base["actual"] <= base["p90"])).mean(),
                    **{f"andel {m}": 100 * shares.get(m, 0.0) for m in CANDIDATES}})
    return pd.DataFrame(out)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--panel", nargs="+", action="append", required=True,
                   metavar="NAMN FIL", help="a name, then its per-case files")
    a = p.parse_args(argv)
    res = []
    for name, *files in a.panel:
        r = score(read_cases(files))
        r.insert(0, "panel", name)
        res.append(r)
    with pd.option_context("display.width", 250, "display.max_columns", 20):
        print(pd.concat(res).round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
