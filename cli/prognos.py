"""``budgetprognos prognos``: the årsprognos tables for one as-of month (Excel or CSV).

Examples::

    budgetprognos prognos --as-of 2023-04 --out prognos.xlsx
    budgetprognos prognos --as-of 2023-04 --justeringar just.csv --lagg --kommentar "April"
    budgetprognos prognos lista
    budgetprognos prognos faststall --as-of 2023-04 [--version 2]
    budgetprognos prognos --as-of 2023-08 --scenario dygnsvila.yaml --lagg --kommentar "…"
    budgetprognos prognos --data huvudbok.csv --as-of 2023-04 --out prognos.csv --enhet tkr
    budgetprognos prognos --as-of 2022-08 --out prognos.xlsx --choose --paths 2000 --seed 1

``--lagg`` stores the month's forecast (with its adjustments) in the store as a new version
(:mod:`forecast.cycle.laid`); ``lista`` lists the laid versions; ``faststall`` locks one.

Exit codes: 0 written; 2 bad input (unknown file type, bad month, rejected data or adjustment
file, month after the last outcome, no permission) or a database fault; 1 the embedded data or
the output file could not be read/written.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from typing import Any

from cli.common import (
    CliError,
    add_data_argument,
    add_month_argument,
    add_output_arguments,
    as_of_argument,
    check_out,
    check_range,
    load_dataset,
    write_output,
    written,
)
from cli.cycle import (
    add_cycle_arguments,
    adopt_scenario,
    check_lay_arguments,
    check_scenario,
    draft,
    lay,
    list_laid,
    lock_laid,
    progress_line,
    read_adjustment_file,
    record_of,
    spec_of,
    stat_store,
    with_adjustments,
)
from forecast.cycle.defaults import DEFAULT_PATHS, DEFAULT_SEED
from forecast.io.limits import MAX_PATH_CELLS, MAX_PATHS, MAX_SEED, MIN_PATHS, fmt_int

HELP = "årsprognos med osäkerhetsintervall per enhet, division och kostnadsslag"
DESCRIPTION = ("Skriver årsprognosens tabeller: per enhet och kostnadsslag, per division, "
               "per kostnadsslag, region totalt (med planåren), hyrpersonal, "
               "omställningsplan och metoder per serie, med metadata.")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``prognos`` command's arguments (registered by :mod:`cli.main`)."""
    p.add_argument("atgard", nargs="?", choices=("lista", "faststall"), metavar="ÅTGÄRD",
                   help="lista: visa lagda prognoser; faststall: fastställ en lagd prognos")
    add_data_argument(p)
    add_month_argument(p, "sista månaden med utfall som prognosen bygger på, t.ex. 2023-04")
    add_output_arguments(p, required=False)
    add_cycle_arguments(p)
    p.add_argument("--paths", type=int, default=DEFAULT_PATHS, metavar="N",
                   help=f"antal simulerade banor per serie, {fmt_int(MIN_PATHS)}–"
                        f"{fmt_int(MAX_PATHS)} (standard 1000; prövas innan data läses); "
                        f"serier × banor × månader får vara högst {fmt_int(MAX_PATH_CELLS)}")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, metavar="S",
                   help="slumpfrö; samma frö ger samma prognos (standard 0)")
    p.add_argument("--metod", default=None, metavar="ALIAS",
                   help="en metod för alla serier, t.ex. combo (standard: metod vald per "
                        "serie genom backtest av årsutfallet)")


def run(args: argparse.Namespace) -> int:
    """Run ``prognos``; returns the exit code."""
    if args.atgard == "lista":
        return list_laid(args)
    if args.atgard == "faststall":
        return lock_laid(args)
    return _run(args)


def _run(args: argparse.Namespace) -> int:
    if args.as_of is None:
        raise CliError("--as-of ÅÅÅÅ-MM krävs")
    if args.out is None and not args.lagg:
        raise CliError("ange --out FIL, --lagg eller båda")
    out = check_out(args.out) if args.out is not None else None
    check_range("--paths", args.paths, MIN_PATHS, MAX_PATHS)
    check_range("--seed", args.seed, 0, MAX_SEED)
    as_of = as_of_argument(args.as_of)
    check_lay_arguments(args)
    from forecast.methods import REGISTRY

    if args.metod is not None and args.metod not in REGISTRY:
        raise CliError(f"okänd metod {args.metod!r}; kända: {', '.join(sorted(REGISTRY))}")
    adjustments = read_adjustment_file(args)
    ds = load_dataset(args, as_of)
    scenario = check_scenario(args, ds)
    import pandas as pd

    last = ds.last_outcome
    if pd.isna(last) or as_of > last:
        raise CliError(f"prognosmånaden {as_of} ligger efter sista månaden med utfall ({last}). "
                       f"Välj {last} eller en tidigare månad.")
    if not adjustments and scenario is None and not args.lagg:
        return _record(args, ds, as_of, out)
    return _draft(args, ds, as_of, out, adjustments, scenario)


def _record(args: argparse.Namespace, ds: Any, as_of: Any, out: Any) -> int:
    """The month's forecast of record (laid, else the stored statistical) to ``out``."""
    from forecast.cycle.export import record_export

    t0 = time.perf_counter()
    rec = record_of(args, ds, as_of)
    tables, meta = record_export(rec, ds)
    rf = rec.final
    print(f"Prognos per {as_of}: {rec.heading()}; {rf.n_series} serier × {rf.n_paths} banor "
          f"på {time.perf_counter() - t0:.1f} s; "
          f"{sum(1 for n in rf.notes if n)} serier med anmärkning")
    files = write_output(tables, meta, out, args)
    print(f"{len(tables)} tabeller (belopp i {args.enhet}) skrivna till {written(files)}")
    return 0


def _draft(args: argparse.Namespace, ds: Any, as_of: Any, out: Any, adjustments: Any,
           scenario: Any) -> int:
    """The stored statistical forecast with the given adjustments; laid with ``--lagg``."""
    from forecast.cycle.adjustments import apply_adjustments
    from forecast.cycle.record import statistical
    from forecast.cycle.tables import adjusted_tables
    from forecast.engine.tables import prognos_export

    t0 = time.perf_counter()
    try:
        rf, sid = statistical(ds, as_of, stat_store(args), spec_of(args),
                              progress=progress_line)
        af = apply_adjustments(rf, adjustments, adopt_scenario(scenario, rf, ds, args))
        tables, meta = prognos_export(af.final, ds, choose=args.metod is None)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    lf = draft(af, meta, args, ds, stat_forecast_id=sid)
    print(f"Prognos per {as_of}: {rf.n_series} serier × {rf.n_paths} banor på "
          f"{time.perf_counter() - t0:.1f} s; {sum(1 for n in rf.notes if n)} serier med "
          f"anmärkning; {len(adjustments)} justeringar")
    meta = with_adjustments(meta, lf)
    if args.lagg:
        rec = lay(lf, args)
        meta = replace(meta, parameters={**dict(meta.parameters), "Prognos som visas":
                       f"Lagd prognos {rec.as_of} version {rec.version} av {rec.author}"})
    if out is not None:
        tables = [*tables, *adjusted_tables(lf)]
        files = write_output(tables, meta, out, args)
        print(f"{len(tables)} tabeller (belopp i {args.enhet}) skrivna till {written(files)}")
    return 0
