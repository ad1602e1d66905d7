"""Small offline data and fake per-series methods shared by the tests (see tests/conftest.py).

``small_dataset`` builds 4 units × 5 accounts with a transition plan; ``FAKE_METHODS`` is a
:class:`~forecast.engine.region.SeriesForecaster` of module-level fakes (picklable, so the
engine can send it to worker processes): seasonal naive × 1.02 with random-walk paths, a
run rate for short series, and a chooser that takes the first candidate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.engine.region import SeriesForecaster
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


def fake_forecast(alias, y, start_month, h, n_paths, rng, *, budget=None, budget_future=None):
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


def fake_choose(y, start_month, cutoff_month, candidates, *, budget=None, min_years=3):
    return FakeChoice(candidates[0], 1.5, 3, "")




FAKE_METHODS = SeriesForecaster(forecast=fake_forecast, choose=fake_choose,
                                candidates=("seasonal_x", "other"),
                                default_method="three_year_profile")
"""The fakes as the engine's per-series forecaster."""
