"""Where the standard årsprognos' CPU goes, per layer (a script, not a test).

Runs the standard's per-series pass (each series' year-end backtest choice, then its
``combo`` forecast with 1 000 paths; ``engine.region._choose_forecast_chunk``) in this one
process on every ``--every``-th series of a region (443: the embedded example; otherwise
``data/region_scale.py``), with timers around the layers below, and prints the CPU seconds
of each (layers nest, so the shares do not add up to 100 %). The compiled optimisers of
statsforecast (``C:theta.optimize``, ``C:ces.optimize``) are the part no Python change can
reach. ``combo fits`` counts the fits of the combination's members by the history fitted,
and how many of them fitted a history fitted before in the same pass (``again``: served
from the combination's cache of fits since issue 27's third pass).

Usage::

    .venv/bin/python bench/profile_standard.py --n-series 443 --every 2
    .venv/bin/python bench/profile_standard.py --n-series 2000 --every 8
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECONDS: Counter[str] = Counter()
CALLS: Counter[str] = Counter()


def timed(fn: Callable[..., Any], name: str) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            SECONDS[name] += time.process_time() - t0
            CALLS[name] += 1

    return run


class TimedModule:
    """A compiled module whose public functions are timed (statsforecast's ``_lib``)."""

    def __init__(self, inner: Any, name: str) -> None:
        self._inner, self._name = inner, name

    def __getattr__(self, attr: str) -> Any:
        f = getattr(self._inner, attr)
        if attr.startswith("_") or isinstance(f, type) or not callable(f):
            return f
        return timed(f, f"C:{self._name}.{attr}")


def instrument() -> Counter[tuple]:
    """Timers around the layers; returns the counter of member fits per history."""
    import statsforecast.ces as ces
    import statsforecast.theta as theta

    import forecast.methods.combination as comb
    import forecast.methods.statistical as stat
    from forecast.engine import region as engine

    theta._theta = TimedModule(theta._theta, "theta")
    ces._ces = TimedModule(ces._ces, "ces")
    for mod, names in ((theta, ("thetamodel", "acf", "seasonal_decompose",
                                "compute_pi_samples")),
                       (ces, ("cesmodel", "initstate"))):
        for n in names:
            setattr(mod, n, timed(getattr(mod, n), f"{mod.__name__.split('.')[-1]}.{n}"))
    for cls, n in ((stat.ThetaMethod, "fit"), (stat.CESMethod, "fit"),
                   (comb.Combination, "fit"), (comb.Combination, "predict"),
                   (comb.Combination, "simulate")):
        setattr(cls, n, timed(getattr(cls, n), f"{cls.__name__}.{n}"))
    engine.forecast_series = timed(engine.forecast_series, "forecast_series (as-of fit)")
    fits: Counter[tuple] = Counter()
    inner = comb.Combination._fit_members_now

    def members(self: Any, y: np.ndarray, start_month: int, budget: Any) -> Any:
        b = None if budget is None else hashlib.sha1(np.asarray(budget, float).tobytes())
        fits[(hashlib.sha1(np.asarray(y, float).tobytes()).hexdigest(), start_month,
              None if b is None else b.hexdigest())] += 1
        return inner(self, y, start_month, budget)

    comb.Combination._fit_members_now = timed(members, "combo member fits (not cached)")
    outer = comb.Combination._fit_members

    def counted(self: Any, y: np.ndarray, start_month: int, budget: Any) -> Any:
        CALLS["combo fits asked"] += 1
        return outer(self, y, start_month, budget)

    comb.Combination._fit_members = counted
    return fits


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--n-series", type=int, default=443)
    p.add_argument("--every", type=int, default=1)
    p.add_argument("--paths", type=int, default=1000)
    args = p.parse_args(argv)
    from bench.bench_scale import import_before_timing, region
    from forecast.engine import region as engine

    ds = region(args.n_series)
    import_before_timing()
    fits = instrument()
    as_of = ds.last_outcome
    inp = engine._prepare(ds, as_of)
    h = len(engine.forecast_months(as_of))
    tasks = engine._series_inputs(inp, as_of, h, ["combo"] * len(inp.uids))[:: args.every]
    t0 = time.process_time()
    engine._choose_forecast_chunk(tasks, as_of.month % 12, ("combo",), h, args.paths, 0,
                                  engine.METHODS)
    total = time.process_time() - t0
    print(f"{len(tasks)} serier av {args.n_series}, {args.paths} banor: {total:.2f} CPU-s "
          f"({1000 * total / len(tasks):.1f} ms per serie)")
    for name, s in SECONDS.most_common():
        print(f"  {name:34s} {s:8.2f} s {s / total:7.1%} {CALLS[name]:7d} anrop")
    print(f"  combo fits asked {CALLS['combo fits asked']}, fitted {sum(fits.values())}, "
          f"distinct histories {len(fits)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
