"""``budgetprognos kontoplan``: a kontoplan template listing every account of the ledger.

Examples::

    budgetprognos kontoplan --data huvudbok.csv --out mall.csv
    budgetprognos kontoplan --data utfall.se --data budget.csv --belopp kr --out mall.csv
    budgetprognos kontoplan --data huvudbok.csv --kontoplan min_plan.csv --out mall.csv

The template has one row per account found (``konto_från``), its text (Kontotext, SIE
``#KONTO``), its outcome and budget totals in tkr and the number of rows; ``kostnadsslag`` is
filled where the account already is a category name or the given kontoplan maps it, and left
empty for the user to fill in. Filled in, it is read back with ``--kontoplan``.

Exit codes: 0 written; 2 bad input (missing or rejected file); 1 the output could not be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.dataset_args import DataArgsError, add_dataset_arguments, dataset_files, read_options

HELP = "mall för kontomappningen: alla konton i huvudboken med text och summa"
DESCRIPTION = ("Skriver en kontoplansmall (konto_från;konto_till;kostnadsslag;kontotext;"
               "utfall_tkr;budget_tkr;rader) med varje konto som finns i huvudboken. "
               "Fyll i kostnadsslag och läs in den med --kontoplan.")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``kontoplan`` command's arguments (registered by :mod:`cli.main`)."""
    p.add_argument("--out", required=True, type=Path, metavar="FIL", help="mallen (.csv)")
    add_dataset_arguments(p)


def _error(message: str) -> None:
    print(f"budgetprognos kontoplan: {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """Run ``kontoplan``; returns the exit code."""
    if args.out.suffix.lower() != ".csv":
        _error(f"okänd filändelse {args.out.suffix or '(ingen)'!r} för --out; tillåten: .csv")
        return 2
    from forecast.io.kontoplan import read_kontoplan, template, write_template
    from forecast.io.parsing import ValidationFailed
    from forecast.io.readers import read_ledger_source
    from forecast.io.readers.base import empty_raw
    from forecast.ledger.dimensions import AccountHierarchy

    try:
        files = dataset_files(args)
        if files is None:
            raise DataArgsError("ange huvudboken med --data FIL")
        options = read_options(args)
        accounts = AccountHierarchy()
        reads = [read_ledger_source(f.data, f.name, options) for f in files.ledgers]
        problems = [p for r in reads for p in r.problems]
        if problems:
            raise ValidationFailed(problems, sum(r.total_problems for r in reads))
        mapping = (read_kontoplan(files.kontoplan.data, files.kontoplan.name, accounts)
                   if files.kontoplan is not None else None)
    except DataArgsError as exc:
        _error(str(exc))
        return 2
    except ValidationFailed as exc:
        print(exc.report(), file=sys.stderr)
        return 2
    import pandas as pd

    raw = pd.concat([r.frame for r in reads], ignore_index=True) if reads else empty_raw()
    texts = {k: v for r in reads for k, v in r.account_texts.items()}
    frame = template(raw, texts, accounts, mapping)
    try:
        write_template(frame, args.out)
    except OSError as exc:
        _error(f"kunde inte skriva {str(args.out)!r}: {exc}")
        return 1
    empty = int((frame["kostnadsslag"] == "").sum())
    print(f"Kontoplansmall med {len(frame)} konton ({empty} utan kostnadsslag att fylla i) "
          f"skriven till {args.out}")
    return 0
