"""Tests of the region forecast engine (forecast.engine.region) with a small in-test data set."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from forecast.engine import region as engine
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import Measure, OrgHierarchy, Unit

UNITS = (("A1", "Enhet A1", "Div A"), ("A2", "Enhet A2", "Div A"),
         ("B1", "Enhet B1", "Div B"), ("B2", "Enhet B2", "Div B"))
ACCOUNTS = {
    "Patientavgifter": 300.0,
    "Personalkostnader": -5000.0,
    "Läkemedel": -800.0,
    "Inhyrd personal läkare": -150.0,
    "Inhyrd personal sjuksköterskor": -60.0,
}


def small_dataset(last: str = "2023-04", short_unit: str | None = "B2",
                  seed: int = 1) -> Dataset:
    """4 units × 5 accounts, outcome 2019-01..last, budget 2019..2023; B2 starts 2023-01."""
    rng = np.random.default_rng(seed)
    months = pd.period_range("2019-01", last, freq="M")
    bmonths = pd.period_range("2019-01", "2023-12", freq="M")
    rows = []
    for ui, (u, _, _) in enumerate(UNITS):
        for acc, level in ACCOUNTS.items():
            lvl = level * (1 + 0.3 * ui)
            for p in bmonths:
                season = 1 + 0.1 * np.cos(2 * np.pi * (p.month - 7) / 12)
                trend = 1.03 ** (p.year - 2019)
                rows.append((p, u, acc, S.BUDGET, lvl * season * trend))
            for p in months:
                if u == short_unit and p < pd.Period("2023-01", freq="M"):
                    continue
                season = 1 + 0.1 * np.cos(2 * np.pi * (p.month - 7) / 12)
                trend = 1.035 ** (p.year - 2019 + p.month / 12)
                rows.append((p, u, acc, S.UTFALL,
                             lvl * season * trend * (1 + 0.03 * rng.standard_normal())))
    led = pd.DataFrame(rows, columns=list(S.LEDGER_COLUMNS))
    led[S.PERIOD] = pd.PeriodIndex(led[S.PERIOD], freq="M")
    led[S.AMOUNT] = led[S.AMOUNT].astype(float)
    org = OrgHierarchy(units=tuple(Unit(id=u, name=n, division=d) for u, n, d in UNITS))
    measures = (
        Measure(id="M1", name="Minskad hyrpersonal", unit="A1", account="Inhyrd personal läkare",
                planned_annual_tkr=600.0, start_period="2023-01", year=2023),
        Measure(id="M2", name="Läkemedelsöversyn", unit="B1", account="Läkemedel",
                planned_annual_tkr=1200.0, start_period="2023-03", year=2023),
    )
    eff = pd.DataFrame({
        "measure_id": ["M1"] * 4 + ["M2"] * 2,
        "period": pd.PeriodIndex(["2023-01", "2023-02", "2023-03", "2023-04",
                                  "2023-03", "2023-04"], freq="M"),
        "effect_tkr": [30.0, 40.0, 35.0, 45.0, 100.0, 80.0],
    })
    return Dataset(ledger=S.validate_ledger(led), org=org, measures=measures,
                   measure_effects=eff, source="testdata", source_hash="abc123")


@dataclass(frozen=True)
class FakeChoice:
    alias: str
    backtest_ape: float
    n_origins: int
    note: str = ""


def _fake_forecast(alias, y, start_month, h, n_paths, rng, *, budget=None, budget_future=None):
    y = np.asarray(y, dtype=float)
    note = ""
    if y.size < 24:
        alias, note = "run_rate", f"för kort historik ({y.size} mån): run_rate"
        point = np.full(h, y.mean())
    else:
        point = np.resize(y[-12:], h) * 1.02
    scale = np.abs(point) * 0.05
    paths = point[None, :] + scale[None, :] * np.cumsum(rng.standard_normal((n_paths, h)), axis=1)
    return point, paths, alias, note


def _fake_choose(y, start_month, cutoff_month, candidates, *, budget=None, min_years=3):
    return FakeChoice(candidates[0], 1.5, 3, "")


@pytest.fixture
def fake_methods(monkeypatch):
    """A stand-in forecast.methods.selection: seasonal naive × 1.02 with random-walk paths."""
    mod = types.ModuleType("forecast.methods.selection")
    mod.forecast_with_fallback = _fake_forecast
    mod.choose = _fake_choose
    mod.Choice = FakeChoice
    mod.DEFAULT_CANDIDATES = ("seasonal_x", "other")
    monkeypatch.setitem(sys.modules, "forecast.methods.selection", mod)
    # ``from forecast.methods import selection`` reads the package attribute first, which is
    # the real module when another test in this worker imported it.
    import forecast.methods

    monkeypatch.setattr(forecast.methods, "selection", mod, raising=False)
    return mod


@pytest.fixture
def ds():
    return small_dataset()


def test_shapes_and_months(ds, fake_methods):
    rf = engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=50, workers=1)
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
    rf = engine.forecast_region(ds, as_of, n_paths=10, workers=1)
    led = ds.ledger
    i = int(np.flatnonzero(rf.row_mask(unit="A2", account="Läkemedel"))[0])
    sel = (led.unit == "A2") & (led.account == "Läkemedel")
    out = led[sel & (led.kind == "utfall")].set_index("period")["amount_tkr"]
    bud = led[sel & (led.kind == "budget")].set_index("period")["amount_tkr"]
    assert rf.ytd_outcome[i] == pytest.approx(out["2023-01":"2023-04"].sum())
    assert rf.annual_budget[i] == pytest.approx(bud["2023-01":"2023-12"].sum())
    assert rf.prior_ytd_outcome[i] == pytest.approx(out["2022-01":"2022-04"].sum())
    assert rf.prior_year_outcome[i] == pytest.approx(out["2022-01":"2022-12"].sum())


def test_history_stops_at_as_of(ds, fake_methods, monkeypatch):
    seen = {}

    def spy(alias, y, start_month, h, n_paths, rng, **kw):
        seen[len(y)] = (start_month, kw["budget_future"])
        return _fake_forecast(alias, y, start_month, h, n_paths, rng, **kw)

    monkeypatch.setattr(fake_methods, "forecast_with_fallback", spy)
    engine.forecast_region(ds, pd.Period("2022-08", "M"), n_paths=5, workers=1)
    # 2019-01..2022-08 = 44 months; B2 has no outcome before 2023 → no history at all.
    assert 44 in seen
    start, bf = seen[44]
    assert start == 1
    assert len(bf) == 4 + 24 and np.isfinite(bf).all()
    # 2023 has a budget in the ledger; 2024 has none and repeats 2022's monthly budget.
    np.testing.assert_allclose(bf[24:28], bf[0:4])
    np.testing.assert_allclose(bf[12:16], bf[0:4] * 1.03)


def test_too_short_series_note_is_visible(ds, fake_methods):
    rf = engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=10, workers=1)
    b2 = rf.row_mask(unit="B2")
    assert all("för kort historik" in rf.notes[i] for i in np.flatnonzero(b2))
    assert all(rf.method[i] == "run_rate" for i in np.flatnonzero(b2))
    assert all(rf.notes[i] == "" for i in np.flatnonzero(~b2))


def test_budget_only_series_forecast_is_budget(fake_methods):
    ds = small_dataset(last="2022-12")
    rf = engine.forecast_region(ds, pd.Period("2022-12", "M"), n_paths=5, workers=1)
    # B2 has no outcome at all before 2023, but a 2022 budget: it is a series with a note.
    i = int(np.flatnonzero(rf.row_mask(unit="B2", account="Läkemedel"))[0])
    assert rf.method[i] == "budget" and "ingen utfallshistorik" in rf.notes[i]
    led = ds.ledger
    bud = led[(led.unit == "B2") & (led.account == "Läkemedel") & (led.kind == "budget")]
    np.testing.assert_allclose(rf.point[i][:12], bud[bud.period.dt.year == 2023].amount_tkr)
    assert np.ptp(rf.paths[i], axis=0).max() == 0


def test_failing_model_does_not_stop_others(ds, fake_methods, monkeypatch):
    def flaky(alias, y, start_month, h, n_paths, rng, **kw):
        if abs(y[-1]) > 7000:  # personnel cost of the bigger units
            raise RuntimeError("boom")
        return _fake_forecast(alias, y, start_month, h, n_paths, rng, **kw)

    monkeypatch.setattr(fake_methods, "forecast_with_fallback", flaky)
    rf = engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=10, workers=1)
    failed = [i for i, n in enumerate(rf.notes) if "misslyckades" in n]
    assert 0 < len(failed) < rf.n_series
    assert all("boom" in rf.notes[i] and rf.method[i] in {"seasonal_naive", "mean"} for i in failed)
    assert np.isfinite(rf.paths).all()


def test_deterministic_for_seed_and_independent_of_workers(ds, fake_methods):
    as_of = pd.Period("2023-04", "M")
    a = engine.forecast_region(ds, as_of, n_paths=20, seed=7, workers=1)
    b = engine.forecast_region(ds, as_of, n_paths=20, seed=7, workers=2)
    c = engine.forecast_region(ds, as_of, n_paths=20, seed=8, workers=1)
    np.testing.assert_array_equal(a.paths, b.paths)
    assert not np.array_equal(a.paths, c.paths)


def test_choose_and_cached_methods(ds, fake_methods):
    as_of = pd.Period("2023-04", "M")
    ch = engine.choose_methods(ds, as_of, workers=1)
    assert len(ch) == 4 * len(ACCOUNTS)
    assert all(c.alias == "seasonal_x" for c in ch.values())
    rf = engine.forecast_region(ds, as_of, n_paths=5, methods=ch, workers=1)
    full = ~rf.row_mask(unit="B2")
    assert np.allclose(rf.backtest_ape[full], 1.5)
    assert all(rf.method[i] == "seasonal_x" for i in np.flatnonzero(full))
    rf2 = engine.forecast_region(ds, as_of, n_paths=5, choose=True, workers=1)
    assert rf2.method == rf.method


def test_as_of_after_last_outcome_is_rejected(ds, fake_methods):
    with pytest.raises(ValueError, match="efter sista utfallsmånaden"):
        engine.forecast_region(ds, pd.Period("2023-05", "M"), n_paths=5)


def test_steps_cut_history(ds, fake_methods, monkeypatch):
    lengths = []

    def spy(alias, y, start_month, h, n_paths, rng, **kw):
        lengths.append((len(y), start_month))
        return _fake_forecast(alias, y, start_month, h, n_paths, rng, **kw)

    monkeypatch.setattr(fake_methods, "forecast_with_fallback", spy)
    rf = engine.forecast_region(ds, pd.Period("2023-04", "M"), n_paths=5, workers=1,
                                steps=[pd.Period("2021-03", "M")])
    assert max(n for n, _ in lengths) == 26 and (26, 3) in lengths
    assert "strukturbrott" in rf.notes[0]


def test_transition_plan_projection(ds):
    p = engine.project_transition_plan(ds, pd.Period("2023-04", "M"), n_paths=2000, seed=3)
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
    again = engine.project_transition_plan(ds, pd.Period("2023-04", "M"), n_paths=2000, seed=3)
    np.testing.assert_array_equal(p.paths, again.paths)


def test_transition_plan_measure_not_started_borrows_pooled_rate(ds):
    p = engine.project_transition_plan(ds, pd.Period("2023-02", "M"), n_paths=500)
    t = p.table.set_index("measure_id")
    assert "ej startad" in t.loc["M2", "note"]
    assert t.loc["M2", "reported_to_date"] == 0
    assert t.loc["M2", "projected_p50"] > 0
