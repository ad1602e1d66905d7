"""A cost's simulated paths never cross into revenue (and revenue never into cost)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.engine.sign import constrain_sign, history_sign


def test_history_sign() -> None:
    y = np.array([[-1.0, -2.0, np.nan], [1.0, 0.0, 3.0], [-1.0, 1.0, 0.0], [0.0, 0.0, np.nan]])
    assert history_sign(y).tolist() == [-1, 1, 0, 0]


def test_constrain_sign_clips_only_consistent_series() -> None:
    rng = np.random.default_rng(0)
    paths = rng.normal(0.0, 1.0, size=(3, 50, 6))
    before = paths.copy()
    changed = constrain_sign(paths, np.array([-1, 1, 0], dtype=np.int8))
    assert changed.tolist() == [True, True, False]
    assert (paths[0] <= 0).all() and (paths[1] >= 0).all()
    np.testing.assert_array_equal(paths[2], before[2])
    keep = before[0] <= 0
    np.testing.assert_array_equal(paths[0][keep], before[0][keep])


def test_region_cost_paths_stay_costs() -> None:
    from forecast.engine.region import forecast_region
    from forecast.ledger.dataset import load_default

    ds = load_default()
    rf = forecast_region(ds, pd.Period("2023-04", "M"), n_paths=200, seed=1,
                         default_method="run_rate")
    led = ds.ledger
    hist = led.loc[(led["kind"] == "utfall") & (led["period"] <= rf.as_of)]
    sums = hist.groupby(["unit", "account"])["amount_tkr"].agg(["min", "max"])
    for i, (u, a) in enumerate(zip(rf.keys["unit"], rf.keys["account"], strict=True)):
        lo, hi = sums.loc[(u, a)]
        if hi <= 0 and lo < 0:
            assert rf.paths[i].max() <= 0, (u, a)
        if lo >= 0 and hi > 0:
            assert rf.paths[i].min() >= 0, (u, a)
