"""statsforecast is imported without Dask (forecast.methods.library), in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from forecast.methods.library import without_dask

pytest.importorskip("dask")

_PROBE = """
import json, sys
import numpy as np
from forecast.methods.statistical import CESMethod, ThetaMethod
y = 100 + 10 * np.sin(np.arange(40) * np.pi / 6) + np.arange(40)
pts = [m.fit(y, 1).predict(6).tolist() for m in (ThetaMethod(), CESMethod())]
print(json.dumps({"dask": sorted(m for m in sys.modules if m.split('.')[0] == 'dask'),
                  "statsforecast": 'statsforecast.models' in sys.modules, "points": pts}))
"""


def _probe(prefix: str = "") -> dict:
    out = subprocess.run([sys.executable, "-c", prefix + _PROBE], capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_forecasting_loads_statsforecast_but_not_dask() -> None:
    res = _probe()
    assert res["statsforecast"]
    assert res["dask"] == []


def test_with_dask_loaded_first_the_forecasts_are_the_same() -> None:
    plain = _probe()
    with_dask = _probe("import distributed\n")
    assert "dask" in with_dask["dask"]  # a cluster's process keeps its Dask
    assert with_dask["points"] == plain["points"]


def test_the_hold_back_is_lifted_after_the_block() -> None:
    with without_dask(), pytest.raises(ModuleNotFoundError):
        __import__("dask.not_a_module_at_all")
    before = len(sys.meta_path)
    with without_dask():
        assert len(sys.meta_path) == before + 1
    assert len(sys.meta_path) == before
