"""Stored statistical forecasts: computed once per key, read by every process afterwards.

The key is (data hash, month, method, paths, seed, program version); the database is the one
of the laid forecasts.

A row is never overwritten: a second process that computed the same forecast meanwhile finds
the first one's row and keeps it (the forecast is deterministic for its key, so both agree). A
change of data, method, paths, seed or program version is another key, so it is computed anew
and never silently reused.

The bytes (``forecast.engine.serialize``) are written in parts of at most :data:`PART_BYTES`
(``stat_forecast_parts``, store format 8): one value of SQLite or PostgreSQL holds at most
1 GB, which a region's paths pass from about 7 800 series × 1 000 paths, and writing part by
part keeps one part in memory beside the forecast instead of the whole payload and the
driver's copies of it. Rows stored whole before (formats 3–7) are read as one part.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa

from forecast.engine.result import RegionForecast
from forecast.engine.serialize import (
    FORMAT_VERSION,
    FormatError,
    Stored,
    read_lazily,
    to_parts,
)
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


PART_BYTES = 64 * 2**20
"""The most bytes of one stored part of a forecast (a SQLite or PostgreSQL value holds at most
1 GB; 64 MiB keeps a write's memory small and a region of 20 000 series at about 40 parts)."""


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
        with self.db.read() as conn:  # the row's parts, once: rows are never changed
            parts = self._parts(conn, stat_id)

        def read_many(ranges: list[tuple[int, int]]) -> list[Stored]:
            try:
                return self._read_parts(parts, ranges)
            except StoreError as exc:
                raise FormatError(str(exc)) from None

        def read(start: int, length: int | None) -> Stored:
            return read_many([(start, -1 if length is None else length)])[0]

        try:
            return read_lazily(read, read_many)
        except FormatError as exc:
            raise self.db.error(f"statistisk prognos {stat_id}: {exc}") from None

    def payload_range(self, stat_id: int, start: int, length: int | None) -> Stored:
        """``length`` bytes of a stored forecast's payload from ``start`` (None: to the end)."""
        return self.payload_ranges(stat_id, [(start, -1 if length is None else length)])[0]

    def save(self, key: StatKey, rf: RegionForecast, *, author: str = "",
             part_bytes: int = PART_BYTES) -> int:
        """Store ``rf`` under ``key``; returns its id (an existing row of the key is kept).

        The bytes are written part by part (:data:`PART_BYTES` each) as they are made, so
        memory holds the forecast and one part, and no stored value nears the databases'
        1 GB limit of one value.
        """
        t, p = T.stat_forecasts, T.stat_forecast_parts
        first = [to_parts(rf, part_bytes)]  # the summaries computed outside the transaction

        def _save(conn: sa.Connection) -> int:
            found = conn.execute(sa.select(t.c.id).where(key.where())).first()
            if found is not None:
                return int(found[0])
            res = conn.execute(t.insert().values(
                input_hash=key.input_hash, as_of=key.as_of, method=key.method,
                n_paths=key.n_paths, seed=key.seed, program_version=key.program_version,
                created=C.now(), n_series=rf.n_series, format_version=FORMAT_VERSION,
                payload=b""))
            new = res.inserted_primary_key
            if new is None:  # pragma: no cover - every backend we support returns it
                raise RuntimeError("databasen gav ingen nyckel för den nya raden")
            parts = first.pop() if first else to_parts(rf, part_bytes)  # a retry: anew
            for seq, data in enumerate(parts):
                conn.execute(p.insert().values(stat_forecast_id=int(new[0]), seq=seq,
                                               data=data))
            C.audit(conn, author or "budgetprognos", "statistisk prognos",
                    f"{key.as_of} {key.method}, {key.n_paths} banor, frö {key.seed}, "
                    f"data {key.input_hash[:12]}, program {key.program_version}")
            return int(new[0])

        return self.db.write(_save)

    def payload_ranges(self, stat_id: int, ranges: list[tuple[int, int]]) -> list[Stored]:
        """Several (start, length) ranges of a stored forecast's payload, in order.

        ``length`` -1: to the end. The payload is the row's parts joined (format 8) or the
        row's own ``payload`` (stored before). A range within one part is read from it alone:
        SQLite through an open blob (``blobopen``: its ``substr`` would load the whole value
        first, and only an open blob remembers its walk over the value's overflow pages),
        PostgreSQL by ``substr`` on the stored value, so only those bytes are sent. A range
        over several parts is filled into one buffer.
        """
        with self.db.read() as conn:
            parts = self._parts(conn, stat_id)
        return self._read_parts(parts, ranges)

    def _read_parts(self, parts: list[_Part], ranges: list[tuple[int, int]]) -> list[Stored]:
        """:meth:`payload_ranges` of the payload made of ``parts`` (one read transaction)."""
        starts = np.cumsum([0] + [part.length for part in parts])
        with self.db.read() as conn, _PieceReader(conn, self.db) as piece:
            return [_read_range(parts, starts, start, length, piece) for start, length in ranges]

    def _parts(self, conn: sa.Connection, stat_id: int) -> list[_Part]:
        """The stored values that make the payload of ``stat_id``, in order."""
        p, t = T.stat_forecast_parts, T.stat_forecasts
        rows = conn.execute(sa.select(p.c.id, sa.func.length(p.c.data))
                            .where(p.c.stat_forecast_id == stat_id).order_by(p.c.seq)).all()
        if rows:
            return [_Part(p, "data", int(i), int(n)) for i, n in rows]
        whole = conn.execute(sa.select(sa.func.length(t.c.payload))
                             .where(t.c.id == stat_id)).first()
        if whole is None:
            raise self.db.error(f"ingen lagrad statistisk prognos med id {stat_id}")
        return [_Part(t, "payload", stat_id, int(whole[0] or 0))]


@dataclass(frozen=True)
class _Part:
    """One stored value of a payload: the row ``rowid`` of ``table``, column ``column``."""

    table: sa.Table
    column: str
    rowid: int
    length: int


def _read_range(parts: list[_Part], starts: np.ndarray, start: int, length: int,
                piece: Callable[[_Part, int, int], bytes]) -> Stored:
    """``length`` bytes (-1: to the end) from ``start`` of the parts joined."""
    end = int(starts[-1]) if length < 0 else min(int(starts[-1]), start + length)
    if start >= end:
        return b""
    i = int(np.searchsorted(starts, start, side="right")) - 1
    if end <= starts[i + 1]:  # within one part: its bytes as read, no copy
        return piece(parts[i], start - int(starts[i]), end - start)
    buf = bytearray(end - start)
    pos = start
    while pos < end:
        n = min(int(starts[i + 1]), end) - pos
        buf[pos - start: pos - start + n] = piece(parts[i], pos - int(starts[i]), n)
        pos += n
        i += 1
    return memoryview(buf).toreadonly()


class _PieceReader:
    """Reads ``n`` bytes from ``offset`` of one stored value.

    A context: SQLite's open blobs are kept for the ranges of one call and closed at its end.
    """

    def __init__(self, conn: sa.Connection, db: C.Database) -> None:
        self.conn, self.db = conn, db
        self.blobs: dict[tuple[str, int], sqlite3.Blob] = {}

    def __enter__(self) -> Callable[[_Part, int, int], bytes]:
        return self.read

    def __exit__(self, *exc: object) -> None:
        for blob in self.blobs.values():
            blob.close()

    def read(self, part: _Part, offset: int, n: int) -> bytes:
        if not self.db.is_sqlite:
            col = sa.func.substr(part.table.c[part.column], offset + 1, n, type_=sa.LargeBinary)
            data = self.conn.execute(sa.select(col).where(part.table.c.id == part.rowid)).scalar()
            return bytes(data or b"")
        blob = self.blobs.get((part.table.name, part.rowid))
        if blob is None:
            raw = self.conn.connection.driver_connection
            if raw is None:  # pragma: no cover - an open SQLite connection has its driver's
                raise self.db.error("ingen SQLite-anslutning")
            blob = raw.blobopen(part.table.name, part.column, part.rowid, readonly=True)
            self.blobs[(part.table.name, part.rowid)] = blob
        blob.seek(offset)
        return blob.read(n)
