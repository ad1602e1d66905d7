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
import errno
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
    from forecast.access import Policy
    from forecast.io.export import ExportMetadata, ExportTable
    from forecast.ledger.dataset import Dataset
    from forecast.ledger.month import Month
    from forecast.report.narrative import Narrative

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


OUTPUT_DESTS = ("out", "cases_out", "per_case")
"""The flags that name files a command writes; every other path flag is read."""


def _flag(dest: str) -> str:
    return "FIL" if dest == "file" else "--" + dest.replace("_", "-")


def _same(a: Path, b: Path) -> bool:
    try:
        if a.exists() and b.exists():
            return os.path.samefile(a, b)
        return a.resolve() == b.resolve()
    except OSError:
        return False


def check_not_overwriting(args: argparse.Namespace) -> None:
    """Refuse a command whose output file is one of its own input files (resolved paths).

    Raises:
        CliError: naming both flags and the file.
    """
    inputs: list[tuple[str, Path]] = []
    for dest, value in vars(args).items():
        if dest in OUTPUT_DESTS:
            continue
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, Path):
                inputs.append((dest, v))
    for out_dest in OUTPUT_DESTS:
        out = getattr(args, out_dest, None)
        if not isinstance(out, Path):
            continue
        for dest, path in inputs:
            if _same(out, path):
                raise CliError(f"{_flag(out_dest)} {str(out)!r} är samma fil som indatafilen "
                               f"{_flag(dest)} {str(path)!r}; välj ett annat namn för utfilen "
                               "(indata skrivs aldrig över)")


SEED_DESTS = ("seed", "split_seed")


def check_seeds(args: argparse.Namespace) -> None:
    """Every seed flag a command has (``--seed``, ``--split-seed``) in ``0..MAX_SEED``.

    Raises:
        CliError: naming the flag, the range and the value.
    """
    from forecast.io.limits import MAX_SEED

    for dest in SEED_DESTS:
        value = getattr(args, dest, None)
        if isinstance(value, int):
            check_range(_flag(dest), value, 0, MAX_SEED)


def guarded(command: str, fn: Callable[[argparse.Namespace], int],
            args: argparse.Namespace) -> int:
    """Run ``fn(args)``; a :class:`CliError` becomes its message on stderr and its code.

    An output file that is one of the command's inputs is refused before anything runs.
    """
    try:
        check_not_overwriting(args)
        check_seeds(args)
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


OS_ERRORS: dict[int, str] = {
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.EACCES: "behörighet saknas",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.ENOENT: "filen eller katalogen finns inte",
    errno.ENOTDIR: "en del av sökvägen är ingen katalog",
    errno.EISDIR: "sökvägen är en katalog",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.EIO: "in/ut-fel på disken",
    errno.ENAMETOOLONG: "filnamnet är för långt",
    errno.EMFILE: "för många öppna filer",
    errno.EEXIST: "filen finns redan",
    errno.EFBIG: "filen blir för stor för filsystemet",
}
"""OS error numbers → what they mean, in Swedish."""


def os_error_text(exc: OSError) -> str:
    """An OS error in Swedish: ``disken är full``; unknown numbers keep their code."""
    if exc.errno in OS_ERRORS:
        return OS_ERRORS[exc.errno]
    return f"operativsystemet svarade med felkod {exc.errno}" if exc.errno else "in/ut-fel"


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
    except Exception as exc:  # the last guard before the user's terminal
        if os.environ.get(RAISE_ENV):
            raise
        if isinstance(exc, OSError):
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            error(command, f"in/ut-fel{where}: {os_error_text(exc)}")
            return EXIT_IO
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


def add_month_argument(p: argparse.ArgumentParser, help_text: str, *, flag: str = "--as-of",
                       required: bool = False) -> None:
    """A month flag: ``--as-of ÅÅÅÅ-MM``, or the one ``flag`` names.

    The command reads it with :func:`as_of_argument` when it runs, so a bad month gets the
    month parser's message and exit code 2.
    """
    p.add_argument(flag, required=required, metavar="ÅÅÅÅ-MM", help=help_text)


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

    if getattr(args, "dataset", None):
        return _stored_dataset(args)
    try:
        ds, loaded = load_from_args(args, as_of, load_default)
    except DataArgsError as exc:
        raise CliError(str(exc)) from None
    except FileNotFoundError as exc:
        raise CliError(f"kunde inte läsa den inbäddade exempeldatan: {exc}", EXIT_IO) from None
    except ValidationFailed as exc:
        raise CliError(exc.report(), plain=True) from None
    print_load_report(loaded)
    return ds


def policy(args: argparse.Namespace) -> Policy:
    """Who runs the command (the operating-system user) under the roles file; kept on ``args``.

    Never a flag: ``--forfattare`` is only a display name (:func:`author`).
    """
    cached = getattr(args, "_policy", None)
    if cached is not None:
        return cached
    from forecast.access import AccessDenied, os_identity
    from forecast.access import policy as make
    from forecast.cycle.roles import RolesError

    try:
        pol = make(os_identity())
    except (AccessDenied, RolesError) as exc:
        raise CliError(str(exc)) from None
    args._policy = pol
    return pol


def _stored_dataset(args: argparse.Namespace) -> Dataset:
    """The stored dataset of ``--dataset ID``, if the user may see it (never with ``--data``)."""
    from forecast import datasets as DS

    if getattr(args, "data", None):
        raise CliError("--dataset och --data kan inte anges samtidigt (välj en sparad "
                       "datamängd eller egna filer)")
    try:
        return DS.load(str(args.dataset).strip(), policy(args)).dataset
    except DS.StoreError as exc:
        raise CliError(f"--dataset: {exc}") from None


def read_narrative_file(path: Path, divisions: Sequence[str]) -> Narrative:
    """The report narrative in the file ``path`` (YAML or JSON), checked for ``divisions``.

    Raises:
        CliError: a file over the size limit or content that cannot be used (the file, field
            and row named; exit 2), or a file that cannot be read (exit 1).
    """
    from forecast.report.narrative import MAX_FILE_BYTES, NarrativeError, load_narrative_bytes

    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CliError(f"{path.name}: filen är {size // 1024} kB; högst "
                           f"{MAX_FILE_BYTES // 1024} kB tillåts.")
        data = path.read_bytes()
    except OSError as exc:
        raise CliError(f"kunde inte läsa {str(path)!r}: {os_error_text(exc)}", EXIT_IO) from None
    try:
        return load_narrative_bytes(data, path.name, divisions)
    except NarrativeError as exc:
        raise CliError(str(exc)) from None


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
        raise CliError(f"kunde inte skriva {str(out)!r}: {os_error_text(exc)}", EXIT_IO) from None

