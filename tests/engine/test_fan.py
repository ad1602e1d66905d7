"""Fan-chart data (forecast.engine.fan): quantiles of the group's summed paths and its history."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.engine import region as engine
from forecast.engine.fan import fan_chart_data
from forecast.ledger import schema as S


@pytest.fixture(scope="module")
def case():
    from tests.fakes import FAKE_METHODS, small_dataset

    ds = small_dataset()
    rf = engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=100, workers=1,
                                forecaster=FAKE_METHODS)
    return rf, ds


def test_region_fan_is_the_quantiles_of_the_summed_paths(case):
    rf, ds = case
    history, fan = fan_chart_data(rf, ds, {})
    total = rf.paths.sum(axis=0, dtype=np.float64)  # (n_paths, n_months)
    np.testing.assert_allclose(fan["p50"], np.quantile(total, 0.5, axis=0), rtol=1e-6)
    assert (fan["p10"] <= fan["p50"]).all() and (fan["p50"] <= fan["p90"]).all()
    assert fan["month"].iloc[0] == pd.Timestamp("2023-05-01")
    assert history["month"].min() == pd.Timestamp("2021-01-01")
    assert history["month"].max() == pd.Timestamp("2023-04-01")


def test_unit_selection_history_is_that_units_outcome(case):
    rf, ds = case
    history, fan = fan_chart_data(rf, ds, {"division": "Div A", "unit": "A2"})
    led = ds.ledger
    out = led[(led[S.UNIT] == "A2") & (led[S.KIND] == S.UTFALL)]
    april = out.loc[out[S.PERIOD] == pd.Period("2023-04", "M"), S.AMOUNT].sum()
    assert history["tkr"].iloc[-1] == pytest.approx(april)
    rows = rf.row_mask(unit="A2")
    group = rf.paths[rows].sum(axis=0, dtype=np.float64)
    np.testing.assert_allclose(fan["p90"], np.quantile(group, 0.9, axis=0), rtol=1e-6)
