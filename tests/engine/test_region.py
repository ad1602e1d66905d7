"""Tests of the region forecast engine (forecast.engine.region) with a small in-test data set."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecast.engine import region as engine
from tests.fakes import ACCOUNTS
from tests.fakes import fake_forecast as _fake_forecast


@pytest.fixture
def ds(small_dataset):
    return small_dataset()


def test_shapes_and_months(ds, fake_methods):
    rf = engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=50, workers=1, forecaster=fake_methods)
    assert rf.n_series == 4 * len(ACCOUNTS)
    assert rf.months[0] == pd.Period("2023-05", "M")
    assert rf.months[-1] == pd.Period("2025-12", "M")
    assert rf.paths.shape == (rf.n_series, 50, 32)
    assert rf.paths.dtype == np.float32
    assert list(rf.keys.columns) == ["unit", "account", "division", "account_type", "category"]
    assert set(rf.keys["division"]) == {"Div A", "Div B"}
    inh = rf.keys["account"] == "Inhyrd personal läkare"
    assert (rf.keys.loc[inh, "category"] == "Inhyrd personal").all()


def test_summary_columns_match_ledger(ds, fake_methods):
    as_of = pd.Period("2023-04", "M")
    rf = engine.forecast_region(ds, as_of, n_paths=10, workers=1, forecaster=fake_methods)
    led = ds.ledger
    i = int(np.flatnonzero(rf.row_mask(unit="A2", account="Läkemedel"))[0])
    sel = (led.unit == "A2") & (led.account == "Läkemedel")
    out = led[sel & (led.kind == "utfall")].set_index("period")["amount_tkr"]
    bud = led[sel & (led.kind == "budget")].set_index("period")["amount_tkr"]
    assert rf.ytd_outcome[i] == pytest.approx(out["2023-01":"2023-04"].sum())
    assert rf.annual_budget[i] == pytest.approx(bud["2023-01":"2023-12"].sum())
    assert rf.prior_ytd_outcome[i] == pytest.approx(out["2022-01":"2022-04"].sum())
    assert rf.prior_year_outcome[i] == pytest.approx(out["2022-01":"2022-12"].sum())


def test_history_stops_at_as_of(ds, fake_methods):
    seen = {}

    def spy(alias, y, start_month, h, n_paths, rng, **kw):
        seen[len(y)] = (start_month, kw["budget_future"])
        return _fake_forecast(alias, y, start_month, h, n_paths, rng, **kw)

    fake = replace(fake_methods, forecast=spy)
    engine.forecast_region(ds, pd.Period("2022-08", "M"), n_paths=5, workers=1, forecaster=fake)
    # 2019-01..2022-08 = 44 months; B2 has no outcome before 2023 → no history at all.
    assert 44 in seen
    start, bf = seen[44]
    assert start == 1
    assert len(bf) == 4 + 24 and np.isfinite(bf).all()
    # 2023 has a budget in the ledger; 2024 has none and repeats 2022's monthly budget.
    np.testing.assert_allclose(bf[24:28], bf[0:4])
    np.testing.assert_allclose(bf[12:16], bf[0:4] * 1.03)


def test_too_short_series_note_is_visible(ds, fake_methods):
    rf = engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=10, workers=1, forecaster=fake_methods)
    b2 = rf.row_mask(unit="B2")
    assert all("för kort historik" in rf.notes[i] for i in np.flatnonzero(b2))
    assert all(rf.method[i] == "run_rate" for i in np.flatnonzero(b2))
    assert all(rf.notes[i] == "" for i in np.flatnonzero(~b2))


def test_budget_only_series_forecast_is_budget(small_dataset, fake_methods):
    ds = small_dataset(last="2022-12")
    rf = engine.forecast_region(ds, pd.Period("2022-12", "M"), n_paths=5, workers=1, forecaster=fake_methods)
    # B2 has no outcome at all before 2023, but a 2022 budget: it is a series with a note.
    i = int(np.flatnonzero(rf.row_mask(unit="B2", account="Läkemedel"))[0])
    assert rf.method[i] == "budget" and "ingen utfallshistorik" in rf.notes[i]
    led = ds.ledger
    bud = led[(led.unit == "B2") & (led.account == "Läkemedel") & (led.kind == "budget")]
    np.testing.assert_allclose(rf.point[i][:12], bud[bud.period.dt.year == 2023].amount_tkr)
    assert np.ptp(rf.paths[i], axis=0).max() == 0


def test_failing_model_does_not_stop_others(ds, fake_methods):
    def flaky(alias, y, start_month, h, n_paths, rng, **kw):
        if abs(y[-1]) > 7000:  # personnel cost of the bigger units
            raise RuntimeError("boom")
        return _fake_forecast(alias, y, start_month, h, n_paths, rng, **kw)

    fake = replace(fake_methods, forecast=flaky)
    rf = engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=10, workers=1, forecaster=fake)
    failed = [i for i, n in enumerate(rf.notes) if "misslyckades" in n]
    assert 0 < len(failed) < rf.n_series
    assert all("boom" in rf.notes[i] and rf.method[i] in {"seasonal_naive", "mean"} for i in failed)
    assert np.isfinite(rf.paths).all()


def test_deterministic_for_seed_and_independent_of_workers(ds, fake_methods):
    as_of = pd.Period("2023-04", "M")
    a = engine.forecast_region(ds, as_of, n_paths=20, seed=7, workers=1, forecaster=fake_methods)
    b = engine.forecast_region(ds, as_of, n_paths=20, seed=7, workers=2, forecaster=fake_methods)
    c = engine.forecast_region(ds, as_of, n_paths=20, seed=8, workers=1, forecaster=fake_methods)
    np.testing.assert_array_equal(a.paths, b.paths)
    assert not np.array_equal(a.paths, c.paths)


def test_choose_and_cached_methods(ds, fake_methods):
    as_of = pd.Period("2023-04", "M")
    ch = engine.choose_methods(ds, as_of, workers=1, forecaster=fake_methods)
    assert len(ch) == 4 * len(ACCOUNTS)
    assert all(c.alias == "seasonal_x" for c in ch.values())
    rf = engine.forecast_region(ds, as_of, n_paths=5, methods=ch, workers=1, forecaster=fake_methods)
    full = ~rf.row_mask(unit="B2")
    assert np.allclose(rf.backtest_ape[full], 1.5)
    assert all(rf.method[i] == "seasonal_x" for i in np.flatnonzero(full))
    rf2 = engine.forecast_region(ds, as_of, n_paths=5, choose=True, workers=1, forecaster=fake_methods)
    assert rf2.method == rf.method


def test_each_series_choice_is_followed_at_once_by_its_forecast(ds, fake_methods):
    """One pass per series (a history the choice fitted is refitted from the fit cache)."""
    calls = []

    def choose(y, start_month, cutoff, candidates, **kw):
        calls.append(("choose", len(y), float(np.sum(y))))
        return fake_methods.choose(y, start_month, cutoff, candidates, **kw)

    def forecast(alias, y, start_month, h, n_paths, rng, **kw):
        calls.append(("forecast", len(y), float(np.sum(y))))
        return fake_methods.forecast(alias, y, start_month, h, n_paths, rng, **kw)

    fake = replace(fake_methods, choose=choose, forecast=forecast)
    as_of = pd.Period("2023-04", "M")
    rf = engine.forecast_region(ds, as_of, n_paths=5, choose=True, workers=1, forecaster=fake)
    kinds = [k for k, *_ in calls]
    assert kinds == ["choose", "forecast"] * (len(kinds) // 2)
    assert all(calls[i][1:] == calls[i + 1][1:] for i in range(0, len(calls), 2))
    ch = engine.choose_methods(ds, as_of, workers=1, forecaster=fake_methods)
    rf_apart = engine.forecast_region(ds, as_of, n_paths=5, methods=ch, workers=1,
                                      forecaster=fake_methods)
    np.testing.assert_array_equal(rf.paths, rf_apart.paths)


def test_as_of_after_last_outcome_is_rejected(ds, fake_methods):
    with pytest.raises(ValueError, match="efter sista utfallsmånaden"):
        engine.forecast_region(ds, pd.Period("2023-05", "M"), n_paths=5, forecaster=fake_methods)


def test_steps_cut_history(ds, fake_methods):
    lengths = []

    def spy(alias, y, start_month, h, n_paths, rng, **kw):
        lengths.append((len(y), start_month))
        return _fake_forecast(alias, y, start_month, h, n_paths, rng, **kw)

    fake = replace(fake_methods, forecast=spy)
    rf = engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=5, workers=1,
                                steps=[pd.Period("2021-03", "M")], forecaster=fake)
    assert max(n for n, _ in lengths) == 26 and (26, 3) in lengths
    assert "strukturbrott" in rf.notes[0]
