"""Speed benchmark of the forecast engine (a script, not a test).

(a) The embedded region (``load_default()``) at its last outcome month, the standard
    årsprognos (``engine.STANDARD_FORECAST``):
    - the per-series rolling-origin backtest/choice (``engine.choose_methods``);
    - the region forecast with those methods already chosen, 1 000 paths per series, plus the
      coherent year totals of every level (``hierarchy.all_year_totals``);
(b) A synthetic panel of 2 000 monthly series × 8 years, cut at April of the eighth year,
    forecast for the rest of that year (8 months): (1) ``combo`` (fit, point and 1 000 paths;
    its range needs its own year-end errors in up to five earlier years, which it computes
    itself), (2) ``combo_horizon`` (the same point with the first standard's range, which
    needs no earlier years), (3) the standard årsprognos (the per-series year-end backtest
    over up to five earlier years, whose errors are then given to ``combo``'s range as the
    engine does), all on 2 worker processes; and the same
    panel through statsforecast's AutoETS (season_length=12, ``StatsForecast(...,
    n_jobs=2)``, with an 80 % interval) as the reference peer.

Both sides import their libraries before their clock starts (our workers are forked from a
process that has them, as the peer's are). Each phase runs in a fresh child process so its
peak memory (``ru_maxrss`` of the child and its own workers) is its own. Goals: (a) under
10 s with methods chosen, full choice under 2 minutes; (b) no slower than the peer: on a
machine whose speed drifts by ±15 % between minutes, ``--repeat N`` runs the panel phases
and the peer in N interleaved rounds and judges the median of the per-round time ratios.

Usage::

    .venv/bin/python bench/bench_forecast.py            # full run (several minutes)
    .venv/bin/python bench/bench_forecast.py --repeat 3 # panel phases and peer in 3 rounds
    .venv/bin/python bench/bench_forecast.py --quick    # smoke run (< 1 minute)
    .venv/bin/python bench/bench_forecast.py --phase panel_peer --n-series 200
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PANEL_CUTOFF = 4
"""The panel is forecast as of April (the first tertial), the rest of the year: 8 months."""
PANEL_H = 12 - PANEL_CUTOFF
CHOICE_FILE = Path(tempfile.gettempdir()) / "budgetprognos_bench_choice.pkl"


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its waited-for children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def peak_mb() -> float:
    """Peak resident memory of this process and of its (waited-for) children, MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


def synthetic_panel(n_series: int, years: int = 8, seed: int = 0) -> np.ndarray:
    """(n_series, 12·years) cost-like monthly series: level × season × trend × AR noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(12 * years)
    level = rng.lognormal(7, 1.2, n_series)
    amp = rng.uniform(0.02, 0.25, n_series)
    phase = rng.uniform(0, 2 * np.pi, n_series)
    growth = rng.normal(0.03, 0.03, n_series)
    season = 1 + amp[:, None] * np.cos(2 * np.pi * t[None, :] / 12 + phase[:, None])
    trend = (1 + growth[:, None]) ** (t[None, :] / 12)
    eps = rng.standard_normal((n_series, len(t))) * rng.uniform(0.01, 0.08, n_series)[:, None]
    ar = np.zeros_like(eps)
    for j in range(len(t)):
        ar[:, j] = eps[:, j] + (0.5 * ar[:, j - 1] if j else 0.0)
    return -(level[:, None] * season * trend * (1 + ar))


# --------------------------------------------------------------------------- phases


def phase_embedded_choose(args: argparse.Namespace) -> dict:
    from forecast.engine import region as engine
    from forecast.ledger.dataset import load_default

    ds = load_default()
    as_of = ds.last_outcome
    t0 = time.perf_counter()
    cands = engine.STANDARD_FORECAST["candidates"]
    choice = engine.choose_methods(ds, as_of, cands)
    dt = time.perf_counter() - t0
    CHOICE_FILE.write_bytes(pickle.dumps(choice))
    apes = np.array([c.backtest_ape for c in choice.values()], dtype=float)
    counts = pd.Series([c.alias for c in choice.values()]).value_counts().to_dict()
    return {"phase": "embedded_choose", "as_of": str(as_of), "n_series": len(choice),
            "candidates": list(cands), "seconds": dt,
            "median_backtest_ape": float(np.nanmedian(apes)), "chosen": counts}


def phase_embedded_forecast(args: argparse.Namespace) -> dict:
    from forecast.engine import hierarchy as H
    from forecast.engine import region as engine
    from forecast.ledger.dataset import load_default

    ds = load_default()
    as_of = ds.last_outcome
    choice = pickle.loads(CHOICE_FILE.read_bytes()) if CHOICE_FILE.exists() else None
    t0 = time.perf_counter()
    rf = engine.forecast_region(ds, as_of, n_paths=args.paths, seed=0, methods=choice)
    t1 = time.perf_counter()
    tot = H.all_year_totals(rf)
    t2 = time.perf_counter()
    region = tot[tot["level"] == "total"].iloc[0]
    units = tot[tot["level"] == "division/unit"]
    return {"phase": "embedded_forecast", "n_series": rf.n_series, "n_paths": rf.n_paths,
            "with_choice": choice is not None, "forecast_seconds": t1 - t0,
            "totals_seconds": t2 - t1, "seconds": t2 - t0,
            "coherence_max_abs_diff_tkr": float(abs(units[H.FORECAST].sum()
                                                    - region[H.FORECAST])),
            "methods": pd.Series(rf.method).value_counts().to_dict()}


def _ours_chunk(block: np.ndarray, alias: str, h: int, n_paths: int, seed: int,
                offset: int) -> tuple[np.ndarray, int]:
    from forecast.engine.region import STANDARD_FORECAST, forecast_relative_errors
    from forecast.methods.selection import choose, forecast_with_fallback

    out = np.empty((len(block), h))
    n_fallback = 0
    for i, y in enumerate(block):
        rng = np.random.default_rng([seed, offset + i])
        use, kwargs = alias, {}
        if alias == "standard":  # the app's standard: per-series backtest, then forecast
            c = choose(y, 1, PANEL_CUTOFF, list(STANDARD_FORECAST["candidates"]))
            use = c.alias
            own = forecast_relative_errors(np.asarray(c.errors, float), y) if c.errors else None
            kwargs = {} if own is None else {"own_errors": own}  # as the engine passes them
        elif alias == "combo_horizon":  # the first standard's range: no own errors needed
            use, kwargs = "combo", {"width": "horizon"}
        point, _paths, used, _note = forecast_with_fallback(use, y, 1, h, n_paths, rng,
                                                            method_kwargs=kwargs)
        out[i] = point
        n_fallback += used != use
    return out, n_fallback


def panel_at_cutoff(n_series: int) -> np.ndarray:
    """The synthetic panel cut at April of its eighth year (8 years − 8 months of history)."""
    return synthetic_panel(n_series)[:, : 12 * 7 + PANEL_CUTOFF]


def import_before_timing() -> None:
    """Import what the workers use before the clock starts, as the peer's phase does.

    The peer imports statsforecast before its clock and its worker processes are forked
    from that process; ours are forked too, so with these imports done first neither side's
    time counts its library imports (about 4 s per worker here).
    """
    import statsforecast.ces
    import statsforecast.models
    import statsforecast.theta  # noqa: F401

    from forecast.engine import region  # noqa: F401
    from forecast.methods import selection  # noqa: F401


def phase_panel_ours(args: argparse.Namespace, alias: str | None = None) -> dict:
    panel = panel_at_cutoff(args.n_series)
    alias = alias or args.method or "standard"
    import_before_timing()
    t0 = time.perf_counter()
    chunks = np.array_split(np.arange(len(panel)), 8 * 2)
    with ProcessPoolExecutor(max_workers=2) as pool:
        futs = [pool.submit(_ours_chunk, panel[c], alias, PANEL_H, args.paths, 0, int(c[0]))
                for c in chunks if len(c)]
        res = [f.result() for f in futs]
    dt = time.perf_counter() - t0
    return {"phase": f"panel_{alias}", "method": alias, "n_series": len(panel),
            "n_paths": args.paths, "seconds": dt, "series_per_second": len(panel) / dt,
            "fallbacks": int(sum(r[1] for r in res))}


def phase_panel_peer(args: argparse.Namespace) -> dict:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS

    panel = panel_at_cutoff(args.n_series)
    ds = pd.date_range("2016-01-01", periods=panel.shape[1], freq="MS")
    df = pd.DataFrame({
        "unique_id": np.repeat(np.arange(len(panel)), panel.shape[1]).astype(str),
        "ds": np.tile(ds, len(panel)),
        "y": panel.ravel(),
    })
    t0 = time.perf_counter()
    sf = StatsForecast(models=[AutoETS(season_length=12)], freq="MS", n_jobs=2)
    fc = sf.forecast(df=df, h=PANEL_H, level=[80])
    dt = time.perf_counter() - t0
    return {"phase": "panel_peer", "method": "statsforecast AutoETS(season_length=12)",
            "n_series": len(panel), "seconds": dt, "series_per_second": len(panel) / dt,
            "rows": len(fc)}


def standard_alias() -> str:
    """The standard årsprognos' method alias (``engine.STANDARD_FORECAST``)."""
    from forecast.engine.region import STANDARD_FORECAST

    return str(STANDARD_FORECAST["default_method"])


PHASES = {
    "embedded_choose": phase_embedded_choose,
    "embedded_forecast": phase_embedded_forecast,
    "panel_default": lambda a: phase_panel_ours(a, standard_alias()),
    "panel_standard": lambda a: phase_panel_ours(a, "standard"),
    "panel_combo": lambda a: phase_panel_ours(a, "combo"),
    "panel_combo_horizon": lambda a: phase_panel_ours(a, "combo_horizon"),
    "panel_peer": phase_panel_peer,
}


def run_child(phase: str, args: argparse.Namespace) -> dict:
    """Run one phase in a fresh interpreter and return its JSON result."""
    cmd = [sys.executable, __file__, "--phase", phase, "--n-series", str(args.n_series),
           "--paths", str(args.paths)]
    if args.method:
        cmd += ["--method", args.method]
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        return {"phase": phase, "error": proc.stderr.strip().splitlines()[-1:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="small smoke run")
    p.add_argument("--phase", choices=sorted(PHASES), help="run one phase in this process")
    p.add_argument("--n-series", type=int, default=2000)
    p.add_argument("--paths", type=int, default=1000)
    p.add_argument("--method", default=None,
                   help="panel method for --phase runs (default: the standard choice)")
    p.add_argument("--skip", nargs="*", default=[], help="phases to skip")
    p.add_argument("--repeat", type=int, default=1, choices=range(1, 11), metavar="1..10",
                   help="interleaved rounds of the panel phases and the peer (median ratio)")
    args = p.parse_args(argv)
    if args.phase:
        cpu0 = cpu_seconds()
        res = PHASES[args.phase](args)
        res["peak_mb"] = peak_mb()
        # CPU time of the phase (this process and its waited-for workers): on a shared
        # machine the wall time also counts other users' load; CPU / 2 is the 2-core wall.
        res["cpu_seconds"] = cpu_seconds() - cpu0
        print(json.dumps(res, ensure_ascii=False, default=str))
        return 0
    if args.quick:
        args.n_series, args.paths = 100, 200
        args.skip = [*args.skip, "embedded_choose"]
    print(f"CPU: {os.cpu_count()} kärnor; serier i panelen {args.n_series}; banor {args.paths}; "
          f"omgångar {args.repeat}")
    results: dict[str, dict] = {}
    for phase in ("embedded_choose", "embedded_forecast"):
        if phase not in args.skip:
            results[phase] = run_child(phase, args)
            print(json.dumps(results[phase], ensure_ascii=False, default=str), flush=True)
    ours_phases = [ph for ph in ("panel_default", "panel_combo", "panel_combo_horizon",
                                 "panel_standard")
                   if ph not in args.skip
                   and not (ph == "panel_default" and standard_alias() == "combo")]
    rounds: list[dict[str, dict]] = []
    for r in range(args.repeat):  # interleaved rounds: each phase is paired with the peer
        got: dict[str, dict] = {}  # run right after it, on the same machine state
        for phase in [*ours_phases, *(["panel_peer"] if "panel_peer" not in args.skip else [])]:
            got[phase] = run_child(phase, args)
            print(json.dumps({"round": r + 1, **got[phase]}, ensure_ascii=False, default=str),
                  flush=True)
        rounds.append(got)
    print("\nSammanfattning")
    if "seconds" in results.get("embedded_forecast", {}):
        s = results["embedded_forecast"]["seconds"]
        print(f"  inbäddad region, metoder valda: {s:.1f} s (mål < 10 s: "
              f"{'uppfyllt' if s < 10 else 'EJ uppfyllt'})")
    if "seconds" in results.get("embedded_choose", {}):
        s = results["embedded_choose"]["seconds"]
        print(f"  fullt metodval/backtest per serie: {s:.1f} s (mål < 120 s: "
              f"{'uppfyllt' if s < 120 else 'EJ uppfyllt'})")
    for key in ours_phases:
        pairs = [(g[key], g["panel_peer"]) for g in rounds
                 if "seconds" in g.get(key, {}) and "seconds" in g.get("panel_peer", {})]
        if not pairs:
            continue
        ratios = [o["seconds"] / q["seconds"] for o, q in pairs]
        ratio = float(np.median(ratios))
        ours_s = float(np.median([o["seconds"] for o, _ in pairs]))
        peer_s = float(np.median([q["seconds"] for _, q in pairs]))
        o, q = pairs[0]
        per_round = ", ".join(f"{x:.2f}" for x in ratios)
        print(f"  panel {o['n_series']} serier: vår {o['method']} {ours_s:.1f} s "
              f"({o['n_series'] / ours_s:.1f} serier/s, {o['peak_mb']:.0f} MB), "
              f"AutoETS {peer_s:.1f} s ({o['n_series'] / peer_s:.1f} serier/s, "
              f"{q['peak_mb']:.0f} MB) (medianer av {len(pairs)} omgångar); tidskvot vår/peer "
              f"{ratio:.2f}, per omgång {per_round} "
              f"(mål ≤ 1: {'uppfyllt' if ratio <= 1 else 'EJ uppfyllt'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
