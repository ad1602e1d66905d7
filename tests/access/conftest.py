"""Access fixtures: ``db_url`` runs a test on SQLite and on PostgreSQL (see tests.pg_support)."""

from tests.pg_support import db_url, pg_server  # noqa: F401
