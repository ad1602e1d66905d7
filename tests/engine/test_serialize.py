"""The stored statistical forecast's format: a bit-identical round trip, damage refused."""

from __future__ import annotations

import io
import json
from dataclasses import fields, replace

import numpy as np
import pytest

from forecast.engine.serialize import FormatError, from_bytes, to_bytes
from tests.scenario_fixtures import make_rf


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


def test_version_1_keeps_loading_and_version_2_is_written():
    from forecast.engine.serialize import FORMAT_VERSION, MAGIC

    rf = make_rf("2023-04", n_paths=12)
    rf = replace(rf, paths=rf.paths.astype(np.float32))
    new = to_bytes(rf)
    assert FORMAT_VERSION == 2 and new.startswith(MAGIC)
    for data in (new, _v1_bytes(rf)):
        back = from_bytes(data)
        assert np.array_equal(back.paths, rf.paths) and back.paths.dtype == np.float32
        assert np.array_equal(back.point, rf.point) and back.method == rf.method
        assert not back.paths.flags.writeable


def test_version_2_newer_or_cut_is_refused():
    import struct

    data = to_bytes(make_rf("2023-04", n_paths=5))
    size = struct.unpack_from("<I", data, 4)[0]
    head = json.loads(data[8: 8 + size])
    newer = json.dumps({**head, "format": 3}, ensure_ascii=False).encode()
    assert len(newer) == size  # same length: the arrays stay where they were
    with pytest.raises(FormatError, match="nyare än programmets"):
        from_bytes(data[:8] + newer + data[8 + size:])
    with pytest.raises(FormatError, match="kan inte läsas"):
        from_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match="kan inte läsas"):
        from_bytes(data[:6])
