"""``budgetprognos rapport --out FIL.docx|.pdf``: the committee report's economic section.

The document branch of ``rapport``: forecast the year (the standard årsprognos, or one
``--metod``), optionally apply a scenario (``--scenario FIL`` or ``--scenario-namn NAMN`` from
the scenario store), build the one report model and render it as Word or PDF.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import pandas as pd

from forecast.engine.hierarchy import RECONCILIATION
from forecast.engine.region import standard_forecast
from forecast.engine.tables import method_summary_text
from forecast.ledger.dataset import Dataset
from forecast.report.builder import DEFAULT_CEILING_PCT, build_report
from forecast.report.charts import render_all
from forecast.report.docx_writer import TemplateError, load_template, report_to_docx
from forecast.report.inputs import ForecastChange, ScenarioRisk
from forecast.report.pdf_writer import report_to_pdf

DOCUMENT_SUFFIXES = (".docx", ".pdf")
MIN_PATHS, MAX_PATHS = 10, 100_000
_DECIMAL = re.compile(r"^\s*(\d{1,2})(?:[,](\d{1,2}))?\s*$")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The document options of ``rapport`` (ignored for .xlsx/.csv)."""
    g = p.add_argument_group("Word/PDF-rapport (--out med .docx eller .pdf)")
    g.add_argument("--mall", type=Path, metavar="FIL",
                   help="egen Word-mall (.docx) med regionens format, sidhuvud och logga")
    g.add_argument("--scenario", type=Path, metavar="FIL",
                   help="scenariofil (YAML/JSON) för avsnittet Risker")
    g.add_argument("--scenario-namn", metavar="NAMN",
                   help="sparat scenario (senaste versionen) för avsnittet Risker")
    g.add_argument("--db", metavar="URL", help="scenariodatabas (standard $BUDGETPROGNOS_DB_URL)")
    g.add_argument("--paths", type=int, default=1000, metavar="N",
                   help="simulerade banor per serie (standard 1000)")
    g.add_argument("--seed", type=int, default=0, metavar="S", help="slumpfrö (standard 0)")
    g.add_argument("--metod", default=None, metavar="ALIAS",
                   help="en metod för alla serier (standard: standardprognosen)")
    g.add_argument("--tak", default=None, metavar="PROCENT",
                   help=f"tak för nettokostnadsutveckling, t.ex. 2,2 (standard "
                        f"{str(DEFAULT_CEILING_PCT).replace('.', ',')})")


def parse_ceiling(text: str | None) -> float:
    """The ceiling typed the Swedish way (``2,2``), 0–99,99 %.

    Raises:
        ValueError: (Swedish message) for anything else, e.g. ``2.2`` or ``-1``.
    """
    if text is None:
        return DEFAULT_CEILING_PCT
    m = _DECIMAL.match(text)
    if not m:
        raise ValueError(f"--tak {text!r} duger inte; skriv procent med decimalkomma, "
                         "t.ex. 2,2 (0–99,99).")
    return float(f"{m.group(1)}.{m.group(2) or 0}")


def check_options(args: argparse.Namespace) -> str | None:
    """A Swedish message for the first bad document option, or None (before any work)."""
    if not MIN_PATHS <= args.paths <= MAX_PATHS:
        return f"--paths måste vara mellan {MIN_PATHS} och {MAX_PATHS:,}".replace(",", " ") + \
            f", fick {args.paths}"
    if args.scenario is not None and args.scenario_namn is not None:
        return "ange antingen --scenario eller --scenario-namn, inte båda"
    if args.scenario is not None and not args.scenario.is_file():
        return f"scenariofilen {str(args.scenario)!r} finns inte"
    if args.metod is not None:
        from forecast.methods import REGISTRY

        if args.metod not in REGISTRY:
            return f"okänd metod {args.metod!r}; kända: {', '.join(sorted(REGISTRY))}"
    try:
        parse_ceiling(args.tak)
        if args.mall is not None:
            load_template(args.mall)
    except (ValueError, TemplateError) as exc:
        return str(exc)
    return None


def _scenario(args: argparse.Namespace):  # noqa: ANN202 - Scenario | None
    if args.scenario is not None:
        from scenarios.files import load_scenario

        return load_scenario(args.scenario)
    if args.scenario_namn is not None:
        from scenarios.store import ScenarioStore

        return ScenarioStore(args.db).load(args.scenario_namn)
    return None


def laid_change(ds: Dataset, as_of: pd.Period, current_tkr: float) -> ForecastChange | None:
    """The change since the last laid forecast, from the forecast cycle when it has one.

    Returns None while no forecast cycle (``forecast.cycle``) or no earlier laid forecast
    exists; the report then says so plainly.
    """
    try:
        import forecast.cycle  # noqa: F401
    except ModuleNotFoundError:
        return None
    return None


def _risk(args: argparse.Namespace, rf, ds: Dataset) -> ScenarioRisk | None:  # noqa: ANN001
    scenario = _scenario(args)
    if scenario is None:
        return None
    from scenarios.reporting import risk_for

    return risk_for(rf, scenario, ds)


def write_document(args: argparse.Namespace, ds: Dataset, as_of: pd.Period, out: Path) -> str:
    """Forecast, build and render the report to ``out``; returns the summary line.

    Raises:
        ValueError, KeyError, OSError: for the caller to report (Swedish messages).
    """
    t0 = time.perf_counter()
    rf = standard_forecast(ds, as_of, n_paths=args.paths, seed=args.seed, method=args.metod)
    risk = _risk(args, rf, ds)
    change = laid_change(ds, as_of, float(rf.year_total_paths().mean()))
    how = f"en metod för alla serier: {args.metod}" if args.metod else "standardprognosen"
    report = build_report(
        ds, as_of, rf, change=change, risk=risk, ceiling_pct=parse_ceiling(args.tak),
        provenance=[("Metod", f"årsprognos per serie ({how}); {method_summary_text(rf)}"),
                    ("Avstämning", RECONCILIATION),
                    ("Mall", args.mall.name if args.mall else "standard (A4)")])
    charts = render_all(report.charts())
    if out.suffix.lower() == ".docx":
        data = report_to_docx(report, charts, template=args.mall)
    else:
        data = report_to_pdf(report, charts)
    out.write_bytes(data)
    kind = "Word" if out.suffix.lower() == ".docx" else "PDF"
    scen = f", scenario {risk.name!r}" if risk else ""
    return (f"Rapport ({kind}) per {as_of}: {rf.n_series} serier × {rf.n_paths} banor{scen}, "
            f"{len(report.tables())} tabeller och {len(charts)} diagram på "
            f"{time.perf_counter() - t0:.1f} s, skriven till {out}")


def run_document(args: argparse.Namespace, ds: Dataset, as_of: pd.Period) -> int:
    """Write the document and report errors in Swedish; returns the exit code."""
    from scenarios.files import ScenarioFileError

    try:
        print(write_document(args, ds, as_of, args.out))
    except ScenarioFileError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyError as exc:
        print(f"budgetprognos rapport: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"budgetprognos rapport: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"budgetprognos rapport: kunde inte skriva {str(args.out)!r}: {exc}",
              file=sys.stderr)
        return 1
    return 0
