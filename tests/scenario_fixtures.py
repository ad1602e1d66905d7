"""Small synthetic baselines for the scenario tests (no engine, no data files, fast)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import AccountHierarchy, Measure, OrgHierarchy, Unit

# account → (monthly level tkr, sign)
ACCOUNTS = {
    "Patientavgifter": 400.0,
    "Försäljning": 900.0,
    "Erhållna bidrag": 600.0,
    "Personalkostnader": -10_000.0,
    "Inhyrd personal läkare": -500.0,
    "Inhyrd personal sjuksköterskor": -300.0,
    "Läkemedel": -1_500.0,
    "Köpt riks- och regionvård": -800.0,
    "Sjukvårdsartiklar, övrigt material och varor": -400.0,
}
UNITS = ("K1", "M1", "N1")
DIVISIONS = {"K1": "Kirurgi", "M1": "Medicin", "N1": "Nära vård"}


def make_rf(as_of: str = "2023-08", n_paths: int = 200, seed: int = 0,
            units: tuple[str, ...] = UNITS, skip: tuple[tuple[str, str], ...] = ()
            ) -> RegionForecast:
    """A synthetic RegionForecast: every unit × account above, noisy paths around the level.

    ``skip`` leaves out (unit, account) pairs (e.g. a unit without agency staff).
    """
    rng = np.random.default_rng(seed)
    period = pd.Period(as_of, freq="M")
    months = pd.period_range(period + 1, pd.Period(f"{period.year + 2}-12", freq="M"), freq="M")
    cats = AccountHierarchy().category_of()
    types = AccountHierarchy().type_of()
    rows = [(u, a) for u in units for a in ACCOUNTS if (u, a) not in skip]
    keys = pd.DataFrame({
        "unit": [u for u, _ in rows],
        "account": [a for _, a in rows],
        "division": [DIVISIONS.get(u, "Övrigt") for u, _ in rows],
        "account_type": [types[a] for _, a in rows],
        "category": [cats[a] for _, a in rows],
    })
    scale = np.array([1.0 + 0.2 * units.index(u) for u, _ in rows])
    level = np.array([ACCOUNTS[a] for _, a in rows]) * scale
    n_m = len(months)
    growth = 1.0 + 0.002 * np.arange(n_m)
    point = level[:, None] * growth[None, :]
    noise = rng.normal(0.0, 0.03, size=(len(rows), n_paths, n_m))
    paths = point[:, None, :] * (1.0 + noise)
    ytd = level * period.month
    budget = level * 12 * 0.99
    return RegionForecast(
        as_of=period, keys=keys, months=months, paths=paths, point=point, ytd_outcome=ytd,
        annual_budget=budget, prior_ytd_outcome=ytd * 0.97, prior_year_outcome=level * 12 * 0.97,
        method=tuple("synthetic" for _ in rows), backtest_ape=np.full(len(rows), np.nan),
        notes=tuple("" for _ in rows), input_hash="synthetic", seed=seed,
    )


def make_ds(as_of: str = "2023-08", reported_share: float = 0.64) -> Dataset:
    """A synthetic Dataset: the org, one outcome row per unit at ``as_of``, two measures.

    Reported effects to date are ``reported_share`` of the planned effect to date.
    """
    from forecast.ledger.dimensions import planned_to_date

    period = pd.Period(as_of, freq="M")
    year = period.year
    measures = (
        Measure(id="m1", name="Minskad närvarotid", unit="K1", account="Personalkostnader",
                planned_annual_tkr=6_000.0, start_period=f"{year}-01", year=year),
        Measure(id="m2", name="Läkemedelsgenomgång", unit="M1", account="Läkemedel",
                planned_annual_tkr=1_200.0, start_period=f"{year}-03", year=year),
    )
    eff_rows = []
    for m in measures:
        planned = planned_to_date(m, period)
        start = pd.Period(m.start_period, freq="M")
        n = (period - start).n + 1
        for k in range(n):
            eff_rows.append((m.id, start + k, planned * reported_share / n))
    eff = pd.DataFrame(eff_rows, columns=["measure_id", "period", "effect_tkr"])
    ledger = pd.DataFrame({"period": pd.PeriodIndex([period] * len(UNITS), freq="M"),
                           "unit": list(UNITS), "account": ["Personalkostnader"] * len(UNITS),
                           "kind": ["utfall"] * len(UNITS),
                           "amount_tkr": [-10_000.0] * len(UNITS)})
    org = OrgHierarchy(units=tuple(Unit(id=u, name=u, division=DIVISIONS[u]) for u in UNITS))
    return Dataset(ledger=ledger, org=org, measures=measures, measure_effects=eff,
                   source="syntetisk", source_hash="synthetic")


def stored_rf(as_of: str = "2023-04", n_paths: int = 40) -> tuple[RegionForecast, bytes]:
    """:func:`make_rf` with float32 paths, as the store keeps them, and its stored bytes."""
    from dataclasses import replace

    from forecast.engine.serialize import to_bytes

    rf = make_rf(as_of, n_paths=n_paths)
    rf = replace(rf, paths=rf.paths.astype(np.float32))
    return rf, to_bytes(rf)


def byte_reader(data: bytes, log: list[tuple[int, int | None]]):
    """A ``read(start, length)`` over ``data`` for a lazy read, logging each range read."""
    def read(start: int, length: int | None) -> bytes:
        log.append((start, length))
        return data[start:] if length is None else data[start: start + length]
    return read
