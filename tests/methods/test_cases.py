"""The one year-end case enumeration (forecast.methods.cases) against the three loops it
replaced (the baselines' own errors, the choice's origins, the backtest's case years), kept
here as slow, obvious references."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.evaluation.backtest import Series, case_years
from forecast.methods.base import cutoff_month
from forecast.methods.cases import year_end_origins
from forecast.methods.selection import origins


def ref_baseline_cuts(n_obs, n, max_origins, min_obs):
    out = []
    for k in range(1, max_origins + 1):
        cut = n_obs - 12 * k
        if cut < max(min_obs, 1):
            break
        out.append(cut)
    return out


def ref_origins(n_obs, start_month, cutoff, max_origins):
    n_now = cutoff_month(n_obs, start_month)
    t_jan_now = n_obs - n_now
    out = []
    for k in range(1, max_origins + 1):
        t_jan = t_jan_now - 12 * k
        if t_jan + cutoff < 1:
            break
        if t_jan + 12 <= n_obs:
            out.append(t_jan)
    return out


def ref_case_years(start_year, start_month, n_obs, min_before):
    first_jan = (13 - start_month) % 12
    return [(start_year + (start_month - 1 + t) // 12, t)
            for t in range(first_jan, n_obs - 11, 12) if t >= min_before]


@settings(max_examples=300)
@given(n_obs=st.integers(1, 200), start=st.integers(1, 12), cutoff=st.integers(0, 11),
       max_origins=st.integers(1, 8), min_obs=st.integers(0, 40))
def test_one_enumeration_matches_the_three_it_replaced(n_obs, start, cutoff, max_origins,
                                                      min_obs):
    n = cutoff_month(n_obs, start)
    cuts = [t + n for t in year_end_origins(n_obs, n, n, max_cases=max_origins,
                                            min_history=max(min_obs, 1))]
    assert cuts == ref_baseline_cuts(n_obs, n, max_origins, min_obs)
    assert origins(n_obs, start, cutoff, max_origins) == ref_origins(n_obs, start, cutoff,
                                                                     max_origins)
    s = Series("s", 2001, start, np.ones(n_obs))
    assert case_years(s, min_obs) == ref_case_years(2001, start, n_obs, min_obs)


def test_most_recent_first_and_complete_years_only():
    # 30 months from January: the current year is the third (6 months), two complete before.
    assert year_end_origins(30, 6, 6) == [12, 0]
    assert year_end_origins(30, 6, 6, max_cases=1) == [12]
    assert year_end_origins(30, 6, 6, min_before=1) == [12]
