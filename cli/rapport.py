"""``budgetprognos rapport``: the follow-up tables for one month as an Excel or CSV file.

Examples::

    budgetprognos rapport --as-of 2023-04 --out rapport.xlsx
    budgetprognos rapport --data huvudbok.csv --as-of 2023-04 --out rapport.csv --enhet tkr
    budgetprognos rapport --as-of 2023-04 --out rapport.csv --csv-dialect intl

Exit codes: 0 written; 2 bad input (unknown file type, bad month, rejected data file, no
outcome for the month); 1 the embedded data or the output file could not be read/written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.dataset_args import DataArgsError, add_dataset_arguments, load_from_args, print_load_report
from forecast.followup.tables import followup_metadata, followup_tables, parse_month
from forecast.io.dataset_files import LoadedDataset
from forecast.io.export import ALLOWED_SUFFIXES, write_tables
from forecast.io.parsing import ValidationFailed
from forecast.ledger.dataset import Dataset, load_default


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``rapport`` subcommand."""
    p = subparsers.add_parser(
        "rapport",
        help="uppföljningstabeller för en månad (Excel eller CSV)",
        description=("Skriver uppföljningens tabeller per månad: sammanfattning, per division, "
                     "per kostnadsslag, kostnadsutveckling, hyrpersonal, omställningsplan och "
                     "månadsutfall, med metadata om indata och program."),
    )
    p.add_argument("--as-of", required=True, metavar="ÅÅÅÅ-MM",
                   help="månaden rapporten avser, t.ex. 2023-04")
    p.add_argument("--out", required=True, type=Path, metavar="FIL",
                   help=f"utfil; formatet väljs av ändelsen ({', '.join(ALLOWED_SUFFIXES)})")
    p.add_argument("--enhet", choices=("mkr", "tkr"), default="mkr",
                   help="enhet för belopp (standard mkr)")
    p.add_argument("--csv-dialect", choices=("sv", "intl"), default="sv",
                   help="sv: semikolon och decimalkomma (standard); intl: komma och punkt")
    add_dataset_arguments(p)
    return p


def _error(message: str) -> None:
    print(f"budgetprognos rapport: {message}", file=sys.stderr)


def _load(args: argparse.Namespace, as_of: str) -> tuple[Dataset, LoadedDataset | None]:
    return load_from_args(args, as_of, load_default)


def run(args: argparse.Namespace) -> int:
    """Run ``rapport``; returns the exit code."""
    out: Path = args.out
    if out.suffix.lower() not in ALLOWED_SUFFIXES:
        _error(f"okänd filändelse {out.suffix or '(ingen)'!r} för --out; "
               f"tillåtna: {', '.join(ALLOWED_SUFFIXES)}")
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
    try:
        tables = followup_tables(ds, as_of)
    except ValueError as exc:
        _error(str(exc))
        return 2
    try:
        write_tables(tables, followup_metadata(ds, as_of), out, unit=args.enhet,
                     dialect=args.csv_dialect)
    except OSError as exc:
        _error(f"kunde inte skriva {str(out)!r}: {exc}")
        return 1
    print_load_report(loaded)
    print(f"Rapport per {as_of} ({len(tables)} tabeller, belopp i {args.enhet}) "
          f"skriven till {out}")
    return 0
