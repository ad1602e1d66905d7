import numpy as np
import pytest

from forecast.methods import REGISTRY, MethodFailed, make_method
from forecast.methods.base import cutoff_month, forecast_months, random_walk_paths
from forecast.methods.baselines import (
    prior_year_profile_point,
    three_year_profile_point,
)

RNG = np.random.default_rng(0)
N = 64  # 5 years + April: cut-off month 4
SEASON = np.array([5, 3, 4, 6, 8, 9, 12, 11, 7, 6, 4, 10], dtype=float)
Y = 100 + 0.3 * np.arange(N) + np.tile(SEASON, 6)[:N] + RNG.normal(0, 1, N)
BUDGET = Y + RNG.normal(0, 2, N)
H = 11


def _budget_future(h: int) -> np.ndarray:
    return np.tile(SEASON, 3)[:h] + 110


@pytest.mark.parametrize("alias", sorted(REGISTRY))
def test_contract_every_method(alias):
    slow = {"arima", "ucm", "sarimax"}
    y = Y if alias not in slow else Y[-40:]
    budget = BUDGET[-len(y):]
    m = make_method(alias)
    assert m.alias == alias and isinstance(m.min_history, int)
    fitted = m.fit(y, 1 if alias not in slow else 1 + (N - 40) % 12, budget=budget)
    assert fitted is m
    point = m.predict(H, budget_future=_budget_future(H))
    assert point.shape == (H,) and np.all(np.isfinite(point))
    paths = m.simulate(H, 300, np.random.default_rng(1), budget_future=_budget_future(H))
    assert paths.shape == (300, H) and np.all(np.isfinite(paths))
    q10, q50, q90 = np.quantile(paths.sum(axis=1), [0.1, 0.5, 0.9])
    assert q10 <= q50 <= q90
    # the point total lies inside a wide range of the path totals
    lo, hi = np.quantile(paths.sum(axis=1), [0.01, 0.99])
    assert lo - 1e-6 * abs(lo) <= point.sum() <= hi + 1e-6 * abs(hi)


def test_unknown_alias():
    with pytest.raises(KeyError, match="okänd metod"):
        make_method("nope")


def test_calendar_helpers():
    assert cutoff_month(16, 1) == 4
    assert cutoff_month(12, 1) == 0
    assert cutoff_month(5, 10) == 2  # Oct..Feb
    months, years = forecast_months(10, 4)
    assert months.tolist() == [11, 12, 1, 2] and years.tolist() == [0, 0, 1, 1]


def test_seasonal_naive_exact_on_seasonal_series():
    y = np.tile(SEASON, 4)[:40]  # Jan start, 40 months: cut-off April
    p = make_method("seasonal_naive").fit(y, 1).predict(8)
    np.testing.assert_allclose(p, SEASON[4:12])


def test_run_rate_exact_on_constant():
    y = np.full(40, 7.0)
    p = make_method("run_rate").fit(y, 1).predict(8)
    np.testing.assert_allclose(p, 7.0)


def test_profiles_exact_on_scaled_seasonal():
    # every year is the same shape times a growth factor: both profiles are exact
    years = [SEASON * g for g in (1.0, 1.1, 1.21, 1.331)]
    y = np.concatenate(years)[: 36 + 4]
    rest = years[3][4:]
    np.testing.assert_allclose(prior_year_profile_point(y, 4, 8), rest)
    np.testing.assert_allclose(three_year_profile_point(y, 4, 8), rest)


def test_three_year_profile_matches_protocol_definition():
    y = Y[:52]  # cut-off April of year 5
    n = 4
    ytd = y[-4:].sum()
    shares = [y[48 - 12 * k : 48 - 12 * k + 4].sum() / y[48 - 12 * k : 60 - 12 * k].sum()
              for k in (1, 2, 3)]
    expected_total = ytd / np.mean(shares)
    got = ytd + three_year_profile_point(y, n, 8).sum()
    assert got == pytest.approx(expected_total)


def test_remaining_budget_needs_budget():
    with pytest.raises(MethodFailed):
        make_method("remaining_budget").fit(Y, 1)


def test_ets_follows_linear_trend():
    y = 50 + 2.0 * np.arange(48)
    p = make_method("ets").fit(y, 1).predict(6)
    np.testing.assert_allclose(p, 50 + 2.0 * np.arange(48, 54), rtol=0.02)


def test_random_walk_paths_match_requested_spread():
    point = np.full(8, 10.0)
    paths = random_walk_paths(point, 0.05, 4, 20000, np.random.default_rng(0))
    rel = paths.sum(axis=1) / point.sum() - 1
    assert np.std(rel) == pytest.approx(0.05, rel=0.05)


def _ar1_seasonal(rng, n):
    e = rng.normal(0, 1, n)
    x = np.zeros(n)
    for t in range(1, n):
        x[t] = 0.6 * x[t - 1] + e[t]
    return 100 + 5 * np.tile(np.sin(np.arange(12) * np.pi / 6), n // 12 + 1)[:n] + x


@pytest.mark.parametrize("alias", ["three_year_profile", "combo"])
def test_year_total_coverage_on_known_model(alias):
    rng = np.random.default_rng(42)
    reps = 200 if alias == "three_year_profile" else 60
    hits = 0
    for _ in range(reps):
        y = _ar1_seasonal(rng, 96)
        hist, actual = y[: 84 + 4], y[84:].sum()
        m = make_method(alias).fit(hist, 1)
        tot = hist[84:].sum() + m.simulate(8, 400, rng).sum(axis=1)
        lo, hi = np.quantile(tot, [0.1, 0.9])
        hits += lo <= actual <= hi
    assert 0.70 <= hits / reps <= 0.92


def test_aggregated_ets_splits_blocks_by_calendar_profile():
    # An exactly seasonal series: the two-month sums are exactly seasonal (season 6), and the
    # split by the last years' profile gives back each month.
    y = np.tile(SEASON, 5)[:52]  # cut-off April
    p = make_method("ets_b2").fit(y, 1).predict(8)
    np.testing.assert_allclose(p, SEASON[4:12], rtol=1e-3)
    # An odd horizon uses the first month of the last block only.
    assert make_method("ets_b2").fit(y[:51], 1).predict(9).shape == (9,)


@pytest.mark.parametrize("alias", ["ets", "ets_b2", "theta", "combo"])
def test_costs_are_modelled_as_magnitudes(alias):
    # The reports' sign convention makes costs negative: the forecast of −y is −(forecast of y).
    y = Y[:52]
    up = make_method(alias).fit(y, 1).predict(8)
    down = make_method(alias).fit(-y, 1).predict(8)
    np.testing.assert_allclose(down, -up, rtol=1e-6)


def test_combination_default_widening_grows_with_the_horizon():
    from forecast.methods.combination import OUT_OF_SAMPLE_WIDENING, Combination

    y = Y[:52]
    april = Combination(insample_calibration=False).fit(y, 1)
    august = Combination(insample_calibration=False).fit(Y[:56], 1)
    assert april.scale_ == pytest.approx(1 + OUT_OF_SAMPLE_WIDENING * 8)
    assert august.scale_ == pytest.approx(1 + OUT_OF_SAMPLE_WIDENING * 4)
