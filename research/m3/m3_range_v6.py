"""The grid of ``research/rules/range_rule_v6.md``: volatility and width pull on today's ranges.

Every ``combo`` case's path deviations × h_n · (v / m_v)^q · (w / m_w)^(−d) (v volatility,
w relative P10–P90 width, medians per cut-off in the panel scored), h_n fitted on the
development half to 80 % coverage. Chooses (q, d) on development by the worst subgroup of at
least 200 cases; with ``--confirm`` scores the choice once on the confirmation half of M3 and
on the hospital panel beside today's range.

Usage::

    .venv/bin/python -m research.m3.m3_range_v6 --dev /tmp/dev_cases.csv \\
        [--confirm --confirm-file /tmp/confirm_cases.csv \\
         --hospital-file /tmp/hosp/cases.csv --hospital-bench /tmp/hosp/hospital_long.csv]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

from research.m3.m3_choose_v2 import BENCH, subgroups
from research.m3.m3_per_case_report import with_features
from research.m3.m3_vol_width import vol_factor
from research.m3.m3_width_shrink import fit_g, rescaled
from research.panels.hospital_report import level_thirds

QS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)
DS = (0.0, 0.05, 0.1, 0.15)
MIN_GROUP = 200


def width_factor(cases: pd.DataFrame, d: float) -> np.ndarray:
    """(w / m_w)^(−d), w the case's relative P10–P90 width, m_w its cut-off's median."""
    w = ((cases["p90"] - cases["p10"]) / cases["actual"].abs()).to_numpy(float)
    m = cases.assign(w=w).groupby("cutoff")["w"].transform("median").to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        f = (w / m) ** (-d)
    return np.where(np.isfinite(f) & (f > 0), f, 1.0)


def factor(cases: pd.DataFrame, q: float, d: float) -> np.ndarray:
    return vol_factor(cases, q) * width_factor(cases, d)


def worst_big(tab: pd.DataFrame) -> float:
    """Worst |coverage − 80| over the groups with at least MIN_GROUP cases."""
    t = tab[(tab["grupp"] != "under P10 / över P90") & (tab["fall"] >= MIN_GROUP)]
    return float(np.max(np.abs(pd.to_numeric(t["täckning %"]) - 80)))


def scored(cases: pd.DataFrame, q: float, d: float, h: dict[int, float],
           vol_cuts: np.ndarray) -> pd.DataFrame:
    lo, hi = rescaled(cases, factor(cases, q, d), h)
    return subgroups(cases, lo, hi, vol_cuts)


def show(tab: pd.DataFrame) -> str:
    return tab.pivot_table(index="grupp", columns="brytmånad", values="täckning %",
                           aggfunc="first").to_string()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dev", type=Path, required=True)
    ap.add_argument("--confirm", action="store_true")
    ap.add_argument("--confirm-file", type=Path)
    ap.add_argument("--hospital-file", type=Path)
    ap.add_argument("--hospital-bench", type=Path)
    ap.add_argument("--bench", type=Path, default=BENCH)
    a = ap.parse_args(argv)
    dev = with_features(pd.read_csv(a.dev, dtype={"series_id": str}), a.bench)
    dev = dev[dev["method"] == "combo"].reset_index(drop=True)
    vol_cuts = np.nanquantile(dev["vol"], [1 / 3, 2 / 3])
    rows = []
    for q in QS:
        for d in DS:
            h = fit_g(dev, factor(dev, q, d))
            tab = scored(dev, q, d, h, vol_cuts)
            wq = tab[tab["grupp"].str.startswith("bredd")]["täckning %"]
            vt = tab[tab["grupp"].str.startswith("volat")]["täckning %"]
            rows.append({"q": q, "d": d, "h april": h[4], "h augusti": h[8],
                         "värsta (≥ 200 fall)": worst_big(tab),
                         "breddkvartiler": " ".join(f"{v:.1f}" for v in wq),
                         "volatilitet": " ".join(f"{v:.1f}" for v in vt)})
    res = pd.DataFrame(rows)
    pd.set_option("display.width", 250)
    print("utvecklingshalvan (kvartiler och tredjedelar: april, sedan augusti):")
    print(res.round(3).to_string(index=False))
    best = res["värsta (≥ 200 fall)"].min()
    ok = res[res["värsta (≥ 200 fall)"] <= best + 0.5].sort_values(["q", "d"])
    q, d = float(ok["q"].iloc[0]), float(ok["d"].iloc[0])
    h = fit_g(dev, factor(dev, q, d))
    print(f"\nvalt (q, d) = ({q}, {d}); minsta värsta {best:.2f}")
    print(show(scored(dev, q, d, h, vol_cuts)))
    if not a.confirm or (q, d) == (0.0, 0.0):
        return 0
    conf = with_features(pd.read_csv(a.confirm_file, dtype={"series_id": str}), a.bench)
    conf = conf[conf["method"] == "combo"].reset_index(drop=True)
    hosp = with_features(pd.read_csv(a.hospital_file, dtype={"series_id": str}),
                         a.hospital_bench)
    hosp = hosp[hosp["method"] == "combo"].reset_index(drop=True)
    hosp["category"] = [f"nivå-tredjedel {v}" for v in level_thirds(hosp, a.hospital_bench)]
    hosp_cuts = np.nanquantile(hosp["vol"], [1 / 3, 2 / 3])
    for name, cases, cuts in (("M3 kontrollhalvan", conf, vol_cuts),
                              ("sjukhuspanelen", hosp, hosp_cuts)):
        for label, qq, dd, hh in (("i dag", 0.0, 0.0, {4: 1.0, 8: 1.0}),
                                  (f"valt ({q}, {d})", q, d, h)):
            tab = scored(cases, qq, dd, hh, cuts)
            allc = tab[tab["grupp"] == "alla"]["täckning %"].tolist()
            print(f"\n== {name}, {label}: värsta (≥ 200 fall) {worst_big(tab):.2f}; "
                  f"alla {allc[0]:.1f} / {allc[1]:.1f}")
            print(show(tab))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
