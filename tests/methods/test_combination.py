"""The combination's trimmed mean and its width from the series' own year-end errors."""

import numpy as np
import pytest

from forecast.engine.region import forecast_relative_errors
from forecast.methods import combination as C
from forecast.methods.baselines import own_year_end_errors
from forecast.methods.combination import Combination, combine_points, own_scale
from forecast.methods.selection import forecast_with_fallback


def _series(n: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 100 + 0.3 * t + 8 * np.sin(2 * np.pi * t / 12) + rng.normal(0, 3, n)


def test_trimmed_drops_the_highest_and_lowest_rest_of_year_total():
    pts = np.array([[1.0, 1.0, 9.0],   # rest total (2 steps) 2: lowest
                    [5.0, 5.0, 0.0],   # 10: highest
                    [2.0, 2.0, 0.0],   # 4
                    [3.0, 3.0, 0.0]])  # 6
    out = combine_points(pts, "trimmed", rest_steps=2)
    np.testing.assert_allclose(out, [2.5, 2.5, 0.0])
    # ranked by the rest of the year only: over all 3 steps the first row (11) is highest
    np.testing.assert_allclose(combine_points(pts, "trimmed"), [4.0, 4.0, 0.0])
    # fewer than four members: the median
    np.testing.assert_allclose(combine_points(pts[:3], "trimmed", 2), np.median(pts[:3], 0))


def test_own_scale_shrinks_own_errors_toward_the_paths_spread():
    assert own_scale(0.1, np.array([])) == pytest.approx(0.1)
    s = own_scale(0.1, np.array([0.3, -0.3, np.nan]), prior_weight=4)
    assert s == pytest.approx(np.sqrt((4 * 0.01 + 2 * 0.09) / 6))


def test_width_constant_interpolates_between_april_and_august(monkeypatch):
    monkeypatch.setattr(C, "OWN_WIDTH_CONSTANTS", {4: 2.0, 8: 1.0})
    assert C.own_width_constant(4) == 2.0
    assert C.own_width_constant(6) == pytest.approx(1.5)
    assert C.own_width_constant(8) == 1.0
    assert C.own_width_constant(1) == 2.0 and C.own_width_constant(11) == 1.0
    assert C.own_width_constant(0) == 2.0  # December: a whole year ahead, like April


def _rest_sd(m: Combination, h: int, n_rest: int) -> tuple[float, float]:
    paths = m.simulate(h, 4000, np.random.default_rng(1))
    point = m.predict(h)
    np.testing.assert_allclose(paths.mean(axis=0), point, atol=1e-8)  # mean stays the point
    return float(paths[:, :n_rest].sum(axis=1).std()), float(point[:n_rest].sum())


def test_own_width_sets_the_rest_of_year_sd_from_the_given_errors():
    y = _series(64)  # 5 years and 4 months: cut-off April
    ytd = float(y[-4:].sum())
    errs = (0.05, -0.08, 0.02)
    m = Combination(("theta", "ces", "three_year_profile", "prior_year_profile"),
                    how="trimmed", width="own", own_errors=errs).fit(y, 1)
    sd, rest = _rest_sd(m, 8, 8)
    total = abs(ytd + rest)
    theta = m.fitted_["theta"].simulate(8, 4000, np.random.default_rng(1))
    r = float(theta.sum(axis=1).std()) / total
    want = C.own_width_constant(4) * own_scale(r, np.array(errs)) * total
    assert sd == pytest.approx(want, rel=1e-6)
    # larger own errors, wider range
    wide = Combination(("theta", "ces", "three_year_profile", "prior_year_profile"),
                       how="trimmed", width="own", own_errors=(0.3, -0.3)).fit(y, 1)
    assert _rest_sd(wide, 8, 8)[0] > 2 * sd


def test_own_errors_computed_are_the_combinations_own_earlier_errors():
    y = _series(88)
    members = ("theta", "prior_year_profile")
    m = Combination(members, width="own").fit(y, 1)
    got = m.own_year_errors()

    def point_fn(hist, n, rest, bud, bud_f):
        return Combination(members).fit(hist, 1).predict(rest)

    want = own_year_end_errors(point_fn, y, 4, max_origins=5, min_obs=28)
    np.testing.assert_allclose(got, want)
    assert 3 <= len(got) <= 5
    # the cache gives the same again (and is keyed by the history, not reused wrongly)
    np.testing.assert_allclose(Combination(members, width="own").fit(y, 1).own_year_errors(),
                               got)
    other = Combination(members, width="own").fit(y * 1.5 + 7, 1).own_year_errors()
    assert not np.allclose(other, got)


def test_backtest_errors_convert_to_forecast_relative_errors():
    for actual, fc in [(100.0, 90.0), (100.0, 120.0), (-50.0, -60.0), (-50.0, -45.0)]:
        e_pct = 100 * (actual - fc) / abs(actual)
        hist = np.full(12, np.sign(actual))
        (got,) = forecast_relative_errors(np.array([e_pct]), hist)
        assert got == pytest.approx((actual - fc) / abs(fc))
    assert forecast_relative_errors(np.array([np.nan]), np.ones(12)) is None


def test_method_kwargs_reach_the_method_but_not_a_fallback():
    y = _series(64)
    rng = np.random.default_rng
    base = forecast_with_fallback("combo", y, 1, 8, 500, rng(0))
    wide = forecast_with_fallback("combo", y, 1, 8, 500, rng(0),
                                  method_kwargs={"own_errors": (0.4, -0.4, 0.4)})
    assert wide[2] == "combo"
    assert wide[1].sum(axis=1).std() > base[1].sum(axis=1).std()
    # a series too short for combo falls back; the fallback is not given combo's kwargs
    short = forecast_with_fallback("combo", y[:20], 1, 8, 200, rng(0),
                                   method_kwargs={"own_errors": (0.4,)})
    assert short[2] != "combo"


def test_the_engine_gives_the_per_series_backtest_errors_to_the_width(small_dataset):
    import pandas as pd

    from forecast.engine.region import forecast_region
    from forecast.ledger import schema as S
    from forecast.methods.selection import Choice

    ds = small_dataset(last="2023-04", short_unit=None)
    as_of = pd.Period("2023-04", freq="M")
    probe = forecast_region(ds, as_of, n_paths=400, default_method="combo", joint=False,
                            level=False, workers=1)
    uids = [S.series_id(u, a) for u, a in zip(probe.keys["unit"], probe.keys["account"],
                                               strict=True)]
    i = next(k for k, m in enumerate(probe.method) if m == "combo")
    uid = uids[i]

    def rest_sd(errors_pct):
        methods = {uid: Choice("combo", 2.0, len(errors_pct), "", errors_pct)}
        rf = forecast_region(ds, as_of, n_paths=400, methods=methods, default_method="combo",
                             joint=False, level=False, workers=1)
        return float(rf.paths[i, :, :8].sum(axis=1).std()), rf.point[i]

    calm, p_calm = rest_sd((1.0, -1.0, 0.5))
    wild, p_wild = rest_sd((30.0, -25.0, 20.0))
    np.testing.assert_allclose(p_calm, p_wild)  # the point does not depend on the width
    assert wild > 3 * calm


def test_default_ces_member_has_no_full_seasonal_type():
    y = _series(70)
    m = Combination().fit(y, 1)
    assert m.fitted_["ces"].space == ("N", "S", "P")
    assert m.fitted_["ces"].model_.model_["seasontype"] in ("N", "S", "P")
    own = Combination(member_kwargs={}).fit(y, 1)
    assert own.fitted_["ces"].space is None  # AutoCES' whole model space
    # the same forecast as spelling the default out
    spelled = Combination(member_kwargs={"ces": {"space": ("N", "S", "P")}}).fit(y, 1)
    np.testing.assert_array_equal(m.predict(8), spelled.predict(8))


def test_panel_width_factors_pull_toward_the_median_width():
    w = np.r_[np.linspace(0.02, 0.2, 30), np.nan, 0.0]
    f = C.panel_width_factors(w, 4)
    m = np.median(w[:30])
    np.testing.assert_allclose(f[:30], C.PANEL_WIDTH_SCALES[4] * (w[:30] / m) ** -0.1)
    assert f[30] == 1.0 and f[31] == 1.0  # undefined widths are left alone
    # the widest range is narrowed relative to the narrowest: their ratio shrinks to ^0.9
    new = w[:30] * f[:30]
    assert new[-1] / new[0] == pytest.approx((w[29] / w[0]) ** 0.9)
    # August's scale, a month between interpolated, fewer than MIN_PANEL series: nothing
    assert C.panel_width_factors(w, 8)[0] == pytest.approx(
        C.PANEL_WIDTH_SCALES[8] * (w[0] / m) ** -0.1)
    g6 = (C.PANEL_WIDTH_SCALES[4] + C.PANEL_WIDTH_SCALES[8]) / 2
    assert C.panel_width_factors(w, 6)[0] == pytest.approx(g6 * (w[0] / m) ** -0.1)
    np.testing.assert_array_equal(C.panel_width_factors(w[: C.MIN_PANEL - 1], 4), 1.0)


def test_year_total_width_reads_the_paths_quantiles():
    rng = np.random.default_rng(0)
    point = np.full(8, 10.0)
    paths = point + rng.normal(0, 1, (4000, 8))
    w = C.year_total_width(paths, point, 40.0, 4)
    q10, q90 = np.quantile(paths.sum(axis=1), [0.1, 0.9])
    assert w == pytest.approx((q90 - q10) / 120.0)
    assert np.isnan(C.year_total_width(paths, point * 0, 0.0, 4))


def test_only_combo_with_its_own_width_takes_the_panel_rule():
    class OtherRange(Combination):  # a subclass with a range of its own
        alias = "other_range"

    assert Combination().uses_panel_width
    assert not Combination(width="horizon").uses_panel_width
    assert not OtherRange().uses_panel_width



def test_median_of_three_is_numpys_median():
    rng = np.random.default_rng(5)
    pts = rng.normal(size=(3, 40))
    pts[:, :5] = 1.0  # ties
    pts[0, 5], pts[1, 6] = pts[1, 5], pts[2, 6]
    np.testing.assert_array_equal(combine_points(pts), np.median(pts, axis=0))


def test_a_history_fitted_again_reuses_the_fitted_members_and_gives_the_same_numbers():
    y = _series(60)
    C._FIT_CACHE.clear()
    first = Combination().fit(y, 1)
    again = Combination().fit(y.copy(), 1)
    assert all(again.fitted_[a] is first.fitted_[a] for a in first.fitted_)
    # another history, budget or configuration is fitted anew
    assert Combination().fit(y[:-1], 1).fitted_["theta"] is not first.fitted_["theta"]
    assert Combination().fit(y, 2).fitted_["theta"] is not first.fitted_["theta"]
    assert Combination().fit(y, 1, budget=y).fitted_["theta"] is not first.fitted_["theta"]
    assert (Combination(member_kwargs={}).fit(y, 1).fitted_["ces"]
            is not first.fitted_["ces"])
    C._FIT_CACHE.clear()
    fresh = Combination().fit(y, 1)
    assert fresh.fitted_["theta"] is not first.fitted_["theta"]
    np.testing.assert_array_equal(again.predict(20), fresh.predict(20))
    rng1, rng2 = np.random.default_rng(1), np.random.default_rng(1)
    np.testing.assert_array_equal(again.simulate(20, 50, rng1), fresh.simulate(20, 50, rng2))
    assert len(C._FIT_CACHE) <= C._FIT_CACHE_MAX


def test_the_fit_cache_keeps_only_the_last_histories():
    C._FIT_CACHE.clear()
    y = _series(80)
    for k in range(C._FIT_CACHE_MAX + 3):
        Combination().fit(y[: 40 + k], 1)
    assert len(C._FIT_CACHE) == C._FIT_CACHE_MAX
