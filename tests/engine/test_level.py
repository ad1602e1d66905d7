"""Level correction of the region's revenue and cost by earlier year-end errors (engine.level)."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.engine import hierarchy as H
from forecast.engine.level import (
    MAX_SHIFT_PCT,
    corrected,
    correction_pct,
    correction_text,
    group_errors,
    year_totals,
)
from tests.engine.test_hierarchy import random_forecast


def test_group_error_is_size_weighted_and_a_missing_series_counts_as_zero() -> None:
    errors = np.array([[2.0, np.nan], [-1.0, np.nan], [np.nan, np.nan]])
    weights = np.array([100.0, 300.0, 100.0])
    r = group_errors(errors, weights)
    assert r[0] == pytest.approx((2.0 * 100 - 1.0 * 300) / 500)
    assert np.isnan(r[1])  # no series has an error that year


def test_correction_is_the_shrunk_median_of_the_years_and_bounded() -> None:
    w = np.ones(2)
    # the group's errors per year are 1, 3 and 20 (an odd year): median 3, shrunk by 3/4
    e = np.array([[1.0, 3.0, 20.0], [1.0, 3.0, 20.0]])
    assert correction_pct(e, w) == (pytest.approx(0.75 * 3.0), 3)
    assert correction_pct(np.full((2, 3), np.nan), w) == (0.0, 0)
    assert correction_pct(np.full((2, 4), 40.0), w) == (MAX_SHIFT_PCT, 4)


def test_corrected_moves_each_type_by_its_own_share_and_every_total_adds_up() -> None:
    rf = random_forecast(n_paths=300)
    types = rf.keys["account_type"].to_numpy()
    # earlier years: costs came out 1 % above the forecast (more negative), revenue as forecast
    errors = np.where((types == "kostnad")[:, None], -1.0, 0.0) * np.ones((1, 4))
    out = corrected(rf, errors)
    made = {typ: (pct, years) for typ, pct, years in out.level_correction}
    assert set(made) == {"kostnad"} and made["kostnad"][1] == 4
    pct = made["kostnad"][0]
    assert pct == pytest.approx(-0.8)  # median −1 shrunk by 4/5
    before, after = year_totals(rf), year_totals(out)
    cost = types == "kostnad"
    np.testing.assert_allclose(after[cost] - before[cost], np.abs(before[cost]) * pct / 100,
                               rtol=1e-5)
    np.testing.assert_allclose(after[~cost], before[~cost], rtol=1e-6)
    # paths move with the point (each series keeps the shape of its distribution) …
    np.testing.assert_allclose(out.paths - out.point[:, None, :], rf.paths - rf.point[:, None, :],
                               atol=1e-2)
    # … only in the rest of the as-of year, never in the plan years
    plan = ~rf.month_mask(rf.as_of.year)
    np.testing.assert_array_equal(out.point[:, plan], rf.point[:, plan])
    # and every level of totals still adds up to the region
    tot = H.all_year_totals(out)
    region = tot[tot["level"] == "total"].iloc[0][H.FORECAST]
    for level in ("division", "division/unit", "account_type"):
        assert tot[tot["level"] == level][H.FORECAST].sum() == pytest.approx(region, rel=1e-9)
    assert out.level_correction == (("kostnad", pct, 4),)
    assert correction_text(out) == "kostnader -0,8\u00a0% (4 tidigare år)"


def test_nothing_is_corrected_without_backtest_errors() -> None:
    rf = random_forecast()
    assert corrected(rf, None) is rf
    assert corrected(rf, np.full((rf.n_series, 3), np.nan)) is rf
    assert correction_text(rf) == ""
