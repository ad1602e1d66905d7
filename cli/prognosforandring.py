"""``budgetprognos prognosforandring``: the change of the årsprognos since the previous one.

Examples::

    budgetprognos prognosforandring --as-of 2023-04 --out forandring.xlsx
    budgetprognos prognosforandring --as-of 2023-04 --mot 2023-03 --out forandring.csv

Reads only the store: the laid forecast of ``--as-of`` (the locked version, else the latest)
and that of ``--mot`` (default: the latest laid month before it in the same year). The change
of the year-end deviation from budget is decomposed exactly (:mod:`forecast.cycle.change`).

Exit codes: 0 written; 2 bad input (month, no such laid forecast, different years) or a
database fault; 1 the output file could not be written.
"""

from __future__ import annotations

import argparse
import time

from cli.common import (
    CliError,
    add_month_argument,
    add_output_arguments,
    as_of_argument,
    check_out,
    write_output,
    written,
)
from cli.cycle import add_store_arguments, dataset_name, store

HELP = "prognosförändring mot föregående lagda prognos, med orsaker"
DESCRIPTION = ("Förändringen av årsprognosen (avvikelse mot budget) från föregående "
               "lagda prognos, uppdelad i utfall mot förväntat, ny bedömning av återstående "
               "månader, justeringar och scenarioantaganden, per division och kostnadsslag.")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``prognosforandring`` command's arguments (registered by :mod:`cli.main`)."""
    add_month_argument(p, "den nya prognosens månad", required=True)
    add_month_argument(p, "föregående prognos (standard: senaste lagda månaden före --as-of)",
                       flag="--mot")
    add_output_arguments(p)
    add_store_arguments(p)


def run(args: argparse.Namespace) -> int:
    """Run ``prognosforandring``; returns the exit code (guarded by ``cli.common.run_guarded``)."""
    out = check_out(args.out)
    as_of = as_of_argument(args.as_of)
    from forecast.cycle.change import ChangeError, decompose, sentence
    from forecast.cycle.laid import LaidError
    from forecast.cycle.tables import change_metadata, change_tables

    t0 = time.perf_counter()
    st = store(args)
    dataset = dataset_name(args)
    if args.mot is not None:
        mot = as_of_argument(args.mot)
    else:
        before = [m for m in st.laid_months(dataset) if m.year == as_of.year and m < as_of]
        if not before:
            raise CliError(f"ingen lagd prognos före {as_of} samma år i dataset '{dataset}'; "
                           "lägg en först eller ange --mot")
        mot = before[-1]
    try:
        fc = decompose(st.load(dataset, mot), st.load(dataset, as_of))
    except (LaidError, ChangeError) as exc:
        raise CliError(str(exc)) from None
    files = write_output(change_tables(fc), change_metadata(fc), out, args)
    print(sentence(fc))
    print(f"Prognosförändring {mot} → {as_of} på {time.perf_counter() - t0:.2f} s skriven "
          f"till {written(files)}")
    return 0
