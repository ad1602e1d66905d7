"""A region's size: the standard årsprognos beside statsforecast's AutoETS (a script, not a test).

For each size (the embedded region's 443 series and the generated regions of
``data/region_scale.py``: 2 000, 5 000, 20 000 series), in one run on this machine:

- ``ours``: the standard årsprognos (``engine.standard_forecast``: each series' year-end
  backtest, ``combo`` with 1 000 paths, joint paths, level, totals' floor) on 2 worker
  processes, from the prepared data set to the finished ``RegionForecast``;
- ``peer``: statsforecast ``AutoETS(season_length=12)`` with ``n_jobs=2`` on the same series
  (each series' outcome from its first month through the as-of month, as our engine sees
  it), the same horizon and an 80 % interval; a series too short for it gets the library's
  ``fallback_model`` (``Naive``);
- ``dask``: the standard on a local Dask cluster of two workers
  (``distributed.LocalCluster(n_workers=2)``) and on the local pool, the paths compared
  bit for bit;
- ``memory``: the same path as the standard with a quick real method in place of ``combo``
  (``--method``, default ``seasonal_naive``), for the 20 000-series memory goal in minutes;
- ``store`` (``--store 5000 20000``): the forecast of record stored and read back through
  the product's store (``StatisticalStore`` on SQLite): size, time, peak memory beside the
  forecast's own, the paths compared;
- ``record`` (``--record 443 5000``, deliverable 5): with the forecast of record stored, what
  opening, the first figures, the Översikt, switching month, the report and a laid forecast
  cost. Each size's store is made once (``record_store``, untimed; ``--record-dir`` keeps it
  for the next run), then ``--record-runs`` fresh processes per size, the sizes interleaved;
  each process times every step cold (its first run: a user's first open) and then warm
  (the median of ``--warm`` repeats). The summary gives per size the medians over the
  processes and per step the ratio 5 000 / 443 of the cold medians (the goal, ≤ 1,5) with
  the warm ratio beside it.

Each phase runs in a fresh interpreter; both sides import their libraries before the clock.
Peak memory is the largest sum of the resident memory of the phase's process and all its
children (workers), sampled every 0,25 s with psutil, beside ``ru_maxrss``; the memory
phase also gives the sum of PSS (pages the forked workers share with the parent counted
once: the RSS sum counts them in every process).
Goals (issue 27): at 443, 2 000 and 5 000 series ours ≤ 1,0 × the peer's time; at 5 000
series ≤ 2 GB; 20 000 series with 1 000 paths within 4 GB; the Dask run identical.

Usage::

    .venv/bin/python bench/bench_scale.py                      # 443, 2 000, 5 000 + dask
    .venv/bin/python bench/bench_scale.py --sizes 20000 --no-peer --no-dask
    .venv/bin/python bench/bench_scale.py --phase ours --n-series 2000
    .venv/bin/python bench/bench_scale.py --sizes --no-peer --no-dask --record 443 5000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class PeakMemory:
    """The largest RSS sum of this process and its children, sampled in a thread (MB)."""

    def __init__(self, every: float = 0.25) -> None:
        import psutil

        self.proc = psutil.Process()
        self.peak = 0.0
        self.peak_pss = 0.0
        self.every = every
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        import psutil

        total = pss = 0
        for p in [self.proc, *self.proc.children(recursive=True)]:
            try:
                total += p.memory_info().rss
                pss += p.memory_full_info().pss  # shared (forked) pages counted once
            except psutil.Error:
                continue
        self.peak = max(self.peak, total / 2**20)
        self.peak_pss = max(self.peak_pss, pss / 2**20)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self._sample()

    def __enter__(self) -> PeakMemory:
        self._sample()
        self._t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()
        self._sample()


def cpu_seconds() -> float:
    """User + system CPU seconds of this process and its reaped children (workers) so far.

    On a shared machine the wall time depends on the others' load; the CPU time of the two
    sides is the cost that does not.
    """
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def region(n_series: int):
    if n_series == 443:
        from forecast.ledger.dataset import load_default

        return load_default()
    from data.region_scale import dataset

    return dataset(n_series)


def import_before_timing() -> None:
    from forecast.methods.library import statsforecast_models

    statsforecast_models()  # as the program imports it: without Dask
    import statsforecast.ces  # noqa: F401
    import statsforecast.models  # noqa: F401
    import statsforecast.theta  # noqa: F401

    from forecast.engine import region as _  # noqa: F401
    from forecast.methods import selection  # noqa: F401


def phase_ours(args: argparse.Namespace) -> dict:
    from forecast.engine.region import standard_forecast

    ds = region(args.n_series)
    import_before_timing()
    with PeakMemory() as mem:
        t0, c0 = time.perf_counter(), cpu_seconds()
        rf = standard_forecast(ds, ds.last_outcome, n_paths=args.paths, seed=0, workers=2)
        dt, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    return {"phase": "ours", "n_series": rf.n_series, "n_paths": rf.n_paths,
            "months": len(rf.months), "seconds": dt, "cpu_seconds": cpu,
            "peak_tree_mb": mem.peak, "peak_tree_pss_mb": mem.peak_pss,
            "paths_mb": rf.paths.nbytes / 2**20,
            "methods": pd.Series(rf.method).value_counts().head(4).to_dict()}


def phase_memory(args: argparse.Namespace) -> dict:
    """Memory at a size with a quick real method in place of ``combo`` (``--method``).

    The same path as the standard (each series' backtest choice, 1 000 paths, joint paths,
    level, totals' floor, in place); the method only changes the time, not what is held.
    """
    from forecast.engine.region import forecast_region

    ds = region(args.n_series)
    import_before_timing()
    alias = args.method or "seasonal_naive"
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        rf = forecast_region(ds, ds.last_outcome, n_paths=args.paths, seed=0, workers=2,
                             choose=True, candidates=(alias,), default_method=alias)
        dt = time.perf_counter() - t0
    return {"phase": "memory", "method": alias, "n_series": rf.n_series,
            "n_paths": rf.n_paths, "months": len(rf.months), "seconds": dt,
            "peak_tree_mb": mem.peak, "peak_tree_pss_mb": mem.peak_pss,
            "paths_mb": rf.paths.nbytes / 2**20, "level_correction": bool(rf.level_correction)}


def peer_frame(ds) -> tuple[pd.DataFrame, int]:
    """Each series' outcome as our engine sees it (first outcome month … as-of), and h."""
    from forecast.engine import region as E

    as_of = ds.last_outcome
    inp = E._prepare(ds, as_of)
    h = len(E.forecast_months(as_of))
    tasks = E._series_inputs(inp, as_of, h, ["combo"] * len(inp.uids))
    months = pd.period_range(inp.first_month, as_of, freq="M").to_timestamp()
    parts = [pd.DataFrame({"unique_id": t.uid, "ds": months[len(months) - t.y.size:],
                           "y": t.y}) for t in tasks if t.y.size]
    return pd.concat(parts, ignore_index=True), h


def phase_peer(args: argparse.Namespace) -> dict:
    from statsforecast import StatsForecast
    from statsforecast.models import AutoETS, Naive

    df, h = peer_frame(region(args.n_series))
    with PeakMemory() as mem:
        t0, c0 = time.perf_counter(), cpu_seconds()
        sf = StatsForecast(models=[AutoETS(season_length=12)], freq="MS", n_jobs=2,
                           fallback_model=Naive())
        fc = sf.forecast(df=df, h=h, level=[80])
        dt, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    return {"phase": "peer", "method": "statsforecast AutoETS(season_length=12), n_jobs=2",
            "n_series": int(df["unique_id"].nunique()), "months": h, "seconds": dt,
            "cpu_seconds": cpu,
            "peak_tree_mb": mem.peak, "rows": len(fc)}


def phase_dask(args: argparse.Namespace) -> dict:
    from distributed import Client, LocalCluster

    from forecast.engine.region import standard_forecast
    from forecast.parallel import use_cluster

    ds = region(args.n_series)
    import_before_timing()
    t0 = time.perf_counter()
    local = standard_forecast(ds, ds.last_outcome, n_paths=args.paths, seed=0, workers=2)
    t_local = time.perf_counter() - t0
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster):
        t1 = time.perf_counter()
        with use_cluster(cluster.scheduler_address):
            remote = standard_forecast(ds, ds.last_outcome, n_paths=args.paths, seed=0)
        t_dask = time.perf_counter() - t1
    same = (np.array_equal(local.paths, remote.paths)
            and np.array_equal(local.point, remote.point)
            and local.method == remote.method and local.notes == remote.notes)
    return {"phase": "dask", "n_series": local.n_series, "n_paths": local.n_paths,
            "local_seconds": t_local, "dask_seconds": t_dask, "identical": bool(same)}


def phase_store(args: argparse.Namespace) -> dict:
    """The forecast of record stored and read back through the product's store
    (``StatisticalStore.save``/``load`` on SQLite in ``--record-dir`` or a temporary folder),
    paths drawn at random: the format is uncompressed, so its size and time do not depend on
    the values. Peak memory is given beside the forecast's own arrays (what writing and
    reading add); the paths are read back a block of series at a time and compared."""
    import tempfile

    from forecast.engine.result import RegionForecast
    from forecast.store.statistical import StatisticalStore, StatKey

    n, h = args.n_series, 32
    rng = np.random.default_rng(0)
    keys = pd.DataFrame({"unit": [f"E{i // 11:05d}" for i in range(n)],
                         "account": [f"k{i % 11}" for i in range(n)],
                         "division": "D", "account_type": "kostnad", "category": "c"})
    paths = np.empty((n, args.paths, h), dtype=np.float32)
    for s in range(0, n, 500):
        paths[s: s + 500] = rng.standard_normal((len(paths[s: s + 500]), args.paths, h))
    zeros = np.zeros(n)
    rf = RegionForecast(as_of=pd.Period("2024-04", freq="M"), keys=keys,
                        months=pd.period_range("2024-05", periods=h, freq="M"), paths=paths,
                        point=np.zeros((n, h)), ytd_outcome=zeros, annual_budget=zeros,
                        prior_ytd_outcome=zeros, prior_year_outcome=zeros,
                        method=("combo",) * n, backtest_ape=zeros, notes=("",) * n)
    folder = tempfile.mkdtemp(dir=args.record_dir)
    url = f"sqlite:///{folder}/store_{n}.db"
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out: dict[str, Any] = {"phase": "store", "n_series": n, "paths_mb": paths.nbytes / 2**20,
                           "forecast_rss_mb": before}
    with PeakMemory() as mem:
        t0 = time.perf_counter()
        try:
            store = StatisticalStore(url)
            sid = store.save(StatKey("h" * 12, "2024-04", "bench", args.paths, 0, "bench"), rf)
        except Exception as exc:  # the program's own error (e.g. a value over 1 GB), printed
            out.update(error=f"{type(exc).__name__}: {exc}"[:300], peak_tree_mb=0.0)
            shutil.rmtree(folder)
            return out
        t1 = time.perf_counter()
        back = store.load(sid)
        identical = all(np.array_equal(back.row_paths(np.arange(s, min(n, s + 1000))),
                                       paths[s: s + 1000]) for s in range(0, n, 1000))
        t2 = time.perf_counter()
    out.update(bytes_mb=os.path.getsize(f"{folder}/store_{n}.db") / 2**20,
               write_seconds=t1 - t0, read_seconds=t2 - t1, peak_tree_mb=mem.peak,
               identical=bool(identical))
    shutil.rmtree(folder)
    return out


def _record_spec(args: argparse.Namespace):
    from forecast.cycle.record import Spec

    return Spec(n_paths=args.paths, seed=0, method=args.method or "seasonal_naive")


def _record_store_url(args: argparse.Namespace, n_series: int) -> str:
    return f"sqlite:///{Path(args.record_dir) / f'record_{n_series}_{args.paths}.db'}"


def phase_record_store(args: argparse.Namespace) -> dict:
    """The record phase's two months' forecasts, computed and stored (untimed; reused when
    the store in ``--record-dir`` already holds them)."""
    from forecast.engine.region import forecast_region
    from forecast.store.statistical import StatisticalStore

    ds = region(args.n_series)
    spec = _record_spec(args)
    store = StatisticalStore(_record_store_url(args, args.n_series))
    computed = []
    for m in (ds.last_outcome, ds.last_outcome - 1):
        if store.find(spec.key(ds, m)) is None:
            rf = forecast_region(ds, m, n_paths=args.paths, seed=0,
                                 default_method=spec.method)
            store.save(spec.key(ds, m), rf)
            computed.append(str(m))
            del rf
    return {"phase": "record_store", "n_series": args.n_series, "computed": computed}


def _record_steps(ds, store, spec) -> list[tuple[str, Callable[[], object]]]:
    """The steps of the record phase, in the order a user meets them (see phase_record)."""
    from forecast.cycle.adjustments import Adjustment, apply_adjustments
    from forecast.cycle.record import resolve
    from forecast.engine import fan, hierarchy, tables
    from forecast.engine.monthly import monthly_with_forecast
    from forecast.followup.tables import monthly
    from forecast.ledger.as_of import available_months
    from forecast.report.builder import overview_tables
    from forecast.report.of_record import report_of_record

    months = [ds.last_outcome, ds.last_outcome - 1]
    held: dict[str, Any] = {}

    def load() -> None:
        available_months(ds)  # the sidebar's months, before any page (ui.data_access.context)
        held["rec"] = resolve(ds, months[0], dataset="D", laid=None, store=store, spec=spec)

    def first() -> None:
        rf = held["rec"].final
        hierarchy.year_totals(rf, ())
        tables.division_table(rf, ds)
        fan.fan_chart_data(rf, ds, {})

    def overview() -> None:
        rf = held["rec"].final
        overview_tables(ds, months[0], rf)
        monthly_with_forecast(monthly(ds, months[0]), rf)

    def switch() -> None:
        other = resolve(ds, months[1], dataset="D", laid=None, store=store, spec=spec)
        hierarchy.year_totals(other.final, ())
        tables.division_table(other.final, ds)
        fan.fan_chart_data(other.final, ds, {})

    def report() -> None:
        report_of_record(ds, held["rec"])

    def laid() -> None:
        rec = held["rec"]
        div = str(rec.final.keys["division"].iloc[0])
        final = apply_adjustments(rec.statistical, [Adjustment(
            comment="bänk", amount_tkr=-3000.0, division=div)]).final
        hierarchy.year_totals(final, ())
        tables.division_table(final, ds)

    return [("load_seconds", load), ("first_figures_seconds", first),
            ("overview_seconds", overview), ("switch_month_seconds", switch),
            ("report_seconds", report), ("laid_seconds", laid)]


def phase_record(args: argparse.Namespace) -> dict:
    """Deliverable 5: with the forecast of record stored, what opening the app, switching
    month and building the report cost at this size (compare 5 000 with 443 series).

    Reads the store of :func:`phase_record_store` (two months' forecasts, ``--method``,
    default ``seasonal_naive``: the method does not change what is read). This process made
    the data set (untimed) and has computed nothing else, so each step's first run is
    *cold*, as a user's first open of a freshly started app: the sidebar's months with
    outcome (``available_months``: the ledger's index, made once per data set; before any
    page, as ``ui.data_access.context``) and ``resolve`` of the record (store →
    RegionForecast: what ``ui.data_access`` does); the overview's first figures (the
    region's year total, the division table, the region's fan chart); the app's Översikt
    as ``ui.cached`` builds it (``overview_tables`` and the months with their forecast);
    switching month (``resolve`` of the month before and the same first figures);
    ``report_of_record`` (the committee report's model); and a laid forecast (one
    division-wide adjustment: ``apply_adjustments`` → ``final`` → the region's year total
    and the division table), made from the stored summaries (no paths read). Then the whole
    sequence is repeated ``--warm`` times in the same process (*warm*: what every
    later rerun of a page costs without Streamlit's own caches; the stored forecast is
    read again from the store each time, its per-data-set derivations are kept).
    ``open_to_first_seconds`` is the sum of the first two: what a user waits from opening
    to the first figures.
    """
    from forecast.store.statistical import StatisticalStore

    ds = region(args.n_series)
    spec = _record_spec(args)
    store = StatisticalStore(_record_store_url(args, args.n_series))
    steps = _record_steps(ds, store, spec)
    times: dict[str, list[float]] = {name: [] for name, _ in steps}
    for _ in range(1 + args.warm):
        for name, step in steps:
            t0 = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - t0)
    out: dict[str, Any] = {"phase": "record", "n_series": args.n_series,
                           "n_paths": args.paths, "method": spec.method,
                           "load": round(os.getloadavg()[0], 1)}
    times["open_to_first_seconds"] = [a + b for a, b in zip(
        times["load_seconds"], times["first_figures_seconds"], strict=True)]
    for name, ts in times.items():
        out[name] = ts[0]
        out[name.replace("_seconds", "_warm_seconds")] = float(np.median(ts[1:])) \
            if len(ts) > 1 else float("nan")
    return out


PHASES = {"ours": phase_ours, "record": phase_record, "record_store": phase_record_store,
          "peer": phase_peer, "dask": phase_dask, "store": phase_store, "memory": phase_memory}


def run_child(phase: str, n: int, args: argparse.Namespace) -> dict:
    cmd = [sys.executable, __file__, "--phase", phase, "--n-series", str(n),
           "--paths", str(args.paths), *(["--method", args.method] if args.method else []),
           *(["--record-dir", str(args.record_dir)] if args.record_dir else []),
           "--warm", str(args.warm)]
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        return {"phase": phase, "n_series": n, "error": proc.stderr.strip().splitlines()[-3:]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _verdict(ok: bool) -> str:
    return "uppfyllt" if ok else "EJ uppfyllt"


def summary(results: list[dict]) -> None:
    print("\nSammanfattning")
    ours = {r["n_series"]: r for r in results if r.get("phase") == "ours" and "seconds" in r}
    peer = {r["n_series"]: r for r in results if r.get("phase") == "peer" and "seconds" in r}
    for n, o in sorted(ours.items()):
        line = (f"  {n} serier × {o['n_paths']} banor: standard {o['seconds']:.1f} s, "
                f"toppminne {o['peak_tree_mb']:.0f} MB (banor {o['paths_mb']:.0f} MB)")
        if n in peer:
            q = peer[n]
            ratio = o["seconds"] / q["seconds"]
            line += (f"; AutoETS {q['seconds']:.1f} s ({q['peak_tree_mb']:.0f} MB); kvot "
                     f"{ratio:.2f} (mål ≤ 1,0: {_verdict(ratio <= 1.0)})")
            if "cpu_seconds" in o and "cpu_seconds" in q:
                line += (f"; CPU-tid {o['cpu_seconds']:.0f} s mot {q['cpu_seconds']:.0f} s "
                         f"(kvot {o['cpu_seconds'] / q['cpu_seconds']:.2f})")
        if n == 5000:
            line += f"; minne mål ≤ 2 048 MB: {_verdict(o['peak_tree_mb'] <= 2048)}"
        if n == 20000:
            line += f"; minne mål ≤ 4 096 MB: {_verdict(o['peak_tree_mb'] <= 4096)}"
        print(line)
    sizes = sorted(ours)
    if len(sizes) > 1:
        a, b = sizes[0], sizes[-1]
        growth = (ours[b]["seconds"] / ours[a]["seconds"]) / (b / a)
        print(f"  tillväxt {a} → {b} serier: tid × {ours[b]['seconds'] / ours[a]['seconds']:.1f}"
              f" för serier × {b / a:.1f} (kvot {growth:.2f}; ≤ 1 = högst linjär)")
    for r in results:
        if r.get("phase") == "dask" and "identical" in r:
            print(f"  Dask, lokalt kluster med 2 arbetare, {r['n_series']} serier: "
                  f"{r['dask_seconds']:.1f} s (lokal pool {r['local_seconds']:.1f} s); "
                  f"identiska siffror: {'ja' if r['identical'] else 'NEJ'}")
        if r.get("phase") == "memory" and "peak_tree_mb" in r:
            ok = r.get("peak_tree_pss_mb", r["peak_tree_mb"]) <= 4096
            print(f"  {r['n_series']} serier × {r['n_paths']} banor ({r['method']} i stället "
                  f"för combo, samma väg): {r['seconds']:.0f} s, toppminne "
                  f"{r['peak_tree_mb']:.0f} MB RSS-summa, {r.get('peak_tree_pss_mb', 0):.0f} MB "
                  f"PSS (banor {r['paths_mb']:.0f} MB; mål ≤ 4 096 MB: {_verdict(ok)})")
        if r.get("phase") == "store" and "error" in r:
            print(f"  lagrad prognos, {r['n_series']} serier: kunde inte sparas ({r['error']})")
        if r.get("phase") == "store" and "bytes_mb" in r:
            ok = r["peak_tree_mb"] <= 4096 and r["identical"]
            print(f"  lagrad prognos, {r['n_series']} serier: {r['bytes_mb']:.0f} MB i SQLite, "
                  f"skriv {r['write_seconds']:.1f} s, läs tillbaka {r['read_seconds']:.1f} s, "
                  f"toppminne {r['peak_tree_mb']:.0f} MB (prognosen själv "
                  f"{r['forecast_rss_mb']:.0f} MB: + {r['peak_tree_mb'] - r['forecast_rss_mb']:.0f}"
                  f" MB); identiska banor: {'ja' if r['identical'] else 'NEJ'}; mål ≤ 4 096 MB: "
                  f"{_verdict(ok)}")
    _record_summary([r for r in results if r.get("phase") == "record" and "load_seconds" in r])


RECORD_STEPS = (("load_seconds", "läs"), ("first_figures_seconds", "första figurerna"),
                ("open_to_first_seconds", "läs + första figurerna"),
                ("overview_seconds", "Översikt"), ("switch_month_seconds", "byt månad"),
                ("report_seconds", "rapport"), ("laid_seconds", "lagd"))
RECORD_GOAL = 1.5
"""Issue 27, deliverable 5: each step at 5 000 series within 1,5 × its time at 443."""


def _warm(key: str) -> str:
    return key.replace("_seconds", "_warm_seconds")


def record_medians(rec: list[dict]) -> dict[int, dict[str, float]]:
    """Per size: each step's median over the record runs, cold (first run in a fresh
    process) and warm (``<step>_warm_seconds``: each run's median of its repeats)."""
    out: dict[int, dict[str, float]] = {}
    for n in sorted({r["n_series"] for r in rec}):
        runs = [r for r in rec if r["n_series"] == n]
        out[n] = {k: float(np.median([r[k] for r in runs])) for key, _ in RECORD_STEPS
                  for k in (key, _warm(key)) if all(k in r for r in runs)}
        out[n]["runs"] = len(runs)
    return out


def _record_summary(rec: list[dict]) -> None:
    """Per size the median step times; the largest size against the smallest, per step.

    The goal is judged on the cold medians (a user's first open is cold); the warm ratios
    are printed beside them.
    """
    if not rec:
        return
    med = record_medians(rec)
    for n, m in med.items():
        parts = [f"{word} {m[key]:.2f} s (varm {m.get(_warm(key), float('nan')):.2f} s)"
                 for key, word in RECORD_STEPS if key in m]
        print(f"  lagrad prognos som underlag, {n} serier, median av {m['runs']:.0f} körningar, "
              f"kall (varm): " + ", ".join(parts))
    if len(med) < 2:
        return
    a, b = med[min(med)], med[max(med)]
    parts = []
    for key, word in RECORD_STEPS:
        if key in a and key in b:
            cold = b[key] / max(a[key], 1e-9)
            warm = b.get(_warm(key), float("nan")) / max(a.get(_warm(key), float("nan")), 1e-9)
            parts.append(f"{word} {cold:.2f} ({_verdict(cold <= RECORD_GOAL)}; varm {warm:.2f})")
    print(f"  lagrad prognos, {max(med)} mot {min(med)} serier, kvot per steg på kall median "
          f"(mål ≤ 1,5): " + ", ".join(parts))


def record_runs(args: argparse.Namespace) -> list[dict]:
    """The record phase: each size's store made once (untimed), then ``--record-runs`` fresh
    processes per size, the sizes interleaved (443, 5 000, 443, …) so that the others' load
    falls on both alike."""
    import tempfile

    tmp = None
    if args.record_dir is None:
        tmp = tempfile.TemporaryDirectory()
        args.record_dir = tmp.name
    Path(args.record_dir).mkdir(parents=True, exist_ok=True)
    results = []
    for n in args.record:
        made = run_child("record_store", n, args)
        print(json.dumps(made, ensure_ascii=False), flush=True)
        if "error" in made:
            results.append(made)
    for _ in range(args.record_runs):
        for n in args.record:
            results.append(run_child("record", n, args))
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    if tmp is not None:
        tmp.cleanup()
    return results


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--phase", choices=sorted(PHASES))
    p.add_argument("--n-series", type=int, default=2000)
    p.add_argument("--paths", type=int, default=1000)
    p.add_argument("--sizes", type=int, nargs="*", default=[443, 2000, 5000])
    p.add_argument("--no-peer", action="store_true")
    p.add_argument("--no-dask", action="store_true")
    p.add_argument("--store", type=int, nargs="*", default=[], help="sizes for the store phase")
    p.add_argument("--memory", type=int, nargs="*", default=[],
                   help="sizes for the memory phase (a quick method in place of combo)")
    p.add_argument("--method", default=None, help="the memory and record phases' method")
    p.add_argument("--record", type=int, nargs="*", default=[],
                   help="sizes for the record phase (deliverable 5; e.g. 443 5000)")
    p.add_argument("--record-runs", type=int, default=3,
                   help="fresh processes per size in the record phase, sizes interleaved")
    p.add_argument("--warm", type=int, default=3,
                   help="warm repeats of the record phase's steps in each process")
    p.add_argument("--record-dir", default=None,
                   help="where the record phase's stores are kept (reused when given; "
                        "default: a temporary folder)")
    args = p.parse_args(argv)
    if args.phase:
        if args.record_dir is None and args.phase.startswith("record"):
            p.error("--record-dir is needed with a record phase")
        res = PHASES[args.phase](args)
        res["ru_maxrss_mb"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        print(json.dumps(res, ensure_ascii=False, default=str))
        return 0
    print(f"CPU: {os.cpu_count()} kärnor; last {os.getloadavg()[0]:.1f}; storlekar {args.sizes}; "
          f"banor {args.paths}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    results = []
    for n in args.sizes:
        for phase in ["ours", *([] if args.no_peer else ["peer"])]:
            results.append(run_child(phase, n, args))
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    if not args.no_dask:
        results.append(run_child("dask", 2000, args))
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    for n in args.memory:
        results.append(run_child("memory", n, args))
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    if args.record:
        results += record_runs(args)
    for n in args.store:
        results.append(run_child("store", n, args))
        print(json.dumps(results[-1], ensure_ascii=False), flush=True)
    summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
