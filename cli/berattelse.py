"""``budgetprognos berattelse``: a month's report narrative as a file, out of and into the store.

Examples::

    budgetprognos berattelse hamta berattelse.yaml --as-of 2023-04          # the latest draft
    budgetprognos berattelse hamta lagd.yaml --as-of 2023-04 --lagd         # frozen when laid
    budgetprognos berattelse spara berattelse.yaml --as-of 2023-04          # a new version

``hamta`` writes the narrative in the file format ``rapport --berattelse`` and ``spara`` read
(YAML), so a user can edit it and load it back. ``spara`` checks the file as the report does
(file, field and row named) and stores it as the next version with the user as author (an
audit row). Exit codes: 0 done; 2 bad input, no narrative, not allowed, or a database fault;
1 the file could not be read or written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cli.common import (
    EXIT_IO,
    CliError,
    add_data_argument,
    add_month_argument,
    as_of_argument,
    load_dataset,
    os_error_text,
    read_narrative_file,
)
from cli.cycle import add_store_arguments, author, dataset_name, require, store

if TYPE_CHECKING:
    from forecast.ledger.dataset import Dataset
    from forecast.ledger.month import Month
    from forecast.report.narrative_store import NarrativeStore

HELP = "rapportens berättelse som fil: hämta ur databasen eller spara i den"
DESCRIPTION = ("Hämta månadens berättelse (sammanfattning, kommentarer per division, åtgärder, "
               "risker och antaganden) till en YAML-fil, eller spara en fil som ny version.")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``berattelse`` command's arguments (registered by :mod:`cli.main`)."""
    p.add_argument("atgard", choices=("hamta", "spara"), metavar="hamta|spara",
                   help="hamta: skriv berättelsen till FIL; spara: läs FIL som ny version")
    p.add_argument("fil", type=Path, metavar="FIL", help="berättelsefilen (YAML eller JSON)")
    add_month_argument(p, "månaden, t.ex. 2023-04", required=True)
    p.add_argument("--lagd", action="store_true",
                   help="hamta: berättelsen som frystes med månadens lagda prognos (den "
                        "fastställda, annars den senaste) i stället för senaste utkastet")
    p.add_argument("--forfattare", metavar="NAMN",
                   help="spara: visningsnamn som författare (se prognos --help)")
    add_data_argument(p)
    add_store_arguments(p)


def run(args: argparse.Namespace) -> int:
    """Run ``berattelse``; returns the exit code (guarded by ``cli.common.run_guarded``)."""
    as_of = as_of_argument(args.as_of)
    if args.atgard == "spara":
        from forecast.access import Action

        require(args, Action.WRITE_NARRATIVE)
        who = author(args)
    ds = load_dataset(args, as_of)
    from forecast.report.narrative import NarrativeError
    from forecast.report.narrative_store import NarrativeStore
    from forecast.store.base import StoreError

    try:
        narratives = NarrativeStore(args.db)
        if args.atgard == "spara":
            return _save(args, narratives, ds, as_of, who)
        return _fetch(args, narratives, ds.source_hash, as_of)
    except (NarrativeError, StoreError) as exc:
        raise CliError(str(exc)) from None


def _save(args: argparse.Namespace, narratives: NarrativeStore, ds: Dataset, as_of: Month,
          who: str) -> int:
    n = read_narrative_file(args.fil, ds.org.divisions)
    saved = narratives.save(n, dataset=dataset_name(args), as_of=as_of, author=who,
                            input_hash=ds.source_hash)
    print(f"Berättelsen för {as_of} sparades som version {saved.version} av {saved.author}.")
    return 0


def _fetch(args: argparse.Namespace, narratives: NarrativeStore, input_hash: str,
           as_of: Month) -> int:
    from forecast.report.narrative import narrative_to_yaml

    dataset = dataset_name(args)
    if args.lagd:
        cur = store(args).current_version(dataset, as_of, input_hash)
        if cur is None:
            raise CliError(f"ingen lagd prognos för {as_of} på dessa data i dataset '{dataset}'")
        n = narratives.for_report(dataset, as_of, input_hash, cur[0])
        what = f"den lagda prognosen version {cur[1]}"
    else:
        n = narratives.latest(dataset, as_of, input_hash)
        what = "utkastet"
    if n is None:
        raise CliError(f"ingen berättelse för {as_of} ({what}) i dataset '{dataset}'")
    try:
        args.fil.write_bytes(narrative_to_yaml(n))
    except OSError as exc:
        raise CliError(f"kunde inte skriva {str(args.fil)!r}: {os_error_text(exc)}",
                       EXIT_IO) from None
    print(f"Berättelsen för {as_of} ({what}: version {n.version} av {n.author}) skriven till "
          f"{args.fil}")
    return 0
