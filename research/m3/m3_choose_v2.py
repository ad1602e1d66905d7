"""Apply the second rule to collected member rows (a script).

The rule: ``research/rules/standard_rule_v2.md``.

Reads the CSV files of ``research/m3/m3_members.py --sample all`` (and, optionally, a file of
``combo``'s own rows, whose year totals and path spread are then used for today's standard
instead of the median of its members' year totals), splits the series with seed 15, and
prints, in this order: every point candidate on the development sample ranked by the rule;
the range forms on development; and the confirmation figures of today's ``combo``, the chosen
point with the chosen range, and AutoETS, with coverage by width quarter, volatility third
and category and the ratio to AutoETS with a 90 % interval by resampling series.

Usage::

    .venv/bin/python -m research.m3.m3_choose_v2 /tmp/m3/members_1.csv /tmp/m3/members_2.csv \\
        --combo /tmp/m3/combo_1.csv /tmp/m3/combo_2.csv
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linprog

from forecast.evaluation.samples import split_series
from research.m3.m3_choose import KEYS, combine
from research.m3.m3_widths import case_volatility
from research.paths import M3_MONTHLY

BENCH = M3_MONTHLY
SEED = 15
MEMBERS = ("theta", "ces", "three_year_profile", "prior_year_profile", "theta_b2", "ces_b2")
COMBO = ("theta", "ces", "prior_year_profile")
ETS = "autoets_statsforecast"
MIN_STACK = 100
MAX_OWN = 5
TIE = 0.005
OWN_OF: tuple[str, ...] | None = None
"""Members whose median's earlier errors stand in for the point's own (None: the point's)."""


# ------------------------------------------------------------------ data
def load(members: list[Path], combo: list[Path], bench: Path) -> pd.DataFrame:
    """Member rows (all years), with combo's own rows, category, split and volatility."""
    df = pd.concat([pd.read_csv(p, dtype={"series_id": str}) for p in members],
                   ignore_index=True).drop_duplicates(KEYS)
    if combo:
        c = pd.concat([pd.read_csv(p, dtype={"series_id": str}) for p in combo],
                      ignore_index=True).drop_duplicates(KEYS)
        df = df.merge(c[KEYS + [x for x in c.columns if x.startswith("combo")]],
                      on=KEYS, how="left")
    info = pd.read_csv(bench, usecols=["series_id", "category", "start"],
                       dtype={"series_id": str, "start": str}).drop_duplicates("series_id")
    info = info.loc[info["start"].notna()]
    dev, _conf = split_series(info["series_id"].tolist(), info["category"].tolist(), SEED)
    df = df.merge(info[["series_id", "category"]], on="series_id", how="left")
    df["sample"] = np.where(df["series_id"].isin(set(dev)), "dev", "confirm")
    df["vol"] = case_volatility(df, bench)
    return df.reset_index(drop=True)


def ape(fc: np.ndarray, actual: np.ndarray) -> np.ndarray:
    return 100 * np.abs(fc - actual) / np.abs(actual)


def med(df: pd.DataFrame, fc: np.ndarray) -> dict[int, float]:
    a = ape(fc, df["actual"].to_numpy())
    cut = df["cutoff"].to_numpy()
    return {c: float(np.nanmedian(a[cut == c])) for c in (4, 8)}


# ------------------------------------------------------------------ stack
def stack_weights(f: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Weights ≥ 0 summing to 1 minimising the mean relative absolute error (an LP)."""
    n, m = f.shape
    g = f / np.abs(actual)[:, None]
    b = actual / np.abs(actual)
    eye = sparse.identity(n, format="csr")
    a_ub = sparse.vstack([sparse.hstack([-sparse.csr_matrix(g), -eye]),
                          sparse.hstack([sparse.csr_matrix(g), -eye])], format="csr")
    b_ub = np.concatenate([-b, b])
    a_eq = sparse.hstack([sparse.csr_matrix(np.ones((1, m))),
                          sparse.csr_matrix((1, n))], format="csr")
    c = np.concatenate([np.zeros(m), np.full(n, 1.0 / n)])
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0],
                  bounds=[(0, 1)] * m + [(0, None)] * n, method="highs")
    if not res.success:
        return np.full(m, 1.0 / m)
    return np.asarray(res.x[:m])


def filled(df: pd.DataFrame, members: tuple[str, ...]) -> np.ndarray:
    """Member year totals with a failed member replaced by the row's median."""
    x = df[list(members)].to_numpy(float)
    row_med = np.nanmedian(x, axis=1)
    return np.where(np.isfinite(x), x, row_med[:, None])


def stack_forecast(panel: pd.DataFrame, members: tuple[str, ...] = MEMBERS
                   ) -> tuple[np.ndarray, list[tuple]]:
    """Every row's stacked forecast: weights fitted on the panel's earlier calendar years."""
    x = filled(panel, members)
    out = np.nanmedian(panel[list(members)].to_numpy(float), axis=1)
    log = []
    years = panel["year"].to_numpy()
    cut = panel["cutoff"].to_numpy()
    actual = panel["actual"].to_numpy(float)
    ok_all = np.all(np.isfinite(x), axis=1) & np.isfinite(actual) & (actual != 0)
    for c in (4, 8):
        for y in np.unique(years[cut == c]):
            train = ok_all & (cut == c) & (years < y)
            rows = (cut == c) & (years == y)
            if train.sum() < MIN_STACK:
                continue
            w = stack_weights(x[train], actual[train])
            out[rows] = x[rows] @ w
            log.append((c, int(y), int(train.sum()), np.round(w, 2)))
    return out, log


# ------------------------------------------------------------------ point candidates
def point_candidates(dev: pd.DataFrame, dev_all: pd.DataFrame) -> pd.DataFrame:
    """Every subset × combiner, and the stack, scored on the development protocol cases."""
    base = med(dev, today_point(dev))
    rows = []
    for k in range(2, len(MEMBERS) + 1):
        for sub in itertools.combinations(MEMBERS, k):
            for how in ("median", "mean", "trimmed"):
                if how == "trimmed" and k < 4:
                    continue
                m = med(dev, combine(dev, sub, how))
                rows.append({"members": "+".join(sub), "how": how, "k": k,
                             "apr": m[4], "aug": m[8],
                             "sec": float(sum(dev[f"{s}_sec"].mean() for s in sub))})
    st, _ = stack_forecast(dev_all)
    m = med(dev, st[dev_all["protocol"].to_numpy() == 1])
    rows.append({"members": "+".join(MEMBERS), "how": "stack", "k": len(MEMBERS),
                 "apr": m[4], "aug": m[8],
                 "sec": float(sum(dev[f"{s}_sec"].mean() for s in MEMBERS))})
    out = pd.DataFrame(rows)
    out["r_apr"] = out["apr"] / base[4]
    out["r_aug"] = out["aug"] / base[8]
    out["worse"] = out[["r_apr", "r_aug"]].max(axis=1)
    out["qualifies"] = (out["r_apr"] < 1) & (out["r_aug"] < 1)
    return out.sort_values(["worse", "k", "sec"]).reset_index(drop=True)


def pick(cands: pd.DataFrame) -> pd.Series | None:
    q = cands[cands["qualifies"]]
    if q.empty:
        return None
    best = q["worse"].min()
    near = q[q["worse"] <= best + TIE].sort_values(["k", "sec"])
    return near.iloc[0]


def today_point(df: pd.DataFrame) -> np.ndarray:
    """``combo``'s year total: its own rows when given, else the median of its members."""
    if "combo" in df and df["combo"].notna().all():
        return df["combo"].to_numpy(float)
    return combine(df, COMBO, "median")


def candidate_point(panel: pd.DataFrame, choice: pd.Series) -> np.ndarray:
    members = tuple(choice["members"].split("+"))
    if choice["how"] == "stack":
        return stack_forecast(panel, members)[0]
    return combine(panel, members, choice["how"])


# ------------------------------------------------------------------ ranges
def own_ms(panel: pd.DataFrame, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean square and count of each row's series' own earlier relative errors (≤ 5 years)."""
    e = pd.Series((panel["actual"].to_numpy() - point) / np.abs(point),
                  index=pd.MultiIndex.from_frame(panel[KEYS]))
    sq, n = np.zeros(len(panel)), np.zeros(len(panel))
    for k in range(1, MAX_OWN + 1):
        idx = pd.MultiIndex.from_arrays([panel["series_id"], panel["year"] - k,
                                         panel["cutoff"]])
        v = e.reindex(idx).to_numpy()
        ok = np.isfinite(v)
        sq += np.where(ok, v**2, 0)
        n += ok
    return np.divide(sq, n, out=np.zeros(len(panel)), where=n > 0), n


def scale_of(form: str, r: np.ndarray, ms: np.ndarray, n: np.ndarray) -> np.ndarray:
    if form.startswith("r^"):
        return r ** float(form[2:])
    if form.startswith("own"):
        w = float(form[4:])
        return np.sqrt((w * r**2 + n * ms) / (w + n))
    raise ValueError(form)


def range_of(form: str, panel: pd.DataFrame, point: np.ndarray,
             cs: dict[int, float] | None
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P10, P90 and the path factor of a form on every row (cs: fitted constant per cut-off).

    As implemented in the method: Theta's path deviations around the point scaled by a
    factor ``a`` (today: 1 + 0.025 × months left; a form with scale s: the rest-of-year
    total's sd becomes c_n · s · |T|), so P10/P90 = T + a · (Theta's q10, q90).
    """
    cut = panel["cutoff"].to_numpy()
    if form == "today" and cs is None and "combo_q10" in panel \
            and panel["combo_q10"].notna().all():
        return (point + panel["combo_q10"].to_numpy(), point + panel["combo_q90"].to_numpy(),
                1 + 0.025 * (12 - cut))
    sd = panel["theta_sd"].to_numpy(float)
    if form == "today":
        a = 1 + 0.025 * (12 - cut)
    else:
        r = sd / np.abs(point)
        ms, n = own_ms(panel, point if OWN_OF is None else combine(panel, OWN_OF, "median"))
        c = np.array([cs[int(k)] for k in cut]) if cs is not None else np.ones(len(cut))
        a = c * scale_of(form, r, ms, n) * np.abs(point) / sd
    return (point + a * panel["theta_q10"].to_numpy(),
            point + a * panel["theta_q90"].to_numpy(), a)


def subgroups(panel: pd.DataFrame, lo: np.ndarray, hi: np.ndarray,
              vol_cuts: np.ndarray) -> pd.DataFrame:
    """Coverage % per cut-off: overall, width quarters, volatility thirds, categories."""
    act = panel["actual"].to_numpy()
    d = panel[["cutoff", "category", "vol"]].assign(
        cov=((act >= lo) & (act <= hi)).astype(float), width=(hi - lo) / np.abs(act),
        below=(act < lo).astype(float), above=(act > hi).astype(float))
    d["wq"] = d.groupby("cutoff")["width"].transform(
        lambda x: pd.qcut(x.rank(method="first"), 4, labels=False) + 1)
    d["vt"] = np.searchsorted(vol_cuts, d["vol"].to_numpy(), side="right") + 1
    rows = []
    for c, g in d.groupby("cutoff"):
        rows.append((c, "alla", 100 * g["cov"].mean(), len(g)))
        rows.append((c, "under P10 / över P90",
                     f"{100 * g['below'].mean():.1f} / {100 * g['above'].mean():.1f}", len(g)))
        for key, label in (("wq", "bredd-kvartil"), ("vt", "volatilitet-tredjedel"),
                           ("category", "kategori")):
            for v, gv in g.groupby(key):
                rows.append((c, f"{label} {v}", 100 * gv["cov"].mean(), len(gv)))
    return pd.DataFrame(rows, columns=["brytmånad", "grupp", "täckning %", "fall"])


def worst(tab: pd.DataFrame) -> float:
    v = pd.to_numeric(tab.loc[tab["grupp"] != "under P10 / över P90", "täckning %"])
    return float(np.max(np.abs(v - 80)))


def range_forms(dev_all: pd.DataFrame, point_all: np.ndarray, vol_cuts: np.ndarray
                ) -> list[tuple[float, int, str, dict | None]]:
    """Every form fitted on development, with its worst subgroup miss (smaller is better).

    The constants are fitted on the development protocol cases; the own errors come from
    every earlier year of the same series (``protocol`` 0 or 1).
    """
    prot = dev_all["protocol"].to_numpy() == 1
    dev = dev_all.loc[prot]
    order = {"own": 0, "r^": 1, "today": 2}
    out = []
    for form in ("today", "r^0.5", "r^0.75", "r^1", "own_1", "own_2", "own_4"):
        cs = None
        if form != "today":
            cs = fit_cs_rows(dev_all, point_all, form, prot)
        lo, hi, _ = range_of(form, dev_all, point_all, cs)
        tab = subgroups(dev, lo[prot], hi[prot], vol_cuts)
        rank = next(v for k, v in order.items() if form.startswith(k))
        out.append((worst(tab), rank, form, cs))
        print(f"  {form:8s} värsta |täckning − 80| {worst(tab):5.1f}  c {cs}")
    return out


def fit_cs_rows(panel_all: pd.DataFrame, point_all: np.ndarray, form: str,
                rows: np.ndarray) -> dict[int, float]:
    """The constant per cut-off giving 80 % coverage on ``rows`` (own errors: all rows)."""
    act = panel_all["actual"].to_numpy()
    cut = panel_all["cutoff"].to_numpy()
    _, _, a1 = range_of(form, panel_all, point_all, {4: 1.0, 8: 1.0})
    q10 = a1 * panel_all["theta_q10"].to_numpy()
    q90 = a1 * panel_all["theta_q90"].to_numpy()
    out = {}
    for k in (4, 8):
        lo_c, hi_c = 0.05, 20.0
        sel = rows & (cut == k) & np.isfinite(q10)
        for _ in range(50):
            mid = np.sqrt(lo_c * hi_c)
            inside = (act >= point_all + mid * q10) & (act <= point_all + mid * q90)
            lo_c, hi_c = (mid, hi_c) if np.mean(inside[sel]) < 0.8 else (lo_c, mid)
        out[k] = round(float(np.sqrt(lo_c * hi_c)), 3)
    return out


def choose_range(forms: list[tuple[float, int, str, dict | None]]) -> tuple[str, dict | None]:
    best = min(f[0] for f in forms)
    near = sorted([f for f in forms if f[0] <= best + 1.0], key=lambda f: (f[1], f[0]))
    return near[0][2], near[0][3]


# ------------------------------------------------------------------ report
def summary(panel: pd.DataFrame, fc: np.ndarray, lo: np.ndarray | None,
            hi: np.ndarray | None, ets: np.ndarray, rng: np.random.Generator
            ) -> list[dict]:
    """Figures per cut-off, with the ratio to AutoETS and its bootstrap interval."""
    act = panel["actual"].to_numpy()
    a = ape(fc, act)
    ae = ape(ets, act)
    cut = panel["cutoff"].to_numpy()
    sid = panel["series_id"].to_numpy()
    rows = []
    for c in (4, 8):
        k = cut == c
        ids, inv = np.unique(sid[k], return_inverse=True)
        ratios = []
        for _ in range(1000):
            draw = rng.integers(0, len(ids), len(ids))
            cnt = np.bincount(draw, minlength=len(ids))
            wgt = cnt[inv]
            ratios.append(weighted_median(a[k], wgt) / weighted_median(ae[k], wgt))
        row = {"brytmånad": c, "fall": int(k.sum()), "median APE": np.nanmedian(a[k]),
               "medel APE": np.nanmean(a[k]), "andel > 5 %": 100 * np.mean(a[k] > 5),
               "kvot mot AutoETS": np.nanmedian(a[k]) / np.nanmedian(ae[k]),
               "kvot 5–95 %": f"{np.quantile(ratios, 0.05):.3f}–{np.quantile(ratios, 0.95):.3f}"}
        if lo is not None and hi is not None:
            row["täckning %"] = 100 * np.mean((act[k] >= lo[k]) & (act[k] <= hi[k]))
            row["medianbredd %"] = float(np.median(100 * (hi[k] - lo[k]) / np.abs(act[k])))
        rows.append(row)
    return rows


def weighted_median(x: np.ndarray, w: np.ndarray) -> float:
    ok = np.isfinite(x) & (w > 0)
    x, w = x[ok], w[ok]
    o = np.argsort(x)
    cw = np.cumsum(w[o])
    return float(x[o][np.searchsorted(cw, cw[-1] / 2)])


def main(argv: list[str] | None = None) -> int:
    global MAX_OWN, OWN_OF
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--combo", nargs="*", type=Path, default=[])
    p.add_argument("--bench", type=Path, default=BENCH)
    p.add_argument("--top", type=int, default=20)
    p.add_argument("--dev-only", action="store_true", help="stop before the confirmation")
    p.add_argument("--max-own", type=int, default=5,
                   help="earlier years in the own errors (the rule: 5)")
    p.add_argument("--own-of", default="", help="members of a proxy point for own errors")
    p.add_argument("--keep-combo", action="store_true",
                   help="the point stays today's combo (the candidate was not adopted): "
                        "choose and check the range for combo's point")
    a = p.parse_args(argv)
    MAX_OWN = a.max_own
    OWN_OF = tuple(a.own_of.split(",")) if a.own_of else None
    df = load(a.files, a.combo, a.bench)
    pd.set_option("display.width", 220)
    pd.set_option("display.max_colwidth", 90)
    dev_all = df[df["sample"] == "dev"].reset_index(drop=True)
    conf_all = df[df["sample"] == "confirm"].reset_index(drop=True)
    dev = dev_all[dev_all["protocol"] == 1].reset_index(drop=True)
    print(f"utveckling {dev.series_id.nunique()} serier, {len(dev)} fall; kontroll "
          f"{conf_all.series_id.nunique()} serier, {int((conf_all.protocol == 1).sum())} fall")
    cands = point_candidates(dev, dev_all)
    print("\n== punktkandidater på utvecklingsurvalet (kvot mot combo)")
    print(cands.head(a.top).round(3).to_string())
    print(cands[cands["how"] == "stack"].round(3).to_string())
    choice = None if a.keep_combo else pick(cands)
    print(f"\nval: {None if choice is None else (choice['members'], choice['how'])}")
    vol_cuts = np.nanquantile(dev["vol"], [1 / 3, 2 / 3])
    point_dev = (today_point(dev_all) if choice is None else candidate_point(dev_all, choice))
    print("\n== intervallformer på utvecklingsurvalet (för den valda punkten)")
    form, qs = choose_range(range_forms(dev_all, point_dev, vol_cuts))
    print(f"val av intervall: {form}")
    rng = np.random.default_rng(SEED)
    samples = [("utveckling", dev_all)] + ([] if a.dev_only else [("kontroll", conf_all)])
    for name, panel_all in samples:
        prot = panel_all["protocol"].to_numpy() == 1
        panel = panel_all.loc[prot].reset_index(drop=True)
        ets = panel[ETS].to_numpy(float)
        t_pt = today_point(panel_all)
        t_lo, t_hi, _ = range_of("today", panel_all, t_pt, None)
        c_pt = t_pt if choice is None else candidate_point(panel_all, choice)
        c_lo, c_hi, _ = range_of(form, panel_all, c_pt, qs)
        rows = []
        for label, pt, lo, hi in (("combo (i dag)", t_pt, t_lo, t_hi),
                                  ("vald punkt + valt intervall", c_pt, c_lo, c_hi),
                                  ("AutoETS", ets, None, None)):
            lo_p = None if lo is None else lo[prot]
            hi_p = None if hi is None else hi[prot]
            for r in summary(panel, pt[prot] if pt is not ets else ets, lo_p, hi_p, ets, rng):
                rows.append({"metod": label, **r})
        print(f"\n== {name}")
        print(pd.DataFrame(rows).round(3).to_string(index=False))
        for label, lo, hi in (("combo (i dag)", t_lo, t_hi), ("valt intervall", c_lo, c_hi)):
            tab = subgroups(panel, lo[prot], hi[prot], vol_cuts)
            print(f"\n-- {name}, {label}: värsta |täckning − 80| = {worst(tab):.1f}")
            print(tab.round(1).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
