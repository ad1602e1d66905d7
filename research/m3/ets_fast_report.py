"""Restricted ETS members in ``combo``'s median: accuracy and cost (session 10; a script).

Combines year totals already computed per case — ``combo`` (``--per-case`` file), its three
members and AutoETS (``--per-case`` files) and the restricted ETS members of
``research/m3/ets_fast_members.py`` (wide rows with ``<member>`` and ``<member>_sec``) — and prints
per cut-off, for median(theta, ces, prior, E) with each E: the median APE, the ratio to
``combo`` and to AutoETS on the same cases (with a 90 % interval over 1 000 resampled
series, seed 1), and E's mean seconds per fit. Only what the files hold is read; which panel
and half they come from decides what the figures may choose
(``research/rules/standard_rule_v7.md``).

Usage::

    .venv/bin/python -m research.m3.ets_fast_report --cases /tmp/dev_cases.csv \\
        --members /tmp/gbm/dev_members.csv --autoets /tmp/gbm/dev_autoets.csv \\
        --etsf /tmp/etsf/dev_1.csv /tmp/etsf/dev_2.csv
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from research.m3.m3_choose_v2 import weighted_median
from research.panels.ets_member_explore import forecasts

KEY = ["series_id", "year", "cutoff"]
MEMBERS = ("theta", "ces", "prior_year_profile")
ETS = "autoets_statsforecast"


def table(cases: str, members: str, autoets: str, etsf: list[str]) -> tuple[pd.DataFrame,
                                                                           list[str]]:
    """One row per case with every method's year total; the restricted members' names."""
    wide = forecasts((cases, members, autoets)).set_index(KEY)
    extra = pd.concat([pd.read_csv(f, dtype={"series_id": str}) for f in etsf])
    names = [c[: -len("_sec")] for c in extra.columns if c.endswith("_sec")]
    keep = [*KEY, *names, *(f"{n}_sec" for n in names)]
    out = wide.join(extra[keep].drop_duplicates(KEY).set_index(KEY), how="inner")
    return out.reset_index(), names


def ape(f: np.ndarray, act: np.ndarray) -> np.ndarray:
    return 100 * np.abs(f - act) / np.abs(act)


def interval(a: np.ndarray, b: np.ndarray, sid: np.ndarray, rng: np.random.Generator
             ) -> str:
    """5–95 % of median(a) / median(b) over series drawn with replacement."""
    ids, inv = np.unique(sid, return_inverse=True)
    r = []
    for _ in range(1000):
        w = np.bincount(rng.integers(0, len(ids), len(ids)), minlength=len(ids))[inv]
        r.append(weighted_median(a, w) / weighted_median(b, w))
    return f"{np.quantile(r, 0.05):.3f}–{np.quantile(r, 0.95):.3f}"


def report(df: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    rows = []
    for n, g in df.groupby("cutoff"):
        g = g.dropna(subset=["combo", ETS, *MEMBERS])
        act = g["actual"].to_numpy(float)
        sid = g["series_id"].to_numpy()
        base = ape(g["combo"].to_numpy(float), act)
        peer = ape(g[ETS].to_numpy(float), act)
        cands = {"combo": g["combo"].to_numpy(float)}
        for e in names:
            x = g[[*MEMBERS, e]].to_numpy(float)
            # a failed member (NaN) leaves the median of the other three, as combo does
            cands[f"median(theta, ces, prior, {e})"] = np.nanmedian(x, axis=1)
            cands[f"{e} alone"] = np.where(np.isfinite(x[:, 3]), x[:, 3], g["combo"])
        for name, f in cands.items():
            a = ape(f, act)
            e = name.split(", ")[-1].rstrip(")").split(" ")[0]
            sec = g[f"{e}_sec"].mean() if f"{e}_sec" in g else np.nan
            rows.append({"kandidat": name, "brytmånad": n, "fall": len(g),
                         "median APE": np.median(a),
                         "mot combo": np.median(a) / np.median(base),
                         "mot combo 5–95 %": interval(a, base, sid, np.random.default_rng(1)),
                         "mot AutoETS": np.median(a) / np.median(peer),
                         "ms per anpassning": 1000 * sec})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", required=True)
    p.add_argument("--members", required=True)
    p.add_argument("--autoets", required=True)
    p.add_argument("--etsf", nargs="+", required=True)
    a = p.parse_args(argv)
    df, names = table(a.cases, a.members, a.autoets, a.etsf)
    r = report(df, names)
    with pd.option_context("display.width", 220, "display.max_columns", 20):
        print(r.round(3).to_string(index=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
