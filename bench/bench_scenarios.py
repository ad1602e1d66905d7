"""Benchmark: scenario recompute (apply + bridge) and 10 000 Monte Carlo draws.

Baseline: forecast.engine.region.standard_forecast on the embedded region (as of its last outcome
month, 1 000 paths), computed once. Scenario: scenarios/examples/kombinerat.yaml.
Goals (2 cores): recompute < 50 ms, 10 000 draws < 300 ms. Prints medians of several runs.

    .venv/bin/python bench/bench_scenarios.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from forecast.engine.region import standard_forecast
from forecast.ledger.dataset import load_default
from scenarios.engine import apply, build_context
from scenarios.files import load_scenario
from scenarios.montecarlo import prepare, run, simulate

EXAMPLE = Path(__file__).resolve().parent.parent / "scenarios" / "examples" / "kombinerat.yaml"
GOAL_RECOMPUTE_MS = 50.0
GOAL_MC_MS = 300.0


def median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeats", type=int, default=7)
    ap.add_argument("--draws", type=int, default=10_000)
    args = ap.parse_args()

    ds = load_default()
    t = time.perf_counter()
    rf = standard_forecast(ds, ds.last_outcome, n_paths=1000, seed=0)
    base_s = time.perf_counter() - t
    scen = load_scenario(EXAMPLE)
    print(f"CPU: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f}")
    print(f"baseline standard_forecast: {base_s:.1f} s (once; not part of the goals), "
          f"{rf.n_series} series × {rf.n_paths} paths × {len(rf.months)} months")

    def recompute() -> None:
        apply(rf, scen, ds=ds).bridge()

    ctx = build_context(rf, ds)

    def recompute_ctx() -> None:
        apply(rf, scen, ds=ds, ctx=ctx).bridge()

    prep = prepare(rf, scen, ds=ds)

    rows = [
        ("recompute apply + bridge", median_ms(recompute, args.repeats), GOAL_RECOMPUTE_MS),
        ("  same, context reused", median_ms(recompute_ctx, args.repeats), GOAL_RECOMPUTE_MS),
        (f"Monte Carlo {args.draws} draws, incl. prepare",
         median_ms(lambda: simulate(rf, scen, ds=ds, n_draws=args.draws), args.repeats),
         GOAL_MC_MS),
        ("  prepare only (path totals, once per scenario)",
         median_ms(lambda: prepare(rf, scen, ds=ds), args.repeats), None),
        (f"  draws only ({args.draws})",
         median_ms(lambda: run(prep, n_draws=args.draws), args.repeats), GOAL_MC_MS),
    ]
    for name, ms, goal in rows:
        verdict = "" if goal is None else (" OK" if ms < goal else " OVER GOAL")
        g = "" if goal is None else f" (goal < {goal:.0f} ms)"
        print(f"{name:52s} {ms:8.1f} ms{g}{verdict}")


if __name__ == "__main__":
    main()
