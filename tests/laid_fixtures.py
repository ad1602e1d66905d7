"""Laid months of the embedded example, made cheaply for the app's tests (AppTest, browser).

Each month's statistical forecast is made with one quick method and 50 paths and stored under
the standard forecast's key, as if ``budgetprognos prognos`` had computed it: the app finds it
in the store and never computes (what is tested is the numbers' way through the outputs).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.laid import EXAMPLE_DATASET, build_laid
from forecast.cycle.laid_store import LaidStore
from forecast.cycle.record import ForecastOfRecord, resolve, statistical
from forecast.engine.result import RegionForecast
from forecast.ledger.dataset import Dataset, load_default
from forecast.store.statistical import StatisticalStore


def fast(ds: Dataset, as_of: pd.Period, *, n_paths: int, seed: int, method: str | None,
         progress: object) -> RegionForecast:
    """The engine with one quick method and 50 paths, in place of the standard one."""
    from forecast.engine.region import standard_forecast

    return standard_forecast(ds, as_of, n_paths=50, seed=seed, method="three_year_profile")


def example_record(url: str, month: str) -> ForecastOfRecord:
    """The example's forecast of record of ``month`` in store ``url`` (made by :func:`fast`)."""
    return resolve(load_default(), pd.Period(month, "M"), dataset=EXAMPLE_DATASET,
                   laid=LaidStore(url), store=StatisticalStore(url), compute=fast)


def lay_example_months(url: str, months: Sequence[str],
                       adjustments: Mapping[str, Sequence[Adjustment]] | None = None
                       ) -> LaidStore:
    """Lay each month of the example on its stored statistical forecast, by Anna, in ``url``.

    ``adjustments`` gives a month's adjustments (none where absent); comment ``lagd <month>``.
    """
    ds, st, stats = load_default(), LaidStore(url), StatisticalStore(url)
    for month in months:
        rf, sid = statistical(ds, pd.Period(month, "M"), stats, compute=fast)
        adjs = list((adjustments or {}).get(month, []))
        st.lay(build_laid(apply_adjustments(rf, adjs), dataset=EXAMPLE_DATASET, author="Anna",
                          comment=f"lagd {month}", method="three_year_profile",
                          stat_forecast_id=sid))
    return st
