"""Floor on the division and region net totals' ranges by their own errors (engine.totals_width)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from forecast.engine import hierarchy as H
from forecast.engine.level import year_totals
from forecast.engine.totals_width import (
    REGION_NAME,
    floor_factor,
    group_errors,
    groups,
    metadata,
    widened,
    widening_text,
)
from forecast.methods.combination import own_scale, own_width_constant
from tests.engine.test_hierarchy import random_forecast


def test_group_error_is_tkr_weighted_net_of_the_level_shift_and_a_missing_series_is_zero() -> None:
    errors = np.array([[2.0, np.nan, 1.0], [-1.0, np.nan, np.nan]])
    size = np.array([100.0, 300.0])
    shift = np.array([0.5, 0.0])
    e = group_errors(errors, size, shift, total=-200.0)
    # year 1: (2 − 0,5)·100 + (−1)·300 = −150 tkr of |−200|; year 2 has no error: left out
    assert e == pytest.approx([(1.5 * 100 - 300) / 100 / 200, 0.5 * 100 / 100 / 200])
    assert group_errors(errors, size, shift, total=0.0).size == 0


def test_floor_factor_is_the_own_error_rule_and_never_narrows() -> None:
    rng = np.random.default_rng(1)
    totals = 1000.0 + 10.0 * rng.standard_normal(5000)
    r = float(np.std(totals)) / 1000.0
    big = np.array([0.05, -0.04, 0.03])
    f = floor_factor(totals, 1000.0, big, n=4)
    assert f == pytest.approx(own_width_constant(4) * own_scale(r, big) / r)
    assert f > 3  # errors of 3–5 % against a 1 % spread
    assert floor_factor(totals, 1000.0, np.array([0.0, 0.0]), n=8) == 1.0
    assert floor_factor(totals, 1000.0, np.empty(0), n=8) == 1.0
    assert floor_factor(np.full(10, 5.0), 5.0, big, n=4) == 1.0  # no spread to scale


def test_widened_lifts_a_division_to_its_floor_and_keeps_points_and_totals() -> None:
    rf = random_forecast(n_paths=400)
    div = rf.keys["division"].to_numpy()
    names = [name for name, _ in groups(rf)]
    assert names[-1] == REGION_NAME and names[:-1] == sorted(set(div.tolist()))
    target = names[0]
    rows = div == target
    # one division erred by 8 % of its year total in each earlier year; the rest never did
    size = np.abs(year_totals(rf))
    net = float(year_totals(rf)[rows].sum())
    errors = np.zeros((rf.n_series, 3))
    errors[rows] = 8.0 * abs(net) / size[rows].sum()
    out = widened(rf, errors)
    made = dict(out.totals_width)
    assert target in made and made[target] > 1
    # the division's sd is exactly its floor (the region's own floor may widen it further)
    r = float(np.std(rf.year_total_paths(rows))) / abs(net)
    e = group_errors(errors[rows], size[rows], np.zeros(rows.sum()), net)
    want = own_width_constant(rf.as_of.month % 12) * own_scale(r, e) * abs(net)
    f_region = made.get(REGION_NAME, 1.0)
    assert np.std(out.year_total_paths(rows)) == pytest.approx(want * f_region, rel=1e-4)
    # other divisions only by the region's factor
    other = div == names[1]
    if names[1] not in made:
        assert np.std(out.year_total_paths(other)) == pytest.approx(
            f_region * np.std(rf.year_total_paths(other)), rel=1e-4)
    # points untouched, every level of totals still adds up
    np.testing.assert_array_equal(out.point, rf.point)
    tot = H.all_year_totals(out)
    region = tot[tot["level"] == "total"].iloc[0][H.FORECAST]
    for level in ("division", "division/unit", "account_type"):
        assert tot[tot["level"] == level][H.FORECAST].sum() == pytest.approx(region, rel=1e-9)
    assert widening_text(out).startswith(f"{target} ×")
    assert metadata(out) == {"Bredd för nettototaler efter tidigare års fel": widening_text(out)}


def test_nothing_is_widened_without_errors_or_below_no_floor() -> None:
    rf = random_forecast()
    assert widened(rf, None) is rf
    assert widened(rf, np.full((rf.n_series, 3), np.nan)) is rf
    assert widened(rf, np.zeros((rf.n_series, 3))) is rf  # never wrong: nothing to widen
    assert metadata(rf) == {"Bredd för nettototaler efter tidigare års fel": "ingen"}


def test_level_shift_is_taken_off_the_errors() -> None:
    rf = random_forecast(n_paths=300)
    types = rf.keys["account_type"].to_numpy()
    errors = np.where((types == "kostnad")[:, None], -2.0, 0.0) * np.ones((1, 4))
    # a cost error the level correction has fully taken out leaves nothing to widen for
    shifted = replace(rf, level_correction=(("kostnad", -2.0, 4),))
    assert widened(shifted, errors) is shifted
    assert widened(rf, errors).totals_width


def test_a_single_division_is_the_region_and_is_floored_once() -> None:
    rf = random_forecast(n_paths=200)
    one = replace(rf, keys=rf.keys.assign(division="Hela"))
    assert [name for name, _ in groups(one)] == ["Hela"]
    out = widened(one, np.full((one.n_series, 3), 6.0))
    assert [name for name, _ in out.totals_width] == ["Hela"]


def test_the_engine_floors_a_division_by_its_own_errors_unless_asked_not_to(small_dataset):
    import pandas as pd

    from forecast.engine.region import forecast_region
    from forecast.ledger import schema as S
    from forecast.methods.selection import Choice

    ds = small_dataset(last="2023-04", short_unit=None)
    as_of = pd.Period("2023-04", freq="M")
    probe = forecast_region(ds, as_of, n_paths=200, default_method="combo", workers=1)
    keys = probe.keys
    uids = [S.series_id(u, a) for u, a in zip(keys["unit"], keys["account"], strict=True)]
    div = keys["division"].iat[0]
    # every series of one division erred by 15 % the same way in three earlier years
    methods = {u: Choice("combo", 2.0, 3, "", (15.0, 15.0, 15.0) if d == div else (0.1,) * 3)
               for u, d in zip(uids, keys["division"], strict=True)}
    kw = {"n_paths": 200, "methods": methods, "default_method": "combo", "workers": 1}
    floored = forecast_region(ds, as_of, **kw)
    plain = forecast_region(ds, as_of, totals_floor=False, **kw)
    assert plain.totals_width == ()
    made = dict(floored.totals_width)
    assert made[div] > 1.0
    np.testing.assert_array_equal(floored.point, plain.point)
    rows = (keys["division"] == div).to_numpy()
    def sd(rf):
        return float(rf.year_total_paths(rows).std())

    assert sd(floored) == pytest.approx(made[div] * made.get(REGION_NAME, 1.0) * sd(plain),
                                        rel=1e-3)
