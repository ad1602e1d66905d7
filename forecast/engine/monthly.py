"""The forecast per month of the as-of year beside the follow-up's monthly table.

The follow-up table (``forecast.followup.tables.monthly``) has outcome and budget per month of
the year; the remaining months have no outcome. :func:`monthly_with_forecast` adds the
forecast for those months: the mean over paths of the region's summed monthly net result
(so the months add up to the year's Årsprognos minus the outcome so far).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast
from forecast.io.formatting import month_label

PROGNOS = "Prognos"
ACK_PROGNOS = "Ack prognos"


def region_month_means(rf: RegionForecast) -> pd.Series:
    """Mean over paths of the region's net result per forecast month of the as-of year, tkr.

    Indexed by month label ("maj 2023" …), the labels of the follow-up tables.
    """
    mask = np.asarray(rf.month_mask(rf.as_of.year), dtype=bool)
    total = rf.total_paths()[:, mask]  # (paths, months): stored with the forecast
    labels = [month_label(m) for m in rf.months[mask]]
    return pd.Series(total.mean(axis=0), index=pd.Index(labels, name="Månad"), name=PROGNOS)


def monthly_with_forecast(monthly: pd.DataFrame, rf: RegionForecast, *,
                          outcome: str = "Utfall", ack_outcome: str = "Ack utfall"
                          ) -> pd.DataFrame:
    """``monthly`` with the columns :data:`PROGNOS` and :data:`ACK_PROGNOS` added.

    The forecast starts at the as-of month with the outcome itself (so a chart's line joins
    the outcome), then the remaining months' forecast; the accumulated forecast continues the
    accumulated outcome. Earlier months are empty.
    """
    return with_month_forecast(monthly, rf.as_of, region_month_means(rf), outcome=outcome,
                               ack_outcome=ack_outcome)


def with_month_forecast(monthly: pd.DataFrame, as_of: pd.Period, means: pd.Series, *,
                        outcome: str = "Utfall", ack_outcome: str = "Ack utfall"
                        ) -> pd.DataFrame:
    """:func:`monthly_with_forecast` from given month means (label → tkr), e.g. a laid one's."""
    out = monthly.copy()
    last = month_label(as_of)
    prog = pd.Series(np.nan, index=out.index, dtype=float)
    ack = pd.Series(np.nan, index=out.index, dtype=float)
    if last in out.index:
        prog[last] = float(out.loc[last, outcome])
        ack[last] = float(out.loc[last, ack_outcome])
    running = float(ack[last]) if last in out.index else 0.0
    for label, value in means.items():
        if label in out.index:
            prog[label] = float(value)
            running += float(value)
            ack[label] = running
    out[PROGNOS] = prog
    out[ACK_PROGNOS] = ack
    return out
