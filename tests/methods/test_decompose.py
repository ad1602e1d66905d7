"""The fast classical decomposition equals statsmodels' bit for bit, and changes no forecast."""

from __future__ import annotations

import numpy as np
import pytest
import statsforecast.ces
import statsforecast.ets
import statsforecast.theta
from statsmodels.tsa.seasonal import seasonal_decompose as sm_decompose

from forecast.methods import decompose, make_method


def _series(rng: np.random.Generator, n: int, positive: bool) -> np.ndarray:
    t = np.arange(n)
    level = rng.uniform(50, 5000)
    season = 1 + rng.uniform(0, 0.4) * np.sin(2 * np.pi * (t + rng.integers(12)) / 12)
    y = level * season * (1 + rng.uniform(-0.01, 0.02)) ** t * rng.lognormal(0, 0.08, n)
    return y if positive else y - rng.uniform(0, 2) * level


@pytest.mark.parametrize("model", ["additive", "multiplicative"])
def test_components_are_bit_identical_to_statsmodels(model: str) -> None:
    rng = np.random.default_rng(7)
    checked = 0
    for _ in range(300):
        n = int(rng.integers(24, 220))
        y = _series(rng, n, positive=model == "multiplicative" or rng.random() < 0.5)
        for period in (12, 6, 5):
            if n < 2 * period:
                continue
            ours = decompose.seasonal_decompose(y, model=model, period=period)
            ref = sm_decompose(y, model=model, period=period)
            for name in ("seasonal", "trend", "resid"):
                np.testing.assert_array_equal(getattr(ours, name), getattr(ref, name))
            checked += 1
    assert checked > 800


def test_long_series_and_direct_convolution_bound() -> None:
    rng = np.random.default_rng(11)
    for n in (decompose.DIRECT_CONVOLVE_MAX - 1, decompose.DIRECT_CONVOLVE_MAX,
              decompose.DIRECT_CONVOLVE_MAX + 1, 1500):
        y = _series(rng, n, positive=True)
        for model in ("additive", "multiplicative"):
            ours = decompose.seasonal_decompose(y, model=model, period=12)
            ref = sm_decompose(y, model=model, period=12)
            np.testing.assert_array_equal(ours.seasonal, ref.seasonal)
            np.testing.assert_array_equal(ours.trend, ref.trend)


def test_rejects_what_statsmodels_rejects() -> None:
    y = np.arange(1.0, 30.0)
    with pytest.raises(ValueError):
        decompose.seasonal_decompose(y[:20], period=12)  # fewer than two cycles
    with pytest.raises(ValueError):
        decompose.seasonal_decompose(np.r_[y, np.nan], period=12)
    with pytest.raises(ValueError):
        decompose.seasonal_decompose(y - 5, model="multiplicative", period=12)


def test_installed_only_in_theta_and_ces() -> None:
    decompose.ensure_installed()
    assert statsforecast.theta.seasonal_decompose is decompose.seasonal_decompose
    assert statsforecast.ces.seasonal_decompose is decompose.seasonal_decompose
    assert statsforecast.ets.seasonal_decompose is sm_decompose  # the peer's model untouched


@pytest.mark.parametrize("alias", ["theta", "ces", "theta_b2", "ces_b2", "combo"])
def test_forecasts_identical_with_and_without(alias: str) -> None:
    rng = np.random.default_rng(3)
    ys = [_series(rng, int(rng.integers(30, 150)), positive=bool(i % 3)) for i in range(12)]

    def forecasts() -> list[np.ndarray]:
        out = []
        for y in ys:
            m = make_method(alias).fit(y, 1)
            out.append(np.r_[m.predict(12), m.simulate(12, 50, np.random.default_rng(1)).ravel()])
        return out

    decompose.install()
    fast = forecasts()
    with decompose.library_decomposition():
        slow = forecasts()
        assert statsforecast.theta.seasonal_decompose is sm_decompose
    assert statsforecast.theta.seasonal_decompose is decompose.seasonal_decompose
    for a, b in zip(fast, slow, strict=True):
        np.testing.assert_array_equal(a, b)


def test_theta_s_normal_quantile_is_scipy_s_own_value() -> None:
    from scipy.stats import norm

    from forecast.methods.decompose import NORMAL, install

    install()
    import statsforecast.theta

    assert statsforecast.theta.norm is NORMAL
    assert NORMAL.ppf(0.95) == norm.ppf(0.95)
    assert NORMAL.ppf(0.95) is NORMAL.ppf(0.95)  # computed once
    assert np.array_equal(NORMAL.ppf(np.array([0.1, 0.9])), norm.ppf([0.1, 0.9]))
    assert NORMAL.cdf(0.0) == norm.cdf(0.0)
