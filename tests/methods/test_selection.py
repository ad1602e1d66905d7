import numpy as np
import pytest

from forecast.methods.selection import Choice, choose, fill_gaps, forecast_with_fallback

RNG = np.random.default_rng(3)
BASE = 100 + 10 * np.tile(np.sin(np.arange(12)), 7) + RNG.normal(0, 1, 84)


@pytest.mark.parametrize(
    "name,y",
    [
        ("short", BASE[:30]),
        ("tiny", BASE[:3]),
        ("zeros", np.zeros(50)),
        ("constant", np.full(50, 5.0)),
        ("sign", RNG.normal(0, 1, 60)),
        ("nan", np.where(np.arange(84) % 17 == 0, np.nan, BASE)),
        ("spike", np.where(np.arange(84) == 40, 1e5, BASE)),
    ],
)
@pytest.mark.parametrize("alias", ["combo", "ets", "three_year_profile"])
def test_fallback_never_crashes(name, y, alias):
    point, paths, used, note = forecast_with_fallback(
        alias, y, 1, 10, 100, np.random.default_rng(0))
    assert point.shape == (10,) and paths.shape == (100, 10)
    assert np.all(np.isfinite(point)) and np.all(np.isfinite(paths))
    if name in {"tiny", "zeros", "constant", "sign", "nan"}:
        assert note
    if used != alias:
        assert note


def test_fallback_note_for_short_history():
    _, _, used, note = forecast_with_fallback(
        "three_year_profile", BASE[:30], 1, 6, 50, np.random.default_rng(0))
    assert used == "prior_year_profile"
    assert note.startswith("För kort historik för treårsprofil (30 mån < 36)")


def test_fill_gaps():
    y, k = fill_gaps(np.array([np.nan, 1.0, np.nan, 3.0, np.nan]))
    assert k == 3
    np.testing.assert_allclose(y, [1, 1, 2, 3, 3])


def test_choose_picks_exact_method():
    season = np.array([5, 3, 4, 6, 8, 9, 12, 11, 7, 6, 4, 10], dtype=float)
    y = np.tile(season, 6)[:64]
    c = choose(y, 1, 4, ["run_rate", "seasonal_naive"], min_years=3)
    assert isinstance(c, Choice)
    assert c.alias == "seasonal_naive" and c.backtest_ape == pytest.approx(0.0)
    assert c.n_origins >= 3


def test_choose_short_history_shrinks_to_robust():
    c = choose(BASE[:40], 1, 4, ["ets", "theta"], min_years=3)
    assert c.alias in {"combo", "three_year_profile", "prior_year_profile"}
    assert "Kort historik" in c.note


def test_default_candidates_choose_with_and_without_budget():
    from forecast.methods import REGISTRY
    from forecast.methods.selection import DEFAULT_CANDIDATES

    assert set(DEFAULT_CANDIDATES) <= set(REGISTRY)
    rng = np.random.default_rng(3)
    t = np.arange(76)  # January start, cut-off April of the seventh year
    y = -(1000 + 5 * t + 80 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 10, t.size))
    no_budget = choose(y, 1, 4, list(DEFAULT_CANDIDATES))
    assert no_budget.alias not in {"remaining_budget", "budget_ratio"}  # they need a budget
    assert no_budget.n_origins >= 3 and np.isfinite(no_budget.backtest_ape)
    # A budget that is exactly the outcome makes the remaining-budget method exact.
    exact = choose(y, 1, 4, list(DEFAULT_CANDIDATES), budget=np.concatenate([y, y[-8:]]))
    assert exact.alias in {"remaining_budget", "budget_ratio"}
    assert exact.backtest_ape == pytest.approx(0.0, abs=1e-9)


def test_per_series_choice_is_a_method_that_chooses_inside_fit():
    from forecast.evaluation.backtest import build_method

    season = np.array([5, 3, 4, 6, 8, 9, 12, 11, 7, 6, 4, 10], dtype=float)
    y = np.tile(season, 7)[:76]  # cut-off April: every earlier year is the same
    m = build_method("choice").fit(y, 1)
    assert m.choice_.n_origins >= 3 and m.choice_.backtest_ape == pytest.approx(0, abs=1e-9)
    np.testing.assert_allclose(m.predict(8), season[4:], rtol=1e-6)
    paths = m.simulate(8, 50, np.random.default_rng(0))
    assert paths.shape == (50, 8) and np.all(np.isfinite(paths))


def test_single_candidate_backtest_has_error_and_no_remark():
    rng = np.random.default_rng(1)
    t = np.arange(76)
    y = 500 + 3 * t + 40 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 5, t.size)
    one = choose(y, 1, 4, ["three_year_profile"])
    assert one.alias == "three_year_profile" and one.note == ""
    assert one.n_origins >= 3 and np.isfinite(one.backtest_ape)
    two = choose(y, 1, 4, ["three_year_profile", "run_rate"])
    assert two.note.startswith("Vald metod")


def test_choice_carries_signed_errors_by_year_back():
    from forecast.methods.selection import choose, year_end_ape, year_end_error

    # Growth inside every year: the run rate always forecasts too little (actual − forecast > 0).
    y = np.concatenate([100 * 1.1**k * (1 + 0.02 * np.arange(12)) for k in range(6)])[:64]
    c = choose(y, 1, 4, ["run_rate"])
    assert c.alias == "run_rate" and len(c.errors) >= 3
    assert all(e > 0 for e in c.errors)
    # one per year back, most recent first, equal to the scored year itself
    t_jan_now = 60
    assert c.errors[0] == pytest.approx(year_end_error("run_rate", y, 1, t_jan_now - 12, 4))
    assert abs(c.errors[1]) == pytest.approx(year_end_ape("run_rate", y, 1, t_jan_now - 24, 4))
