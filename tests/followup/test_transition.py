"""The transition-plan projection (forecast.followup.transition)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.followup.transition import project_transition_plan


@pytest.fixture
def ds(small_dataset):
    return small_dataset()


def test_transition_plan_projection(ds):
    p = project_transition_plan(ds, pd.Period("2023-04", "M"), n_paths=2000, seed=3)
    t = p.table.set_index("measure_id")
    # M1: 600/yr from January = 50/month; reported 30+40+35+45 = 150 of 200 planned (75 %).
    assert t.loc["M1", "planned_to_date"] == pytest.approx(200.0)
    assert t.loc["M1", "reported_to_date"] == pytest.approx(150.0)
    assert t.loc["M1", "realisation_pct"] == pytest.approx(75.0)
    # Projection = reported + mean rate × remaining plan: 150 + 0.75 × 400 = 450 in the mean.
    assert t.loc["M1", "projected_mean"] == pytest.approx(450.0, rel=0.02)
    assert t.loc["M1", "projected_p10"] < 450 < t.loc["M1", "projected_p90"]
    # M2: 1200 over Mar–Dec = 120/month; months 100, 80 → rate 0.75; 180 + 0.75 × 960.
    assert t.loc["M2", "projected_mean"] == pytest.approx(180 + 0.75 * 960, rel=0.03)
    tot = p.total()
    assert tot["projected_p10"] <= tot["projected_p50"] <= tot["projected_p90"]
    assert tot["projected_mean"] == pytest.approx(t["projected_mean"].sum())
    again = project_transition_plan(ds, pd.Period("2023-04", "M"), n_paths=2000, seed=3)
    np.testing.assert_array_equal(p.paths, again.paths)


def test_transition_plan_measure_not_started_borrows_pooled_rate(ds):
    p = project_transition_plan(ds, pd.Period("2023-02", "M"), n_paths=500)
    t = p.table.set_index("measure_id")
    assert "ej startad" in t.loc["M2", "note"]
    assert t.loc["M2", "reported_to_date"] == 0
    assert t.loc["M2", "projected_p50"] > 0
