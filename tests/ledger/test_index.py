"""The ledger indexed once per data set (forecast.ledger.index) and what reads it.

Each reader is checked against the code it replaced (kept here as the slow reference): the
fan's outcome history against ``schema.to_nixtla`` and a groupby, what the ledger holds for a
year against the text comparisons of ``absent._ledger_held``, the budget months against the
filter over the ledger. Equal to the last bit, on a ledger in the generator's order and the
same rows shuffled, with unit codes whose ``unique_id`` text sorts unlike the (unit, account)
pairs ("A|…" after "AB|…" and "A-B|…").
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from forecast.engine import region as engine
from forecast.engine.absent import held
from forecast.engine.fan import HISTORY_YEARS, fan_chart_data, group_history
from forecast.followup.tables import budget_months
from forecast.ledger import schema as S
from forecast.ledger.dimensions import OrgHierarchy, Unit
from forecast.ledger.index import ledger_index, outcome_order, series_codes

AS_OF = pd.Period("2023-04", "M")
RENAME = {"A1": "A", "A2": "AB", "B1": "A-B", "B2": "B"}
"""Units whose ``unique_id`` texts sort unlike the pairs ("AB|…" < "A|…", "A-B|…" < "A|…")."""


def _renamed(ds, shuffle: bool):  # noqa: ANN001, ANN202 - Dataset in and out
    led = ds.ledger.copy()
    led[S.UNIT] = led[S.UNIT].map(RENAME)
    if shuffle:
        led = led.sample(frac=1.0, random_state=3).reset_index(drop=True)
    org = OrgHierarchy(units=tuple(Unit(id=RENAME[u.id], name=u.name, division=u.division)
                                   for u in ds.org.units))
    return replace(ds, ledger=led, org=org, source_hash=f"{ds.source_hash}-{int(shuffle)}")


@pytest.fixture(scope="module", params=["as made", "shuffled"])
def case(request):  # noqa: ANN001, ANN201 - (RegionForecast, Dataset)
    from tests.fakes import FAKE_METHODS, small_dataset

    ds = _renamed(small_dataset(), request.param == "shuffled")
    rf = engine.forecast_region(ds, AS_OF, n_paths=50, workers=1, forecaster=FAKE_METHODS)
    return rf, ds


def _reference_history(rf, ledger, selection) -> pd.DataFrame:  # noqa: ANN001
    """The fan's history as it was computed before the index (to_nixtla on every call)."""
    keys = rf.keys
    rows = rf.row_mask(**dict(selection))
    uids = {S.series_id(u, a) for u, a in zip(keys["unit"][rows], keys["account"][rows],
                                              strict=True)}
    hist = S.to_nixtla(ledger.loc[ledger[S.PERIOD] <= rf.as_of])
    hist = hist.loc[hist[S.UID].isin(uids)].groupby(S.DS)[S.Y].sum()
    start = pd.Timestamp(f"{rf.as_of.year - HISTORY_YEARS}-01-01")
    history = pd.DataFrame({"month": hist.index, "tkr": hist.to_numpy()})
    return history.loc[history["month"] >= start].reset_index(drop=True)


@pytest.mark.parametrize("selection", [{}, {"division": "Div A"}, {"unit": "AB"},
                                       {"unit": "A-B"}, {"category": "Personalkostnader"},
                                       {"division": "Div B", "account_type": "kostnad"}])
def test_fan_history_is_the_to_nixtla_sum_to_the_last_bit(case, selection) -> None:  # noqa: ANN001
    rf, ds = case
    if not rf.row_mask(**selection).any():
        pytest.skip("no series in the selection")
    got = group_history(rf, ds, selection)
    want = _reference_history(rf, ds.ledger, selection)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert got["month"].iloc[-1] == AS_OF.to_timestamp()
    history, _ = fan_chart_data(rf, ds, selection)
    pd.testing.assert_frame_equal(history, want, check_exact=True)


def _reference_held(rf, ds):  # noqa: ANN001, ANN202
    """``absent.held``'s arrays as computed before the index (text pairs, isin)."""
    year = rf.as_of.year
    led = ds.ledger

    def pairs(frame: pd.DataFrame) -> pd.MultiIndex:
        return pd.MultiIndex.from_arrays([frame[S.UNIT].astype(str),
                                          frame[S.ACCOUNT].astype(str)])

    years = led[S.PERIOD].dt.year
    bud = led.loc[(led[S.KIND] == S.BUDGET) & (years == year)]
    prev = led.loc[(led[S.KIND] == S.UTFALL) & (years == year - 1)]
    seen = set(prev[S.PERIOD].unique())
    gaps = tuple(p for p in pd.period_range(f"{year - 1}-01", f"{year - 1}-12", freq="M")
                 if p not in seen)
    keys = pairs(rf.keys)
    return keys.isin(pairs(bud)), keys.isin(pairs(prev)), gaps


def test_held_is_what_the_text_comparisons_gave(case) -> None:  # noqa: ANN001
    rf, ds = case
    bud, prev, gaps = _reference_held(rf, ds)
    hd = held(rf, ds)
    np.testing.assert_array_equal(hd.budget, bud)
    np.testing.assert_array_equal(hd.prior, prev)
    assert hd.prior_gaps == gaps
    assert not prev.all()  # unit B has no outcome before 2023: the case is not trivial


def test_held_with_gaps_and_a_series_the_ledger_lacks(case) -> None:  # noqa: ANN001
    rf, ds = case
    led = ds.ledger
    # no outcome in March and June 2022, no budget 2023 for unit AB
    drop = ((led[S.KIND] == S.UTFALL) & led[S.PERIOD].isin(
        pd.PeriodIndex(["2022-03", "2022-06"], freq="M"))) | (
        (led[S.KIND] == S.BUDGET) & (led[S.UNIT] == "AB") & (led[S.PERIOD].dt.year == 2023))
    thin = replace(ds, ledger=led.loc[~drop].reset_index(drop=True),
                   source_hash=ds.source_hash + "-thin")
    bud, prev, gaps = _reference_held(rf, thin)
    hd = held(rf, thin)
    np.testing.assert_array_equal(hd.budget, bud)
    np.testing.assert_array_equal(hd.prior, prev)
    assert hd.prior_gaps == gaps == (pd.Period("2022-03", "M"), pd.Period("2022-06", "M"))
    assert not bud[(rf.keys["unit"] == "AB").to_numpy()].any()
    codes = series_codes(ledger_index(thin), ["A", "nope"], ["Läkemedel", "Läkemedel"])
    assert codes[0] >= 0 and codes[1] == -1


@pytest.mark.parametrize("year", [2019, 2023, 2024])
def test_budget_months_are_the_ledgers(case, year: int) -> None:  # noqa: ANN001
    _, ds = case
    led = ds.ledger
    per = led.loc[(led[S.KIND] == S.BUDGET), S.PERIOD]
    assert budget_months(ds, year) == sorted(p for p in per.unique() if p.year == year)


def test_outcome_order_is_to_nixtlas_order(case) -> None:  # noqa: ANN001
    _, ds = case
    out = outcome_order(ds)
    ref = S.to_nixtla(ds.ledger)
    np.testing.assert_array_equal(out.uids[out.series], ref[S.UID].to_numpy())
    months = pd.PeriodIndex.from_ordinals(out.month, freq="M").to_timestamp()
    np.testing.assert_array_equal(months, ref[S.DS].to_numpy())
    np.testing.assert_array_equal(out.amount, ref[S.Y].to_numpy())
    idx = ledger_index(ds)
    assert idx is ledger_index(ds)  # once per data set
    assert idx.n_pairs == len(ds.ledger[[S.UNIT, S.ACCOUNT]].drop_duplicates())


def test_rank_then_month_order_is_the_three_key_lexsort() -> None:
    from forecast.ledger.index import _by_rank_then_month

    rng = np.random.default_rng(3)
    rank = rng.integers(0, 40, 5000)
    month = rng.integers(600, 660, 5000)  # duplicates of (rank, month): ties in row order
    want = np.lexsort((np.arange(5000), month, rank))
    np.testing.assert_array_equal(_by_rank_then_month(rank, month), want)
    assert _by_rank_then_month(rank[:0], month[:0]).size == 0
