"""The one prelude every ``budgetprognos`` command shares.

A command's ``run`` checks and loads with these helpers, which raise :class:`CliError`
with a Swedish message and an exit code; :func:`guarded` turns that into the message on
stderr and the code, so no user ever sees a traceback for bad input.

Exit codes (:data:`EXIT_OK`, :data:`EXIT_IO`, :data:`EXIT_INPUT`): 0 done; 1 the embedded
data or an output file could not be read/written; 2 bad input (unknown file type, bad month,
rejected data file, bad option) or a database fault (one line with the masked URL).

Importing this module (and building any command's parser) loads nothing heavy: pandas, the
export and the data model are imported by the helpers that use them, when a command runs.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cli.dataset_args import (
    DataArgsError,
    add_dataset_arguments,
    load_from_args,
    print_load_report,
)
from forecast.io.formats import ALLOWED_SUFFIXES, CSV_FORMS
from forecast.io.limits import LimitExceeded, fmt_int
from forecast.store.base import StoreError

if TYPE_CHECKING:
    from forecast.io.export import ExportMetadata, ExportTable
    from forecast.ledger.dataset import Dataset
    from forecast.ledger.month import Month

EXIT_OK = 0
EXIT_IO = 1
EXIT_INPUT = 2
EXIT_INTERRUPTED = 130
RAISE_ENV = "BUDGETPROGNOS_RAISE"
"""Set (to anything non-empty) to let unexpected errors propagate, as the test suite does."""


class CliError(Exception):
    """A failure to report to the user: a message (Swedish) and the exit code.

    Args:
        message: what went wrong and what is allowed.
        code: the exit code (:data:`EXIT_INPUT` or :data:`EXIT_IO`).
        plain: print ``message`` as it is (a multi-line problem report), without the
            ``budgetprognos <command>:`` prefix.
    """

    def __init__(self, message: str, code: int = EXIT_INPUT, *, plain: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.plain = plain


def error(command: str, message: str) -> None:
    """Print ``budgetprognos <command>: <message>`` on stderr."""
    print(f"budgetprognos {command}: {message}", file=sys.stderr)


def guarded(command: str, fn: Callable[[argparse.Namespace], int],
            args: argparse.Namespace) -> int:
    """Run ``fn(args)``; a :class:`CliError` becomes its message on stderr and its code."""
    try:
        return fn(args)
    except CliError as exc:
        if exc.plain:
            print(exc.message, file=sys.stderr)
        else:
            error(command, exc.message)
        return exc.code
    except StoreError as exc:
        error(command, str(exc))
        return EXIT_INPUT
    except LimitExceeded as exc:  # a size above its limit, found below the CLI
        error(command, str(exc))
        return EXIT_INPUT
    except ConnectionError as exc:  # the Dask cluster named by --kluster cannot be reached
        error(command, str(exc))
        return EXIT_IO


def _one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_guarded(command: str, fn: Callable[[argparse.Namespace], int | None],
                args: argparse.Namespace) -> int:
    """The last guard before the user's terminal: no traceback ever reaches a CLI user.

    A :class:`CliError` or a size above a limit ends as in :func:`guarded`. Any other
    unexpected error becomes one Swedish line naming the error type, and exit code 2 — unless
    the environment variable ``BUDGETPROGNOS_RAISE`` is set (the test suite sets it), so a
    bug is never passed off as a handled exit code there. Ctrl-C ends with exit code 130.
    """
    try:
        return guarded(command, lambda a: int(fn(a) or 0), args)
    except KeyboardInterrupt:
        error(command, "avbrutet")
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - the last guard before the user's terminal
        if os.environ.get(RAISE_ENV):
            raise
        kind = ("minnet räckte inte" if isinstance(exc, MemoryError)
                else f"oväntat fel ({type(exc).__name__}: {_one_line(exc)})")
        error(command, f"{kind}. Kontrollera indata, eller rapportera felet med kommandot "
              "och indatafilen.")
        return EXIT_INPUT


# --------------------------------------------------------------------------- arguments


def cluster_argument(text: str) -> str:
    """``--kluster``: a Dask scheduler address or ``lokalt`` (checked before any work)."""
    from forecast.parallel import check_address

    try:
        return check_address(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_cluster_argument(p: argparse.ArgumentParser) -> None:
    """``--kluster ADRESS``: run the per-series work on a Dask cluster (forecast.parallel)."""
    p.add_argument("--kluster", type=cluster_argument, default=None, metavar="ADRESS",
                   help="kör prognosen per serie på ett Dask-kluster: schemaläggarens adress "
                        "(t.ex. tcp://planering-01:8786) eller 'lokalt' för ett lokalt kluster "
                        "med två arbetare; samma siffror som utan kluster (standard: miljö"
                        "variabeln BUDGETPROGNOS_KLUSTER, annars denna dator)")


def add_data_argument(p: argparse.ArgumentParser) -> None:
    """The dataset flags (``--data FIL`` repeatable, ``--organisation``, ``--kontoplan``, …).

    See :mod:`cli.dataset_args`; without ``--data`` the embedded example is used.
    """
    add_dataset_arguments(p)
    add_sheet_argument(p)


def add_sheet_argument(p: argparse.ArgumentParser) -> None:
    """``--blad NAMN``: the XLSX sheet to read (else the sheet rule of the importer)."""
    p.add_argument("--blad", metavar="NAMN", default=None,
                   help="bladet i en XLSX-fil som läses; utan det ett blad som heter Ledger "
                        "eller Huvudbok, annars det första bladet")


def add_output_arguments(p: argparse.ArgumentParser, *, out_help: str | None = None,
                         required: bool = True) -> None:
    """``--out FIL``, ``--enhet mkr|tkr``, ``--csv-dialect sv|intl`` and ``--csv-form``."""
    p.add_argument("--out", required=required, type=Path, metavar="FIL",
                   help=out_help or
                   f"utfil; formatet väljs av ändelsen ({', '.join(ALLOWED_SUFFIXES)})")
    p.add_argument("--enhet", choices=("mkr", "tkr"), default="mkr",
                   help="enhet för belopp (standard mkr)")
    p.add_argument("--csv-dialect", choices=("sv", "intl"), default="sv",
                   help="sv: semikolon och decimalkomma (standard); intl: komma och punkt")
    p.add_argument("--csv-form", choices=CSV_FORMS, default="tabell",
                   help="tabell (standard): varje tabell som i arbetsboken, en fil per tabell "
                        "(FIL_<tabell>.csv, eller alla i en .zip); lang: en rad per cell, "
                        "alla tabeller i en fil")


# --------------------------------------------------------------------------- checks


def check_out(out: Path) -> Path:
    """The output path if its suffix names a format we write.

    Raises:
        CliError: unknown suffix (lists the allowed ones).
    """
    if out.suffix.lower() not in ALLOWED_SUFFIXES:
        raise CliError(f"okänd filändelse {out.suffix or '(ingen)'!r} för --out; "
                       f"tillåtna: {', '.join(ALLOWED_SUFFIXES)}")
    return out


def as_of_argument(text: str) -> Month:
    """The ``--as-of`` month (``ÅÅÅÅ-MM``).

    Raises:
        CliError: not a month written ``ÅÅÅÅ-MM``.
    """
    from forecast.ledger.month import parse_as_of

    try:
        return parse_as_of(text)
    except ValueError as exc:
        raise CliError(str(exc)) from None


def check_range(name: str, value: int, low: int, high: int) -> int:
    """``value`` if ``low <= value <= high``; a size flag is bounded before any work.

    Raises:
        CliError: outside the range (names the flag and the range).
    """
    if value < low or value > high:
        raise CliError(f"{name} måste vara mellan {fmt_int(low)} och {fmt_int(high)}, fick "
                       f"{fmt_int(value)}")
    return value


def load_default() -> Dataset:
    """The embedded example region (:func:`forecast.ledger.dataset.load_default`)."""
    from forecast.ledger.dataset import load_default as load

    return load()


def load_dataset(args: argparse.Namespace, as_of: Month | None) -> Dataset:
    """The embedded example, or the user's set of files checked (as of ``as_of`` if given).

    What loading did (kr → tkr, title rows, dropped sum rows) is printed, warnings on stderr.
    ``--blad`` names the XLSX sheet of the ledger files; without it the importer's sheet rule.

    Raises:
        CliError: a file does not exist, the flags do not fit together, or the set is rejected
            (exit 2, the full problem list), or the embedded example cannot be read (exit 1).
    """
    from forecast.io.parsing import ValidationFailed

    try:
        ds, loaded = load_from_args(args, None if as_of is None else str(as_of), load_default)
    except DataArgsError as exc:
        raise CliError(str(exc)) from None
    except FileNotFoundError as exc:
        raise CliError(f"kunde inte läsa den inbäddade exempeldatan: {exc}", EXIT_IO) from None
    except ValidationFailed as exc:
        raise CliError(exc.report(), plain=True) from None
    print_load_report(loaded)
    return ds


def written(files: Sequence[Path]) -> str:
    """The files written, for the closing message ("a.csv" or "3 filer: a.csv, b.csv, …")."""
    if len(files) == 1:
        return str(files[0])
    return f"{len(files)} filer: " + ", ".join(str(f) for f in files)


def write_output(tables: Sequence[ExportTable], meta: ExportMetadata, out: Path,
                 args: argparse.Namespace) -> list[Path]:
    """Write the tables in the format of ``out``'s suffix, unit, CSV dialect and form.

    Returns:
        The files written (several for a CSV in table form with several tables).

    Raises:
        CliError: the file could not be written (exit 1).
    """
    from forecast.io.export import write_tables

    try:
        return write_tables(list(tables), meta, out, unit=args.enhet,
                            dialect=args.csv_dialect, form=getattr(args, "csv_form", "tabell"))
    except OSError as exc:
        raise CliError(f"kunde inte skriva {str(out)!r}: {exc}", EXIT_IO) from None

