"""Forecast value added: statistical, adjustments and laid forecast beside the year's outcome.

Laid forecasts are made cheaply from the synthetic :func:`tests.scenario_fixtures.make_rf`;
the year's outcome is set per series relative to the statistical forecast, so the effect of
each adjustment on the error is known: one moves the forecast nearer the outcome (FVA > 0),
one away from it (FVA < 0). A slow reference computation checks every row.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecast.cycle import value_added as VA
from forecast.cycle.accuracy import AccuracyError, actual_net
from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.laid import LaidForecast, build_laid
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import AccountHierarchy, OrgHierarchy, Unit
from tests.scenario_fixtures import DIVISIONS, make_rf

YEAR = 2023
HELPS = Adjustment(comment="dygnsvila från hösten", amount_tkr=-1_000.0, unit="K1",
                   account="Personalkostnader", start="2023-09")
HURTS = Adjustment(comment="statsbidrag väntas", amount_tkr=800.0, unit="M1",
                   account="Erhållna bidrag", start="2023-09")
MISS = {("K1", "Personalkostnader"): -1_500.0}
"""Outcome − statistical forecast of August per series (0 elsewhere): a cost overrun."""
NEW_SERIES = ("K2", "Läkemedel", -2_000.0)
"""A series with outcome that no laid forecast has (a unit started in the autumn)."""


def lay(as_of: str, adjs: list[Adjustment], seed: int,
        units: tuple[str, ...] = ("K1", "M1", "N1")) -> LaidForecast:
    rf = make_rf(as_of, n_paths=100, seed=seed, units=units)
    return build_laid(apply_adjustments(rf, adjs), dataset="D", author="Anna", comment=as_of,
                      method="test")


def dataset(base: LaidForecast, *, drop: tuple[tuple[str, str], ...] = (),
            last: str = f"{YEAR}-12") -> Dataset:
    """The year's outcome: ``base``'s statistical forecast + :data:`MISS`, plus the new series,
    spread evenly over January … ``last``; ``drop`` leaves series out of the ledger."""
    s = base.series
    amounts = {(u, a): float(v) + MISS.get((u, a), 0.0)
               for u, a, v in zip(s["unit"], s["account"], s["stat_year"], strict=True)
               if (u, a) not in drop}
    amounts[NEW_SERIES[:2]] = NEW_SERIES[2]
    months = pd.period_range(f"{YEAR}-01", last, freq="M")
    rows = [(m, u, a, "utfall", v / len(months)) for (u, a), v in amounts.items()
            for m in months]
    ledger = pd.DataFrame(rows, columns=["period", "unit", "account", "kind", "amount_tkr"])
    units = [Unit(id=u, name=u, division=d) for u, d in {**DIVISIONS, "K2": "Kirurgi"}.items()]
    return Dataset(ledger=ledger, org=OrgHierarchy(units=tuple(units)))


@pytest.fixture(scope="module")
def laid() -> list[LaidForecast]:
    return [lay(f"{YEAR}-04", [], seed=1), lay(f"{YEAR}-08", [HELPS, HURTS], seed=2)]


def _row(table: pd.DataFrame, month: str, level: str, group: str) -> pd.Series:
    hit = table[(table[VA.MONTH] == month) & (table[VA.LEVEL] == VA.LEVELS[level])
                & (table[VA.GROUP] == group)]
    assert len(hit) == 1, (month, level, group)
    return hit.iloc[0]


def reference(lf: LaidForecast, ds: Dataset) -> dict[tuple[str, str], dict[str, float]]:
    """(level, group) → outcome, stat, adj, laid and FVA, by a plain loop over the ledger."""
    outcome: dict[tuple[str, str], float] = {}
    for r in ds.ledger.itertuples():
        if r.kind == "utfall" and r.period.year == YEAR:
            outcome[(r.unit, r.account)] = outcome.get((r.unit, r.account), 0.0) + r.amount_tkr
    forecast = {(r.unit, r.account): (r.stat_year, r.adj_year, r.final_year)
                for r in lf.series.itertuples()}
    division = ds.org.division_of()
    category = AccountHierarchy().category_of()
    sums: dict[tuple[str, str], dict[str, float]] = {}
    for key in set(outcome) | set(forecast):
        stat, adj, final = forecast.get(key, (0.0, 0.0, 0.0))
        for group in (("region", VA.REGION), ("division", division[key[0]]),
                      ("category", category[key[1]])):
            acc = sums.setdefault(group, {"outcome": 0.0, "stat": 0.0, "adj": 0.0, "laid": 0.0})
            acc["outcome"] += outcome.get(key, 0.0)
            acc["stat"] += stat
            acc["adj"] += adj
            acc["laid"] += final
    for acc in sums.values():
        acc["fva"] = abs(acc["stat"] - acc["outcome"]) - abs(acc["laid"] - acc["outcome"])
    return sums


def test_adjustment_nearer_the_outcome_improves_and_one_away_worsens(laid):
    ds = dataset(laid[1])
    table = VA.value_added_table(ds, YEAR, laid)
    aug = f"{YEAR}-08"
    # Kirurgi: statistical error +1 500 (K1 overrun) + 2 000 (new K2); the −1 000 adjustment
    # brings the laid error to +2 500
    kir = _row(table, aug, "division", "Kirurgi")
    assert kir[VA.ERR_STAT] == pytest.approx(3_500.0)
    assert kir[VA.ERR_LAID] == pytest.approx(2_500.0)
    assert kir[VA.FVA] == pytest.approx(1_000.0) and kir[VA.VERDICT] == VA.IMPROVED
    # Medicin: the statistical forecast hit; the +800 grant leads it away
    med = _row(table, aug, "division", "Medicin")
    assert med[VA.ERR_STAT] == pytest.approx(0.0, abs=1e-6)
    assert med[VA.FVA] == pytest.approx(-800.0) and med[VA.VERDICT] == VA.WORSENED
    assert _row(table, aug, "division", "Nära vård")[VA.VERDICT] == VA.UNCHANGED
    cats = {c: _row(table, aug, "category", c) for c in
            ("Personalkostnader", "Erhållna bidrag", "Läkemedel")}
    assert cats["Personalkostnader"][VA.FVA] == pytest.approx(1_000.0)
    assert cats["Erhållna bidrag"][VA.FVA] == pytest.approx(-800.0)
    assert cats["Läkemedel"][VA.VERDICT] == VA.UNCHANGED  # the new series: 0 in both
    region = _row(table, aug, "region", VA.REGION)
    assert region[VA.ADJ] == pytest.approx(-200.0)
    assert region[VA.FVA] == pytest.approx(3_500.0 - 3_300.0)
    assert region[VA.VERDICT] == VA.IMPROVED
    # April had no adjustment: nothing changed anywhere
    apr = table[table[VA.MONTH] == f"{YEAR}-04"]
    assert np.allclose(apr[VA.FVA], 0.0) and set(apr[VA.VERDICT]) == {VA.UNCHANGED}
    assert (apr[VA.LAID] == apr[VA.STAT]).all()


@pytest.mark.parametrize("drop", [(), (("N1", "Patientavgifter"), ("M1", "Läkemedel"))])
def test_every_row_matches_the_reference_and_totals_add_up(laid, drop):
    ds = dataset(laid[1], drop=drop)
    table = VA.value_added_table(ds, YEAR, laid[::-1])  # months in order whatever the input
    assert list(table.columns) == VA.COLUMNS
    assert list(dict.fromkeys(table[VA.MONTH])) == [f"{YEAR}-04", f"{YEAR}-08"]
    for lf in laid:
        ref = reference(lf, ds)
        rows = table[table[VA.MONTH] == str(lf.as_of)]
        assert len(rows) == len(ref)
        for r in rows.itertuples(index=False):
            level = next(k for k, v in VA.LEVELS.items() if v == r[2])
            want = ref[(level, r[3])]
            got = dict(zip(VA.COLUMNS, r, strict=True))
            for name, col in (("outcome", VA.OUTCOME), ("stat", VA.STAT), ("adj", VA.ADJ),
                              ("laid", VA.LAID), ("fva", VA.FVA)):
                assert got[col] == pytest.approx(want[name], abs=1e-6), (r[3], col)
        region = rows[rows[VA.LEVEL] == "Region"]
        assert region[VA.OUTCOME].item() == pytest.approx(actual_net(ds, YEAR))
        additive = [VA.OUTCOME, VA.STAT, VA.ADJ, VA.LAID, VA.ERR_STAT, VA.ERR_LAID]
        for level in ("Division", "Kostnadsslag"):
            parts = rows.loc[rows[VA.LEVEL] == level, additive].sum()
            np.testing.assert_allclose(parts.to_numpy(dtype=float),
                                       region[additive].to_numpy(dtype=float)[0], atol=1e-6)
        assert (rows[VA.LAID] - rows[VA.STAT] - rows[VA.ADJ]).abs().max() < 1e-6


def test_group_views_and_the_year_summary(laid):
    table = VA.value_added_table(dataset(laid[1]), YEAR, laid)
    assert VA.groups(table, "division") == ["Kirurgi", "Medicin", "Nära vård"]
    assert VA.groups(table, "region") == [VA.REGION]
    kir = VA.group_view(table, "division", "Kirurgi")
    assert list(kir.index) == [f"{YEAR}-04", f"{YEAR}-08"] and kir.index.name == VA.MONTH
    assert list(kir[VA.VERDICT]) == [VA.UNCHANGED, VA.IMPROVED]
    summary = VA.year_summary(table)
    div = VA.summary_view(summary, "division")
    assert div.index.name == "Division"
    k = div.loc["Kirurgi"]
    assert k[VA.N_MONTHS] == 2 and k[VA.N_IMPROVED] == 1 and k[VA.N_WORSENED] == 0
    assert k[VA.MEAN_FVA] == pytest.approx(kir[VA.FVA].mean())
    assert k[VA.MEAN_FVA] == pytest.approx(k[VA.MEAN_ABS_STAT] - k[VA.MEAN_ABS_LAID])
    assert k[VA.VERDICT] == VA.IMPROVED
    assert div.loc["Medicin", VA.VERDICT] == VA.WORSENED
    assert len(summary) == len(table) // 2  # every group in both months


def test_groups_keep_the_laid_forecasts_order_and_new_series_come_last(laid):
    ds = dataset(laid[1])
    table = VA.value_added_table(ds, YEAR, [lay(f"{YEAR}-08", [], 2, units=("N1", "M1"))])
    # N1 before M1 as laid (not alphabetical); K1 and K2 only in the ledger, so last
    assert VA.groups(table, "division") == ["Nära vård", "Medicin", "Kirurgi"]
    kir = VA.group_view(table, "division", "Kirurgi").iloc[0]
    assert kir[VA.STAT] == 0.0 and kir[VA.LAID] == 0.0
    assert kir[VA.ERR_STAT] == pytest.approx(-kir[VA.OUTCOME])


def test_export_tables_have_unique_rows_and_the_amount_columns(laid):
    table = VA.value_added_table(dataset(laid[1]), YEAR, laid)
    tables = VA.value_added_tables(table, YEAR)
    assert [t.name for t in tables] == ["FVA region", "FVA per division",
                                        "FVA per kostnadsslag", "FVA över året"]
    for t in tables:
        assert t.frame.index.is_unique, t.name
    assert tables[1].frame.loc[f"{YEAR}-08 / Kirurgi", VA.FVA] == pytest.approx(1_000.0)
    assert tables[0].frame.index.name == VA.MONTH
    meta = VA.provenance(YEAR, laid)
    assert meta["Lagda versioner (FVA)"] == f"april {YEAR} v0 av Anna, augusti {YEAR} v0 av Anna"


def test_verdict_tolerance_is_half_a_tkr():
    got = VA.verdicts(np.array([0.6, 0.4, 0.0, -0.4, -0.6]))
    assert list(got) == [VA.IMPROVED, VA.UNCHANGED, VA.UNCHANGED, VA.UNCHANGED, VA.WORSENED]


def test_incomplete_year_other_years_and_nothing_laid_are_refused(laid):
    with pytest.raises(AccuracyError, match="inte avslutat"):
        VA.value_added_table(dataset(laid[1], last=f"{YEAR}-11"), YEAR, laid)
    ds = dataset(laid[1])
    with pytest.raises(AccuracyError, match="ingen lagd prognos"):
        VA.value_added_table(ds, YEAR, [lay("2022-08", [], seed=3)])
    # of two versions of a month the last one given counts
    v2 = replace(laid[1], version=2)
    table = VA.value_added_table(ds, YEAR, [*laid, v2])
    assert set(table.loc[table[VA.MONTH] == f"{YEAR}-08", VA.SOURCE]) == {"lagd v2"}
