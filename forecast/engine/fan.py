"""Fan-chart data of a group of series: its monthly outcome and the forecast's P10/P50/P90.

A group is chosen by codes (``division``, ``unit``, ``category``; none = the region). The
quantiles are taken over the group's summed paths, month by month (never summed quantiles).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.ledger.index import outcome_order, period_ordinal

HISTORY_YEARS = 2
"""Outcome shown from January of ``as_of.year - HISTORY_YEARS``."""


def fan_chart_data(rf: RegionForecast, ds: Dataset, selection: Mapping[str, str]
                   ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly outcome (two years back) and the forecast P10/P50/P90 per month, tkr.

    Args:
        rf: the region forecast.
        ds: the data set it was made from (the outcome of the group is summed from its
            ledger, indexed once per data set: :func:`forecast.ledger.index.outcome_order`).
        selection: key column → code; empty = the region.

    Returns:
        ``(history, fan)``: columns ``month``, ``tkr``; and ``month``, ``p10``, ``p50``,
        ``p90`` (months as timestamps).
    """
    q = np.quantile(group_paths(rf, selection), [0.1, 0.5, 0.9], axis=0)
    fan = pd.DataFrame({"month": rf.months.to_timestamp(), "p10": q[0], "p50": q[1],
                        "p90": q[2]})
    return group_history(rf, ds, selection), fan


def group_paths(rf: RegionForecast, selection: Mapping[str, str]) -> np.ndarray:
    """(n_paths, n_months) float64 the selected group's total per path and month.

    The region's is stored with the forecast (:meth:`RegionForecast.total_paths`); a smaller
    group sums only its own series' paths (read alone from a stored forecast).
    """
    if not selection:
        return rf.total_paths()
    rows = np.flatnonzero(rf.row_mask(**dict(selection)))
    if not len(rows):
        raise ValueError(f"inga serier i urvalet {dict(selection)}")
    return rf.row_paths(rows).sum(axis=0, dtype=np.float64)  # only its series' paths read


def group_history(rf: RegionForecast, ds: Dataset, selection: Mapping[str, str]
                  ) -> pd.DataFrame:
    """The selected series' outcome per month, January two years back … ``rf.as_of``.

    The sum per month of ``schema.to_nixtla``'s rows of those series (by ``unique_id``),
    taken over the same rows in the same order (:func:`forecast.ledger.index.outcome_order`),
    so the same numbers; the ledger is not filtered or converted on each call.
    """
    keys = rf.keys
    rows = rf.row_mask(**dict(selection))
    uids = {S.series_id(u, a) for u, a in zip(keys["unit"][rows], keys["account"][rows],
                                              strict=True)}
    out = outcome_order(ds)
    member = np.asarray(out.uids.isin(uids))
    start = period_ordinal(pd.Period(f"{rf.as_of.year - HISTORY_YEARS}-01", freq="M"))
    sel = member[out.series] & (out.month >= start) & (out.month <= period_ordinal(rf.as_of))
    hist = pd.Series(out.amount[sel]).groupby(out.month[sel]).sum()
    months = pd.PeriodIndex.from_ordinals(hist.index.to_numpy(dtype=np.int64), freq="M")
    return pd.DataFrame({"month": months.to_timestamp(), "tkr": hist.to_numpy()})
