"""The region-scale example generator (``data/region_scale.py``): seeded, byte-identical per
seed, exactly the series asked for, with the shapes a real region's ledger has."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from forecast.engine import region as engine
from forecast.ledger import schema as S

_PATH = Path(__file__).resolve().parents[1] / "data" / "region_scale.py"


def _module():
    spec = importlib.util.spec_from_file_location("region_scale", _PATH)
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("region_scale", mod)
    spec.loader.exec_module(mod)
    return mod


R = _module()


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path) -> None:
    a = R.write(300, tmp_path / "a", seed=1)
    b = R.write(300, tmp_path / "b", seed=1)
    c = R.write(300, tmp_path / "c", seed=2)
    for pa, pb in zip(a, b, strict=True):
        assert pa.read_bytes() == pb.read_bytes()
    assert a[0].read_bytes() != c[0].read_bytes()
    text = a[0].read_bytes()
    assert b"\r" not in text and text.startswith(b"period,unit,account,kind,amount_tkr\n")


def test_exactly_the_series_asked_for_with_realistic_shapes() -> None:
    ds = R.dataset(600, seed=0)
    as_of = ds.last_outcome
    assert str(as_of) == "2024-04"
    keys = engine._series_keys(ds, as_of)
    assert len(keys) == 600
    inp = engine._prepare(ds, as_of)
    assert (inp.first_obs >= 0).all()  # every series has outcome history
    booked = (inp.outcome != 0).sum(axis=1)
    months = inp.outcome.shape[1]
    assert (booked < 0.5 * months).mean() > 0.1  # sparse or new series
    assert (inp.first_obs > 24).mean() > 0.05  # series that started in the last years
    closed = (inp.outcome[:, -4:] == 0).all(axis=1) & (booked > 12)
    assert closed.mean() > 0.03  # series that stopped
    led = ds.ledger
    cost = led[S.ACCOUNT] == "Personalkostnader"
    assert (led.loc[cost, S.AMOUNT] <= 0).all()  # reports' sign: cost negative
    assert (led.loc[led[S.ACCOUNT] == "Försäljning", S.AMOUNT] >= 0).all()
    assert ds.org.divisions and len(ds.org.units) >= 600 / 18


def test_sizes_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="n_series"):
        R.generate(0)


@pytest.mark.slow
def test_2000_series_example_is_byte_identical_and_forecast_with_1000_paths(tmp_path) -> None:
    a = R.write(2000, tmp_path / "a")
    b = R.write(2000, tmp_path / "b")
    assert all(x.read_bytes() == y.read_bytes() for x, y in zip(a, b, strict=True))
    ds = R.dataset(2000)
    rf = engine.standard_forecast(ds, ds.last_outcome, n_paths=1000)
    assert rf.n_series == 2000 and rf.n_paths == 1000
    assert rf.paths.dtype == np.float32 and np.isfinite(rf.paths).all()
