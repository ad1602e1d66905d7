"""The one enumeration of year-end cases: earlier calendar years scored at a cut-off month.

A case is the calendar year whose January is at index ``t_jan`` of a monthly series, seen
after ``cutoff`` of its months (the history is ``y[:t_jan + cutoff]``); its year total is the
known months plus the forecast of the rest. Three users share it:

- the baselines' ranges (:func:`forecast.methods.baselines.own_year_end_errors`),
- the per-series choice (:func:`forecast.methods.selection.origins`),
- the backtest protocol (:func:`forecast.evaluation.backtest.case_years`).

Pure integer arithmetic; nothing here fits a model.
"""

from __future__ import annotations


def year_end_origins(n_obs: int, n_now: int, cutoff: int, *, max_cases: int | None = None,
                     min_history: int = 1, min_before: int | None = None) -> list[int]:
    """January indices of the earlier complete calendar years of a series, most recent first.

    The current year is the one the last observation belongs to (the next one when the series
    ends in December, ``n_now == 0``); its January is at ``n_obs - n_now``. Earlier years
    are 12, 24, … months before it. A year is kept when all its 12 months are in the series;
    the enumeration stops at the first year whose history ``y[:t_jan + cutoff]`` has fewer
    than ``min_history`` observations, or whose January has fewer than ``min_before``
    observations before it, or after ``max_cases`` years.

    Args:
        n_obs: observations in the series.
        n_now: months of the current year observed (0..11; 0 = the series ends in December).
        cutoff: the cut-off month (months of the scored year in its history, 0..11).
        max_cases: at most this many years (None: all).
        min_history: fewest observations a history may have.
        min_before: fewest observations before the year's January (None: no limit, so a
            year that began before the series may count when its cut-off lies inside it).

    Returns:
        ``t_jan`` of every case (may be negative only when ``min_before`` is None).
    """
    t_jan_now = n_obs - n_now
    out: list[int] = []
    k = 0
    while max_cases is None or k < max_cases:
        k += 1
        t_jan = t_jan_now - 12 * k
        if t_jan + 12 <= 0 or t_jan + cutoff < min_history:
            break
        if min_before is not None and t_jan < min_before:
            break
        if t_jan + 12 <= n_obs:
            out.append(t_jan)
    return out

