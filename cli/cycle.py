"""The controller's month on the command line: adjustments, laying, listing and locking.

Shared by ``prognos`` (``--justeringar``, ``--lagg``, ``lista``, ``faststall``),
``prognosforandring`` and ``prognossakerhet``; thin over :mod:`forecast.cycle`. The engine,
the store (SQLAlchemy) and the file readers are imported by the helper that uses them, so
building a parser, or a run that never opens the store, does not load them.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.common import CliError, as_of_argument
from forecast.cycle.names import EXAMPLE_DATASET, USER_DATASET

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from forecast.cycle.adjustments import AdjustedForecast, Adjustment
    from forecast.cycle.laid import LaidForecast
    from forecast.cycle.laid_store import LaidStore
    from forecast.cycle.record import ForecastOfRecord, Spec
    from forecast.engine.result import RegionForecast
    from forecast.io.export import ExportMetadata
    from forecast.ledger.dataset import Dataset
    from forecast.store.statistical import StatisticalStore


def add_store_arguments(p: argparse.ArgumentParser) -> None:
    """``--dataset NAMN`` and ``--db URL``."""
    p.add_argument("--dataset", metavar="NAMN",
                   help=f"namnet som lagda prognoser sparas under (standard "
                        f"'{EXAMPLE_DATASET}' för exempeldatan, '{USER_DATASET}' för --data)")
    p.add_argument("--db", metavar="URL",
                   help="databas-URL (standard $BUDGETPROGNOS_DB_URL eller "
                        "~/.budgetprognos/scenarier.db)")


def add_cycle_arguments(p: argparse.ArgumentParser) -> None:
    """The flags of adjusting and laying a forecast."""
    p.add_argument("--justeringar", type=Path, metavar="FIL",
                   help="justeringar (CSV/XLSX: enhet;konto;från_månad;till_månad;belopp_tkr;"
                        "kommentar)")
    p.add_argument("--scenario", type=Path, metavar="FIL",
                   help="scenariofil (YAML) vars antaganden tas in i prognosen (del d i "
                        "prognosförändringen)")
    p.add_argument("--lagg", action="store_true",
                   help="lägg prognosen: spara den som ny version i databasen")
    p.add_argument("--kommentar", default="", help="kommentar till den lagda prognosen")
    p.add_argument("--forfattare", metavar="NAMN", help="författare (standard: inloggad användare)")
    p.add_argument("--version", type=int, metavar="N", help="version att fastställa")
    add_store_arguments(p)


def dataset_name(args: argparse.Namespace) -> str:
    """The dataset name laid forecasts are stored under."""
    if getattr(args, "dataset", None):
        return str(args.dataset).strip()
    return EXAMPLE_DATASET if getattr(args, "data", None) is None else USER_DATASET


def author(args: argparse.Namespace) -> str:
    """``--forfattare`` or the login name."""
    if getattr(args, "forfattare", None):
        return str(args.forfattare).strip()
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "okänd"


def require_controller(args: argparse.Namespace, action: str) -> None:
    """Refuse unless the author is a controller in the roles file (exit 2)."""
    from forecast.cycle.roles import RolesError, load_roles

    try:
        load_roles().require_controller(author(args), action)
    except (PermissionError, RolesError) as exc:
        raise CliError(str(exc)) from None


def check_lay_arguments(args: argparse.Namespace) -> None:
    """``--lagg`` needs ``--kommentar`` and a controller; checked before any work."""
    if args.lagg:
        if not args.kommentar.strip():
            raise CliError('--lagg kräver --kommentar "…" (varför prognosen läggs)')
        require_controller(args, "lägga prognoser")
    if args.justeringar is not None and not args.justeringar.is_file():
        raise CliError(f"filen {str(args.justeringar)!r} finns inte")


def read_adjustment_file(args: argparse.Namespace) -> list[Adjustment]:
    """The adjustments of ``--justeringar`` (empty without it)."""
    if args.justeringar is None:
        return []
    from forecast.cycle.adjustment_file import read_adjustments
    from forecast.io.parsing import ValidationFailed

    try:
        return read_adjustments(args.justeringar, author=author(args))
    except ValidationFailed as exc:
        raise CliError(exc.report(), plain=True) from None


def check_scenario(args: argparse.Namespace, ds: Dataset) -> Any:
    """The ``--scenario`` file read and checked against the data (None without it)."""
    if getattr(args, "scenario", None) is None:
        return None
    from scenarios.files import ScenarioFileError, load_scenario
    from scenarios.references import check_references_in_data

    if not args.scenario.is_file():
        raise CliError(f"filen {str(args.scenario)!r} finns inte")
    try:
        scenario = load_scenario(args.scenario)
        check_references_in_data(ds, scenario)
    except ScenarioFileError as exc:
        raise CliError(exc.report(), plain=True) from None
    except ValueError as exc:
        raise CliError(str(exc)) from None
    return scenario


def adopt_scenario(scenario: Any, rf: RegionForecast, ds: Dataset,
                   args: argparse.Namespace) -> list[tuple[Adjustment, np.ndarray]]:
    """The scenario's assumptions as adopted ``scenario`` adjustments (empty without one)."""
    if scenario is None:
        return []
    from forecast.cycle.adjustments import adopted
    from forecast.store.base import now
    from scenarios.engine import apply

    res = apply(rf, scenario, ds=ds)
    return adopted(rf, res.effects, author=author(args), created=now())


def draft(af: AdjustedForecast, meta: ExportMetadata, args: argparse.Namespace,
          ds: Dataset, stat_forecast_id: int | None = None) -> LaidForecast:
    """The laid-forecast draft of this run (stored only with ``--lagg``)."""
    from forecast.cycle.laid import LaidError, build_laid

    try:
        return build_laid(af, dataset=dataset_name(args), author=author(args),
                          comment=args.kommentar or "(ej lagd)", method=meta.method,
                          parameters={**dict(meta.parameters), "Källa": ds.source},
                          stat_forecast_id=stat_forecast_id)
    except LaidError as exc:
        raise CliError(str(exc)) from None


def with_adjustments(meta: ExportMetadata, lf: LaidForecast) -> ExportMetadata:
    """Export metadata naming the adjustments and their authors."""
    authors = sorted({a.author for a in lf.adjustments if a.author})
    params = {**dict(meta.parameters), "Justeringar": str(len(lf.adjustments)),
              "Justeringarnas författare": ", ".join(authors) or "–"}
    return replace(meta, parameters=params)


def store(args: argparse.Namespace) -> LaidStore:
    """The laid-forecast store of ``--db`` (or the default)."""
    from forecast.cycle.laid_store import LaidStore

    return LaidStore(getattr(args, "db", None))


def lay(lf: LaidForecast, args: argparse.Namespace) -> LaidForecast:
    """Store the draft as the next version and say so."""
    rec = store(args).lay(lf)
    s = rec.summary()
    print(f"Lagd prognos {rec.as_of} version {rec.version} i dataset '{rec.dataset}' av "
          f"{rec.author}: årsprognos {s['final'] / 1000:.1f} mkr, avvikelse mot budget "
          f"{s['deviation'] / 1000:.1f} mkr".replace(".", ","))
    return rec


def list_laid(args: argparse.Namespace) -> int:
    """``prognos lista``."""
    df = store(args).list(args.dataset)
    if df.empty:
        print("Inga lagda prognoser.")
        return 0
    cols = ["Dataset", "Månad", "Version", "Fastställd", "Författare", "Lagd", "Justeringar",
            "Avvikelse mot budget (tkr)", "Kommentar"]
    print(df[cols].to_string(index=False, float_format=lambda v: f"{v:,.0f}".replace(",", " ")))
    return 0


def lock_laid(args: argparse.Namespace) -> int:
    """``prognos faststall --as-of M [--version N]``."""
    if args.as_of is None:
        raise CliError("faststall kräver --as-of ÅÅÅÅ-MM")
    as_of = as_of_argument(args.as_of)
    require_controller(args, "fastställa prognoser")
    from forecast.cycle.laid import LaidError

    try:
        rec = store(args).lock(dataset_name(args), str(as_of), author=author(args),
                               version=args.version)
    except LaidError as exc:
        raise CliError(str(exc)) from None
    print(f"Fastställd: {rec.dataset} {rec.label()}.")
    return 0


def stat_store(args: argparse.Namespace) -> StatisticalStore:
    """The stored statistical forecasts of ``--db`` (or the default database)."""
    from forecast.store.base import StoreError
    from forecast.store.statistical import StatisticalStore

    try:
        return StatisticalStore(getattr(args, "db", None))
    except StoreError as exc:
        raise CliError(str(exc)) from None


def spec_of(args: argparse.Namespace) -> Spec:
    """The statistical forecast's paths, seed and method (``--paths``, ``--seed``, ``--metod``)."""
    from forecast.cycle.record import Spec

    return Spec(n_paths=args.paths, seed=args.seed, method=getattr(args, "metod", None))


def progress_line(step: str, done: int, total: int) -> None:
    """A computed forecast's progress on standard error (one line, rewritten)."""
    end = "\n" if done >= total else ""
    print(f"\r{step}: {done} av {total} serier", end=end, file=sys.stderr, flush=True)


def record_of(args: argparse.Namespace, ds: Dataset, as_of: pd.Period,
              spec: Spec | None = None) -> ForecastOfRecord:
    """The forecast of record of ``ds`` at ``as_of`` (``forecast.cycle.record.resolve``).

    Read from the store when the app or an earlier command stored it; computed once and stored
    otherwise. ``spec`` None: from ``--paths``, ``--seed`` and ``--metod``.
    """
    from forecast.cycle.laid import LaidError
    from forecast.cycle.record import resolve
    from forecast.store.base import StoreError

    try:
        return resolve(ds, as_of, dataset=dataset_name(args), laid=store(args),
                       store=stat_store(args), spec=spec or spec_of(args),
                       progress=progress_line)
    except (StoreError, LaidError) as exc:
        raise CliError(str(exc)) from None
