"""Benchmark figures before and after the restructure (issue 8), in one run.

"Before" is the commit the issue was filed against (``a07bb4b``, the flat ``forecast/``);
"after" is this working tree (or ``--after REV``). The script checks the old commit out into a
temporary git worktree and runs each tree's *own* ``bench/bench_forecast.py --phase …`` in a
fresh child interpreter (the same virtual environment, ``PYTHONPATH`` and working directory set
to that tree, its own temporary folder so the phases' chosen-methods file stays its own),
alternating before/after for every phase and round, so both see the same machine. It prints
each run and a summary: median seconds and peak MB per phase and tree, and whether the figures
the phases report (series, methods chosen, median backtested error, coherence) are the same.

Usage::

    .venv/bin/python bench/bench_restructure.py                  # 2 rounds (about 4 minutes)
    .venv/bin/python bench/bench_restructure.py --rounds 1 --n-series 200
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "a07bb4b"
"""The commit issue 8 was filed against (flat forecast/, 17 duplicate pairs)."""
PHASES = ("embedded_choose", "embedded_forecast", "panel_combo")
SAME_KEYS = ("n_series", "chosen", "median_backtest_ape", "methods", "fallbacks")
"""Result fields that must not change with the layout (behaviour stays as it is)."""
COHERENCE_TKR = 1e-6
"""Coherence (units' sum − region total) is rounding noise in both trees: below this, tkr."""


def differences(before: dict, after: dict) -> list[str]:
    """The fields of :data:`SAME_KEYS` (and coherence beyond noise) that differ."""
    diff = [k for k in SAME_KEYS if k in before and before.get(k) != after.get(k)]
    key = "coherence_max_abs_diff_tkr"
    if key in before and max(before[key], after.get(key, float("inf"))) > COHERENCE_TKR:
        diff.append(key)
    return diff


def run_phase(tree: Path, phase: str, n_series: int, tmp: Path) -> dict:
    """One phase of ``tree``'s own bench_forecast.py in a fresh interpreter."""
    env = dict(os.environ, PYTHONPATH=str(tree), TMPDIR=str(tmp), PYTHONHASHSEED="0")
    cmd = [sys.executable, str(tree / "bench" / "bench_forecast.py"), "--phase", phase,
           "--n-series", str(n_series)]
    proc = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"phase": phase, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, default=2, choices=range(1, 6))
    p.add_argument("--n-series", type=int, default=400, help="panel series (10–2000)")
    p.add_argument("--before", default=BEFORE, help="the commit to compare with")
    p.add_argument("--after", default=None,
                   help="a commit for 'efter' (default: this working tree)")
    args = p.parse_args(argv)
    if not 10 <= args.n_series <= 2000:
        p.error("--n-series: mellan 10 och 2000")
    results: dict[tuple[str, str], list[dict]] = {}
    with tempfile.TemporaryDirectory() as td:
        old = Path(td) / "before"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old),
                        args.before], check=True, capture_output=True)
        new = ROOT
        if args.after:
            new = Path(td) / "after"
            subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(new),
                            args.after], check=True, capture_output=True)
        try:
            trees = {"före": old, "efter": new}
            tmps = {name: Path(td) / f"tmp_{name}" for name in trees}
            for t in tmps.values():
                t.mkdir()
            print(f"CPU: {os.cpu_count()} kärnor; före = {args.before}, efter = "
                  f"{args.after or 'arbetskopian'}; "
                  f"panelserier {args.n_series}; {args.rounds} varv", flush=True)
            for r in range(args.rounds):
                for phase in PHASES:
                    for name, tree in trees.items():
                        res = run_phase(tree, phase, args.n_series, tmps[name])
                        results.setdefault((phase, name), []).append(res)
                        print(f"varv {r + 1} {name:5s} "
                              + json.dumps(res, ensure_ascii=False, default=str), flush=True)
        finally:
            for tree in {old, new} - {ROOT}:
                subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                                str(tree)], check=False, capture_output=True)
    print("\nSammanfattning (median över varven)")
    failed = False
    for phase in PHASES:
        line = [f"  {phase:18s}"]
        for name in ("före", "efter"):
            runs = results[(phase, name)]
            if any("error" in r for r in runs):
                line.append(f"{name}: fel {runs[0].get('error')}")
                failed = True
                continue
            secs = statistics.median(r["seconds"] for r in runs)
            mb = statistics.median(r.get("peak_mb", float("nan")) for r in runs)
            line.append(f"{name} {secs:6.1f} s {mb:6.0f} MB")
        before, after = results[(phase, "före")][0], results[(phase, "efter")][0]
        diff = differences(before, after)
        line.append("samma resultat" if not diff else f"OLIKA: {', '.join(diff)}")
        print("  ".join(line))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
