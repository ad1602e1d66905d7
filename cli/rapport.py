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

from cli.common import (
    CliError,
    add_data_argument,
    add_output_arguments,
    as_of_argument,
    check_out,
    guarded,
    load_dataset,
    write_output,
)
from forecast.followup.tables import followup_metadata, followup_tables


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``rapport`` subcommand."""
    p = subparsers.add_parser(
        "rapport",
        help="uppföljningstabeller för en månad (Excel eller CSV)",
        description=("Skriver uppföljningens tabeller per månad: sammanfattning, per division, "
                     "per kostnadsslag, kostnadsutveckling, hyrpersonal, omställningsplan och "
                     "månadsutfall, med metadata om indata och program."),
    )
    add_data_argument(p)
    p.add_argument("--as-of", required=True, metavar="ÅÅÅÅ-MM",
                   help="månaden rapporten avser, t.ex. 2023-04")
    add_output_arguments(p)
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``rapport``; returns the exit code."""
    return guarded("rapport", _run, args)


def _run(args: argparse.Namespace) -> int:
    out = check_out(args.out)
    as_of = as_of_argument(args.as_of)
    ds = load_dataset(args.data, as_of, args.blad)
    try:
        tables = followup_tables(ds, as_of)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    write_output(tables, followup_metadata(ds, as_of), out, args)
    print(f"Rapport per {as_of} ({len(tables)} tabeller, belopp i {args.enhet}) "
          f"skriven till {out}")
    return 0
