"""The stored statistical forecast's format: a bit-identical round trip, damage refused."""

from __future__ import annotations

import io
import json
from dataclasses import fields, replace

import numpy as np
import pytest

from forecast.engine.serialize import FormatError, from_bytes, to_bytes
from tests.scenario_fixtures import byte_reader, make_rf, stored_rf


def test_round_trip_is_bit_identical_in_every_field():
    rf = replace(make_rf("2023-04", n_paths=30), paths=make_rf("2023-04", n_paths=30)
                 .paths.astype(np.float32), level_correction=(("kostnad", 1.5, 3),),
                 totals_width=(("Regionen", 1.2),), input_hash="abc", seed=7)
    back = from_bytes(to_bytes(rf))
    for f in fields(rf):
        a, b = getattr(rf, f.name), getattr(back, f.name)
        if isinstance(a, np.ndarray):
            assert a.dtype == b.dtype and np.array_equal(a, b, equal_nan=True), f.name
        elif f.name == "keys":
            assert a.reset_index(drop=True).equals(b), f.name
        elif f.name == "months":
            assert list(a) == list(b)
        else:
            assert a == b, f.name
    assert not back.paths.flags.writeable


def _with_meta(data: bytes, **change) -> bytes:
    with np.load(io.BytesIO(data)) as z:
        arrays = {n: z[n] for n in z.files}
    meta = json.loads(arrays["meta"].tobytes())
    meta.update(change)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def test_newer_format_and_damage_are_refused_in_swedish():
    data = _v1_bytes(make_rf("2023-04", n_paths=5))  # version 1 (npz) damaged
    with pytest.raises(FormatError, match="nyare än programmets"):
        from_bytes(_with_meta(data, format=99))
    with pytest.raises(FormatError, match="kan inte läsas"):
        from_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match="skadad"):
        from_bytes(_with_meta(data, key_order=["nope"]))


def _v1_bytes(rf) -> bytes:
    """The version-1 bytes (``.npz`` with a ``meta`` member), as program 0.x wrote them."""
    from forecast.engine.serialize import ARRAYS, _meta

    meta = {**_meta(rf), "format": 1}
    buf = io.BytesIO()
    np.savez(buf, meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
             **{n: np.ascontiguousarray(getattr(rf, n)) for n in ARRAYS})
    return buf.getvalue()


def _v2_bytes(rf) -> bytes:
    """The version-2 bytes (no summaries, the arrays in ``ARRAYS`` order), as 0.x wrote them."""
    from forecast.engine.serialize import ARRAYS, _meta, pack

    return pack({**_meta(rf), "format": 2}, [(n, getattr(rf, n)) for n in ARRAYS])


def test_versions_1_and_2_keep_loading_and_version_3_is_written():
    from forecast.engine.serialize import FORMAT_VERSION, MAGIC

    rf = make_rf("2023-04", n_paths=12)
    rf = replace(rf, paths=rf.paths.astype(np.float32))
    new = to_bytes(rf)
    assert FORMAT_VERSION == 3 and new.startswith(MAGIC)
    for data in (new, _v2_bytes(rf), _v1_bytes(rf)):
        back = from_bytes(data)
        assert np.array_equal(back.paths, rf.paths) and back.paths.dtype == np.float32
        assert np.array_equal(back.point, rf.point) and back.method == rf.method
        assert not back.paths.flags.writeable


def test_version_2_newer_or_cut_is_refused():
    import struct

    data = to_bytes(make_rf("2023-04", n_paths=5))
    size = struct.unpack_from("<I", data, 4)[0]
    head = json.loads(data[8: 8 + size])
    newer = json.dumps({**head, "format": 4}, ensure_ascii=False).encode()
    assert len(newer) == size  # same length: the arrays stay where they were
    with pytest.raises(FormatError, match="nyare än programmets"):
        from_bytes(data[:8] + newer + data[8 + size:])
    with pytest.raises(FormatError, match="kan inte läsas"):
        from_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match="kan inte läsas"):
        from_bytes(data[:6])


def test_summaries_read_back_equal_those_computed_from_the_full_paths():
    """One source: what a page reads from the store is what the paths give, bit for bit."""
    from forecast.engine.result import summaries
    from forecast.engine.serialize import read_lazily

    rf, data = stored_rf("2023-04", n_paths=40)
    log: list[tuple[int, int | None]] = []
    lazy = read_lazily(byte_reader(data, log))
    stored = summaries(lazy)
    assert not lazy.paths_read and lazy.n_paths == 40
    assert max(s + (n or 0) for s, n in log) < len(data) - lazy.paths.nbytes + 64
    fresh = replace(rf, paths=np.array(lazy.paths))  # no memo: computed from the paths
    computed = summaries(fresh)
    assert sorted(stored) == ["expected", "total_paths", "year_rest_2023", "year_rest_2024",
                              "year_rest_2025"]
    for name, a in computed.items():
        assert stored[name].dtype == a.dtype and np.array_equal(stored[name], a), name


def test_figures_of_a_lazily_read_forecast_need_no_paths_and_equal_the_full_ones():
    from forecast.engine import hierarchy, monthly
    from forecast.engine.fan import group_paths
    from forecast.engine.serialize import read_lazily

    rf, data = stored_rf("2023-04", n_paths=40)
    lazy = read_lazily(byte_reader(data, []))
    full = from_bytes(data)
    for by in ((), ("division",), ("unit", "category")):
        pd_a = hierarchy.year_totals(lazy, by, year=2024)
        pd_b = hierarchy.year_totals(replace(full, paths=np.array(full.paths)), by, year=2024)
        assert pd_a.equals(pd_b)
    assert monthly.region_month_means(lazy).equals(monthly.region_month_means(full))
    assert np.array_equal(group_paths(lazy, {}), full.paths.sum(axis=0, dtype=np.float64))
    div = str(lazy.keys["division"].iloc[0])
    rows = full.row_mask(division=div)
    assert np.array_equal(group_paths(lazy, {"division": div}),
                          full.paths[rows].sum(axis=0, dtype=np.float64))
    assert not lazy.paths_read
    assert np.array_equal(lazy.paths, rf.paths) and lazy.paths_read


def test_version_2_is_read_whole_and_cut_paths_are_refused_when_read():
    from forecast.engine.serialize import read_lazily

    rf = make_rf("2023-04", n_paths=8)
    rf = replace(rf, paths=rf.paths.astype(np.float32))
    log: list[tuple[int, int | None]] = []
    old = read_lazily(byte_reader(_v2_bytes(rf), log))
    assert old.paths_read and (0, None) in log and np.array_equal(old.paths, rf.paths)
    data = to_bytes(rf)
    cut = read_lazily(byte_reader(data[:-100], []))
    with pytest.raises(FormatError, match="avkortade"):
        _ = cut.paths


def test_a_years_totals_are_read_when_that_year_is_first_asked_for():
    from forecast.engine.serialize import read_lazily

    rf = make_rf("2023-04", n_paths=40)
    rf = replace(rf, paths=rf.paths.astype(np.float32))
    log: list[tuple[int, int | None]] = []
    lazy = read_lazily(byte_reader(to_bytes(rf), log))
    from forecast.engine.result import LazyArray

    year = lazy.n_series * lazy.n_paths * 8
    memo = lazy.__dict__["_year_rest"]
    assert all(isinstance(memo[y], LazyArray) for y in (2023, 2024, 2025))
    end = max(start + (n or 0) for start, n in log)
    assert end <= len(to_bytes(rf)) - 3 * year - rf.paths.nbytes  # years and paths not read
    log.clear()
    assert np.array_equal(lazy.year_rest(2024), rf.year_rest(2024))
    assert [n for _, n in log] == [year] and isinstance(memo[2023], LazyArray)


def test_a_december_forecast_keeps_its_as_of_years_totals():
    from forecast.engine.result import summaries
    from forecast.engine.serialize import read_lazily

    rf = make_rf("2023-12", n_paths=10)
    rf = replace(rf, paths=rf.paths.astype(np.float32))
    data = to_bytes(rf)
    lazy = read_lazily(byte_reader(data, []))
    assert "year_rest_2023" in summaries(lazy) and not lazy.paths_read
    assert np.array_equal(lazy.year_rest(2023), np.zeros((rf.n_series, 10)))


def test_stored_group_totals_equal_those_computed_bit_for_bit():
    """One source: the stored groups' year totals per path are what the core computes."""
    from forecast.engine import hierarchy as H
    from forecast.engine.serialize import read_lazily

    rf, data = stored_rf()
    lazy = read_lazily(byte_reader(data, []))
    stored = H.group_summaries(lazy)
    computed = H.group_summaries(replace(rf, paths=np.array(rf.paths)))
    levels = [H.group_summary_name(by, y) for y in (2023, 2024, 2025) for by in H.GROUP_LEVELS]
    assert sorted(stored) == sorted([*levels, *(f"series_year_mean_{y}"
                                                for y in (2023, 2024, 2025))])
    for name, a in computed.items():
        assert stored[name].dtype == a.dtype and np.array_equal(stored[name], a), name
    # and they are the sums over each group's series, from the summing matrix
    S, _ = H.summing_matrix(rf.keys, [("account_type", "category")])
    yp = H.series_year_paths(rf, 2024)
    np.testing.assert_allclose(stored[H.group_summary_name(("account_type", "category"), 2024)],
                               S @ yp, rtol=1e-12)


def test_group_year_totals_read_no_series_year_totals_and_equal_the_full_ones():
    from forecast.engine import hierarchy as H
    from forecast.engine.result import LazyArray
    from forecast.engine.serialize import read_lazily

    rf, data = stored_rf()
    lazy = read_lazily(byte_reader(data, []))
    for year in (2023, 2024, 2025):
        for by in H.GROUP_LEVELS:
            a = H.year_totals(lazy, by, year=year)
            b = H.year_totals(replace(rf, paths=np.array(rf.paths)), by, year=year)
            assert a.equals(b), (by, year)
    memo = lazy.__dict__["_year_rest"]
    assert all(isinstance(memo[y], LazyArray) for y in (2023, 2024, 2025))
    assert not lazy.paths_read
    # a level not stored is computed from the series' year totals, equal to the full one
    by = ("unit", "category")
    assert H.year_totals(lazy, by).equals(H.year_totals(from_bytes(data), by))


def test_a_forecast_stored_without_group_totals_computes_them():
    from forecast.engine import hierarchy as H
    from forecast.engine.serialize import SUMMARY_PREFIX, pack, read_lazily

    _, data = stored_rf(n_paths=20)
    meta = json.loads(data[8: 8 + int.from_bytes(data[4:8], "little")])
    full = from_bytes(data)
    arrays = []
    for t in meta.pop("arrays"):
        name = t["name"]
        if name.startswith((f"{SUMMARY_PREFIX}{H.GROUP_SUMMARY}",
                            f"{SUMMARY_PREFIX}{H.SERIES_MEAN_SUMMARY}")):
            continue
        src = full.paths if name == "paths" else (
            getattr(full, name) if not name.startswith(SUMMARY_PREFIX) else None)
        if src is None:
            from forecast.engine.result import summaries
            src = summaries(full)[name[len(SUMMARY_PREFIX):]]
        arrays.append((name, np.asarray(src)))
    meta.pop("paths_at")
    old = read_lazily(byte_reader(pack(meta, arrays), []))
    assert "_group_year" not in old.__dict__ or not old.__dict__["_group_year"]
    assert H.year_totals(old, ("division",)).equals(H.year_totals(full, ("division",)))


def test_prognos_per_group_reads_no_year_totals_and_equals_year_totals_bit_for_bit():
    """The report's Prognos columns (``hierarchy.year_forecast``) of a stored forecast: the
    Prognos of ``year_totals`` on the full forecast, without reading a year's totals."""
    from forecast.engine import hierarchy as H
    from forecast.engine.result import LazyArray
    from forecast.engine.serialize import read_lazily
    from forecast.report.figures import prognos_by

    rf, data = stored_rf()
    lazy = read_lazily(byte_reader(data, []))
    full = replace(rf, paths=np.array(rf.paths))
    by = prognos_by(lazy)
    for cols in (("division", "account_type"), ("account_type",), ("category",),
                 ("account",), ("unit", "category")):
        want = H.year_totals(full, cols).set_index(list(cols))[H.FORECAST]
        assert by(cols).equals(want), cols
        assert by(cols).index.equals(want.index), cols
    assert isinstance(lazy.__dict__["_year_rest"][2023], LazyArray) and not lazy.paths_read


def test_agency_share_reads_only_its_series_year_totals_and_equals_the_full_one():
    """hierarchy.agency_share of a stored forecast reads the agency and personnel series'
    rows of the year's totals alone; the same numbers, bit for bit, as on the full forecast."""
    from forecast.engine import hierarchy as H
    from forecast.engine.result import LazyArray
    from forecast.engine.serialize import read_lazily
    from forecast.ledger.dimensions import INHYRD, PERSONAL

    rf, data = stored_rf()
    cats = set(rf.keys["category"])
    assert {INHYRD, PERSONAL} <= cats, cats
    log: list[tuple[int, int | None]] = []
    lazy = read_lazily(byte_reader(data, log))
    log.clear()
    full = replace(rf, paths=np.array(rf.paths))
    div = str(rf.keys["division"].iloc[0])
    for rows in (None, rf.row_mask(division=div)):
        for year in (2023, 2024):
            got = H.agency_share(lazy, rows=rows, year=year)
            want = H.agency_share(full, rows=rows, year=year)
            assert got.keys() == want.keys()
            for k in want:
                assert got[k] == want[k] or (np.isnan(got[k]) and np.isnan(want[k])), k
    memo = lazy.__dict__["_year_rest"]
    assert isinstance(memo[2023], LazyArray) and isinstance(memo[2024], LazyArray)
    assert not lazy.paths_read
    year_bytes = lazy.n_series * lazy.n_paths * 8
    assert log and all((n or 0) < year_bytes for _, n in log)  # rows, never a whole year
    some = np.array([5, 1, 2, 9, 3])
    assert np.array_equal(memo[2024].rows(some), memo[2024].read()[some])
