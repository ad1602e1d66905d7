"""The forecast months beside the follow-up's monthly table add up to the Årsprognos."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.engine import hierarchy as H
from forecast.engine.monthly import ACK_PROGNOS, PROGNOS, monthly_with_forecast
from forecast.io.formatting import month_label
from tests.scenario_fixtures import make_rf


def _monthly(rf) -> pd.DataFrame:
    months = pd.period_range(f"{rf.as_of.year}-01", f"{rf.as_of.year}-12", freq="M")
    done = [m <= rf.as_of for m in months]
    ytd = float(np.sum(rf.ytd_outcome))
    per = ytd / rf.as_of.month
    utfall = [per if d else np.nan for d in done]
    return pd.DataFrame({"Utfall": utfall, "Ack utfall": np.cumsum(np.nan_to_num(utfall))},
                        index=pd.Index([month_label(m) for m in months], name="Månad"))


def test_forecast_months_add_up_to_the_year_total() -> None:
    rf = make_rf(as_of="2023-08", n_paths=50)
    table = monthly_with_forecast(_monthly(rf), rf)
    last = month_label(rf.as_of)
    assert np.isnan(table.loc["jan 2023", PROGNOS])
    assert table.loc[last, PROGNOS] == table.loc[last, "Utfall"]
    year = H.year_totals(rf, ()).iloc[0]
    assert table.loc["dec 2023", ACK_PROGNOS] == pytest.approx(year[H.FORECAST], rel=1e-9)
    rest = table.loc[["sep 2023", "okt 2023", "nov 2023", "dec 2023"], PROGNOS].sum()
    assert rest == pytest.approx(year[H.FORECAST] - year[H.YTD], rel=1e-9)
