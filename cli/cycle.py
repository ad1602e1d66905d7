"""The controller's month on the command line: adjustments, laying, listing and locking.

Shared by ``prognos`` (``--justeringar``, ``--lagg``, ``lista``, ``faststall``),
``prognosforandring`` and ``prognossakerhet``; thin over :mod:`forecast.cycle`. The engine,
the store (SQLAlchemy) and the file readers are imported by the helper that uses them, so
building a parser, or a run that never opens the store, does not load them.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.common import CliError, as_of_argument, policy
from forecast.ledger.names import EXAMPLE_DATASET

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from forecast.access import Action
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
    p.add_argument("--dataset", metavar="ID",
                   help=f"en sparad datamängd (ds-…, som i appens adress) att läsa och lägga "
                        f"prognoser för i stället för --data; utan: '{EXAMPLE_DATASET}' för "
                        f"exempeldatan, och --data sparas som din egen datamängd")
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
    p.add_argument("--forfattare", metavar="NAMN",
                   help="visningsnamn som författare (standard: din användare i "
                        "operativsystemet; med en rollfil bara ett namn som står under "
                        "[visningsnamn] för dig)")
    p.add_argument("--version", type=int, metavar="N", help="version att fastställa")
    add_store_arguments(p)


def require(args: argparse.Namespace, action: Action) -> None:
    """Refuse (exit 2) unless the user may do ``action`` on the command's dataset.

    A stored dataset the user may not see is answered as a missing one.
    """
    from forecast.access import AccessDenied, NotFound

    name = dataset_name(args)
    try:
        policy(args).require_dataset(_owner(name), action)
    except (AccessDenied, NotFound) as exc:
        raise CliError(str(exc)) from None


def _owner(name: str) -> Any:
    from forecast.access import is_example

    if is_example(name):
        return None
    from forecast import datasets as DS

    try:
        return DS.info(name).owner
    except DS.StoreError as exc:
        raise CliError(str(exc)) from None


def dataset_name(args: argparse.Namespace) -> str:
    """The identity of the command's dataset: what laid forecasts are stored under.

    ``--dataset ID`` (a stored dataset, checked visible), else ``--data`` stored as the
    user's own dataset (the same id every time for the same files), else the example.
    """
    cached = getattr(args, "_dataset_id", None)
    if cached is not None:
        return str(cached)
    given = getattr(args, "dataset", None)
    if given:
        from forecast import datasets as DS

        try:
            name = DS.visible(str(given).strip(), policy(args)).id
        except DS.StoreError as exc:
            raise CliError(f"--dataset: {exc}") from None
    elif getattr(args, "data", None):
        name = _store_own(args)
    else:
        name = EXAMPLE_DATASET
    args._dataset_id = name
    return name


def _store_own(args: argparse.Namespace) -> str:
    from cli.dataset_args import DataArgsError, dataset_files, read_options
    from forecast import datasets as DS
    from forecast.access import AccessDenied, Action

    try:
        policy(args).require(Action.VIEW)  # an outsider stores nothing on the server
    except AccessDenied as exc:
        raise CliError(str(exc)) from None
    try:
        files = dataset_files(args)
    except DataArgsError as exc:
        raise CliError(str(exc)) from None
    assert files is not None  # --data is given
    try:
        return DS.save(files, read_options(args), policy(args).new_owner())
    except OSError as exc:
        raise CliError(f"datamängden kan inte sparas i {DS.store_root()}: {exc}") from None


def author(args: argparse.Namespace) -> str:
    """The name recorded as author: ``--forfattare`` if the user may sign so, else the user."""
    from forecast.access import AccessDenied

    try:
        return policy(args).signature(getattr(args, "forfattare", None))
    except AccessDenied as exc:
        raise CliError(str(exc)) from None


def require_controller(args: argparse.Namespace, action: Action) -> None:
    """Refuse unless the user may ``action`` (lay or fastställ; exit 2)."""
    require(args, action)
    author(args)  # a display name the user may not sign with is refused before any work


def check_lay_arguments(args: argparse.Namespace) -> None:
    """``--lagg`` needs ``--kommentar`` and a controller; checked before any work."""
    if args.lagg:
        if not args.kommentar.strip():
            raise CliError('--lagg kräver --kommentar "…" (varför prognosen läggs)')
        from forecast.access import Action

        require_controller(args, Action.LAY)
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
    """The laid-forecast store of ``--db`` (or the default), opened for a user who may view.

    A change of the roles file since the last command or page is written to the audit trail.
    """
    from forecast.access import Action, audit_role_change
    from forecast.cycle.laid_store import LaidStore
    from forecast.store.base import StoreError

    require(args, Action.VIEW)
    try:
        st = LaidStore(getattr(args, "db", None))
        audit_role_change(st.db, policy(args).roles, policy(args).identity)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    return st


def lay(lf: LaidForecast, args: argparse.Namespace) -> LaidForecast:
    """Store the draft as the next version and say so."""
    rec = store(args).lay(lf)
    s = rec.summary()
    from forecast.io.formatting import fmt_mkr

    # the figures in Swedish form; the author's name as written (no '.' turned into ',')
    print(f"Lagd prognos {rec.as_of} version {rec.version} i dataset '{rec.dataset}' av "
          f"{rec.author}: årsprognos {fmt_mkr(s['final'], 1)}, avvikelse mot budget "
          f"{fmt_mkr(s['deviation'], 1)}")
    return rec


def list_laid(args: argparse.Namespace) -> int:
    """``prognos lista``."""
    df = store(args).list(dataset_name(args))
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
    from forecast.access import Action

    require_controller(args, Action.LOCK)
    from forecast.cycle.laid import LaidError

    try:
        rec = store(args).lock(dataset_name(args), as_of, author=author(args),
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
