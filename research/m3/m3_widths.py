"""Fit and check year-total range models on collected member forecasts (a script).

Implements the range part of ``research/rules/standard_rule.md`` on the rows of
``research/m3/m3_members.py``: for a chosen combination (``--members``, ``--how``) and path member
(``--path-member``), every scale form is fitted on the development rows (``--fit`` files) and
its P10–P90 coverage printed overall, by cut-off, by quarter of the range width and by third
of volatility, on the development rows and, when given, on other rows (``--check`` files).

Usage::

    .venv/bin/python -m research.m3.m3_widths --fit /tmp/dev_cheap.csv --members theta,ces,theta_b2
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.evaluation.backtest import panel_series, read_bench
from research.m3.m3_choose import KEYS, combine
from research.paths import M3_MONTHLY

BENCH = M3_MONTHLY
MAX_OWN = 5


def volatility(y: np.ndarray) -> float:
    """Median |y_t − y_{t−12}| / |y_{t−12}| over the last 36 months of a history."""
    tail = y[-48:]
    prev, cur = tail[:-12], tail[12:]
    with np.errstate(all="ignore"):
        r = np.abs(cur - prev) / np.abs(prev)
    r = r[np.isfinite(r)]
    return float(np.median(r)) if r.size else np.nan


def add_features(df: pd.DataFrame, members: list[str], how: str, path_member: str,
                 bench: Path) -> pd.DataFrame:
    """T, relative error, r, own earlier errors (RMS, count) and volatility per row."""
    df = df.copy()
    df["T"] = combine(df, tuple(members), how)
    df["e"] = (df["actual"] - df["T"]) / df["T"].abs()
    df["r"] = df[f"{path_member}_sd"] / df["T"].abs()
    e = df.set_index(KEYS)["e"]
    own_sq, own_n = np.zeros(len(df)), np.zeros(len(df), dtype=int)
    for k in range(1, MAX_OWN + 1):
        idx = pd.MultiIndex.from_arrays([df["series_id"], df["year"] - k, df["cutoff"]])
        v = e.reindex(idx).to_numpy()
        ok = np.isfinite(v)
        own_sq += np.where(ok, v**2, 0)
        own_n += ok
    df["own_n"] = own_n
    df["own_ms"] = np.divide(own_sq, own_n, out=np.full(len(df), np.nan), where=own_n > 0)
    df["vol"] = case_volatility(df, bench)
    return df


def case_volatility(cases: pd.DataFrame, bench: Path) -> np.ndarray:
    """:func:`volatility` of each case's history (rows with series_id, year, cutoff)."""
    wanted = set(cases["series_id"])
    ser = {s.series_id: s for s in panel_series(read_bench(bench)) if s.series_id in wanted}
    vol = []
    for sid, year, n in zip(cases["series_id"], cases["year"], cases["cutoff"], strict=True):
        s = ser[sid]
        t_jan = (year - s.start_year) * 12 - (s.start_month - 1)
        vol.append(volatility(s.y[: t_jan + n]))
    return np.asarray(vol, dtype=float)


def scale(df: pd.DataFrame, form: str, c: float = 1.0, w: float = 2.0) -> np.ndarray:
    """The per-row scale of a form: 'r', 'r^p' (form 'r^0.5'), 'own' (w, c)."""
    r = df["r"].to_numpy(float)
    if form == "r":
        return r
    if form.startswith("r^"):
        return r ** float(form[2:])
    if form == "own":
        k = df["own_n"].to_numpy(float)
        ms = np.nan_to_num(df["own_ms"].to_numpy(float))
        return np.sqrt((w * (c * r) ** 2 + k * ms) / (w + k))
    raise ValueError(form)


def fit_q(e: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """10 % and 90 % quantiles of the standardised errors."""
    z = e / s
    z = z[np.isfinite(z)]
    return float(np.quantile(z, 0.1)), float(np.quantile(z, 0.9))


def coverage_table(df: pd.DataFrame, lo: np.ndarray, hi: np.ndarray,
                   vol_cuts: np.ndarray) -> pd.DataFrame:
    """Coverage % overall, by cut-off, width quarter (per cut-off) and volatility third."""
    d = df.assign(cov=((df["actual"] >= lo) & (df["actual"] <= hi)).astype(float),
                  width=(hi - lo) / df["actual"].abs())
    d["wq"] = d.groupby("cutoff")["width"].transform(
        lambda x: pd.qcut(x.rank(method="first"), 4, labels=False) + 1)
    d["vt"] = np.searchsorted(vol_cuts, d["vol"].to_numpy(), side="right") + 1
    rows = [("alla", "", 100 * d["cov"].mean(), len(d))]
    for c, g in d.groupby("cutoff"):
        rows.append((f"brytmånad {c}", "", 100 * g["cov"].mean(), len(g)))
        for q, gq in g.groupby("wq"):
            rows.append((f"brytmånad {c}", f"bredd-kvartil {int(q)}", 100 * gq["cov"].mean(),
                         len(gq)))
        for t, gt in g.groupby("vt"):
            rows.append((f"brytmånad {c}", f"volatilitet-tredjedel {int(t)}",
                         100 * gt["cov"].mean(), len(gt)))
    below = 100 * (d["actual"] < lo).mean()
    above = 100 * (d["actual"] > hi).mean()
    rows.append(("under P10 / över P90", f"{below:.1f} / {above:.1f}", np.nan, len(d)))
    return pd.DataFrame(rows, columns=["grupp", "undergrupp", "täckning %", "fall"])


def fit_qs(df: pd.DataFrame, s: np.ndarray, per_cutoff: bool) -> dict[int, tuple]:
    """q10/q90 per cut-off (the same pair for all when not ``per_cutoff``)."""
    e = df["e"].to_numpy()
    cut = df["cutoff"].to_numpy()
    if not per_cutoff:
        q = fit_q(e, s)
        return {int(c): q for c in np.unique(cut)}
    return {int(c): fit_q(e[cut == c], s[cut == c]) for c in np.unique(cut)}


def evaluate(df: pd.DataFrame, form: str, qs: dict[int, tuple], vol_cuts: np.ndarray,
             **kw: float) -> pd.DataFrame:
    """Coverage table of one fitted range model on ``df``."""
    s = scale(df, form, **kw)
    t = df["T"].abs().to_numpy()
    cut = df["cutoff"].to_numpy()
    q10 = np.array([qs[int(c)][0] for c in cut])
    q90 = np.array([qs[int(c)][1] for c in cut])
    lo = df["T"].to_numpy() + t * s * q10
    hi = df["T"].to_numpy() + t * s * q90
    return coverage_table(df, lo, hi, vol_cuts)


def worst(table: pd.DataFrame) -> float:
    """The largest |coverage − 80| over the subgroups."""
    v = table["täckning %"].dropna()
    return float(np.max(np.abs(v - 80)))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fit", nargs="+", type=Path, required=True)
    p.add_argument("--check", nargs="*", type=Path, default=[])
    p.add_argument("--members", required=True)
    p.add_argument("--how", default="median")
    p.add_argument("--path-member", default="theta")
    p.add_argument("--bench", type=Path, default=BENCH)
    p.add_argument("--per-cutoff", action="store_true", help="q10/q90 per cut-off")
    p.add_argument("--brief", action="store_true", help="only the summary line per form")
    a = p.parse_args(argv)
    from research.m3.m3_choose import load

    members = a.members.split(",")
    dev = add_features(load(a.fit), members, a.how, a.path_member, a.bench)
    dev_p = dev.loc[(dev["protocol"] == 1) & np.isfinite(dev["e"]) & (dev["r"] > 0)]
    vol_cuts = np.nanquantile(dev_p["vol"], [1 / 3, 2 / 3])
    e = dev_p["e"].to_numpy()
    r = dev_p["r"].to_numpy()
    c0 = float(np.median(np.abs(e) / r) / 0.6745)
    print(f"{dev_p.series_id.nunique()} serier, {len(dev_p)} fall; median |e|/r = "
          f"{np.median(np.abs(e) / r):.3f}; c = {c0:.3f}; volatilitetsgränser {vol_cuts}")
    forms = [("r", {}), ("r^0.75", {}), ("r^0.5", {})] + [
        ("own", {"c": round(c0, 2), "w": w}) for w in (1.0, 2.0, 4.0)]
    results = []
    for form, kw in forms:
        s = scale(dev_p, form, **kw)
        q = fit_qs(dev_p, s, a.per_cutoff)
        tab = evaluate(dev_p, form, q, vol_cuts, **kw)
        results.append((worst(tab), form, kw, q, tab))
        qtxt = ", ".join(f"{c}: {v[0]:.3f}/{v[1]:.3f}" for c, v in q.items())
        print(f"\n== {form} {kw} q10/q90 {qtxt}; värsta |täckning−80| = {worst(tab):.1f}")
        if not a.brief:
            print(tab.round(1).to_string(index=False))
    if a.check:
        chk = add_features(load(a.check), members, a.how, a.path_member, a.bench)
        chk = chk.loc[(chk["protocol"] == 1) & np.isfinite(chk["e"]) & (chk["r"] > 0)]
        for _w, form, kw, q, _t in sorted(results, key=lambda x: x[0])[:3]:
            tab = evaluate(chk, form, q, vol_cuts, **kw)
            print(f"\n== kontroll {form} {kw}: värsta {worst(tab):.1f}")
            print(tab.round(1).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
