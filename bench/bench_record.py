"""Benchmark of the forecast of record (issue 23): every consumer opens the stored month at once.

Goals (2 cores), each printed beside Streamlit's own floor measured in the same run (server
start → the first figure of a one-metric app):

- server start → first figure ≤ 2 × the floor, on a stored month that is not laid and on a laid
  month with an adjustment;
- switching the as-of month to another stored month < 1 s;
- the Word and the PDF report < 3 s (in the app's process, the month's forecast of record
  already read; and, for information, ``budgetprognos rapport --out x.docx`` as a new
  process, imports included);
- the Scenarier page's first open < 2 s (AppTest, new process caches, the month stored).

Before the clock: the standard årsprognos of 2023-03 and 2023-04 is computed once and stored
(as ``budgetprognos prognos`` does; its time is printed as "today's" wait for every consumer),
then April is laid with one adjustment (−5 mkr, Medicin, personnel, May–Dec).

    .venv/bin/python bench/bench_record.py [--no-browser] [--paths 1000]
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
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "bench")]

import pandas as pd  # noqa: E402

from forecast.cycle.adjustments import Adjustment, apply_adjustments  # noqa: E402
from forecast.cycle.laid import EXAMPLE_DATASET, build_laid  # noqa: E402
from forecast.cycle.laid_store import LaidStore  # noqa: E402
from forecast.cycle.record import Spec, resolve, statistical  # noqa: E402
from forecast.ledger.dataset import load_default  # noqa: E402
from forecast.store.core import ENV_URL  # noqa: E402
from forecast.store.statistical import StatisticalStore  # noqa: E402

ADJ = Adjustment(comment="dygnsvila från hösten", amount_tkr=-5000.0, division="Medicin",
                 category="Personalkostnader", start="2023-05", end="2023-12",
                 rule="prognos", author="Bench")


def prepare(url: str, spec: Spec) -> dict[str, float]:
    """Store the statistical forecasts of March and April; lay April with the adjustment."""
    ds, stats = load_default(), StatisticalStore(url)
    out = {}
    for month in ("2023-03", "2023-04"):
        t0 = time.perf_counter()
        statistical(ds, pd.Period(month, "M"), stats, spec)
        out[month] = time.perf_counter() - t0
        print(f"  standardprognosen {month} räknad och lagrad en gång: {out[month]:.1f} s")
    return out


def lay_april(url: str, spec: Spec) -> None:
    """April laid on its stored statistical forecast, with the one adjustment."""
    ds = load_default()
    rec = resolve(ds, pd.Period("2023-04", "M"), dataset=EXAMPLE_DATASET, laid=LaidStore(url),
                  store=StatisticalStore(url), spec=spec)
    keys = rec.statistical.keys
    cat = str(keys.loc[keys["account"] == "Personalkostnader", "category"].iloc[0])
    from dataclasses import replace

    af = apply_adjustments(rec.statistical, [replace(ADJ, category=cat)])
    LaidStore(url).lay(build_laid(af, dataset=EXAMPLE_DATASET, author="Bench",
                                  comment="april med dygnsvila", method="standard",
                                  stat_forecast_id=rec.stat_id))


def bench_report(url: str, spec: Spec) -> dict[str, float]:
    """Word and PDF in-process after the record is read; ``rapport`` as a new process."""
    from ui.report_download import report_bytes

    ds = load_default()
    t0 = time.perf_counter()
    rec = resolve(ds, pd.Period("2023-04", "M"), dataset=EXAMPLE_DATASET, laid=LaidStore(url),
                  store=StatisticalStore(url), spec=spec)
    out = {"read record": time.perf_counter() - t0}
    for fmt in ("docx", "pdf"):
        t0 = time.perf_counter()
        report_bytes(ds, rec, fmt=fmt)
        out[fmt] = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        subprocess.run([str(REPO / ".venv/bin/budgetprognos"), "rapport", "--as-of", "2023-04",
                        "--out", f"{tmp}/r.docx", "--db", url], check=True,
                       capture_output=True)
        out["cli"] = time.perf_counter() - t0
    print(f"  rapporten: lagrad prognos läst {out['read record']:.2f} s, Word "
          f"{out['docx']:.2f} s, PDF {out['pdf']:.2f} s, kommandot rapport {out['cli']:.1f} s")
    return out


def _overview_page() -> None:
    from ui.shell import run_single

    run_single("oversikt")


def _scenario_page() -> None:
    from ui.shell import run_single

    run_single("scenarier")


def bench_scenario_page(url: str) -> tuple[float, float]:
    """The Scenarier page's first open in a new process, month stored.

    Two figures: cold (the page is the process's first: every import and the record's read
    counted, as if the server had just started on this page) and after Översikt (the way a
    user comes to it: the app open, Scenarier's own caches empty).
    """
    code = (
        "import sys, time\n"
        f"sys.path[:0] = [{str(REPO)!r}, {str(REPO / 'bench')!r}]\n"
        "from streamlit.testing.v1 import AppTest\n"
        "from bench_record import _overview_page, _scenario_page\n"
        "def timed(fn):\n"
        "    t0 = time.perf_counter()\n"
        "    at = AppTest.from_function(fn, default_timeout=600).run()\n"
        "    assert not at.exception, at.exception\n"
        "    return time.perf_counter() - t0\n"
        "cold = timed(_scenario_page)\n"
        "print(cold)\n")
    warm_code = code.replace("cold = timed(_scenario_page)\nprint(cold)\n",
                             "timed(_overview_page)\nprint(timed(_scenario_page))\n")
    took = []
    for c in (code, warm_code):
        res = subprocess.run([sys.executable, "-c", c], check=True, capture_output=True,
                             text=True, env={**os.environ, ENV_URL: url})
        took.append(float(res.stdout.strip().splitlines()[-1]))
    print(f"  sidan Scenarier, första öppningen: som processens första sida {took[0]:.2f} s, "
          f"efter Översikt {took[1]:.2f} s")
    return took[0], took[1]


def bench_browser(url: str) -> dict[str, float] | None:
    """Streamlit's floor, then opening and switching on the stored month, laid and not."""
    from bench_cycle import _open_and_switch, _open_floor
    from e2e_support import chromium_missing_reason

    reason = chromium_missing_reason()
    if reason:
        print(f"  webbläsardelen hoppas över: {reason}")
        return None
    out = {"floor": _open_floor()}
    out["open stat"], out["switch stat"] = _open_and_switch(url, "2023-03")
    return out


def _line(name: str, value: float, goal: str, verdict: bool) -> None:
    print(f"{name:<58} {value:7.2f} s   mål {goal:<22} {'uppfyllt' if verdict else 'EJ'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--paths", type=int, default=Spec().n_paths)
    args = ap.parse_args()
    spec = Spec(n_paths=args.paths)
    print(f"bench_record: {os.cpu_count()} kärnor, belastning {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/store.db"
        today = prepare(url, spec)
        stat_browser = None if args.no_browser else bench_browser(url)
        lay_april(url, spec)
        laid_browser = None if args.no_browser else bench_browser(url)
        report = bench_report(url, spec)
        scen = bench_scenario_page(url)
    wait = today["2023-04"]
    print(f"\nUtan lagrad prognos väntade varje konsument (sida, export, rapport, scenario) "
          f"{wait:.1f} s på regionprognosen; nu räknas den en gång.")
    for name, b in (("ej lagd", stat_browser), ("lagd med justering", laid_browser)):
        if b:
            ratio = b["open stat"] / b["floor"]
            _line(f"Start → första siffra, {name} (golv {b['floor']:.1f} s; "
                  f"{ratio:.1f} × golvet)", b["open stat"], "≤ 2 × golvet", ratio <= 2.0)
            _line(f"Byta prognosmånad till lagrad månad ({name})", b["switch stat"], "< 1 s",
                  b["switch stat"] < 1.0)
    _line("Word-rapport (i appens process, prognosen läst)", report["docx"], "< 3 s",
          report["docx"] < 3.0)
    _line("PDF-rapport (i appens process, prognosen läst)", report["pdf"], "< 3 s",
          report["pdf"] < 3.0)
    _line("rapport --out x.docx som ny process (information)", report["cli"],
          f"(förr {wait:.0f} s + rapport)", True)
    _line("Sidan Scenarier, första öppning efter Översikt", scen[1], "< 2 s", scen[1] < 2.0)
    _line("Sidan Scenarier som processens första sida (information)", scen[0], "< 2 s",
          scen[0] < 2.0)
    print(f"belastning i slutet {os.getloadavg()[0]:.1f} (1 min)")


if __name__ == "__main__":
    main()
