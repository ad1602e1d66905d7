"""The tables of the store shared by scenarios and laid forecasts (one SQLAlchemy metadata).

Store format versions (``store_meta.schema_version``):

- 1: only ``scenarios`` (databases made before laid forecasts existed; no ``store_meta``).
- 2: + ``store_meta``, ``audit``, ``laid_forecasts``, ``laid_series``, ``laid_adjustments``,
  ``laid_locks``, ``adjustment_sets``.
- 3: + ``stat_forecasts`` (the statistical forecast of a data hash and month, paths included)
  and ``laid_basis`` (which stored statistical forecast a laid version was made on).
- 4: + ``report_narratives`` (the report's summary, division comments, measures, risks and
  assumptions of a dataset and month, versioned).
- 5: ``scenarios.dataset`` (the dataset identity a scenario belongs to; unique per dataset,
  name and version) and ``scenario_deletions`` (a scenario's soft delete: who, when, which
  rows). Rows of earlier stores belong to the example (``Exempelregionen``).
- 6: ``report_narratives.input_hash`` (the data a narrative was written on).
- 7: + ``laid_narratives`` (the narrative frozen with each laid version when it was laid).
- 8: + ``stat_forecast_parts``: a statistical forecast's bytes in consecutive parts (a value
  of SQLite or PostgreSQL holds at most 1 GB; a region's paths pass that from about 7 800
  series × 1 000 paths). Rows stored whole before stay readable.

Every table is append-only: rows are inserted, never updated; "the current one" is a query.
Deleting a scenario appends a ``scenario_deletions`` row; nothing is removed.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from forecast.ledger.names import EXAMPLE_DATASET

STORE_VERSION = 8
"""The store format version this program writes."""

metadata = sa.MetaData()


# --------------------------------------------------------------------------- column factories
# A column object belongs to one table, so each table gets fresh ones from these factories.


def _id() -> sa.Column[int]:
    """The surrogate key of a table whose rows are appended."""
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _required(name: str, *args: Any, **kw: Any) -> sa.Column[Any]:
    """A column that must hold a value (type, then any foreign key, as ``sa.Column`` takes)."""
    return sa.Column(name, *args, nullable=False, **kw)


def _name(name: str, **kw: Any) -> sa.Column[Any]:
    """A name or a person (200 characters)."""
    return _required(name, sa.String(200), **kw)


def _time(name: str) -> sa.Column[Any]:
    """An ISO time stamp."""
    return _required(name, sa.String(40))


def _month(name: str) -> sa.Column[Any]:
    """A month written ``YYYY-MM``."""
    return _required(name, sa.String(7))


def _laid_id(**kw: Any) -> sa.Column[Any]:
    return _required("laid_id", sa.Integer, sa.ForeignKey("laid_forecasts.id"), **kw)


def _dataset_month() -> tuple[sa.Column[Any], sa.Column[Any]]:
    """``dataset, as_of``: the month of a dataset a row belongs to."""
    return _name("dataset"), _month("as_of")


def _authored(**kw: Any) -> tuple[sa.Column[Any], sa.Column[Any]]:
    """``author, created``: who appended the row, and when."""
    return _name("author", **kw), _time("created")


def _laid_payload(name: str) -> sa.Table:
    """A table of JSON documents that belong to one laid forecast."""
    return sa.Table(name, metadata, _id(), _laid_id(index=True), _required("payload", sa.Text))


# --------------------------------------------------------------------------- tables

store_meta = sa.Table(
    "store_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    _required("value", sa.String(200)),
)

scenarios = sa.Table(
    "scenarios", metadata,
    _id(),
    _name("name"),
    _required("version", sa.Integer),
    _required("description", sa.Text, default=""),
    *_authored(default=""),
    _time("updated"),
    _required("parameters", sa.Text),
    _required("input_hash", sa.String(128), default=""),
    _required("program_version", sa.String(64)),
    _required("schema_version", sa.Integer),
    _name("dataset", server_default=EXAMPLE_DATASET),
    sa.UniqueConstraint("dataset", "name", "version", name="uq_scenario_dataset_version"),
)

scenario_deletions = sa.Table(
    "scenario_deletions", metadata,
    _id(),
    _name("dataset"),
    _name("name"),
    _required("upto_id", sa.Integer),
    _name("who"),
    _time("time"),
)
"""A scenario's soft delete: its rows of ``dataset`` and ``name`` with id ≤ ``upto_id`` are
hidden (kept for the audit trail); saving the name again starts a visible new version."""

audit = sa.Table(
    "audit", metadata,
    _id(),
    _time("time"),
    _name("who"),
    _required("action", sa.String(40)),
    _required("what", sa.Text),
)

laid_forecasts = sa.Table(
    "laid_forecasts", metadata,
    _id(),
    *_dataset_month(),
    _required("version", sa.Integer),
    *_authored(),
    _required("comment", sa.Text),
    _required("input_hash", sa.String(128)),
    _required("program_version", sa.String(64)),
    _required("method", sa.Text),
    _required("parameters", sa.Text),
    _month("first_month"),
    _required("n_series", sa.Integer),
    _required("summary", sa.Text),
    _required("schema_version", sa.Integer),
    sa.UniqueConstraint("dataset", "as_of", "version", name="uq_laid_version"),
)

laid_series = _laid_payload("laid_series")
"""The per-series content of one laid forecast as one JSON document (columns of
:data:`forecast.cycle.laid.SERIES_COLUMNS`, monthly arrays included): a few hundred series are
written and read in one statement."""

laid_adjustments = _laid_payload("laid_adjustments")

laid_locks = sa.Table(
    "laid_locks", metadata,
    _id(),
    *_dataset_month(),
    _laid_id(),
    *_authored(),
    sa.UniqueConstraint("dataset", "as_of", name="uq_lock_month"),
)

adjustment_sets = sa.Table(
    "adjustment_sets", metadata,
    _id(),
    *_dataset_month(),
    _required("version", sa.Integer),
    *_authored(),
    _required("payload", sa.Text),
    sa.UniqueConstraint("dataset", "as_of", "version", name="uq_adjset_version"),
)

stat_forecasts = sa.Table(
    "stat_forecasts", metadata,
    _id(),
    _required("input_hash", sa.String(128)),
    _month("as_of"),
    _required("method", sa.String(200)),
    _required("n_paths", sa.Integer),
    _required("seed", sa.BigInteger),
    _required("program_version", sa.String(64)),
    _time("created"),
    _required("n_series", sa.Integer),
    _required("format_version", sa.Integer),
    _required("payload", sa.LargeBinary),
    sa.UniqueConstraint("input_hash", "as_of", "method", "n_paths", "seed", "program_version",
                        name="uq_stat_forecast"),
)
"""The statistical forecast computed once per (data hash, month, method, paths, seed, program
version): :mod:`forecast.engine.serialize` bytes, paths included. Format 8 writes them in
:data:`stat_forecast_parts` and an empty ``payload``; a row of format 3–7 has them here."""

stat_forecast_parts = sa.Table(
    "stat_forecast_parts", metadata,
    _id(),
    _required("stat_forecast_id", sa.Integer, sa.ForeignKey("stat_forecasts.id"), index=True),
    _required("seq", sa.Integer),
    _required("data", sa.LargeBinary),
    sa.UniqueConstraint("stat_forecast_id", "seq", name="uq_stat_forecast_part"),
)
"""A stored statistical forecast's bytes from ``seq`` 0 on: joined in order they are the
:mod:`forecast.engine.serialize` bytes (each part at most
``forecast.store.statistical.PART_BYTES``)."""

laid_basis = sa.Table(
    "laid_basis", metadata,
    _id(),
    _laid_id(unique=True),
    _required("stat_forecast_id", sa.Integer, sa.ForeignKey("stat_forecasts.id")),
)
"""The stored statistical forecast a laid version was made on (none for versions laid before
store format 3)."""

report_narratives = sa.Table(
    "report_narratives", metadata,
    _id(),
    *_dataset_month(),
    _required("version", sa.Integer),
    *_authored(),
    _required("payload", sa.Text),
    _required("input_hash", sa.String(128), server_default=""),
    sa.UniqueConstraint("dataset", "as_of", "version", name="uq_narrative_version"),
)
"""The report's words written by people for a dataset (its identity) and month (JSON of
:meth:`forecast.report.narrative.Narrative.to_payload`), with the data hash they were written
on; every save is a new version."""

laid_narratives = sa.Table(
    "laid_narratives", metadata,
    _id(),
    _laid_id(unique=True),
    sa.Column("narrative_id", sa.Integer, sa.ForeignKey("report_narratives.id"), nullable=True),
)
"""The narrative in force when a version was laid (format 7): ``narrative_id`` names the
``report_narratives`` row frozen with it, NULL when none was written then. A version laid
before format 7 has no row here (its report takes the month's latest narrative, as before)."""
