"""``budgetprognos rapport``: one month's follow-up as tables or as the committee report.

Tables as Excel/CSV; the committee report's economic section as Word/PDF.

Examples::

    budgetprognos rapport --as-of 2023-04 --out rapport.xlsx
    budgetprognos rapport --data huvudbok.csv --as-of 2023-04 --out rapport.csv --enhet tkr
    budgetprognos rapport --as-of 2023-04 --out rapport.zip --csv-dialect intl
    budgetprognos rapport --as-of 2023-04 --out rapport.csv --csv-form lang
    budgetprognos rapport --as-of 2023-04 --out rapport.docx --mall region.docx
    budgetprognos rapport --as-of 2023-04 --out rapport.pdf --scenario kombinerat.yaml

With .docx or .pdf the economic section is written (tables, charts, sentences and the
årsprognos; see :mod:`cli.rapport_doc`).

Exit codes: 0 written; 2 bad input (unknown file type, bad month, rejected data file, no
outcome for the month, bad option or template); 1 the embedded data or the output file could
not be read/written.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from cli import rapport_doc
from cli.common import (
    CliError,
    add_data_argument,
    add_month_argument,
    add_output_arguments,
    as_of_argument,
    load_dataset,
    write_output,
    written,
)
from cli.cycle import add_store_arguments
from forecast.io.formats import ALLOWED_SUFFIXES

SUFFIXES = (*ALLOWED_SUFFIXES, *rapport_doc.DOCUMENT_SUFFIXES)


HELP = "uppföljning för en månad: tabeller (Excel/CSV) eller rapport (Word/PDF)"
DESCRIPTION = ("Skriver uppföljningens tabeller per månad (Excel eller CSV): "
               "sammanfattning, per division, per kostnadsslag, kostnadsutveckling, "
               "hyrpersonal, omställningsplan och månadsutfall, med metadata om indata "
               "och program. Med .docx eller .pdf skrivs nämndrapportens ekonomiavsnitt "
               "med tabeller, diagram, text och årsprognos.")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``rapport`` command's arguments (registered by :mod:`cli.main`)."""
    add_data_argument(p)
    add_month_argument(p, "månaden rapporten avser, t.ex. 2023-04", required=True)
    add_output_arguments(p, out_help=f"utfil; formatet väljs av ändelsen ({', '.join(SUFFIXES)})")
    add_store_arguments(p)
    rapport_doc.add_arguments(p)


def _check_out(out: Path) -> Path:
    if out.suffix.lower() not in SUFFIXES:
        raise CliError(f"okänd filändelse {out.suffix or '(ingen)'!r} för --out; "
                       f"tillåtna: {', '.join(SUFFIXES)}")
    return out


def run(args: argparse.Namespace) -> int:
    """Run ``rapport``; returns the exit code (guarded by ``cli.common.run_guarded``)."""
    out = _check_out(args.out)
    document = out.suffix.lower() in rapport_doc.DOCUMENT_SUFFIXES
    if document:
        rapport_doc.check_options(args)
    as_of = as_of_argument(args.as_of)
    ds = load_dataset(args, as_of)
    from forecast.followup.tables import followup_export
    from forecast.ledger.as_of import check_as_of

    if document:
        try:
            p = check_as_of(ds, as_of)
        except ValueError as exc:
            raise CliError(str(exc)) from None
        print(rapport_doc.write_document(args, ds, p, out))
        return 0
    try:
        tables, meta = followup_export(ds, as_of)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    files = write_output(tables, meta, out, args)
    print(f"Rapport per {as_of} ({len(tables)} tabeller, belopp i {args.enhet}) "
          f"skriven till {written(files)}")
    return 0
