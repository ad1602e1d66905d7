"""The hand-written ETS recursion (``statistical.ets_run``) against statsforecast's own forecast.

With zero errors from the last fitted state, the recursion must give statsforecast's point
forecast (its ``forecast_ets``) to 1e-10 for the automatic choice (ZZZ), an additive model
(AAA) and a multiplicative one (MAM).
"""

from __future__ import annotations

import numpy as np
import pytest
from statsforecast.models import AutoETS

from forecast.methods.statistical import ets_origin_forecasts, ets_run


def monthly_series(n: int = 72, seed: int = 3) -> np.ndarray:
    """A positive seasonal series with trend and noise (offline, deterministic)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    season = 1 + 0.15 * np.cos(2 * np.pi * t / 12)
    return 1000 * (1.01 ** t) * season * (1 + 0.02 * rng.standard_normal(n))


@pytest.mark.parametrize("spec", ["ZZZ", "AAA", "MAM"])
def test_recursion_equals_statsforecast_forecast(spec):
    y = monthly_series()
    h = 18
    fitted = AutoETS(season_length=12, model=spec).fit(y)
    expected = fitted.predict(h)["mean"]
    model = fitted.model_
    last = np.asarray(model["states"][-1], dtype=float)
    mine = ets_run(model, last[None, :], np.zeros((1, h)))[0]
    np.testing.assert_allclose(mine, expected, rtol=1e-10)
    # The origin forecasts are the same recursion from the in-sample states.
    again = ets_origin_forecasts(model, h, np.array([len(model["states"]) - 1]))[0]
    np.testing.assert_allclose(again, expected, rtol=1e-10)


def test_specs_fit_what_they_say():
    y = monthly_series()
    for spec in ("AAA", "MAM"):
        comps = AutoETS(season_length=12, model=spec).fit(y).model_["components"]
        assert "".join(comps[:3]) == spec
