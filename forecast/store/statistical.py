"""Stored statistical forecasts: computed once per key, read by every process afterwards.

The key is (data hash, month, method, paths, seed, program version); the database is the one
of the laid forecasts.

A row is never overwritten: a second process that computed the same forecast meanwhile finds
the first one's row and keeps it (the forecast is deterministic for its key, so both agree). A
change of data, method, paths, seed or program version is another key, so it is computed anew
and never silently reused.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlalchemy as sa

from forecast.engine.result import RegionForecast
from forecast.engine.serialize import FORMAT_VERSION, FormatError, read_lazily, to_bytes
from forecast.store import core as C
from forecast.store import schema as T
from forecast.store.base import StoreError


@dataclass(frozen=True)
class StatKey:
    """What makes a statistical forecast: the same key always gives the same numbers."""

    input_hash: str
    as_of: str
    """``YYYY-MM``."""
    method: str
    """``standard`` or the alias of one method for every series."""
    n_paths: int
    seed: int
    program_version: str

    def where(self) -> sa.ColumnElement[bool]:
        """The row filter of this key."""
        t = T.stat_forecasts
        return sa.and_(t.c.input_hash == self.input_hash, t.c.as_of == self.as_of,
                       t.c.method == self.method, t.c.n_paths == self.n_paths,
                       t.c.seed == self.seed, t.c.program_version == self.program_version)


class StatisticalStore(C.Store):
    """The statistical forecasts of the store (opened as :class:`forecast.store.core.Store`)."""

    def find(self, key: StatKey) -> int | None:
        """The id of the stored forecast of ``key``, None if none is stored."""
        with self.db.read() as conn:
            row = conn.execute(sa.select(T.stat_forecasts.c.id).where(key.where())).first()
        return None if row is None else int(row[0])

    def load(self, stat_id: int) -> RegionForecast:
        """The stored forecast with id ``stat_id``: its summaries now, its paths on first use.

        A page, report or export reads the stored summaries (``serialize`` format 3); the
        per-series paths (610 MB at 5 000 series × 1 000 paths) are read from the row only
        when a consumer uses ``paths`` (a scenario, an adjustment, a unit's fan).

        Raises:
            StoreError: no such row, or its bytes cannot be read (damaged, newer format);
                for the paths, when they are read.
        """
        with self.db.read() as conn:
            found = conn.execute(sa.select(T.stat_forecasts.c.id)
                                 .where(T.stat_forecasts.c.id == stat_id)).first()
        if found is None:
            raise self.db.error(f"ingen lagrad statistisk prognos med id {stat_id}")

        def read(start: int, length: int | None) -> bytes:
            try:
                return self.payload_range(stat_id, start, length)
            except StoreError as exc:
                raise FormatError(str(exc)) from None

        def read_many(ranges: list[tuple[int, int]]) -> list[bytes]:
            try:
                return self.payload_ranges(stat_id, ranges)
            except StoreError as exc:
                raise FormatError(str(exc)) from None

        try:
            return read_lazily(read, read_many)
        except FormatError as exc:
            raise self.db.error(f"statistisk prognos {stat_id}: {exc}") from None

    def payload_range(self, stat_id: int, start: int, length: int | None) -> bytes:
        """``length`` bytes of a stored forecast's payload from ``start`` (None: to the end).

        SQLite reads the range from the row's blob incrementally (``blobopen``: its ``substr``
        would load the whole payload first); PostgreSQL cuts it (``substr`` on the stored
        value), so only those bytes are sent.
        """
        t = T.stat_forecasts
        if self.db.is_sqlite:
            return self._sqlite_range(stat_id, start, length)
        col: sa.ColumnElement[bytes] = t.c.payload if start == 0 and length is None else \
            sa.func.substr(t.c.payload, start + 1, length if length is not None else
                           sa.func.length(t.c.payload), type_=sa.LargeBinary)
        with self.db.read() as conn:
            data = conn.execute(sa.select(col).where(t.c.id == stat_id)).scalar()
        if data is None:
            raise self.db.error(f"ingen lagrad statistisk prognos med id {stat_id}")
        return bytes(data)

    def save(self, key: StatKey, rf: RegionForecast, *, author: str = "") -> int:
        """Store ``rf`` under ``key``; returns its id (an existing row of the key is kept)."""
        payload = to_bytes(rf)
        t = T.stat_forecasts

        def _save(conn: sa.Connection) -> int:
            found = conn.execute(sa.select(t.c.id).where(key.where())).first()
            if found is not None:
                return int(found[0])
            res = conn.execute(t.insert().values(
                input_hash=key.input_hash, as_of=key.as_of, method=key.method,
                n_paths=key.n_paths, seed=key.seed, program_version=key.program_version,
                created=C.now(), n_series=rf.n_series, format_version=FORMAT_VERSION,
                payload=payload))
            new = res.inserted_primary_key
            if new is None:  # pragma: no cover - every backend we support returns it
                raise RuntimeError("databasen gav ingen nyckel för den nya raden")
            C.audit(conn, author or "budgetprognos", "statistisk prognos",
                    f"{key.as_of} {key.method}, {key.n_paths} banor, frö {key.seed}, "
                    f"data {key.input_hash[:12]}, program {key.program_version}")
            return int(new[0])

        return self.db.write(_save)

    def payload_ranges(self, stat_id: int, ranges: list[tuple[int, int]]) -> list[bytes]:
        """Several (start, length) ranges of a stored forecast's payload, in order.

        SQLite reads them through one open blob: it finds an offset by walking the row's
        overflow pages from the start, and only an open blob remembers the walk.
        """
        if not self.db.is_sqlite:
            return [self.payload_range(stat_id, s, n) for s, n in ranges]
        return self._sqlite_ranges(stat_id, ranges)

    def _sqlite_range(self, stat_id: int, start: int, length: int | None) -> bytes:
        return self._sqlite_ranges(stat_id, [(start, -1 if length is None else length)])[0]

    def _sqlite_ranges(self, stat_id: int, ranges: list[tuple[int, int]]) -> list[bytes]:
        with self.db.read() as conn:
            raw = conn.connection.driver_connection
            if raw is None:  # pragma: no cover - an open SQLite connection has its driver's
                raise self.db.error("ingen SQLite-anslutning")
            try:
                blob = raw.blobopen(T.stat_forecasts.name, "payload", stat_id, readonly=True)
            except sqlite3.OperationalError:
                raise self.db.error(f"ingen lagrad statistisk prognos med id {stat_id}") from None
            out = []
            with blob:
                for start, length in ranges:
                    if start >= len(blob):
                        out.append(b"")
                        continue
                    blob.seek(start)
                    out.append(blob.read(length))
            return out
