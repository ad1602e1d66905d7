"""The tables of the store shared by scenarios and laid forecasts (one SQLAlchemy metadata).

Store format versions (``store_meta.schema_version``):

- 1: only ``scenarios`` (databases made before laid forecasts existed; no ``store_meta``).
- 2: + ``store_meta``, ``audit``, ``laid_forecasts``, ``laid_series``, ``laid_adjustments``,
  ``laid_locks``, ``adjustment_sets``.

Every table is append-only: rows are inserted, never updated; "the current one" is a query.
The only deletion is a scenario's explicit, confirmed ``delete``.
"""

from __future__ import annotations

import sqlalchemy as sa

STORE_VERSION = 2
"""The store format version this program writes."""

metadata = sa.MetaData()

store_meta = sa.Table(
    "store_meta", metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

scenarios = sa.Table(
    "scenarios", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("description", sa.Text, nullable=False, default=""),
    sa.Column("author", sa.String(200), nullable=False, default=""),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("updated", sa.String(40), nullable=False),
    sa.Column("parameters", sa.Text, nullable=False),
    sa.Column("input_hash", sa.String(128), nullable=False, default=""),
    sa.Column("program_version", sa.String(64), nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.UniqueConstraint("name", "version", name="uq_scenario_name_version"),
)

audit = sa.Table(
    "audit", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("time", sa.String(40), nullable=False),
    sa.Column("who", sa.String(200), nullable=False),
    sa.Column("action", sa.String(40), nullable=False),
    sa.Column("what", sa.Text, nullable=False),
)

laid_forecasts = sa.Table(
    "laid_forecasts", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset", sa.String(200), nullable=False),
    sa.Column("as_of", sa.String(7), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("comment", sa.Text, nullable=False),
    sa.Column("input_hash", sa.String(128), nullable=False),
    sa.Column("program_version", sa.String(64), nullable=False),
    sa.Column("method", sa.Text, nullable=False),
    sa.Column("parameters", sa.Text, nullable=False),
    sa.Column("first_month", sa.String(7), nullable=False),
    sa.Column("n_series", sa.Integer, nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("schema_version", sa.Integer, nullable=False),
    sa.UniqueConstraint("dataset", "as_of", "version", name="uq_laid_version"),
)

laid_series = sa.Table(
    "laid_series", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("laid_id", sa.Integer, sa.ForeignKey("laid_forecasts.id"), nullable=False,
              index=True),
    sa.Column("payload", sa.Text, nullable=False),
)
"""The per-series content of one laid forecast as one JSON document (columns of
:data:`forecast.cycle.laid.SERIES_COLUMNS`, monthly arrays included): a few hundred series are
written and read in one statement."""

laid_adjustments = sa.Table(
    "laid_adjustments", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("laid_id", sa.Integer, sa.ForeignKey("laid_forecasts.id"), nullable=False,
              index=True),
    sa.Column("payload", sa.Text, nullable=False),
)

laid_locks = sa.Table(
    "laid_locks", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset", sa.String(200), nullable=False),
    sa.Column("as_of", sa.String(7), nullable=False),
    sa.Column("laid_id", sa.Integer, sa.ForeignKey("laid_forecasts.id"), nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("created", sa.String(40), nullable=False),
    sa.UniqueConstraint("dataset", "as_of", name="uq_lock_month"),
)

adjustment_sets = sa.Table(
    "adjustment_sets", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dataset", sa.String(200), nullable=False),
    sa.Column("as_of", sa.String(7), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("author", sa.String(200), nullable=False),
    sa.Column("created", sa.String(40), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.UniqueConstraint("dataset", "as_of", "version", name="uq_adjset_version"),
)
