"""Issue 28: a locked SQLite store answers within 5 s and names who holds the lock."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from forecast.store.base import StoreError
from forecast.store.core import LOCK_TIMEOUT_S, Database, lock_holders


def test_a_held_write_lock_is_answered_within_five_seconds(tmp_path: Path) -> None:
    path = tmp_path / "s.db"
    db = Database(f"sqlite:///{path}")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        t0 = time.monotonic()
        with pytest.raises(StoreError) as exc:
            db.write(lambda conn: conn.exec_driver_sql("SELECT 1"))
        waited = time.monotonic() - t0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert LOCK_TIMEOUT_S < 5 and waited < 5
    assert "låst av en annan process" in str(exc.value)
    assert f"väntade {LOCK_TIMEOUT_S:g} s" in str(exc.value)


def test_lock_holders_leaves_out_this_process(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("BEGIN IMMEDIATE")
    try:
        assert lock_holders(path) == []  # our own lock is not "another process"
    finally:
        conn.execute("ROLLBACK")
        conn.close()
