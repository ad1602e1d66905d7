"""The dataset flags every command that reads data takes, and loading the set they name.

``--data FIL`` (repeatable: outcome and budget in one file or several), ``--organisation FIL``,
``--kontoplan FIL``, ``--hyrpersonal-fte FIL``, ``--atgarder FIL`` (with
``--atgardseffekter FIL``), ``--belopp kr|tkr``, ``--tecken rapport|debet`` and
``--hoppa-over-summarader``, ``--luckor-ar-noll``. Without ``--data`` the embedded example
is used, and the other files are refused (they would be mixed into the example). No
arithmetic here: the loading and its checks are :func:`forecast.io.dataset_files.load_dataset`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # the parser is built without pandas; loading imports it (see cli.main)
    from forecast.io.dataset_files import DatasetFiles, LoadedDataset
    from forecast.io.readers import ReadOptions
    from forecast.ledger.dataset import Dataset
    from forecast.ledger.month import Month

SIDE_FILES: Final = {
    "organisation": "--organisation", "kontoplan": "--kontoplan",
    "hyrpersonal_fte": "--hyrpersonal-fte", "atgarder": "--atgarder",
    "atgardseffekter": "--atgardseffekter",
}


class DataArgsError(ValueError):
    """The dataset flags do not fit together or name a missing file (Swedish message)."""


def add_dataset_arguments(p: argparse.ArgumentParser) -> None:
    """Add the dataset flags to a subcommand's parser."""
    g = p.add_argument_group("egen data (utan --data används den inbäddade exempeldatan)")
    g.add_argument("--data", type=Path, action="append", metavar="FIL",
                   help="huvudbok: CSV/TXT/XLSX (t.ex. export från Raindance, Unit4, Visma) "
                        "eller SIE 3/4 (.se, .si); ange flera gånger för utfall och budget i "
                        "egna filer")
    g.add_argument("--organisation", type=Path, metavar="FIL",
                   help="organisationsfil enhet;namn;division (valfritt fler nivåer)")
    g.add_argument("--kontoplan", type=Path, metavar="FIL",
                   help="kontomappning konto_från;konto_till;kostnadsslag (gör en mall med "
                        "'budgetprognos kontoplan')")
    g.add_argument("--hyrpersonal-fte", type=Path, metavar="FIL",
                   help="årsarbetare inhyrd personal: månad;enhet;personalgrupp;åa")
    g.add_argument("--atgarder", type=Path, metavar="FIL",
                   help="omställningsplanens åtgärder: id;namn;enhet;konto;"
                        "planerad_årseffekt_tkr;startmånad;år")
    g.add_argument("--atgardseffekter", type=Path, metavar="FIL",
                   help="rapporterade effekter: åtgärd;månad;effekt_tkr (kräver --atgarder)")
    g.add_argument("--belopp", choices=("kr", "tkr"), default=None,
                   help="beloppens enhet i huvudboken (standard tkr, eller vad kolumnrubriken "
                        "anger; kr delas med 1 000; SIE är alltid kr)")
    g.add_argument("--tecken", choices=("rapport", "debet"), default=None,
                   help="rapport: intäkter +, kostnader − (standard); debet: kostnader +, "
                        "intäkter −, som huvudboken lagrar dem (SIE är alltid debet)")
    g.add_argument("--hoppa-over-summarader", action="store_true",
                   help="hoppa över Summa-/delsummerader (antal och summa redovisas) i "
                        "stället för att avvisa filen")
    g.add_argument("--luckor-ar-noll", action="store_true",
                   help="en månad som saknas inom en serie (enhet, konto, typ) är 0 i stället "
                        "för ett fel (antalet redovisas); en rad med 0 anger det per månad")


def dataset_files(args: argparse.Namespace) -> DatasetFiles | None:
    """The set of files the flags name, or None for the embedded example.

    Raises:
        DataArgsError: A side file without ``--data``, or a file that does not exist.
        ValidationFailed: A file larger than the upload limit.
    """
    from forecast.io.dataset_files import DatasetFiles, InputFile

    data: list[Path] = list(getattr(args, "data", None) or [])
    given = {k: getattr(args, k, None) for k in SIDE_FILES}
    if not data:
        named = [SIDE_FILES[k] for k, v in given.items() if v is not None]
        if named:
            raise DataArgsError(f"{', '.join(named)} kräver --data (egna filer blandas aldrig "
                                "med den inbäddade exempeldatan)")
        return None
    for path in [*data, *(v for v in given.values() if v is not None)]:
        if not Path(path).is_file():
            raise DataArgsError(f"filen {str(path)!r} finns inte")

    def one(key: str) -> InputFile | None:
        v = given[key]
        return None if v is None else InputFile.from_path(v)

    return DatasetFiles(
        ledgers=tuple(InputFile.from_path(p) for p in data), organisation=one("organisation"),
        kontoplan=one("kontoplan"), agency_fte=one("hyrpersonal_fte"),
        measures=one("atgarder"), measure_effects=one("atgardseffekter"))


def read_options(args: argparse.Namespace) -> ReadOptions:
    """The reading options the flags give."""
    from forecast.io.readers import ReadOptions

    return ReadOptions(amount_unit=getattr(args, "belopp", None),
                       sign=getattr(args, "tecken", None),
                       skip_sum_rows=bool(getattr(args, "hoppa_over_summarader", False)),
                       gaps_as_zero=bool(getattr(args, "luckor_ar_noll", False)),
                       sheet=getattr(args, "blad", None))


def load_from_args(args: argparse.Namespace, as_of: Month | None,
                   default: Callable[[], Dataset]) -> tuple[Dataset, LoadedDataset | None]:
    """The dataset the flags name (``default()`` without ``--data``) and its load report.

    Raises:
        DataArgsError: As :func:`dataset_files`.
        ValidationFailed: With every problem of every file.
    """
    from forecast.io.dataset_files import load_dataset

    files = dataset_files(args)
    if files is None:
        return default(), None
    loaded = load_dataset(files, read_options(args), as_of=as_of)
    return loaded.dataset, loaded


def print_load_report(loaded: LoadedDataset | None) -> None:
    """Print what loading did: notes on standard output, warnings on standard error."""
    if loaded is None:
        return
    for line in loaded.report.notes:
        print(f"Indata: {line}")
    for line in loaded.report.warnings:
        print(line, file=sys.stderr)


__all__ = ["DataArgsError", "add_dataset_arguments", "dataset_files", "load_from_args",
           "print_load_report", "read_options"]
