"""The storage core shared by the scenario store and the laid forecasts.

Location: the SQLAlchemy URL in ``BUDGETPROGNOS_DB_URL`` if set (e.g.
``postgresql+psycopg://user@host/db``), else ``sqlite:///~/.budgetprognos/scenarier.db``.

Rules:

- Every operation opens its own short-lived connection (no pool).
- SQLite runs in WAL mode with ``synchronous=FULL``. Reads begin a *deferred* transaction, so a
  read never waits for another process's write lock; writes begin with ``BEGIN IMMEDIATE``
  and so serialise on the write lock. On PostgreSQL a write transaction first takes one
  transaction-level advisory lock, with the same effect.
- Opening checks the schema with a read; only a missing or older schema is created or
  migrated, in a write transaction of its own (:data:`MIGRATIONS`).
- Every database fault (unreachable server, corrupt file, missing directory, unknown driver,
  lock held too long, newer format) is raised as :class:`StoreError` with one Swedish line
  naming the URL with its password masked.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.pool import NullPool

from forecast.ledger.names import EXAMPLE_DATASET
from forecast.store import schema as T
from forecast.store.base import StoreError, now

ENV_URL = "BUDGETPROGNOS_DB_URL"
DEFAULT_PATH = Path("~/.budgetprognos/scenarier.db")
LOCK_TIMEOUT_S = 4.0
"""How long an operation retries another process's lock before it answers (issue 28: the
answer comes within 5 s, naming the holder when the system tells, instead of after 31 s)."""
MAX_RETRIES = 50
PG_WRITE_LOCK = 727_271
"""PostgreSQL advisory lock key taken by every write transaction."""

R = TypeVar("R")


def mask_url(url: str) -> str:
    """``url`` with its password replaced by ``***``."""
    try:
        return sa.engine.make_url(url).render_as_string(hide_password=True)
    except Exception:  # an unparsable URL is masked by pattern
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


def default_url() -> str:
    """``$BUDGETPROGNOS_DB_URL`` or the SQLite file under the home directory (made if needed)."""
    url = os.environ.get(ENV_URL)
    if url:
        return url
    path = DEFAULT_PATH.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def _describe(exc: BaseException) -> str:
    """A Swedish description of a database exception."""
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    first = text[0] if text else type(exc).__name__
    low = first.lower()
    if "locked" in low or "busy" in low:
        return "databasen är låst av en annan process (försök igen om en stund)"
    if "not a database" in low or "malformed" in low or "disk image" in low:
        return "databasfilen är skadad eller inte en SQLite-databas"
    if "unable to open" in low:
        return "databasfilen kan inte öppnas (saknas katalogen eller behörighet?)"
    if "database or disk is full" in low:
        return "disken är full: databasen kan inte skriva"
    if "disk i/o error" in low:
        return ("databasfilen kunde inte läsas eller skrivas (in/ut-fel på disken: är disken "
                "full, borttagen eller nätverksenheten nere?)")
    if "readonly database" in low or "read-only" in low:
        return "databasen är skrivskyddad (behörighet till filen och dess katalog?)"
    if "no such table" in low or "no such column" in low:
        return "databasen har inte det väntade formatet (en tabell eller kolumn saknas)"
    if "connection" in low or "could not" in low or "timeout" in low or "refused" in low:
        return f"databasservern kan inte nås ({first})"
    return f"databasfel: {first}"


def lock_holders(path: Path) -> list[str]:
    """Processes (other than this one) holding a POSIX lock on a SQLite file or its -wal/-shm.

    Read from Linux's ``/proc/locks``; empty where that is not available or tells nothing.
    Each entry is ``process PID (command line)``.
    """
    inodes = set()
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            inodes.add(p.stat().st_ino)
        except OSError:
            continue
    try:
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    pids: list[int] = []
    for line in lines:
        f = line.split()
        if len(f) < 6 or f[1] == "->" or not f[4].isdigit():
            continue
        pid, ino = int(f[4]), f[5].rsplit(":", 1)[-1]
        if ino.isdigit() and int(ino) in inodes and pid != os.getpid() and pid not in pids:
            pids.append(pid)
    out = []
    for pid in pids[:3]:
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(
                "utf-8", "replace").strip()
        except OSError:
            cmd = ""
        out.append(f"process {pid}" + (f" ({cmd[:80]})" if cmd else ""))
    return out


def _sqlite_path(url: sa.engine.URL) -> Path | None:
    db = url.database
    if not db or db == ":memory:" or db.startswith("file:"):
        return None
    return Path(db).expanduser()


def _configure_sqlite(engine: sa.Engine, timeout_s: float) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _rec: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={int(timeout_s * 1000)}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


class Database:
    """One store database: short-lived connections, safe reads and serialised writes.

    Args:
        url: SQLAlchemy URL (None = :func:`default_url`).
        lock_timeout_s: how long a write waits for another writer's lock.
    """

    def __init__(self, url: str | None = None, *, lock_timeout_s: float = LOCK_TIMEOUT_S) -> None:
        self.url = url or default_url()
        self.masked_url = mask_url(self.url)
        self.lock_timeout_s = lock_timeout_s
        self.engine = self._make_engine()
        self.is_sqlite = self.engine.dialect.name == "sqlite"
        self.ensure_schema()

    def error(self, what: str) -> StoreError:
        """A :class:`StoreError` ``databasen URL: what``; a lock names its holder if known."""
        if "låst" in what and self.is_sqlite_url():
            path = _sqlite_path(sa.engine.make_url(self.url))
            held = lock_holders(path) if path is not None else []
            who = ", ".join(held) if held else "okänt vilken"
            what = (f"databasen är låst av en annan process ({who}); "
                    f"väntade {self.lock_timeout_s:g} s, försök igen om en stund")
        return StoreError(f"databasen {self.masked_url}: {what}")

    def is_sqlite_url(self) -> bool:
        """Whether the URL names a SQLite database (known before the engine is made)."""
        try:
            return sa.engine.make_url(self.url).get_backend_name() == "sqlite"
        except sa.exc.ArgumentError:
            return False

    def _make_engine(self) -> sa.Engine:
        try:
            parsed = sa.engine.make_url(self.url)
        except sa.exc.ArgumentError as exc:
            raise self.error(f"ogiltig databas-URL ({exc}); exempel: sqlite:///sökväg/fil.db "
                             "eller postgresql+psycopg://användare@värd/databas") from None
        if parsed.get_backend_name() == "sqlite":
            path = _sqlite_path(parsed)
            if path is not None and not path.parent.is_dir():
                raise self.error(f"katalogen {str(path.parent)!r} finns inte")
        try:
            if parsed.get_backend_name() == "sqlite":
                engine = sa.create_engine(parsed, poolclass=NullPool,
                                          connect_args={"timeout": self.lock_timeout_s})
                _configure_sqlite(engine, self.lock_timeout_s)
                return engine
            return sa.create_engine(parsed, poolclass=NullPool,
                                    connect_args={"connect_timeout": 10})
        except (sa.exc.NoSuchModuleError, sa.exc.ArgumentError) as exc:
            raise self.error(f"okänd databasdrivrutin {parsed.drivername!r}; tillåtna: "
                             "sqlite, postgresql+psycopg") from exc
        except ModuleNotFoundError as exc:
            raise self.error(f"drivrutinen för {parsed.drivername!r} är inte installerad "
                             f"({exc.name})") from None

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """A read connection (deferred transaction; never waits for a writer)."""
        try:
            with self.engine.connect() as conn:
                yield conn
        except StoreError:
            raise
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            raise self.error(_describe(exc)) from None

    @contextmanager
    def _write(self) -> Iterator[sa.Connection]:
        with self.engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    if not self.is_sqlite:
                        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(PG_WRITE_LOCK)))
                    yield conn
            finally:
                conn.info.pop("write", None)

    def write(self, fn: Callable[[sa.Connection], R]) -> R:
        """Run ``fn(conn)`` in one write transaction, retried on a conflict or busy lock.

        A failure rolls the whole transaction back, leaving earlier rows intact.
        """
        deadline = time.monotonic() + self.lock_timeout_s
        for attempt in range(MAX_RETRIES):
            try:
                with self._write() as conn:
                    return fn(conn)
            except IntegrityError as exc:
                if attempt == MAX_RETRIES - 1:
                    raise self.error(_describe(exc)) from None
            except OperationalError as exc:
                busy = "locked" in str(exc) or "busy" in str(exc)
                if not busy or time.monotonic() > deadline or attempt == MAX_RETRIES - 1:
                    raise self.error(_describe(exc)) from None
            except StoreError:
                raise
            except sa.exc.SQLAlchemyError as exc:
                raise self.error(_describe(exc)) from None
            time.sleep(random.uniform(0.005, 0.05))
        raise self.error("för många skrivkonflikter")  # pragma: no cover

    # ----------------------------------------------------------------------- schema

    def schema_version(self, conn: sa.Connection) -> int:
        """The stored format version (0 = empty database, 1 = scenarios only)."""
        names = set(sa.inspect(conn).get_table_names())
        if T.store_meta.name in names:
            row = conn.execute(sa.select(T.store_meta.c.value)
                               .where(T.store_meta.c.key == "schema_version")).first()
            if row is not None:
                try:
                    return int(row[0])
                except ValueError:
                    raise self.error(f"ogiltig formatversion {row[0]!r} i store_meta") from None
        return 1 if T.scenarios.name in names else 0

    def ensure_schema(self) -> None:
        """Create or migrate the schema when needed; a current schema costs one read.

        Raises:
            StoreError: the database has a newer format than this program, or a fault.
        """
        with self.read() as conn:
            version = self.schema_version(conn)
            tables = set(sa.inspect(conn).get_table_names())
        self._check_newer(version)
        if version == T.STORE_VERSION and tables >= set(T.metadata.tables):
            return
        self.write(self._migrate)

    def _check_newer(self, version: int) -> None:
        if version > T.STORE_VERSION:
            raise self.error(f"databasen har formatversion {version}, nyare än programmets "
                             f"({T.STORE_VERSION}); uppgradera budgetprognos")

    def _migrate(self, conn: sa.Connection) -> None:
        version = self.schema_version(conn)
        self._check_newer(version)
        for v in range(max(version, 1), T.STORE_VERSION):
            MIGRATIONS[v](conn)
        T.metadata.create_all(conn, checkfirst=True)
        conn.execute(T.store_meta.delete().where(T.store_meta.c.key == "schema_version"))
        conn.execute(T.store_meta.insert().values(key="schema_version",
                                                  value=str(T.STORE_VERSION)))


class Store:
    """What every store class over :class:`Database` shares: the database and its URL.

    Args:
        url: SQLAlchemy URL (None = :func:`default_url`).
        lock_timeout_s: how long a write waits for another writer's lock.

    Raises:
        StoreError: on opening, when the database cannot be reached, read or migrated.
    """

    def __init__(self, url: str | None = None, *, lock_timeout_s: float = LOCK_TIMEOUT_S) -> None:
        self.db = Database(url, lock_timeout_s=lock_timeout_s)
        self.url = self.db.url


def _v1_to_v2(conn: sa.Connection) -> None:
    """Version 1 → 2: the laid-forecast tables and the audit trail are added (no data moves)."""
    T.metadata.create_all(conn, checkfirst=True)


def _v2_to_v3(conn: sa.Connection) -> None:
    """Version 2 → 3: stored statistical forecasts and the laid versions' basis are added."""
    T.metadata.create_all(conn, checkfirst=True)


def _v3_to_v4(conn: sa.Connection) -> None:
    """Version 3 → 4: the report narratives are added (no data moves)."""
    T.metadata.create_all(conn, checkfirst=True)


_SCENARIO_COLUMNS = ("id", "name", "version", "description", "author", "created", "updated",
                     "parameters", "input_hash", "program_version", "schema_version")


def _v4_to_v5(conn: sa.Connection) -> None:
    """Version 4 → 5: scenarios belong to a dataset (earlier rows: the example); soft deletes.

    PostgreSQL adds the column and swaps the unique constraint; SQLite, which cannot alter a
    constraint, copies the rows (ids kept) into the new table.
    """
    if "dataset" not in {c["name"] for c in sa.inspect(conn).get_columns("scenarios")}:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("ALTER TABLE scenarios RENAME TO scenarios_v4")
            T.scenarios.create(conn)
            cols = ", ".join(_SCENARIO_COLUMNS)
            conn.exec_driver_sql(f"INSERT INTO scenarios ({cols}, dataset) SELECT {cols}, "
                                 f"'{EXAMPLE_DATASET}' FROM scenarios_v4")
            conn.exec_driver_sql("DROP TABLE scenarios_v4")
        else:
            conn.exec_driver_sql(f"ALTER TABLE scenarios ADD COLUMN dataset VARCHAR(200) NOT "
                                 f"NULL DEFAULT '{EXAMPLE_DATASET}'")
            conn.exec_driver_sql("ALTER TABLE scenarios DROP CONSTRAINT "
                                 "uq_scenario_name_version")
            conn.exec_driver_sql("ALTER TABLE scenarios ADD CONSTRAINT "
                                 "uq_scenario_dataset_version UNIQUE (dataset, name, version)")
    T.metadata.create_all(conn, checkfirst=True)


def _v5_to_v6(conn: sa.Connection) -> None:
    """Version 5 → 6: a narrative records the data it was written on (earlier rows: ``''``).

    Rows are kept as they are (append-only): those under a dataset identity stay served for
    it; those under format 4's shared display name match no identity and are never served.
    """
    tables = set(sa.inspect(conn).get_table_names())
    if T.report_narratives.name in tables and "input_hash" not in {
            c["name"] for c in sa.inspect(conn).get_columns(T.report_narratives.name)}:
        conn.exec_driver_sql("ALTER TABLE report_narratives ADD COLUMN input_hash "
                             "VARCHAR(128) NOT NULL DEFAULT ''")
    T.metadata.create_all(conn, checkfirst=True)


def _v6_to_v7(conn: sa.Connection) -> None:
    """Version 6 → 7: the narrative frozen with each laid version is kept (no data moves)."""
    T.metadata.create_all(conn, checkfirst=True)


def _v7_to_v8(conn: sa.Connection) -> None:
    """Version 7 → 8: statistical forecasts are written in parts (stored rows stay whole)."""
    T.metadata.create_all(conn, checkfirst=True)


MIGRATIONS: dict[int, Callable[[sa.Connection], None]] = {
    1: _v1_to_v2, 2: _v2_to_v3, 3: _v3_to_v4, 4: _v4_to_v5, 5: _v5_to_v6, 6: _v6_to_v7,
    7: _v7_to_v8}
"""Store format version n → migration to n + 1 (run inside one write transaction)."""


def audit(conn: sa.Connection, who: str, action: str, what: str) -> None:
    """Append one audit row (who, when, what) in the caller's transaction."""
    conn.execute(T.audit.insert().values(time=now(), who=who or "okänd", action=action,
                                         what=what))
