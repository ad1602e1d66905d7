"""A throwaway PostgreSQL server for the store tests, and the ``db_url`` fixture.

``BUDGETPROGNOS_TEST_PG_URL`` (a server URL whose user may ``CREATE DATABASE``) is used when
set. Otherwise, when Debian's ``postgresql`` binaries are installed (``.ci/run`` installs them
as root, see scripts/ensure_postgres.sh), a cluster is made in a temporary directory with
``initdb`` and started with ``pg_ctl`` on a free local port (as the ``postgres`` user when
running as root), and stopped at the end of the session. Elsewhere the PostgreSQL cases skip
with the reason. Every test gets its own fresh database.

Import the fixtures in a conftest.py: ``from tests.pg_support import db_url, pg_server``.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator

import pytest

ENV_PG = "BUDGETPROGNOS_TEST_PG_URL"


def _bin(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _start() -> tuple[str, str | None]:
    """(server URL, data directory to remove) or pytest.skip with the reason."""
    if os.environ.get(ENV_PG):
        return os.environ[ENV_PG], None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg saknas: PostgreSQL-fallen hoppas över")
    initdb, pg_ctl = _bin("initdb"), _bin("pg_ctl")
    if not initdb or not pg_ctl:
        pytest.skip("PostgreSQL är inte installerat (Debian-paketet postgresql; .ci/run "
                    f"installerar det som root) och {ENV_PG} är inte satt")
    if os.geteuid() == 0:
        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("kör som root men användaren postgres saknas: initdb vägrar root")
    root = tempfile.mkdtemp(prefix="bp-pg-")
    if os.geteuid() == 0:
        os.chown(root, pw.pw_uid, pw.pw_gid)
    data, port = os.path.join(root, "data"), _free_port()
    run = dict(check=True, capture_output=True, timeout=120)
    try:
        subprocess.run(_as_postgres([initdb, "-D", data, "-U", "bp", "--auth=trust",
                                     "-E", "UTF8", "--no-sync"]), **run)
        opts = f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(_as_postgres([pg_ctl, "-D", data, "-o", opts, "-l",
                                     os.path.join(root, "log"), "-w", "start"]), **run)
    except (subprocess.SubprocessError, OSError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"PostgreSQL kunde inte startas: {exc}")
    return f"postgresql+psycopg://bp@127.0.0.1:{port}/postgres", root


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a running PostgreSQL server (skips with the reason if there is none)."""
    url, root = _start()
    yield url
    if root is not None:
        subprocess.run(_as_postgres([_bin("pg_ctl") or "pg_ctl", "-D",
                                     os.path.join(root, "data"), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(server_url: str) -> str:
    """Create an empty database on the server; returns its SQLAlchemy URL."""
    import psycopg
    import sqlalchemy as sa

    url = sa.engine.make_url(server_url)
    name = f"t_{uuid.uuid4().hex[:12]}"
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A fresh, empty store database: SQLite file, and PostgreSQL when available."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return fresh_database(request.getfixturevalue("pg_server"))
