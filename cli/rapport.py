"""``budgetprognos rapport``: the follow-up tables for one month as an Excel or CSV file.

Examples::

    budgetprognos rapport --as-of 2023-04 --out rapport.xlsx
    budgetprognos rapport --data huvudbok.csv --as-of 2023-04 --out rapport.csv --enhet tkr
    budgetprognos rapport --as-of 2023-04 --out rapport.csv --csv-dialect intl
    budgetprognos rapport --as-of 2023-04 --out rapport.docx --mall region.docx
    budgetprognos rapport --as-of 2023-04 --out rapport.pdf --scenario kombinerat.yaml

With .docx or .pdf the economic section of the committee report is written (tables, charts,
sentences; see :mod:`cli.rapport_doc`).

Exit codes: 0 written; 2 bad input (unknown file type, bad month, rejected data file, no
outcome for the month); 1 the embedded data or the output file could not be read/written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli import rapport_doc
from forecast.followup.tables import (
    check_as_of,
    followup_metadata,
    followup_tables,
    parse_month,
)
from forecast.io.export import ALLOWED_SUFFIXES, write_tables
from forecast.io.importer import ValidationFailed, load_user_data
from forecast.ledger.dataset import Dataset, load_default


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``rapport`` subcommand."""
    p = subparsers.add_parser(
        "rapport",
        help="uppföljning för en månad: tabeller (Excel/CSV) eller rapport (Word/PDF)",
        description=("Skriver uppföljningens tabeller per månad (Excel eller CSV): "
                     "sammanfattning, per division, per kostnadsslag, kostnadsutveckling, "
                     "hyrpersonal, omställningsplan och månadsutfall, med metadata om indata "
                     "och program. Med .docx eller .pdf skrivs nämndrapportens ekonomiavsnitt "
                     "med tabeller, diagram, text och årsprognos."),
    )
    p.add_argument("--data", type=Path, metavar="FIL",
                   help="egen huvudbok (CSV/TXT/XLSX); utan den används den inbäddade "
                        "exempeldatan")
    p.add_argument("--as-of", required=True, metavar="ÅÅÅÅ-MM",
                   help="månaden rapporten avser, t.ex. 2023-04")
    p.add_argument("--out", required=True, type=Path, metavar="FIL",
                   help=f"utfil; formatet väljs av ändelsen ({', '.join(SUFFIXES)})")
    p.add_argument("--enhet", choices=("mkr", "tkr"), default="mkr",
                   help="enhet för belopp (standard mkr)")
    p.add_argument("--csv-dialect", choices=("sv", "intl"), default="sv",
                   help="sv: semikolon och decimalkomma (standard); intl: komma och punkt")
    rapport_doc.add_arguments(p)
    return p


SUFFIXES = (*ALLOWED_SUFFIXES, *rapport_doc.DOCUMENT_SUFFIXES)


def _error(message: str) -> None:
    print(f"budgetprognos rapport: {message}", file=sys.stderr)


def _load(data: Path | None, as_of: str) -> Dataset:
    base = load_default()
    if data is None:
        return base
    return load_user_data(data, data.name, base=base, as_of=as_of)


def run(args: argparse.Namespace) -> int:
    """Run ``rapport``; returns the exit code."""
    out: Path = args.out
    if out.suffix.lower() not in SUFFIXES:
        _error(f"okänd filändelse {out.suffix or '(ingen)'!r} för --out; "
               f"tillåtna: {', '.join(SUFFIXES)}")
        return 2
    document = out.suffix.lower() in rapport_doc.DOCUMENT_SUFFIXES
    problem = rapport_doc.check_options(args) if document else None
    if problem:
        _error(problem)
        return 2
    try:
        as_of = parse_month(args.as_of)
    except ValueError as exc:
        _error(str(exc))
        return 2
    if args.data is not None and not args.data.is_file():
        _error(f"filen {str(args.data)!r} finns inte")
        return 2
    try:
        ds = _load(args.data, str(as_of))
    except FileNotFoundError as exc:
        _error(f"kunde inte läsa den inbäddade exempeldatan: {exc}")
        return 1
    except ValidationFailed as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    if document:
        try:
            as_of = check_as_of(ds, as_of)
        except ValueError as exc:
            _error(str(exc))
            return 2
        return rapport_doc.run_document(args, ds, as_of)
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
    print(f"Rapport per {as_of} ({len(tables)} tabeller, belopp i {args.enhet}) "
          f"skriven till {out}")
    return 0
