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
    data = to_bytes(make_rf("2023-04", n_paths=5))
    with pytest.raises(FormatError, match="nyare än programmets"):
        from_bytes(_with_meta(data, format=99))
    with pytest.raises(FormatError, match="kan inte läsas"):
        from_bytes(data[: len(data) // 2])
    with pytest.raises(FormatError, match="skadad"):
        from_bytes(_with_meta(data, key_order=["nope"]))
