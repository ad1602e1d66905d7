"""A laid forecast as the Översikt's source: the same figures as the forecast it was laid from."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.cycle import overview as O
from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.laid import build_laid
from forecast.engine.basis import basis_warnings
from forecast.engine.monthly import region_month_means
from forecast.followup import tables as F
from forecast.ledger.dataset import DATA_DIR, load_default
from forecast.report.builder import overview_tables
from tests.report.fixtures import fast_forecast

pytestmark = pytest.mark.skipif(not (DATA_DIR / "ledger.csv").exists(),
                                reason="den inbäddade exempeldatan (data/) saknas")
ADJ = Adjustment(comment="dygnsvila", amount_tkr=-12_000.0, division="Kirurgi",
                 category="Personalkostnader", start="2023-10", rule="budget")


@pytest.fixture(scope="module")
def region():
    ds = load_default()
    return ds, fast_forecast(ds, "2023-04", 40)


def _laid(rf, adjs):
    return build_laid(apply_adjustments(rf, adjs), dataset="D", author="Anna", comment="x",
                      method="test")


def test_unadjusted_laid_forecast_gives_the_forecasts_overview_tables(region):
    ds, rf = region
    lf = _laid(rf, [])
    mine = overview_tables(ds, pd.Period("2023-04", "M"), O.prognos_by(lf))
    theirs = overview_tables(ds, pd.Period("2023-04", "M"), rf)
    for a, b in zip(mine, theirs, strict=True):
        pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=False, atol=1e-6)
    means = O.month_means(lf)
    pd.testing.assert_series_equal(means, region_month_means(rf), check_exact=False,
                                   rtol=1e-9)
    assert [w for w in basis_warnings(rf) if "saknas" not in w] == O.basis_warnings(lf)


def test_adjusted_laid_forecast_carries_its_adjustment_into_the_tables(region):
    ds, rf = region
    plain, adjusted = _laid(rf, []), _laid(rf, [ADJ])
    by = O.prognos_by(adjusted)
    # the region and every division add up to the laid final total
    assert by(("account_type",)).sum() == pytest.approx(adjusted.summary()["final"])
    div = by(("division", "account_type")).groupby(level="division").sum()
    base = O.prognos_by(plain)(("division", "account_type")).groupby(level="division").sum()
    assert (div - base)["Kirurgi"] == pytest.approx(-12_000.0)
    assert np.allclose((div - base).drop("Kirurgi"), 0.0)
    months = O.month_means(adjusted) - O.month_means(plain)
    assert months.sum() == pytest.approx(-12_000.0)
    assert np.allclose(months.iloc[:5], 0.0)  # maj–september: before the adjustment starts
    _, division, _ = overview_tables(ds, pd.Period("2023-04", "M"), by)
    col = division.frame.columns[-1]
    _, div_plain, _ = overview_tables(ds, pd.Period("2023-04", "M"), O.prognos_by(plain))
    net = f"{F.NET} – Kirurgi"  # mkr, printed with one decimal
    assert division.frame.loc[net, col] - div_plain.frame.loc[net, col] == \
        pytest.approx(-12.0, abs=0.11)
