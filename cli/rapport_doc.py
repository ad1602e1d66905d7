"""``budgetprognos rapport --out FIL.docx|.pdf``: the committee report's economic section.

The document branch of ``rapport``: forecast the year (the standard årsprognos, or one
``--metod``), optionally apply a scenario (``--scenario FIL`` or ``--scenario-namn NAMN`` from
the scenario store), build the one report model and render it as Word or PDF.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import EXIT_IO, CliError, check_range, os_error_text, read_narrative_file
from forecast.cycle.defaults import DEFAULT_PATHS, DEFAULT_SEED
from forecast.io.limits import MAX_PATHS, MIN_PATHS, fmt_int
from forecast.report import DEFAULT_CEILING_PCT

if TYPE_CHECKING:
    import pandas as pd

    from forecast.cycle.record import ForecastOfRecord
    from forecast.ledger.dataset import Dataset
    from forecast.report.inputs import ForecastChange, ScenarioRisk
    from forecast.report.model import Report
    from forecast.report.narrative import Narrative
    from scenarios.assumptions import Scenario

DOCUMENT_SUFFIXES = (".docx", ".pdf")
_DECIMAL = re.compile(r"^\s*(\d{1,2})(?:[,](\d{1,2}))?\s*$")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The document options of ``rapport`` (ignored for .xlsx/.csv)."""
    g = p.add_argument_group("Word/PDF-rapport (--out med .docx eller .pdf)")
    g.add_argument("--mall", type=Path, metavar="FIL",
                   help="egen Word-mall (.docx eller .dotx) med regionens format, sidhuvud "
                        "och logga")
    g.add_argument("--berattelse", type=Path, metavar="FIL",
                   help="sammanfattning, kommentarer per division, åtgärder, risker och "
                        "antaganden (YAML/JSON); utan den används databasens: den som frystes "
                        "med den lagda prognosen, annars det senaste utkastet för månaden "
                        "(berattelse hamta skriver den till en fil)")
    g.add_argument("--region", default="", metavar="NAMN",
                   help="regionens namn överst i rapporten (högst 200 tecken)")
    g.add_argument("--namnd", default="", metavar="NAMN",
                   help="nämndens namn som rubrik (standard Hälso- och sjukvårdsnämnden)")
    g.add_argument("--scenario", type=Path, metavar="FIL",
                   help="scenariofil (YAML/JSON) för avsnittet Risker")
    g.add_argument("--scenario-namn", metavar="NAMN",
                   help="sparat scenario (senaste versionen) för avsnittet Risker")
    g.add_argument("--paths", type=int, default=DEFAULT_PATHS, metavar="N",
                   help=f"simulerade banor per serie, {fmt_int(MIN_PATHS)}–{fmt_int(MAX_PATHS)} "
                        "(standard 1000; se prognos --help)")
    g.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                   help=f"slumpfrö (standard {DEFAULT_SEED})")
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


def check_options(args: argparse.Namespace) -> None:
    """Check every document option before any work.

    Raises:
        CliError: the first bad option (Swedish message naming it and what is allowed).
    """
    check_range("--paths", args.paths, MIN_PATHS, MAX_PATHS)
    if args.scenario is not None and args.scenario_namn is not None:
        raise CliError("ange antingen --scenario eller --scenario-namn, inte båda")
    if args.scenario is not None and not args.scenario.is_file():
        raise CliError(f"scenariofilen {str(args.scenario)!r} finns inte")
    if args.metod is not None:
        from forecast.methods import REGISTRY

        if args.metod not in REGISTRY:
            raise CliError(f"okänd metod {args.metod!r}; kända: {', '.join(sorted(REGISTRY))}")
    from forecast.report.docx_writer import TemplateError, load_template

    for flag, value in (("--region", args.region), ("--namnd", args.namnd)):
        if len(value) > 200:
            raise CliError(f"{flag}: högst 200 tecken tillåts (här {len(value)})")
    if args.berattelse is not None and not args.berattelse.is_file():
        raise CliError(f"berättelsefilen {str(args.berattelse)!r} finns inte")
    try:
        parse_ceiling(args.tak)
        if args.mall is not None:
            load_template(args.mall)
    except (ValueError, TemplateError) as exc:
        raise CliError(str(exc)) from None


def _scenario(args: argparse.Namespace) -> Scenario | None:
    if args.scenario is not None:
        from scenarios.files import load_scenario

        return load_scenario(args.scenario)
    if args.scenario_namn is not None:
        from scenarios.store import ScenarioStore

        return ScenarioStore(args.db).load(args.scenario_namn)
    return None


def laid_change(args: argparse.Namespace, as_of: pd.Period) -> ForecastChange | None:
    """The change since the last laid forecast (the forecast cycle's store), or None.

    None when ``as_of`` or no earlier month of the year is laid in the dataset; the report
    then says plainly that no earlier laid forecast exists.
    """
    from cli.cycle import dataset_name, store
    from forecast.cycle.laid import LaidError
    from forecast.report.cycle_change import laid_change as lookup
    from forecast.store.core import StoreError

    try:
        return lookup(store(args), dataset_name(args), as_of)
    except (LaidError, StoreError) as exc:
        raise CliError(str(exc)) from None


def _risk(args: argparse.Namespace, rec: ForecastOfRecord, ds: Dataset) -> ScenarioRisk | None:
    scenario = _scenario(args)
    if scenario is None:
        return None
    from scenarios.reporting import risk_for

    return risk_for(rec.final, scenario, ds, base=rec.heading())


def narrative_of(args: argparse.Namespace, ds: Dataset, rec: ForecastOfRecord
                 ) -> Narrative | None:
    """The narrative of the report: ``--berattelse`` FIL, else the store's, else None.

    The store's is the one frozen with the laid version the report shows, or for a month not
    laid the latest draft (:meth:`forecast.report.narrative_store.NarrativeStore.for_report`).

    Raises:
        CliError: a file that cannot be used (its name, field and row) or a store fault.
    """
    if args.berattelse is not None:
        return read_narrative_file(args.berattelse, ds.org.divisions)
    from cli.cycle import dataset_name
    from forecast.report.narrative_store import NarrativeStore
    from forecast.store.core import StoreError

    try:
        return NarrativeStore(args.db).for_report(dataset_name(args), rec.as_of, ds.source_hash,
                                                  rec.laid.id if rec.laid is not None else None)
    except StoreError as exc:
        raise CliError(str(exc)) from None


def _render(report: Report, out: Path, template: Path | None) -> bytes:
    from forecast.report.charts import render_all  # matplotlib: only when a report is drawn

    charts = render_all(report.charts())
    if out.suffix.lower() == ".docx":
        from forecast.report.docx_writer import report_to_docx

        return report_to_docx(report, charts, template=template)
    from forecast.report.pdf_writer import report_to_pdf

    return report_to_pdf(report, charts)


def write_document(args: argparse.Namespace, ds: Dataset, as_of: pd.Period, out: Path) -> str:
    """Build the report of the forecast of record and render it to ``out``; the summary line.

    The forecast of record is read from the store (computed and stored once when missing).

    Raises:
        CliError: a bad scenario (file or name), a forecast or report that cannot be made
            (exit 2), or an output file that cannot be written (exit 1).
    """
    from cli.cycle import record_of
    from forecast.report.docx_writer import TemplateError
    from forecast.report.of_record import report_of_record
    from scenarios.files import ScenarioFileError

    t0 = time.perf_counter()
    try:
        rec = record_of(args, ds, as_of)
        rf = rec.final
        risk = _risk(args, rec, ds)
        change = laid_change(args, as_of)
        report = report_of_record(
            ds, rec, change=change, risk=risk, ceiling_pct=parse_ceiling(args.tak),
            provenance=[("Mall", args.mall.name if args.mall else "standard (A4)")],
            narrative=narrative_of(args, ds, rec), region=args.region,
            committee=args.namnd)
        data = _render(report, out, args.mall)
    except ScenarioFileError as exc:
        raise CliError(str(exc), plain=True) from None
    except KeyError as exc:
        raise CliError(str(exc.args[0]) if exc.args else str(exc)) from None
    except (ValueError, TemplateError) as exc:
        raise CliError(str(exc)) from None
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CliError(f"kunde inte skriva {str(out)!r}: {os_error_text(exc)}", EXIT_IO) from None
    kind = "Word" if out.suffix.lower() == ".docx" else "PDF"
    scen = f", scenario {risk.name!r}" if risk else ""
    return (f"Rapport ({kind}) per {as_of} ({rec.heading()}): {rf.n_series} serier × "
            f"{rf.n_paths} banor{scen}, "
            f"{len(report.tables())} tabeller och {len(report.charts())} diagram på "
            f"{time.perf_counter() - t0:.1f} s, skriven till {out}")
