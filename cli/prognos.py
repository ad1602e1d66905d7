"""``budgetprognos prognos``: the årsprognos tables for one as-of month (Excel or CSV).

Examples::

    budgetprognos prognos --as-of 2023-04 --out prognos.xlsx
    budgetprognos prognos --data huvudbok.csv --as-of 2023-04 --out prognos.csv --enhet tkr
    budgetprognos prognos --as-of 2022-08 --out prognos.xlsx --choose --paths 2000 --seed 1

Exit codes: 0 written; 2 bad input (unknown file type, bad month, rejected data file, month
after the last outcome); 1 the embedded data or the output file could not be read/written.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from cli.common import (
    CliError,
    add_data_argument,
    add_output_arguments,
    as_of_argument,
    check_out,
    check_range,
    guarded,
    load_dataset,
    write_output,
)
from forecast.engine.region import standard_forecast
from forecast.engine.tables import prognos_export
from forecast.io.limits import MAX_PATHS, MAX_SEED, MIN_PATHS
from forecast.methods import REGISTRY


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``prognos`` subcommand."""
    p = subparsers.add_parser(
        "prognos",
        help="årsprognos med osäkerhetsintervall per enhet, division och kostnadsslag",
        description=("Skriver årsprognosens tabeller: per enhet och kostnadsslag, per division, "
                     "per kostnadsslag, region totalt (med planåren), hyrpersonal, "
                     "omställningsplan och metoder per serie, med metadata."),
    )
    add_data_argument(p)
    p.add_argument("--as-of", required=True, metavar="ÅÅÅÅ-MM",
                   help="sista månaden med utfall som prognosen bygger på, t.ex. 2023-04")
    add_output_arguments(p)
    p.add_argument("--paths", type=int, default=1000, metavar="N",
                   help="antal simulerade banor per serie (standard 1000)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="slumpfrö; samma frö ger samma prognos (standard 0)")
    p.add_argument("--metod", default=None, metavar="ALIAS",
                   help="en metod för alla serier, t.ex. combo (standard: metod vald per "
                        "serie genom backtest av årsutfallet)")
    return p


def run(args: argparse.Namespace) -> int:
    """Run ``prognos``; returns the exit code."""
    return guarded("prognos", _run, args)


def _run(args: argparse.Namespace) -> int:
    out = check_out(args.out)
    check_range("--paths", args.paths, MIN_PATHS, MAX_PATHS)
    check_range("--seed", args.seed, 0, MAX_SEED)
    as_of = as_of_argument(args.as_of)
    ds = load_dataset(args.data, as_of, args.blad)
    last = ds.last_outcome
    if pd.isna(last) or as_of > last:
        raise CliError(f"prognosmånaden {as_of} ligger efter sista månaden med utfall ({last}). "
                       f"Välj {last} eller en tidigare månad.")
    if args.metod is not None and args.metod not in REGISTRY:
        raise CliError(f"okänd metod {args.metod!r}; kända: {', '.join(sorted(REGISTRY))}")
    t0 = time.perf_counter()
    try:
        rf = standard_forecast(ds, as_of, n_paths=args.paths, seed=args.seed,
                               method=args.metod)
        tables, meta = prognos_export(rf, ds, choose=args.metod is None)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    write_output(tables, meta, out, args)
    fallbacks = sum(1 for n in rf.notes if n)
    print(f"Prognos per {as_of}: {rf.n_series} serier × {rf.n_paths} banor på "
          f"{time.perf_counter() - t0:.1f} s; {fallbacks} serier med anmärkning; "
          f"{len(tables)} tabeller (belopp i {args.enhet}) skrivna till {out}")
    return 0
