"""Collect every candidate member's year-total forecast on the M3 year-end cases (a script).

For each case of the protocol (``../shared/bench/PROTOCOL.md``; with ``--min-before 24``
also the earlier, shorter-history years a per-series backtest would see, flagged
``protocol = 0``), every member in ``--members`` is fitted on the history up to the cut-off
and its year-total forecast (known months + forecast of the rest) is written, with the
spread of the rest-of-year total of its simulated paths for the members in ``--paths-of``
(quantiles 10/90 and sd of the deviation from the paths' mean: exactly what ``combo``'s
range is built from). Rows are appended per chunk of series, so a long run can be read
while it goes and resumed (series already in the output are skipped).

The combination and width rule (``research/rules/standard_rule.md``) is then chosen from these rows
on the development sample only (``research/m3/m3_choose.py``).

Usage::

    nice -n 10 .venv/bin/python -m research.m3.m3_members --sample dev --members theta,ces \\
        --out /tmp/members_dev.csv
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.evaluation.backtest import build_method, case_years, panel_series, read_bench
from forecast.evaluation.samples import bench_split
from forecast.methods import MethodFailed
from research.paths import M3_MONTHLY

BENCH = M3_MONTHLY
CUTOFFS = (4, 8)


def member_row(name: str, hist: np.ndarray, start_month: int, n: int, ytd: float,
               n_paths: int, rng: np.random.Generator | None) -> dict:
    """Year total of one member (NaN when it fails), with path spread when ``rng``."""
    out: dict = {name: np.nan}
    try:
        m = build_method(name).fit(hist, start_month)
        out[name] = ytd + float(np.sum(m.predict(12 - n)))
        if hasattr(m, "rel_sd_"):
            out[f"{name}_relsd"] = float(m.rel_sd_)
        if rng is not None:
            tot = m.simulate(12 - n, n_paths, rng).sum(axis=1)
            d = tot - tot.mean()
            out[f"{name}_q10"], out[f"{name}_q90"] = np.quantile(d, [0.1, 0.9])
            out[f"{name}_sd"] = float(np.std(d))
    except (MethodFailed, ValueError, FloatingPointError, np.linalg.LinAlgError):
        pass
    return out


def series_rows(s, members: list[str], paths_of: set[str], n_paths: int, seed: int,
                min_before: int) -> list[dict]:
    """Rows of all cases of one series."""
    rows = []
    for year, t_jan in case_years(s, min_before):
        for n in CUTOFFS:
            hist = s.y[: t_jan + n]
            ytd = float(np.sum(s.y[t_jan: t_jan + n]))
            row = {"series_id": s.series_id, "year": year, "cutoff": n,
                   "n_hist": len(hist), "protocol": int(t_jan >= 36), "ytd": ytd,
                   "actual": float(np.sum(s.y[t_jan: t_jan + 12]))}
            for name in members:
                rng = (np.random.default_rng([seed, year, n, len(s.y)])
                       if name in paths_of else None)
                t0 = time.perf_counter()
                row.update(member_row(name, hist, s.start_month, n, ytd, n_paths, rng))
                row[f"{name}_sec"] = time.perf_counter() - t0
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bench", type=Path, default=BENCH)
    p.add_argument("--sample", choices=["dev", "confirm", "all"], default="dev")
    p.add_argument("--first", type=int, default=None, help="only the first N series")
    p.add_argument("--part", default=None,
                   help="K/N: only every N-th series from the K-th (1-based), for parallel runs")
    p.add_argument("--members", required=True)
    p.add_argument("--paths-of", default="", help="members whose path spread is recorded")
    p.add_argument("--paths", type=int, default=1000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--min-before", type=int, default=24)
    p.add_argument("--chunk", type=int, default=10)
    p.add_argument("--out", type=Path, required=True)
    a = p.parse_args(argv)
    warnings.filterwarnings("ignore")
    dev, conf = bench_split(str(a.bench))
    wanted = set({"dev": dev, "confirm": conf, "all": dev + conf}[a.sample])
    series = [s for s in panel_series(read_bench(a.bench)) if s.series_id in wanted]
    if a.first is not None:
        series = series[: a.first]
    if a.part is not None:
        k, n_parts = (int(v) for v in a.part.split("/"))
        series = series[k - 1:: n_parts]
    done = set()
    if a.out.exists():
        done = set(pd.read_csv(a.out, usecols=["series_id"])["series_id"].astype(str))
    todo = [s for s in series if s.series_id not in done]
    members = [m.strip() for m in a.members.split(",") if m.strip()]
    paths_of = {m.strip() for m in a.paths_of.split(",") if m.strip()}
    t0 = time.perf_counter()
    for i in range(0, len(todo), a.chunk):
        rows = []
        for s in todo[i: i + a.chunk]:
            rows.extend(series_rows(s, members, paths_of, a.paths, a.seed, a.min_before))
        frame = pd.DataFrame(rows)
        frame.to_csv(a.out, mode="a", header=not a.out.exists(), index=False)
        print(f"{i + len(todo[i: i + a.chunk])}/{len(todo)} serier, "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
