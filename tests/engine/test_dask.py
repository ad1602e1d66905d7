"""Past one machine: the region forecast on a Dask cluster equals the local run, bit for bit.

The test starts its own local cluster of two worker processes
(``distributed.LocalCluster(n_workers=2)``) and runs the 2 000-series region-scale example
(``data/region_scale.py``) through the same one-pass path as the standard årsprognos (each
series' backtest choice, its forecast, joint paths, level correction, totals' floor). The
default suite uses a quick real method as the candidate so it runs in about a minute; the
slow test (``-m slow``) runs the standard itself (``combo``) with 1 000 paths.
"""

from __future__ import annotations

import numpy as np
import pytest

from forecast.engine import region as engine
from forecast.parallel import check_address, cluster_address, use_cluster
from tests.test_region_scale import R

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def cluster():
    import dask

    # A worker process that imports numpy, pandas and statsforecast on a loaded CI machine
    # can take longer than the default 30 s to reach the scheduler ("Nanny failed to start
    # worker process", seen once); the test is of the numbers, not of start-up speed.
    with dask.config.set({"distributed.comm.timeouts.connect": "180s"}), \
            distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                     dashboard_address=None) as c:
        yield c


def _same(a, b) -> None:
    assert np.array_equal(a.paths, b.paths)
    assert np.array_equal(a.point, b.point)
    assert a.method == b.method and a.notes == b.notes
    assert a.level_correction == b.level_correction and a.totals_width == b.totals_width


def test_2000_series_on_a_two_worker_cluster_equal_the_local_run(cluster) -> None:
    ds = R.dataset(2000)
    kw = {"n_paths": 200, "seed": 3, "choose": True, "candidates": ("seasonal_naive",),
          "default_method": "seasonal_naive"}
    local = engine.forecast_region(ds, ds.last_outcome, workers=2, **kw)
    with use_cluster(cluster.scheduler_address):
        remote = engine.forecast_region(ds, ds.last_outcome, **kw)
    assert local.n_series == 2000
    _same(local, remote)


@pytest.mark.slow
def test_standard_forecast_on_a_cluster_equals_the_local_run(cluster) -> None:
    ds = R.dataset(2000)
    local = engine.standard_forecast(ds, ds.last_outcome, n_paths=1000, workers=2)
    with use_cluster(cluster.scheduler_address):
        remote = engine.standard_forecast(ds, ds.last_outcome, n_paths=1000)
    _same(local, remote)


def test_cluster_address_is_checked_and_scoped(monkeypatch) -> None:
    assert check_address("lokalt") == "lokalt"
    assert check_address("tcp://planering-01:8786") == "tcp://planering-01:8786"
    for bad in ("", "planering", "http://x:1", "x:0", "x:99999", "a b:1"):
        with pytest.raises(ValueError, match="klusteradressen"):
            check_address(bad)
    monkeypatch.delenv("BUDGETPROGNOS_KLUSTER", raising=False)
    assert cluster_address() is None
    with use_cluster("x:1"):
        assert cluster_address() == "x:1"
    assert cluster_address() is None
    monkeypatch.setenv("BUDGETPROGNOS_KLUSTER", "tcp://h:8786")
    assert cluster_address() == "tcp://h:8786"
