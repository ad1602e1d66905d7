"""Benchmark of the controller's month (issue 10), each figure beside today's in the same run.

Goals (2 cores): opening the app on a laid forecast (server start → first figure) < 3 s;
switching the as-of month to a laid month < 1 s; laying = the region forecast time + < 1 s;
prognosförändring < 1 s.

1. Core: the region forecast of 2023-04 (``--metod``; default the standard årsprognos, as the
   app and ``prognos`` compute it), then the laying overhead on top of it (apply two
   adjustments, build the laid record, store it in SQLite), then the prognosförändring
   2023-03 → 2023-04 both in-process (load two laid forecasts, decompose, build the tables)
   and as the ``budgetprognos prognosforandring`` command (a new process: imports included).
   Today's figure for the change: without laid forecasts, both region forecasts again.
2. Browser (needs Debian's chromium): ``streamlit run app.py`` in headless Chromium, started
   before the clock (the user's browser is already open); the time from starting the server
   process to the first «Årsprognos, nettoresultat» metric on Översikt, with a store holding
   laid forecasts for 2023-03 and 2023-04 — and today's figure, the same with an empty store
   (the app computes the forecast). Then, once the page is idle, switching the as-of month to
   the laid 2023-03 until the metric shows it, beside today's: switching to 2023-02 (not laid:
   recomputed). Each line also gives the CPU seconds of the server and its worker processes
   (from /proc), since wall time on a shared machine counts the others' load.

    .venv/bin/python bench/bench_cycle.py [--metod three_year_profile] [--no-browser]
        [--no-today]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO), str(REPO / "tests")]

import pandas as pd  # noqa: E402

from forecast.cycle.adjustments import Adjustment, apply_adjustments  # noqa: E402
from forecast.cycle.change import decompose  # noqa: E402
from forecast.cycle.laid import EXAMPLE_DATASET, build_laid  # noqa: E402
from forecast.cycle.laid_store import LaidStore  # noqa: E402
from forecast.cycle.tables import change_tables  # noqa: E402
from forecast.engine.region import standard_forecast  # noqa: E402
from forecast.ledger.dataset import load_default  # noqa: E402
from forecast.store.core import ENV_URL  # noqa: E402

ADJS = [
    Adjustment(comment="11 timmars dygnsvila från hösten", amount_tkr=-12_000.0,
               division="Kirurgi", category="Personalkostnader", start="2023-10",
               rule="budget", author="bench"),
    Adjustment(comment="hyrpersonal i sommar", amount_tkr=-5_000.0, unit="K101",
               category="Inhyrd personal", start="2023-06", end="2023-08", low_tkr=-8_000.0,
               high_tkr=-3_000.0, author="bench"),
]
METRIC = "Årsprognos, nettoresultat"


def _line(name: str, value: float, goal: str, today: str) -> None:
    print(f"{name:<48} {value:8.2f} s   mål {goal:<26} i dag: {today}")


def bench_core(url: str, method: str | None, n_paths: int) -> dict[str, float]:
    ds = load_default()
    st = LaidStore(url)
    out: dict[str, float] = {}
    for month, adjs in (("2023-03", []), ("2023-04", ADJS)):
        t0 = time.perf_counter()
        rf = standard_forecast(ds, pd.Period(month, "M"), n_paths=n_paths, method=method)
        t1 = time.perf_counter()
        rec = st.lay(build_laid(apply_adjustments(rf, adjs), dataset=EXAMPLE_DATASET,
                                author="bench", comment=f"bench {month}",
                                method=method or "standard"))
        t2 = time.perf_counter()
        out[f"forecast {month}"] = t1 - t0
        out[f"lay {month}"] = t2 - t1
        print(f"  {month}: regionprognos {t1 - t0:.1f} s ({rf.n_series} serier × "
              f"{rf.n_paths} banor), läggning {t2 - t1:.3f} s → version {rec.version}")
    t0, c0 = time.perf_counter(), time.process_time()
    fc = decompose(st.load(EXAMPLE_DATASET, "2023-03"), st.load(EXAMPLE_DATASET, "2023-04"))
    change_tables(fc)
    out["change core"] = time.perf_counter() - t0
    print(f"  prognosförändring i processen: {out['change core']:.3f} s, CPU-tid "
          f"{time.process_time() - c0:.3f} s")
    env = {**os.environ, ENV_URL: url, "PYTHONPATH": str(REPO)}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        res = subprocess.run([sys.executable, "-m", "cli.main", "prognosforandring", "--as-of",
                              "2023-04", "--out", f"{tmp}/f.xlsx"], env=env, cwd=REPO,
                             capture_output=True, text=True)
        out["change cli"] = time.perf_counter() - t0
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    print("  " + res.stdout.splitlines()[0])
    return out


def bench_browser(url: str, today: bool) -> dict[str, float] | None:
    from e2e_support import chromium_missing_reason

    reason = chromium_missing_reason()
    if reason:
        print(f"  webbläsardelen hoppas över: {reason}")
        return None
    out: dict[str, float] = {}
    out["open floor"] = _open_floor()
    out["open laid"], out["switch laid"] = _open_and_switch(url, "2023-03")
    if today:
        with tempfile.TemporaryDirectory() as tmp:
            empty = f"sqlite:///{tmp}/tom.db"
            out["open today"], out["switch today"] = _open_and_switch(empty, "2023-02")
    return out


def _proc_table() -> dict[int, tuple[int, float, bytes]]:
    """pid → (parent pid, CPU seconds used, command line) of every readable process."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[int, tuple[int, float, bytes]] = {}
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text().rsplit(")", 1)[1].split()
            cmd = (d / "cmdline").read_bytes()
        except OSError:
            continue
        # utime, stime, and the CPU of children already waited for (cutime, cstime)
        cpu = sum(int(v) for v in stat[11:15]) / tick
        out[int(d.name)] = (int(stat[1]), cpu, cmd)
    return out


def _server_cpu_s() -> float | None:
    """CPU seconds of this process's ``streamlit`` child and its live worker processes."""
    if not Path("/proc").is_dir():
        return None
    procs = _proc_table()
    server = [p for p, (pp, _, cmd) in procs.items() if pp == os.getpid() and b"streamlit" in cmd]
    if not server:
        return None
    tree, total = set(server), 0.0
    for pid in sorted(procs):  # children have larger pids than their parents, mostly
        if procs[pid][0] in tree:
            tree.add(pid)
    for pid in tree:
        total += procs[pid][1]
    return total


def _open_floor() -> float:
    """Streamlit's own floor: server start → the first figure of a one-metric app (no data,
    no imports of ours), measured the same way as the real app."""
    from e2e_support import launch_chromium, streamlit_server
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        app = Path(tmp) / "golv.py"
        app.write_text(f"import streamlit as st\nst.metric({METRIC!r}, '1')\n",
                       encoding="utf-8")
        browser = launch_chromium(pw)
        page = browser.new_page()
        t0 = time.perf_counter()
        with streamlit_server(app=str(app)) as base:
            page.goto(base)
            expect(page.locator("[data-testid='stMetric']", has_text=METRIC).first
                   ).to_be_visible(timeout=600_000)
            opened = time.perf_counter() - t0
        browser.close()
    print(f"  Streamlit ensam (en siffra, ingen data): första siffran {opened:.1f} s")
    return opened


def _open_and_switch(url: str, target: str) -> tuple[float, float]:
    from e2e_support import launch_chromium, streamlit_server
    from playwright.sync_api import sync_playwright

    os.environ[ENV_URL] = url
    label = {"2023-03": "mars 2023", "2023-02": "februari 2023"}[target]
    with sync_playwright() as pw:
        # the user's browser is already open: it starts before the server and the clock
        browser = launch_chromium(pw)
        page = browser.new_page()
        t0 = time.perf_counter()
        with streamlit_server() as base:
            t_up = time.perf_counter() - t0
            cpu_up = _server_cpu_s()
            out = _measure(page, base, label, t0)
        browser.close()
    opened, switched, cpu_open, cpu_idle, cpu_switch = out
    cpu = "" if None in (cpu_up, cpu_open, cpu_idle, cpu_switch) else (
        f"; CPU-tid (server + dess arbetsprocesser): start {cpu_up:.1f} s, till första "
        f"siffran {cpu_open:.1f} s, bytet {cpu_switch - cpu_idle:.1f} s")  # type: ignore[operator]
    print(f"  {url.rsplit('/', 1)[-1]}: servern svarar efter {t_up:.1f} s, första siffran "
          f"{opened:.1f} s, byte till {target} {switched:.2f} s{cpu}")
    return opened, switched


def _measure(page, base: str, label: str, t0: float
             ) -> tuple[float, float, float | None, float | None, float | None]:
    from e2e_support import APP_IDLE
    from playwright.sync_api import expect

    page.goto(base)
    metric = page.locator("[data-testid='stMetric']", has_text=METRIC)
    expect(metric.first).to_be_visible(timeout=600_000)
    opened = time.perf_counter() - t0
    cpu_open = _server_cpu_s()
    # switch from an idle page (the first run draws tables and charts after the first figure)
    page.locator(APP_IDLE).wait_for(timeout=600_000)
    cpu_idle = _server_cpu_s()
    before = metric.first.inner_text()
    box = page.get_by_role("combobox", name="Prognosmånad (senaste utfall)")
    box.click()
    t1 = time.perf_counter()
    page.get_by_role("option", name=label).click()
    expect(page.get_by_text(f"Underlag: utfall till och med {label}")).to_be_visible(
        timeout=600_000)
    expect(metric.first).not_to_have_text(before, timeout=600_000)
    switched = time.perf_counter() - t1
    cpu_switch = _server_cpu_s()
    return opened, switched, cpu_open, cpu_idle, cpu_switch


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--metod", default=None, help="en metod för alla serier (standard: "
                                                   "standardprognosen)")
    ap.add_argument("--paths", type=int, default=1000)
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--no-today", action="store_true", help="utan dagens jämförelsesiffror i "
                                                            "webbläsaren")
    args = ap.parse_args()
    print(f"bench_cycle: {os.cpu_count()} kärnor, belastning {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/store.db"
        core = bench_core(url, args.metod, args.paths)
        browser = None if args.no_browser else bench_browser(url, not args.no_today)
    fc = core["forecast 2023-04"]
    print()
    _line("Lägga prognos: läggning utöver regionprognosen", core["lay 2023-04"], "< 1 s",
          f"regionprognosen {fc:.1f} s, ingen läggning")
    _line("Lägga prognos totalt (regionprognos + läggning)", fc + core["lay 2023-04"],
          f"< {fc + 1:.1f} s (prognos + 1 s)", f"{fc:.1f} s")
    two = core["forecast 2023-03"] + fc
    _line("Prognosförändring i processen", core["change core"], "< 1 s",
          f"båda regionprognoserna igen: {two:.1f} s")
    _line("Prognosförändring som kommando (ny process)", core["change cli"], "< 1 s",
          f"{two:.1f} s")
    print(f"belastning i slutet {os.getloadavg()[0]:.1f} (1 min), {os.getloadavg()[1]:.1f} "
          "(5 min)")
    if browser:
        t_open = browser.get("open today")
        _line("Öppna appen på lagd prognos (start → första siffra)", browser["open laid"],
              "< 3 s", f"{t_open:.1f} s utan lagd prognos" if t_open else "ej mätt")
        _line("  därav Streamlits golv (en siffra, ingen data)", browser["open floor"],
              "(jämförelse)", "samma")
        t_sw = browser.get("switch today")
        _line("Byta prognosmånad till lagd månad", browser["switch laid"], "< 1 s",
              f"{t_sw:.1f} s till ej lagd månad" if t_sw else "ej mätt")


if __name__ == "__main__":
    main()
