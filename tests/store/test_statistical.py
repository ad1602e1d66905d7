"""Stored statistical forecasts: summaries read at once, per-series paths only when used."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import sqlalchemy as sa

from forecast.engine.result import summaries
from forecast.store import schema as T
from forecast.store.base import StoreError
from forecast.store.statistical import StatisticalStore, StatKey
from tests.scenario_fixtures import make_rf


def _rf():
    rf = make_rf("2023-04", n_paths=30)
    return replace(rf, paths=rf.paths.astype(np.float32))


def _key(month: str = "2023-04") -> StatKey:
    return StatKey("h" * 12, month, "standard", 30, 0, "test")


def test_load_reads_the_summaries_and_the_paths_only_when_used(db_url):
    rf = _rf()
    store = StatisticalStore(db_url)
    back = store.load(store.save(_key(), rf))
    assert not back.paths_read and back.n_paths == 30 and back.n_series == rf.n_series
    fresh = replace(rf, paths=rf.paths.copy())  # its summaries computed from the paths
    stored = summaries(back)
    for name, a in summaries(fresh).items():
        assert np.array_equal(stored[name], a), name
    assert not back.paths_read
    assert np.array_equal(back.paths, rf.paths) and back.paths_read
    assert not back.paths.flags.writeable


def test_a_version_2_row_keeps_loading_whole(db_url):
    from forecast.engine.serialize import ARRAYS, _meta, pack

    rf = _rf()
    store = StatisticalStore(db_url)
    sid = store.save(_key(), rf)
    old = pack({**_meta(rf), "format": 2}, [(n, getattr(rf, n)) for n in ARRAYS])
    store.db.write(lambda conn: conn.execute(
        sa.update(T.stat_forecasts).where(T.stat_forecasts.c.id == sid).values(payload=old)))
    back = store.load(sid)
    assert back.paths_read and np.array_equal(back.paths, rf.paths)
    assert np.array_equal(back.year_rest(2023), rf.year_rest(2023))


def test_payload_ranges_and_missing_rows(db_url):
    from forecast.engine.serialize import to_bytes

    rf = _rf()
    store = StatisticalStore(db_url)
    sid = store.save(_key(), rf)
    data = to_bytes(rf)
    assert store.payload_range(sid, 0, None) == data
    assert store.payload_range(sid, 100, 50) == data[100:150]
    assert store.payload_range(sid, len(data) - 10, 50) == data[-10:]
    assert store.payload_ranges(sid, [(len(data) - 64, 32), (8, 4), (0, 8)]) == [
        data[-64:-32], data[8:12], data[:8]]
    back = store.load(sid)
    rows = np.array([7, 1, 2, 3, 0])
    assert np.array_equal(back.row_paths(rows), rf.paths[rows]) and not back.paths_read
    with pytest.raises(StoreError, match="ingen lagrad statistisk prognos med id 999"):
        store.load(999)
    with pytest.raises(StoreError, match="ingen lagrad statistisk prognos med id 999"):
        store.payload_range(999, 0, 8)
