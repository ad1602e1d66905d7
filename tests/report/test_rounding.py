"""Rounding for print: printed rows add up to printed totals (forecast.report.rounding)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.report.rounding import Split, Sum, apportion, round_column, round_half_away

values = st.lists(st.floats(-1e7, 1e7, allow_nan=False), min_size=1, max_size=12)


@settings(max_examples=200, derandomize=True)
@given(values, st.integers(0, 2))
def test_apportion_adds_up_and_stays_within_one_unit(xs: list[float], decimals: int) -> None:
    target = round_half_away(sum(xs), decimals)
    out = apportion(xs, target, decimals)
    unit = 10.0 ** -decimals
    assert abs(out.sum() - target) < unit / 100
    assert np.all(np.abs(out - np.asarray(xs)) < unit + 1e-6)
    # printed values are multiples of the unit
    assert np.allclose(np.round(out / unit), out / unit)


def test_largest_remainder_example() -> None:
    # 33,4 + 33,3 + 33,3 = 100; independently rounded they print 33 + 33 + 33 = 99
    assert list(apportion([33.4, 33.3, 33.3], 100.0)) == [34.0, 33.0, 33.0]
    # ties go to the first row (stable), so the result is deterministic
    assert list(apportion([-0.6, -0.6, 1.2], 0.0)) == [0.0, -1.0, 1.0]


def test_half_away_from_zero() -> None:
    assert round_half_away(0.5) == 1.0
    assert round_half_away(-0.5) == -1.0
    assert round_half_away(2.25, 1) == 2.3


def test_seed_001_net_is_the_sum_of_printed_rows() -> None:
    # seed 001 prints 548 − 1 660 = −1 112 although −1 111,463 alone would round to −1 111
    exact = pd.Series({"Intäkter": 548.443, "Bruttokostnader": -1659.906,
                       "Nettokostnader": -1111.463})
    out = round_column(exact, [Sum("Nettokostnader", ("Intäkter", "Bruttokostnader"))])
    assert out.tolist() == [548.0, -1660.0, -1112.0]


def test_plan_splits_a_printed_total_among_its_parts() -> None:
    exact = pd.Series({"a": 1.4, "b": 1.4, "c": 1.4, "tot": 4.2, "other": 7.5})
    out = round_column(exact, [Split("tot", ("a", "b", "c"))])
    assert out["tot"] == 4.0 and out[["a", "b", "c"]].sum() == 4.0
    assert out["other"] == 8.0
