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
    _store_whole(store, sid, old)
    back = store.load(sid)
    assert back.paths_read and np.array_equal(back.paths, rf.paths)
    assert np.array_equal(back.year_rest(2023), rf.year_rest(2023))


def _store_whole(store, sid, payload):
    """Make row ``sid`` as store formats 3–7 wrote it: the bytes whole in ``payload``."""
    def rewrite(conn):
        conn.execute(sa.delete(T.stat_forecast_parts)
                     .where(T.stat_forecast_parts.c.stat_forecast_id == sid))
        conn.execute(sa.update(T.stat_forecasts).where(T.stat_forecasts.c.id == sid)
                     .values(payload=payload))
    store.db.write(rewrite)


def test_a_row_stored_whole_before_parts_reads_lazily_as_before(db_url):
    from forecast.engine.serialize import to_bytes

    rf = _rf()
    store = StatisticalStore(db_url)
    sid = store.save(_key(), rf)
    data = to_bytes(rf)
    _store_whole(store, sid, data)
    assert store.payload_range(sid, 0, None) == data
    assert store.payload_ranges(sid, [(100, 50), (len(data) - 10, 50)]) == [
        data[100:150], data[-10:]]
    back = store.load(sid)
    assert not back.paths_read
    assert np.array_equal(back.year_rest(2023), rf.year_rest(2023)) and not back.paths_read
    assert np.array_equal(back.paths, rf.paths)


@pytest.mark.parametrize("part_bytes", [1000, 4096, 10**9])
def test_parts_join_to_the_bytes_and_ranges_cross_them(db_url, part_bytes):
    from forecast.engine.serialize import to_bytes

    rf = _rf()
    store = StatisticalStore(db_url)
    sid = store.save(_key(), rf, part_bytes=part_bytes)
    data = to_bytes(rf)
    with store.db.read() as conn:
        lengths = [len(row[0]) for row in conn.execute(
            sa.select(T.stat_forecast_parts.c.data)
            .where(T.stat_forecast_parts.c.stat_forecast_id == sid)
            .order_by(T.stat_forecast_parts.c.seq))]
    assert lengths[:-1] == [part_bytes] * (len(lengths) - 1) and sum(lengths) == len(data)
    assert len(lengths) == -(-len(data) // part_bytes)
    assert bytes(store.payload_range(sid, 0, None)) == data
    cuts = [(0, 8), (part_bytes - 3, 7), (part_bytes, part_bytes), (5, 3 * part_bytes),
            (len(data) - 10, 50), (len(data), 5)]
    assert [bytes(b) for b in store.payload_ranges(sid, cuts)] == [
        data[a: a + n] for a, n in cuts]
    back = store.load(sid)
    rows = np.array([7, 1, 2, 3, 0])
    assert np.array_equal(back.row_paths(rows), rf.paths[rows]) and not back.paths_read
    assert np.array_equal(back.paths, rf.paths) and not back.paths.flags.writeable
    for name, a in summaries(replace(rf, paths=rf.paths.copy())).items():
        assert np.array_equal(summaries(back)[name], a), name


def test_to_parts_joins_to_to_bytes():
    from forecast.engine.serialize import to_bytes, to_parts

    rf = _rf()
    data = to_bytes(rf)
    for size in (1, 63, 64, 777, len(data), len(data) + 1):
        parts = list(to_parts(rf, size))
        assert b"".join(parts) == data and max(map(len, parts)) <= size
    with pytest.raises(ValueError, match="part_bytes"):
        to_parts(rf, 0)


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


def test_a_format_7_store_is_migrated_and_its_forecasts_read(db_url):
    """A store of format 7 (forecasts stored whole, no parts table) opens as format 8; its
    stored forecast reads lazily as before, and a new one is written in parts."""
    from forecast.engine.serialize import to_bytes
    from forecast.store.core import now

    rf = _rf()
    eng = sa.create_engine(db_url)
    T.metadata.create_all(eng, tables=[t for t in T.metadata.sorted_tables
                                       if t is not T.stat_forecast_parts])
    with eng.begin() as conn:
        conn.execute(T.store_meta.insert().values(key="schema_version", value="7"))
        key = _key()
        sid = conn.execute(T.stat_forecasts.insert().values(
            input_hash=key.input_hash, as_of=key.as_of, method=key.method,
            n_paths=key.n_paths, seed=key.seed, program_version=key.program_version,
            created=now(), n_series=rf.n_series, format_version=3,
            payload=to_bytes(rf))).inserted_primary_key[0]
    eng.dispose()
    store = StatisticalStore(db_url)
    with store.db.read() as conn:
        assert store.db.schema_version(conn) == T.STORE_VERSION == 8
        assert T.stat_forecast_parts.name in sa.inspect(conn).get_table_names()
    assert store.find(_key()) == sid
    back = store.load(sid)
    assert not back.paths_read and np.array_equal(back.year_rest(2023), rf.year_rest(2023))
    assert np.array_equal(back.paths, rf.paths)
    new = store.save(_key("2023-05"), rf, part_bytes=4096)
    with store.db.read() as conn:
        n_parts = conn.execute(sa.select(sa.func.count()).select_from(T.stat_forecast_parts)
                               .where(T.stat_forecast_parts.c.stat_forecast_id == new)).scalar()
    assert n_parts == -(-len(to_bytes(rf)) // 4096)
    assert np.array_equal(store.load(new).paths, rf.paths)
