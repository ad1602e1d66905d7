"""forecast.cycle.preview: the saved adjustments' effect before laying, and its tables."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from forecast.cycle import tables as CT
from forecast.cycle.adjustments import Adjustment, AdjustmentError, apply_adjustments
from forecast.cycle.laid import build_laid
from forecast.cycle.preview import preview, same_adjustments
from forecast.io.formatting import fmt_timestamp
from tests.scenario_fixtures import make_rf

ADJ = Adjustment(comment="dygnsvila", amount_tkr=-3000.0, division="Kirurgi",
                 category="Personalkostnader", start="2023-10", rule="budget", author="Anna",
                 created="2023-09-12T08:15:00+00:00")
RANGE = Adjustment(comment="hyrpersonal", amount_tkr=-900.0, category="Personalkostnader",
                   low_tkr=-1500.0, high_tkr=-600.0, rule="lika", author="Bo",
                   created="2023-01-20T08:15:00+00:00")


@pytest.fixture(scope="module")
def rf():
    return make_rf("2023-08", n_paths=300)


def test_preview_is_what_laying_would_store(rf):
    draft = preview(rf, [ADJ, RANGE], dataset="D")
    laid = build_laid(apply_adjustments(rf, [ADJ, RANGE]), dataset="D", author="Anna",
                      comment="lagd", method="m")
    assert draft.summary() == laid.summary()
    pd_cols = [CT.ARSBUDGET, CT.STAT, CT.ADJ, CT.FINAL, CT.DEV]
    np.testing.assert_array_equal(CT.adjusted_frame(draft)[pd_cols].to_numpy(),
                                  CT.adjusted_frame(laid)[pd_cols].to_numpy())
    assert draft.id == 0 and draft.version == 0  # nothing stored


def test_preview_frame_statistical_to_adjusted_per_division_and_category(rf):
    frame = CT.adjusted_frame(preview(rf, [ADJ], dataset="D"))
    np.testing.assert_allclose(frame[CT.FINAL], frame[CT.STAT] + frame[CT.ADJ])
    row = frame[(frame["Division"] == "Kirurgi")
                & (frame["Kostnadsslag"] == "Personalkostnader")].iloc[0]
    assert row[CT.ADJ] == pytest.approx(-3000.0) and "dygnsvila (Anna)" in row[CT.COMMENT]
    others = frame[frame["Kostnadsslag"].isin(["Personalkostnader", "Summa", ""])
                   | (frame["Division"] == "Kirurgi")]
    assert (frame.drop(others.index)[CT.ADJ] == 0).all()
    totals = CT.division_totals(frame)
    assert set(totals["Kostnadsslag"]) == {"Summa", ""}
    assert totals.loc[totals["Division"] == "Region totalt", CT.ADJ].item() == \
        pytest.approx(-3000.0)
    assert totals.loc[totals["Division"] == "Kirurgi", CT.ADJ].item() == pytest.approx(-3000.0)


def test_no_adjustments_preview_equals_the_statistical_forecast(rf):
    s = preview(rf, [], dataset="D").summary()
    assert s["adj"] == 0 and s["final"] == s["stat"]


def test_an_adjustment_that_does_not_fit_is_named(rf):
    with pytest.raises(AdjustmentError, match="finns-inte"):
        preview(rf, [Adjustment(comment="x", amount_tkr=-1.0, unit="finns-inte")],
                dataset="D")


def test_same_adjustments_ignores_only_the_time():
    resaved = [replace(ADJ, created="2023-09-13T10:00:00+00:00"), RANGE]
    assert same_adjustments(resaved, (ADJ, RANGE))
    assert not same_adjustments([ADJ], (ADJ, RANGE))
    assert not same_adjustments([replace(ADJ, amount_tkr=-3001.0), RANGE], (ADJ, RANGE))
    assert not same_adjustments([RANGE, ADJ], (ADJ, RANGE))


def test_adjustments_table_shows_local_time(rf):
    table = CT.adjustments_frame(preview(rf, [ADJ, RANGE], dataset="D"))
    assert list(table["Tid"]) == ["2023-09-12 10:15", "2023-01-20 09:15"]
    assert list(table["Tid"]) == [fmt_timestamp(a.created) for a in (ADJ, RANGE)]
