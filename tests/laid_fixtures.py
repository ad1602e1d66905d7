"""Laid months of the embedded example, made cheaply for the app's tests (AppTest, browser)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.laid import EXAMPLE_DATASET, build_laid
from forecast.cycle.laid_store import LaidStore
from forecast.ledger.dataset import load_default


def lay_example_months(url: str, months: Sequence[str],
                       adjustments: Mapping[str, Sequence[Adjustment]] | None = None
                       ) -> LaidStore:
    """Lay each month of the example (50 paths, one simple method) by Anna in store ``url``.

    ``adjustments`` gives a month's adjustments (none where absent); comment ``lagd <month>``.
    """
    from forecast.engine.region import standard_forecast

    ds, st = load_default(), LaidStore(url)
    for month in months:
        rf = standard_forecast(ds, pd.Period(month, "M"), n_paths=50,
                               method="three_year_profile")
        adjs = list((adjustments or {}).get(month, []))
        st.lay(build_laid(apply_adjustments(rf, adjs), dataset=EXAMPLE_DATASET, author="Anna",
                          comment=f"lagd {month}", method="three_year_profile"))
    return st
