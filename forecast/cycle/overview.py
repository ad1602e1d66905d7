"""A laid forecast as the Översikt's source: its year totals, month means and basis warnings.

The app opens on the laid forecast without computing the statistical forecast, so the page's
forecast figures come from what was laid: the final (statistical + adjustment) year total per
series and the final expected amount per remaining month. For a laid forecast without
adjustments these equal the region forecast's Prognos (mean of the summed paths).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.cycle.laid import LaidForecast
from forecast.engine.basis import warnings_of
from forecast.engine.monthly import PROGNOS
from forecast.io.formatting import month_label
from forecast.report.figures import PrognosBy


def prognos_by(lf: LaidForecast) -> PrognosBy:
    """The laid final year total (tkr) per group of key columns (``forecast.report.figures``).

    Groups are in order of first appearance, as ``forecast.engine.hierarchy.year_totals``.
    """
    def by(cols: tuple[str, ...]) -> pd.Series:
        return lf.series.groupby(list(cols), sort=False)["final_year"].sum()

    return by


def month_means(lf: LaidForecast) -> pd.Series:
    """The region's final expected net result per remaining month (label → tkr).

    Indexed like ``forecast.engine.monthly.region_month_means`` ("maj 2023" …).
    """
    total = np.asarray(lf.stat_monthly, float).sum(axis=0) + \
        np.asarray(lf.adj_monthly, float).sum(axis=0)
    labels = [month_label(m) for m in lf.months]
    return pd.Series(total, index=pd.Index(labels, name="Månad"), name=PROGNOS)


def basis_warnings(lf: LaidForecast) -> list[str]:
    """``forecast.engine.basis.basis_warnings`` from the laid methods and backtested errors.

    The prior year's outcome is not laid, so that warning is left to the follow-up tables.
    """
    return warnings_of([str(m) for m in lf.series["method"]], lf.series["backtest_ape"],
                       None, lf.as_of.year)
