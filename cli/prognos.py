"""``budgetprognos prognos``: the årsprognos tables for one as-of month (Excel or CSV).

Examples::

    budgetprognos prognos --as-of 2023-04 --out prognos.xlsx
    budgetprognos prognos --data huvudbok.csv --as-of 2023-04 --out prognos.csv --enhet tkr
    budgetprognos prognos --as-of 2022-08 --out prognos.xlsx --choose --paths 2000 --seed 1

Exit codes: 0 written; 2 bad input (unknown file type, bad month, rejected data file, month
after the last outcome); 1 the embedded data or the output file could not be read/written.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from cli.dataset_args import DataArgsError, add_dataset_arguments, load_from_args, print_load_report
from forecast import __version__
from forecast.engine.hierarchy import RECONCILIATION
from forecast.engine.region import standard_forecast
from forecast.engine.result import RegionForecast
from forecast.engine.tables import method_summary_text, prognos_tables
from forecast.followup.tables import load_notes, parse_month
from forecast.io.dataset_files import LoadedDataset
from forecast.io.export import ALLOWED_SUFFIXES, ExportMetadata, write_tables
from forecast.io.parsing import ValidationFailed
from forecast.ledger.dataset import Dataset, load_default


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``prognos`` subcommand."""
    p = subparsers.add_parser(
        "prognos",
        help="årsprognos med osäkerhetsintervall per enhet, division och kostnadsslag",
        description=("Skriver årsprognosens tabeller: per enhet och kostnadsslag, per division, "
                     "per kostnadsslag, region totalt (med planåren), hyrpersonal, "
                     "omställningsplan och metoder per serie, med metadata."),
    )
    p.add_argument("--as-of", required=True, metavar="ÅÅÅÅ-MM",
                   help="sista månaden med utfall som prognosen bygger på, t.ex. 2023-04")
    p.add_argument("--out", required=True, type=Path, metavar="FIL",
                   help=f"utfil; formatet väljs av ändelsen ({', '.join(ALLOWED_SUFFIXES)})")
    p.add_argument("--enhet", choices=("mkr", "tkr"), default="mkr",
                   help="enhet för belopp (standard mkr)")
    p.add_argument("--csv-dialect", choices=("sv", "intl"), default="sv",
                   help="sv: semikolon och decimalkomma (standard); intl: komma och punkt")
    p.add_argument("--paths", type=int, default=1000, metavar="N",
                   help="antal simulerade banor per serie (standard 1000)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="slumpfrö; samma frö ger samma prognos (standard 0)")
    p.add_argument("--metod", default=None, metavar="ALIAS",
                   help="en metod för alla serier, t.ex. combo (standard: metod vald per "
                        "serie genom backtest av årsutfallet)")
    add_dataset_arguments(p)
    return p


def _error(message: str) -> None:
    print(f"budgetprognos prognos: {message}", file=sys.stderr)


def _load(args: argparse.Namespace, as_of: str) -> tuple[Dataset, LoadedDataset | None]:
    return load_from_args(args, as_of, load_default)


def prognos_metadata(rf: RegionForecast, ds: Dataset, *, choose: bool,
                     created: datetime | None = None) -> ExportMetadata:
    """Provenance of a forecast export: method summary, paths, seed, input hash, version."""
    how = "standard: backtest av årsutfallet per serie" if choose else "vald metod för alla serier"
    return ExportMetadata(
        as_of=str(rf.as_of),
        input_hash=ds.source_hash,
        source=ds.source,
        method=f"årsprognos per serie ({how}); {method_summary_text(rf)}",
        program_version=__version__,
        created=created or datetime.now(UTC),
        parameters={
            "Banor per serie": str(rf.n_paths),
            "Slumpfrö": str(rf.seed),
            "Metodval": "backtest av årsutfallet per serie" if choose else "nej",
            "Serier": str(rf.n_series),
            "Avstämning": RECONCILIATION,
            "Prognosmånader": f"{rf.months[0]} – {rf.months[-1]}",
            **load_notes(ds),
        },
    )


def run(args: argparse.Namespace) -> int:
    """Run ``prognos``; returns the exit code."""
    out: Path = args.out
    if out.suffix.lower() not in ALLOWED_SUFFIXES:
        _error(f"okänd filändelse {out.suffix or '(ingen)'!r} för --out; "
               f"tillåtna: {', '.join(ALLOWED_SUFFIXES)}")
        return 2
    if args.paths < 10 or args.paths > 100_000:
        _error(f"--paths måste vara mellan 10 och 100 000, fick {args.paths}")
        return 2
    try:
        as_of = parse_month(args.as_of)
    except ValueError as exc:
        _error(str(exc))
        return 2
    try:
        ds, loaded = _load(args, str(as_of))
    except DataArgsError as exc:
        _error(str(exc))
        return 2
    except FileNotFoundError as exc:
        _error(f"kunde inte läsa den inbäddade exempeldatan: {exc}")
        return 1
    except ValidationFailed as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    last = ds.last_outcome
    if pd.isna(last) or as_of > last:
        _error(f"prognosmånaden {as_of} ligger efter sista månaden med utfall ({last}). "
               f"Välj {last} eller en tidigare månad.")
        return 2
    if args.metod is not None:
        from forecast.methods import REGISTRY

        if args.metod not in REGISTRY:
            _error(f"okänd metod {args.metod!r}; kända: {', '.join(sorted(REGISTRY))}")
            return 2
    t0 = time.perf_counter()
    try:
        rf = standard_forecast(ds, as_of, n_paths=args.paths, seed=args.seed,
                               method=args.metod)
        tables = prognos_tables(rf, ds)
    except ValueError as exc:
        _error(str(exc))
        return 2
    try:
        write_tables(tables, prognos_metadata(rf, ds, choose=args.metod is None), out,
                     unit=args.enhet, dialect=args.csv_dialect)
    except OSError as exc:
        _error(f"kunde inte skriva {str(out)!r}: {exc}")
        return 1
    fallbacks = sum(1 for n in rf.notes if n)
    print_load_report(loaded)
    print(f"Prognos per {as_of}: {rf.n_series} serier × {rf.n_paths} banor på "
          f"{time.perf_counter() - t0:.1f} s; {fallbacks} serier med anmärkning; "
          f"{len(tables)} tabeller (belopp i {args.enhet}) skrivna till {out}")
    return 0
