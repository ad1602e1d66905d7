"""Saved scenarios: a versioned store in an embedded SQLite database (or any SQLAlchemy URL).

Location: the SQLAlchemy URL in ``BUDGETPROGNOS_DB_URL`` if set (e.g.
``postgresql+psycopg://user@host/db`` for a department), else
``sqlite:///~/.budgetprognos/scenarier.db``.

Rules:

- One row per saved version; ``(name, version)`` is unique. Saving a name again makes version
  n + 1; nothing is ever overwritten. ``created`` is the first version's time, ``updated`` this
  version's.
- Storage rules (short-lived connections, WAL reads that never wait, serialised writes with
  retries, schema creation and migration outside any read, Swedish :class:`StoreError` for
  every fault) are those of the shared core :mod:`forecast.store.core`; the laid forecasts
  live in the same database. A save that fails half-way rolls back and leaves the previous
  versions intact. Every save and delete appends an audit row.
- A store object is scoped to one dataset (its identity, ``forecast.ledger.names``): it lists,
  reads, saves and deletes only that dataset's scenarios; names and versions are per dataset.
- ``delete`` is a soft delete, only with ``confirm=True``: a ``scenario_deletions`` row (who,
  when, up to which row) hides every version saved so far; the rows stay, and the audit trail
  names the deleter. Saving the name again starts a new, visible version.
- Saved formats are versioned: ``schema_version`` per row; the parameters are the
  :class:`~scenarios.assumptions.Scenario` as JSON. Older schema versions are upgraded on load
  by :data:`MIGRATIONS`; version 1 is the current one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import pydantic
import sqlalchemy as sa

from forecast import __version__
from forecast.engine.result import RegionForecast
from forecast.ledger.dataset import Dataset
from forecast.ledger.names import EXAMPLE_DATASET
from forecast.store import core as C
from forecast.store import schema as T
from forecast.store.core import ENV_URL, StoreError, default_url
from scenarios.assumptions import Scenario

__all__ = ["ENV_URL", "SavedScenario", "ScenarioStore", "StoreError", "default_url", "save_all"]

SCHEMA_VERSION = 1
"""Format version of one stored scenario's parameters (the store's own format is
:data:`forecast.store.schema.STORE_VERSION`)."""

MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""schema_version n → function upgrading a parameters dict from n to n + 1."""

metadata = T.metadata
scenarios_table = T.scenarios


@dataclass(frozen=True)
class SavedScenario:
    """One stored version of a scenario."""

    id: int
    name: str
    version: int
    description: str
    author: str
    created: str
    updated: str
    input_hash: str
    program_version: str
    schema_version: int
    scenario: Scenario


def upgrade(parameters: dict[str, Any], schema_version: int) -> dict[str, Any]:
    """Upgrade stored parameters from ``schema_version`` to :data:`SCHEMA_VERSION`.

    Raises:
        ValueError: a schema version newer than this program understands.
    """
    if schema_version > SCHEMA_VERSION:
        raise ValueError(
            f"scenariot sparades med formatversion {schema_version}, som är nyare än "
            f"programmets ({SCHEMA_VERSION}); uppgradera budgetprognos"
        )
    for v in range(schema_version, SCHEMA_VERSION):
        parameters = MIGRATIONS[v](parameters)
    return parameters


def _insert(conn: sa.Connection, row: dict[str, Any]) -> int:
    res = conn.execute(scenarios_table.insert().values(**row))
    key = res.inserted_primary_key
    if key is None:
        raise RuntimeError("databasen gav ingen nyckel för den nya raden")
    return int(key[0])


def _next_version(conn: sa.Connection, dataset: str, name: str) -> tuple[int, str | None]:
    """The next version number (deleted versions count) and the first live version's time."""
    t = scenarios_table
    top = conn.execute(sa.select(sa.func.max(t.c.version))
                       .where(t.c.dataset == dataset, t.c.name == name)).scalar()
    first = conn.execute(sa.select(sa.func.min(t.c.created))
                         .where(_live(t, dataset), t.c.name == name)).scalar()
    return (int(top or 0) + 1, first)


def _record(row: Any, db: C.Database | None = None) -> SavedScenario:
    """The stored row as a record.

    Raises:
        StoreError: the row has a newer format or unreadable parameters (named by name and
            version; nothing is changed).
    """
    try:
        params = upgrade(json.loads(row.parameters), int(row.schema_version))
        scenario = Scenario.model_validate(params)
    except (ValueError, TypeError, pydantic.ValidationError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            why = f"parametrarna är inte giltig JSON ({exc.msg}, tecken {exc.pos})"
        elif isinstance(exc, pydantic.ValidationError):
            why = f"parametrarna följer inte scenarioformatet ({exc.error_count()} fel)"
        else:
            why = str(exc)
        where = db.masked_url if db is not None else "databasen"
        raise StoreError(f"scenariot '{row.name}' version {row.version} i {where} kan inte "
                         f"läsas: {why}") from None
    return SavedScenario(
        id=row.id, name=row.name, version=row.version, description=row.description,
        author=row.author, created=row.created, updated=row.updated, input_hash=row.input_hash,
        program_version=row.program_version, schema_version=row.schema_version,
        scenario=scenario,
    )


def _live(t: sa.Table, dataset: str) -> Any:
    """The condition "a row of ``dataset`` not hidden by a soft delete"."""
    d = T.scenario_deletions
    hidden = sa.exists().where(d.c.dataset == t.c.dataset, d.c.name == t.c.name,
                               d.c.upto_id >= t.c.id)
    return (t.c.dataset == dataset) & ~hidden


class ScenarioStore(C.Store):
    """Versioned scenario store of one dataset (rules in the module docstring).

    Args:
        url: SQLAlchemy URL (None = the default).
        dataset: the dataset identity the scenarios belong to (default: the example).
        lock_timeout_s: how long a write waits for another writer's lock.
    """

    def __init__(self, url: str | None = None, *, dataset: str = EXAMPLE_DATASET,
                 lock_timeout_s: float = C.LOCK_TIMEOUT_S) -> None:
        super().__init__(url, lock_timeout_s=lock_timeout_s)
        self.dataset = dataset

    @property
    def engine(self) -> sa.Engine:
        """The database's SQLAlchemy engine."""
        return self.db.engine

    def save(self, scenario: Scenario, *, input_hash: str = "") -> SavedScenario:
        """Save ``scenario`` as the next version of its name; returns the stored record."""
        t = scenarios_table
        params = scenario.model_dump_json()

        def _save(conn: sa.Connection) -> SavedScenario:
            version, created = _next_version(conn, self.dataset, scenario.name)
            now = C.now()
            row = {
                "name": scenario.name, "version": version,
                "description": scenario.description, "author": scenario.author,
                "created": created or now, "updated": now, "parameters": params,
                "input_hash": input_hash, "program_version": __version__,
                "schema_version": SCHEMA_VERSION, "dataset": self.dataset,
            }
            new_id = _insert(conn, row)
            C.audit(conn, scenario.author, "spara scenario",
                    f"{self.dataset}: {scenario.name} v{version}")
            return _record(conn.execute(sa.select(t).where(t.c.id == new_id)).one(), self.db)

        return self.db.write(_save)

    def list_scenarios(self) -> pd.DataFrame:
        """The latest version of every name, with its number of versions, sorted by name."""
        t = scenarios_table
        latest = (sa.select(t.c.name, sa.func.max(t.c.version).label("v"),
                            sa.func.count().label("n_versions"))
                  .where(_live(t, self.dataset)).group_by(t.c.name).subquery())
        q = (sa.select(t.c.id, t.c.name, t.c.version, latest.c.n_versions, t.c.description,
                       t.c.author, t.c.created, t.c.updated, t.c.input_hash,
                       t.c.program_version)
             .join(latest, (t.c.name == latest.c.name) & (t.c.version == latest.c.v))
             .where(t.c.dataset == self.dataset).order_by(t.c.name))
        with self.db.read() as conn:
            return pd.DataFrame(conn.execute(q).mappings().all(),
                                columns=["id", "name", "version", "n_versions", "description",
                                         "author", "created", "updated", "input_hash",
                                         "program_version"])

    def record(self, name: str, version: int | None = None) -> SavedScenario:
        """The stored record of ``name`` (latest version if ``version`` is None).

        Raises:
            KeyError: no such scenario or version.
        """
        t = scenarios_table
        q = sa.select(t).where(_live(t, self.dataset), t.c.name == name)
        q = q.where(t.c.version == version) if version is not None else \
            q.order_by(t.c.version.desc()).limit(1)
        with self.db.read() as conn:
            row = conn.execute(q).first()
        if row is None:
            what = f"'{name}'" + (f" version {version}" if version is not None else "")
            raise KeyError(f"scenariot {what} finns inte")
        return _record(row, self.db)

    def record_by_id(self, id_: int) -> SavedScenario:
        """The stored record with row id ``id_`` (KeyError if none)."""
        t = scenarios_table
        with self.db.read() as conn:
            row = conn.execute(sa.select(t).where(_live(t, self.dataset), t.c.id == id_)).first()
        if row is None:
            raise KeyError(f"inget sparat scenario med id {id_}")
        return _record(row, self.db)

    def load(self, name: str, version: int | None = None) -> Scenario:
        """The scenario ``name`` (latest version if ``version`` is None)."""
        return self.record(name, version).scenario

    def versions(self, name: str) -> pd.DataFrame:
        """Every version of ``name``, oldest first (empty frame if none)."""
        t = scenarios_table
        q = (sa.select(t.c.id, t.c.version, t.c.description, t.c.author, t.c.created,
                       t.c.updated, t.c.input_hash, t.c.program_version, t.c.schema_version)
             .where(_live(t, self.dataset), t.c.name == name).order_by(t.c.version))
        with self.db.read() as conn:
            rows = conn.execute(q).mappings().all()
        return pd.DataFrame(rows, columns=["id", "version", "description", "author", "created",
                                           "updated", "input_hash", "program_version",
                                           "schema_version"])

    def delete(self, name: str, *, confirm: bool = False, who: str = "") -> int:
        """Soft-delete every version of ``name``; returns the number of versions hidden.

        The rows stay; a ``scenario_deletions`` row and an audit row name ``who`` and when.

        Raises:
            ValueError: without ``confirm=True``, or without ``who`` (nothing is deleted).
            KeyError: no scenario called ``name``.
        """
        versions = self.versions(name)
        if versions.empty:
            raise KeyError(f"scenariot '{name}' finns inte")
        if not confirm:
            raise ValueError(
                f"radering av '{name}' döljer alla {len(versions)} versioner; "
                "bekräfta med confirm=True"
            )
        if not who.strip():
            raise ValueError("radering kräver vem som raderar")
        d = T.scenario_deletions
        upto = int(versions["id"].max())

        def _delete(conn: sa.Connection) -> int:
            conn.execute(d.insert().values(dataset=self.dataset, name=name, upto_id=upto,
                                           who=who, time=C.now()))
            C.audit(conn, who, "radera scenario",
                    f"{self.dataset}: {name}: {len(versions)} versioner (dolda, sparade)")
            return len(versions)

        return self.db.write(_delete)

    def _resolve(self, ref: str | int | tuple[str, int]) -> SavedScenario:
        if isinstance(ref, tuple):
            return self.record(ref[0], ref[1])
        if isinstance(ref, int):
            return self.record_by_id(ref)
        return self.record(ref)

    def compare(self, refs: Iterable[str | int | tuple[str, int]], *,
                rf: RegionForecast | None = None, ds: Dataset | None = None) -> pd.DataFrame:
        """Scenarios side by side: one column per scenario, one row per property.

        ``refs`` are names (latest version), row ids, or (name, version). With a baseline
        ``rf`` the engine's results are added: net result per year, the difference from the
        baseline, and the deviation from budget of the as-of year (tkr).
        """
        cols: dict[str, dict[str, object]] = {}
        for ref in refs:
            rec = self._resolve(ref)
            s = rec.scenario
            col: dict[str, object] = {
                "Version": rec.version, "Beskrivning": s.description, "Författare": s.author,
                "Uppdaterad": rec.updated, "Indata-hash": rec.input_hash,
                "Antal antaganden": len(s.assumptions), "Antaganden": "; ".join(s.labels()),
            }
            if rf is not None:
                results = _results(rf, s, ds)
                for r in results:
                    col[f"Resultat {r['year']} (tkr)"] = r["result_tkr"]
                    col[f"Skillnad mot basprognos {r['year']} (tkr)"] = r["difference_tkr"]
                col[f"Avvikelse mot budget {rf.as_of.year} (tkr)"] = results[0]["deviation_tkr"]
            cols[compare_label(rec)] = col
        return pd.DataFrame(cols)

    def compare_results(self, refs: Iterable[str | int | tuple[str, int]], *,
                        rf: RegionForecast, ds: Dataset | None = None) -> pd.DataFrame:
        """The results of :meth:`compare` as records keyed by codes (for charts).

        Returns:
            One row per scenario and year: ``scenario`` (the column label of
            :meth:`compare`), ``name``, ``version``, ``year``, ``result_tkr``,
            ``difference_tkr`` (from the baseline) and ``deviation_tkr`` (from budget).
        """
        rows = []
        for ref in refs:
            rec = self._resolve(ref)
            for r in _results(rf, rec.scenario, ds):
                rows.append({"scenario": compare_label(rec), "name": rec.name,
                             "version": rec.version, **r})
        return pd.DataFrame(rows, columns=["scenario", "name", "version", "year",
                                           "result_tkr", "difference_tkr", "deviation_tkr"])


def compare_label(rec: SavedScenario) -> str:
    """The label of a saved scenario in comparisons: ``name vN``."""
    return f"{rec.name} v{rec.version}"


def amount_rows(table: pd.DataFrame) -> list[str]:
    """The rows of a :meth:`ScenarioStore.compare` table that hold amounts in tkr."""
    return [str(i) for i in table.index if str(i).endswith("(tkr)")]


def _results(rf: RegionForecast, scenario: Scenario, ds: Dataset | None
             ) -> list[dict[str, float]]:
    """Per year: the scenario's result, its difference from the baseline and from budget."""
    from scenarios.engine import apply

    res = apply(rf, scenario, ds=ds).summary()
    return [{"year": int(r.year), "result_tkr": float(r.scenario_tkr),
             "difference_tkr": float(r.difference_tkr),
             "deviation_tkr": float(r.scenario_deviation_tkr)} for r in res.itertuples()]


def save_all(store: ScenarioStore, scenarios: Sequence[Scenario]) -> list[SavedScenario]:
    """Save several scenarios (each its own transaction)."""
    return [store.save(s) for s in scenarios]


def save_unless_unchanged(store: ScenarioStore, scenario: Scenario, *, input_hash: str = ""
                          ) -> tuple[SavedScenario, bool]:
    """Save ``scenario`` as a new version unless its latest version has the same content.

    Returns:
        The stored record (new or the unchanged latest) and whether a version was added.
    """
    try:
        latest = store.record(scenario.name)
    except KeyError:
        return store.save(scenario, input_hash=input_hash), True
    if latest.scenario == scenario:
        return latest, False
    return store.save(scenario, input_hash=input_hash), True
