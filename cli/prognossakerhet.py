"""``budgetprognos prognossakerhet``: each forecast of a completed year beside its outcome.

Examples::

    budgetprognos prognossakerhet --ar 2022 --out sakerhet.xlsx
    budgetprognos prognossakerhet --ar 2021 --backtest 4,8 --metod combo --out s.csv

The laid forecasts of the year (current version per month) are compared with the year's
actual net result; ``--backtest`` months never laid are forecast again at that month with
the history up to it only (``--metod``, standard: the standard årsprognos). For the laid
months the output also has the forecast value added (FVA) of the adjustments: statistical
forecast, adjustments and laid forecast beside the outcome for the region, per division and
per kostnadsslag (tables "FVA region", "FVA per division", "FVA per kostnadsslag", "FVA över
året"; :mod:`forecast.cycle.value_added`).

Exit codes: 0 written; 2 bad input (year not complete, nothing to compare, bad month list)
or a database fault; 1 the output file could not be written.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cli.common import (
    CliError,
    add_data_argument,
    add_output_arguments,
    check_out,
    check_range,
    load_dataset,
    write_output,
)
from cli.cycle import add_store_arguments, dataset_name, store
from forecast import __version__
from forecast.io.limits import MAX_PATHS, MIN_PATHS, fmt_int

if TYPE_CHECKING:
    import pandas as pd

    from forecast.cycle.laid import LaidForecast
    from forecast.ledger.dataset import Dataset

AMOUNTS = ("Årsprognos", "P10", "P90", "Utfall helår", "Avvikelse prognos − utfall")


HELP = "prognossäkerhet: lagda prognoser mot årets utfall"
DESCRIPTION = "Varje lagd prognos för ett avslutat år mot årets utfall (mkr och %)."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``prognossakerhet`` command's arguments (registered by :mod:`cli.main`)."""
    add_data_argument(p)
    p.add_argument("--ar", required=True, type=int, metavar="ÅÅÅÅ", help="avslutat år")
    p.add_argument("--backtest", default="", metavar="M,M",
                   help="månader (1–11) att backtesta där ingen prognos lagts, t.ex. 4,8")
    p.add_argument("--metod", default=None, metavar="ALIAS", help="metod för backtest")
    p.add_argument("--paths", type=int, default=500, metavar="N",
                   help=f"banor i backtest, {fmt_int(MIN_PATHS)}–{fmt_int(MAX_PATHS)} "
                        "(standard 500)")
    add_output_arguments(p)
    add_store_arguments(p)


def _months(text: str) -> list[int]:
    try:
        months = [int(m) for m in text.split(",") if m.strip()]
    except ValueError:
        raise CliError(f"--backtest {text!r}: ange månader 1–11 med komma, t.ex. 4,8") from None
    bad = [m for m in months if not 1 <= m <= 11]
    if bad or len(months) > 11:
        raise CliError(f"--backtest: månaderna måste vara 1–11, fick {bad or months}")
    return months


def backtester(ds: Dataset, args: argparse.Namespace):  # a closure
    """A function month → draft laid forecast made with the history up to that month."""
    from forecast.cycle.adjustments import apply_adjustments
    from forecast.cycle.laid import build_laid
    from forecast.engine.region import standard_forecast

    def run(month: pd.Period) -> LaidForecast:
        rf = standard_forecast(ds, month, n_paths=args.paths, method=args.metod)
        return build_laid(apply_adjustments(rf, []), dataset="backtest", author="backtest",
                          comment="backtest", method=args.metod or "standard")
    return run


def run(args: argparse.Namespace) -> int:
    """Run ``prognossakerhet``; returns the exit code (guarded by ``cli.common.run_guarded``)."""
    out = check_out(args.out)
    check_range("--ar", args.ar, 1900, 2100)
    check_range("--paths", args.paths, MIN_PATHS, MAX_PATHS)
    months = _months(args.backtest)
    from forecast.cycle import value_added as VA
    from forecast.cycle.accuracy import AccuracyError, accuracy_table
    from forecast.io.export import ExportMetadata, ExportTable
    from forecast.methods import REGISTRY

    if args.metod is not None and args.metod not in REGISTRY:
        raise CliError(f"okänd metod {args.metod!r}; kända: {', '.join(sorted(REGISTRY))}")
    ds = load_dataset(args, None)
    st = store(args)
    name = dataset_name(args)
    laid = [st.load(name, m) for m in st.laid_months(name) if m.year == args.ar]
    try:
        table = accuracy_table(ds, args.ar, laid, backtest_months=months,
                               backtest=backtester(ds, args))
    except AccuracyError as exc:
        raise CliError(str(exc)) from None
    fva = VA.value_added_table(ds, args.ar, laid) if laid else None
    meta = ExportMetadata(
        as_of=f"{args.ar}-12", input_hash=ds.source_hash, source=ds.source,
        method="lagda prognoser" + (f"; backtest med {args.metod or 'standard'}" if months
                                    else ""),
        program_version=__version__, created=datetime.now(UTC),
        parameters={"Dataset": name, "Lagda månader": ", ".join(str(x.as_of) for x in laid)
                    or "–", "Backtestmånader": args.backtest or "–",
                    **(VA.provenance(args.ar, laid) if fva is not None else {})})
    tables = [ExportTable("Prognossäkerhet", f"Prognossäkerhet {args.ar}",
                          table.set_index("Månad"), amount_columns=AMOUNTS,
                          percent_columns=("Avvikelse %",))]
    tables += VA.value_added_tables(fva, args.ar) if fva is not None else []
    write_output(tables, meta, out, args)
    _print(table[["Månad", "Källa", "Årsprognos", "Avvikelse prognos − utfall", "Avvikelse %"]])
    if fva is not None:
        _print_fva(fva)
    print(f"skrivet till {out}")
    return 0


def _print(frame: pd.DataFrame) -> None:
    from forecast.io.formatting import fmt_number

    print(frame.to_string(index=False, float_format=lambda v: fmt_number(v, 1)))


def _print_fva(fva: pd.DataFrame) -> None:
    """The region's FVA per laid month on the terminal (tkr)."""
    from forecast.cycle import value_added as VA

    print("\nFörädlingsvärde (FVA) för regionen, tkr (positivt: justeringarna förbättrade "
          "prognosen):")
    _print(VA.group_view(fva, "region").reset_index()[
        [VA.MONTH, VA.STAT, VA.ADJ, VA.LAID, VA.OUTCOME, VA.FVA, VA.VERDICT]])
