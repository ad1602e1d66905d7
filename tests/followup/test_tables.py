"""Tests of forecast.followup.tables against seed 001's published table and constructed cases."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.followup import tables as F
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import (
    INHYRD,
    PERSONAL,
    TOTAL_GROSS_COST,
    TOTAL_NET_COST,
    TOTAL_REVENUE,
    Measure,
    OrgHierarchy,
    Unit,
    agency_account,
)
from forecast.ledger.month import parse_as_of
from tests.seed001 import UNIT, account_months, leaf, one_unit_dataset, published_table, spread


def _ledger(rows: list[tuple[str, str, str, str, float]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(S.LEDGER_COLUMNS))
    df[S.PERIOD] = pd.PeriodIndex(df[S.PERIOD], freq="M")
    df[S.AMOUNT] = df[S.AMOUNT].astype(float)
    df = df.groupby(list(S.KEY_COLUMNS), as_index=False, sort=False)[S.AMOUNT].sum()
    return S.validate_ledger(df[list(S.LEDGER_COLUMNS)])


@pytest.fixture(scope="module")
def seed001() -> Dataset:
    """Seed 001's Jan–Apr 2023 table as a one-unit ledger (Inhyrd personal on one leaf)."""
    rows = [(period, UNIT, leaf(r.konto), kind, amount)
            for r in published_table().itertuples() for period, kind, amount in account_months(r)]
    return one_unit_dataset(_ledger(rows))


def test_published_totals_and_ratios(seed001: Dataset) -> None:
    s = F.summary(seed001, pd.Period("2023-04", "M"))
    assert s.loc[F.REVENUE, F.ACK_UTFALL] == pytest.approx(548_443, abs=2)
    assert s.loc[F.REVENUE, F.ACK_BUDGET] == pytest.approx(492_440, abs=2)
    assert s.loc[F.GROSS, F.ACK_UTFALL] == pytest.approx(-1_659_906, abs=2)
    assert s.loc[F.GROSS, F.ACK_BUDGET] == pytest.approx(-1_461_294, abs=2)
    assert s.loc[F.NET, F.ACK_UTFALL] == pytest.approx(-1_111_463, abs=2)
    assert s.loc[F.NET, F.ACK_BUDGET] == pytest.approx(-968_854, abs=2)
    # the published rows are rounded: their previous-year sum is −973 922, 3 tkr from −973 925
    assert s.loc[F.NET, F.ACK_FG] == pytest.approx(-973_925, abs=3)
    # published mkr figures: diff −143, diff fg år −137
    assert round(s.loc[F.NET, F.DIFF] / 1000) == -143
    # the report prints −137, but its own totals give −1 111 463 − (−973 925) = −137 538
    assert s.loc[F.NET, F.DIFF_FG] == pytest.approx(-137_538, abs=5)
    assert round(s.loc[F.GROSS, F.DIFF_FG] / 1000) == -157

    dev = F.cost_development(seed001, pd.Period("2023-04", "M"))
    assert round(dev.loc["Nettokostnadsutveckling", F.UTVECKLING], 1) == 14.1
    assert round(dev.loc["Bruttokostnadsutveckling", F.UTVECKLING], 1) == 10.5
    assert dev.loc[F.REVENUE, F.UTVECKLING] == pytest.approx((548_443 / 528_647 - 1) * 100,
                                                              abs=0.01)


def test_month_columns_and_annual_budget(seed001: Dataset) -> None:
    s = F.summary(seed001, pd.Period("2023-04", "M"))
    u, b, d = F.month_columns(pd.Period("2023-04", "M"))
    assert u == "Utfall apr 2023"
    rev_apr = sum(spread(v)[3] for v in (38106, 210652, 292175, 7510))
    assert s.loc[F.REVENUE, u] == rev_apr
    assert s.loc[F.NET, d] == pytest.approx(s.loc[F.NET, u] - s.loc[F.NET, b])
    # only Jan–Apr budget exists in this ledger, so the year's budget equals the YTD budget
    assert s.loc[F.NET, "Budget 2023"] == pytest.approx(s.loc[F.NET, F.ACK_BUDGET])
    # an earlier as-of month ignores later outcome
    s2 = F.summary(seed001, pd.Period("2023-02", "M"))
    assert s2.loc[F.REVENUE, F.ACK_UTFALL] == sum(2 * spread(v)[0]
                                                  for v in (38106, 210652, 292175, 7510))


def test_by_category_matches_published_rows_and_sums(seed001: Dataset) -> None:
    table = published_table()
    c = F.by_category(seed001, pd.Period("2023-04", "M"))
    for r in table.itertuples():
        assert c.loc[r.konto, F.ACK_UTFALL] == r.utfall_ack_tkr
        assert c.loc[r.konto, F.ACK_BUDGET] == r.budget_ack_tkr
        assert c.loc[r.konto, F.ACK_FG] == r.utfall_ack_fg_ar_tkr
        assert c.loc[r.konto, F.DIFF] == pytest.approx(r.diff_tkr, abs=1)
        assert c.loc[r.konto, F.DIFF_FG] == pytest.approx(r.diff_fg_ar_tkr, abs=1)
    cats = [k for k in c.index if not k.startswith("varav") and not k.startswith("Summa")]
    assert len(cats) == 16
    assert c.loc["varav läkare", F.ACK_UTFALL] == c.loc[INHYRD, F.ACK_UTFALL]
    revenue = table.loc[table.typ == "intakt", "konto"].tolist()
    cost = table.loc[table.typ == "kostnad", "konto"].tolist()
    for col in c.columns:
        assert c.loc[TOTAL_REVENUE, col] == pytest.approx(c.loc[revenue, col].sum())
        assert c.loc[TOTAL_GROSS_COST, col] == pytest.approx(c.loc[cost, col].sum())
        assert c.loc[TOTAL_NET_COST, col] == pytest.approx(
            c.loc[TOTAL_REVENUE, col] + c.loc[TOTAL_GROSS_COST, col])
    s = F.summary(seed001, pd.Period("2023-04", "M"))
    assert c.loc[TOTAL_NET_COST, F.ACK_UTFALL] == pytest.approx(s.loc[F.NET, F.ACK_UTFALL])


@pytest.fixture(scope="module")
def small() -> Dataset:
    """Two divisions, three units, 2022-01..2023-03 with agency and personnel cost."""
    org = OrgHierarchy(units=(Unit(id="A1", name="a1", division="Kirurgi"),
                              Unit(id="A2", name="a2", division="Kirurgi"),
                              Unit(id="B1", name="b1", division="Medicin")))
    rows = []
    for p in pd.period_range("2022-01", "2023-03", freq="M"):
        for u, k in (("A1", 1.0), ("A2", 2.0), ("B1", 3.0)):
            rows += [
                (str(p), u, "Patientavgifter", S.UTFALL, 10.0 * k),
                (str(p), u, PERSONAL, S.UTFALL, -100.0 * k),
                (str(p), u, agency_account("läkare"), S.UTFALL, -1.0 * k),
                (str(p), u, agency_account("sjuksköterskor"), S.UTFALL,
                 -3.0 if u == "B1" else 0.0),
                (str(p), u, "Läkemedel", S.UTFALL, -7.5 * k),
            ]
    for p in pd.period_range("2023-01", "2023-12", freq="M"):
        rows += [(str(p), "A1", "Patientavgifter", S.BUDGET, 9.0),
                 (str(p), "A1", PERSONAL, S.BUDGET, -90.0),
                 (str(p), "B1", "Läkemedel", S.BUDGET, -20.0)]
    rows.append(("2023-03", "X9", "Läkemedel", S.UTFALL, -4.0))  # unit outside the org
    fte = pd.DataFrame({
        "period": pd.PeriodIndex(["2023-01", "2023-02", "2023-02", "2023-03", "2022-01"], freq="M"),
        "unit": ["A1", "A1", "B1", "B1", "A1"],
        "category": ["läkare", "läkare", "sjuksköterskor", "sjuksköterskor", "läkare"],
        "fte": [1.0, 2.0, 3.0, 6.0, 5.0],
    })
    measures = (
        Measure(id="M1", name="Minskad närvarotid", unit="A1", account=PERSONAL,
                planned_annual_tkr=120.0, start_period="2023-01", year=2023),
        Measure(id="M2", name="Färre hyrläkare", unit="B1", account=agency_account("läkare"),
                planned_annual_tkr=100.0, start_period="2023-03", year=2023),
        Measure(id="M0", name="Förra årets", unit="B1", account=PERSONAL,
                planned_annual_tkr=50.0, start_period="2022-01", year=2022),
    )
    effects = pd.DataFrame({
        "measure_id": ["M1", "M1", "M1", "M2", "M1", "M0"],
        "period": pd.PeriodIndex(["2023-01", "2023-02", "2023-03", "2023-03", "2023-04",
                                  "2022-05"], freq="M"),
        "effect_tkr": [5.0, 10.0, 15.0, 2.0, 99.0, 40.0],
    })
    return Dataset(ledger=_ledger(rows), org=org, agency_fte=fte, measures=measures,
                   measure_effects=effects)


def test_division_rows_sum_to_totals(small: Dataset) -> None:
    d = F.by_division(small, pd.Period("2023-03", "M"))
    s = F.summary(small, pd.Period("2023-03", "M"))
    for measure in (F.REVENUE, F.GROSS, F.NET):
        parts = [k for k in d.index if k.startswith(f"{measure} – ")]
        assert [k.split(" – ")[1] for k in parts] == ["Kirurgi", "Medicin", F.NO_DIVISION]
        for col in d.columns:
            assert d.loc[measure, col] == pytest.approx(d.loc[parts, col].sum())
            assert d.loc[measure, col] == pytest.approx(s.loc[measure, col])
    # hand check: Kirurgi revenue YTD = 3 months × (10 + 20)
    assert d.loc["Intäkter – Kirurgi", F.ACK_UTFALL] == 90.0
    assert d.loc["Intäkter – Kirurgi", F.ACK_BUDGET] == 27.0
    assert d.loc["Intäkter – Kirurgi", "Budget 2023"] == 108.0
    assert d.loc["Bruttokostnader – Utan division", F.ACK_UTFALL] == -4.0


def test_agency_share_r12(small: Dataset) -> None:
    a = F.agency_share(small, pd.Period("2023-03", "M"))
    # R12 = 2022-04..2023-03: doctors −(1+2+3)·12 = −72, personnel −600·12 = −7200
    assert a.loc["Läkare", "Hyrkostnad R12"] == -72.0
    assert a.loc["Läkare", "Personalkostnad R12"] == -7200.0
    assert a.loc["Läkare", "Hyrandel R12 %"] == pytest.approx(1.0)
    assert a.loc["Sjuksköterskor", "Hyrandel R12 %"] == pytest.approx(36 / 7200 * 100)
    assert a.loc["Totalt", "Hyrandel R12 %"] == pytest.approx(108 / 7200 * 100)
    assert a.loc["Totalt", "Mål %"] == 2.0
    # per division: Medicin doctors −3·12, nurses −3·12, personnel −300·12 → 2 %
    assert a.loc["Medicin – totalt", "Hyrandel R12 %"] == pytest.approx(2.0)
    assert a.loc["Kirurgi – totalt", "Hyrandel R12 %"] == pytest.approx(1.0)
    # YTD history: 2021 has no data, 2022 and 2023 Jan–Mar
    assert np.isnan(a.loc["Totalt", "Ack utfall jan–mar 2021"])
    assert a.loc["Läkare", "Ack utfall jan–mar 2022"] == -18.0
    assert a.loc["Totalt", "Ack utfall jan–mar 2023"] == -27.0
    # FTE: 2023 months Jan 1, Feb 2+3, Mar 6 → (1+5+6)/3 = 4; doctors (1+2)/3 = 1
    assert a.loc["Totalt", "Snitt åa jan–mar 2023"] == pytest.approx(4.0)
    assert a.loc["Läkare", "Snitt åa jan–mar 2023"] == pytest.approx(1.0)
    # Medicin has no FTE row in January: that month counts as zero → (0 + 3 + 6)/3
    assert a.loc["Medicin – totalt", "Snitt åa jan–mar 2023"] == pytest.approx(3.0)
    assert a.loc["Kirurgi – totalt", "Snitt åa jan–mar 2023"] == pytest.approx(1.0)
    assert a.loc["Läkare", "Snitt åa jan–mar 2022"] == pytest.approx(5.0)
    assert F.r12_months(small, pd.Period("2023-03", "M")) == 12
    assert F.r12_months(small, pd.Period("2022-06", "M")) == 6


def test_transition_plan_realisation() -> None:
    org = OrgHierarchy(units=(Unit(id="U", name="u", division="D"),))
    led = _ledger([("2022-08", "U", PERSONAL, S.UTFALL, -1.0)])
    m = Measure(id="O1", name="Omställning", unit="U", account=PERSONAL,
                planned_annual_tkr=151.5, start_period="2022-01", year=2022)
    eff = pd.DataFrame({"measure_id": ["O1"], "period": pd.PeriodIndex(["2022-06"], freq="M"),
                        "effect_tkr": [65.0]})
    ds = Dataset(ledger=led, org=org, measures=(m,), measure_effects=eff)
    t = F.transition_plan(ds, pd.Period("2022-08", "M"))
    assert t.loc["Totalt", "Planerad hittills"] == pytest.approx(101.0)
    assert t.loc["Totalt", "Rapporterad hittills"] == 65.0
    assert round(t.loc["Totalt", "Realisering %"]) == 64
    assert t.loc["O1 Omställning", "Avvikelse"] == pytest.approx(-36.0)


def test_transition_plan_small(small: Dataset) -> None:
    t = F.transition_plan(small, pd.Period("2023-03", "M"))
    assert list(t.index) == ["M1 Minskad närvarotid", "M2 Färre hyrläkare", "Totalt"]
    assert t.loc["M1 Minskad närvarotid", "Planerad hittills"] == pytest.approx(30.0)
    assert t.loc["M1 Minskad närvarotid", "Rapporterad hittills"] == 30.0  # April excluded
    assert t.loc["M2 Färre hyrläkare", "Planerad hittills"] == pytest.approx(10.0)
    assert t.loc["Totalt", "Realisering %"] == pytest.approx(32 / 40 * 100)
    assert t.loc["Totalt", "Planerad årseffekt"] == 220.0


def test_monthly(small: Dataset) -> None:
    m = F.monthly(small, pd.Period("2023-02", "M"))
    assert len(m) == 12 and m.index[0] == "jan 2023"
    net = 6 * 10 - 6 * 100 - 6 * 1 - 3 - 6 * 7.5
    assert m.loc["jan 2023", "Utfall"] == pytest.approx(net)
    assert np.isnan(m.loc["mar 2023", "Utfall"])  # after as_of
    assert m.loc["mar 2023", "Budget"] == -101.0
    assert m.loc["feb 2023", "Ack utfall"] == pytest.approx(2 * net)
    assert m.loc["dec 2023", "Ack budget"] == -101.0 * 12
    assert m.loc["jan 2023", "Utfall fg år"] == pytest.approx(net)


def test_bad_as_of_lists_available_months(small: Dataset) -> None:
    with pytest.raises(ValueError, match=r"inget utfall för 2023-04.*2022-01–2023-03"):
        F.summary(small, pd.Period("2023-04", "M"))
    with pytest.raises(ValueError, match="inget utfall för 2019-12"):
        F.followup_tables(small, pd.Period("2019-12", "M"))
    with pytest.raises(ValueError, match="ÅÅÅÅ-MM"):  # text becomes a month at the edge
        parse_as_of("april")


def test_no_previous_year_gives_missing_not_zero() -> None:
    org = OrgHierarchy(units=(Unit(id="U", name="u", division="D"),))
    ds = Dataset(ledger=_ledger([("2023-01", "U", PERSONAL, S.UTFALL, -5.0)]), org=org)
    s = F.summary(ds, pd.Period("2023-01", "M"))
    assert np.isnan(s.loc[F.NET, F.ACK_FG]) and np.isnan(s.loc[F.NET, F.DIFF_FG])
    assert np.isnan(F.cost_development(ds, pd.Period("2023-01", "M")).iloc[2][F.UTVECKLING])


def test_followup_tables_export(small: Dataset, tmp_path: Path) -> None:
    import openpyxl

    from forecast.io.export import tables_to_csv_bytes, write_tables

    tables = F.followup_tables(small, pd.Period("2023-03", "M"))
    assert [t.name for t in tables] == ["Sammanfattning", "Per division", "Per kostnadsslag",
                                        "Kostnadsutveckling", "Hyrpersonal", "Omställningsplan",
                                        "Månadsutfall"]
    meta = F.followup_metadata(small, pd.Period("2023-03", "M"))
    write_tables(tables, meta, tmp_path / "r.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    assert wb.sheetnames[-1] == "metadata"
    assert wb["Sammanfattning"]["B4"].value == pytest.approx(
        F.summary(small, pd.Period("2023-03", "M")).iloc[0, 0] / 1000)
    assert wb["Omställningsplan"]["B4"].value == "A1"  # text column stays text
    assert tables_to_csv_bytes(tables, meta).startswith(b"\xef\xbb\xbf")


_ACCOUNTS = ["Patientavgifter", "Försäljning", PERSONAL, agency_account("läkare"),
             agency_account("övriga"), "Läkemedel"]


@settings(max_examples=30)
@given(
    cells=st.lists(
        st.tuples(st.integers(0, 17), st.sampled_from(["A1", "A2", "B1", "Z9"]),
                  st.sampled_from(_ACCOUNTS), st.sampled_from([S.UTFALL, S.BUDGET]),
                  st.integers(-10_000, 10_000)),
        min_size=1, max_size=60),
    pick=st.integers(0, 10_000),
)
def test_tables_add_up_property(cells: list[tuple[int, str, str, str, int]], pick: int) -> None:
    """For any ledger: division rows sum to totals, categories to totals, tables agree."""
    start = pd.Period("2022-01", "M")
    rows = [(str(start + m), u, a, k, float(v)) for m, u, a, k, v in cells]
    rows.append((str(start + 15), "A1", PERSONAL, S.UTFALL, -1.0))
    org = OrgHierarchy(units=(Unit(id="A1", name="a", division="D1"),
                              Unit(id="A2", name="b", division="D1"),
                              Unit(id="B1", name="c", division="D2")))
    ds = Dataset(ledger=_ledger(rows), org=org)
    months = F.available_months(ds)
    as_of = months[pick % len(months)]
    s = F.summary(ds, as_of)
    d = F.by_division(ds, as_of)
    c = F.by_category(ds, as_of)
    for measure in (F.REVENUE, F.GROSS, F.NET):
        parts = [k for k in d.index if k.startswith(f"{measure} – ")]
        assert np.allclose(d.loc[parts].sum(min_count=1), d.loc[measure], equal_nan=True)
        assert np.allclose(d.loc[measure], s.loc[measure], equal_nan=True)
    for total, measure in ((TOTAL_REVENUE, F.REVENUE), (TOTAL_GROSS_COST, F.GROSS),
                           (TOTAL_NET_COST, F.NET)):
        assert np.allclose(c.loc[total], s.loc[measure, c.columns].astype(float),
                           equal_nan=True)
    assert F.monthly(ds, as_of)["Ack utfall"].dropna().iloc[-1] == pytest.approx(
        s.loc[F.NET, F.ACK_UTFALL])


# --------------------------------------------------------------------------- the ledger's index
# The follow-up sums read the ledger's rows by its integer index (forecast.ledger.index) and
# group by integer codes; the code they replaced is kept here as the slow reference: text and
# Period comparisons on the whole ledger and groupby over its text columns. Equal to the last
# bit, on the example region's ledger, shuffled, with a ledger index that is not 0 … n-1.


def _reference_enriched(ds: Dataset) -> pd.DataFrame:
    out = ds.ledger.copy()
    out["type"] = out[S.ACCOUNT].map(ds.accounts.type_of())
    out["category"] = out[S.ACCOUNT].map(ds.accounts.category_of())
    out["division"] = out[S.UNIT].map(ds.org.division_of()).fillna(F.NO_DIVISION)
    out[S.KIND] = out[S.KIND].astype("category")
    return out


def _reference_window(led: pd.DataFrame, kind: str, start: pd.Period, end: pd.Period
                      ) -> pd.DataFrame:
    per = led[S.PERIOD]
    return led.loc[(led[S.KIND] == kind) & (per >= start) & (per <= end)]


def _reference_figures(led: pd.DataFrame, as_of: pd.Period, keys: list[str]) -> pd.DataFrame:
    jan, dec = pd.Period(f"{as_of.year}-01", "M"), pd.Period(f"{as_of.year}-12", "M")
    parts = {"m_out": (S.UTFALL, as_of, as_of), "m_bud": (S.BUDGET, as_of, as_of),
             "ack_out": (S.UTFALL, jan, as_of), "ack_bud": (S.BUDGET, jan, as_of),
             "ack_prev": (S.UTFALL, jan - 12, as_of - 12), "bud_year": (S.BUDGET, jan, dec)}
    cols = {name: _reference_window(led, *w).groupby(keys, sort=False)[S.AMOUNT].sum()
            for name, w in parts.items()}
    return pd.DataFrame(cols).reindex(columns=list(F._FIG)).fillna(0.0)


@pytest.fixture(scope="module", params=["as read", "shuffled, index not 0…n-1",
                                        "units as numbers"])
def example(request: pytest.FixtureRequest) -> Dataset:
    from forecast.ledger.dataset import load_default
    from forecast.ledger.index import ledger_index

    ds = load_default()
    if request.param == "as read":
        return ds
    if request.param == "units as numbers":  # not text: mapped row by row, as before
        led = ds.ledger.copy()
        led[S.UNIT] = pd.factorize(led[S.UNIT])[0] + 100
        out = replace(ds, ledger=led, source_hash=ds.source_hash + "-numbers")
        assert not ledger_index(out).text
        return out
    led = ds.ledger.sample(frac=1.0, random_state=5)
    led.index = led.index * 7 + 3
    # drop some outcome months and some budget: groups appear in another order
    drop = (led[S.PERIOD] == pd.Period("2022-02", "M")) | (
        (led[S.KIND] == S.BUDGET) & (led[S.UNIT] == led[S.UNIT].iloc[0]))
    return replace(ds, ledger=led.loc[~drop], source_hash=ds.source_hash + "-shuffled")


def test_enriched_ledger_is_the_row_by_row_mapping(example: Dataset) -> None:
    pd.testing.assert_frame_equal(F._enriched(example), _reference_enriched(example),
                                  check_exact=True)


@pytest.mark.parametrize("keys", [["type"], ["division", "type"], [S.ACCOUNT],
                                  ["division", "category"]])
@pytest.mark.parametrize("as_of", ["2023-01", "2023-04", "2022-12"])
def test_figures_by_codes_are_the_text_groupby_to_the_last_bit(example: Dataset,
                                                               keys: list[str],
                                                               as_of: str) -> None:
    p = pd.Period(as_of, "M")
    got = F._figures(example, p, keys)
    want = _reference_figures(_reference_enriched(example), p, keys)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    assert list(got.index) == list(want.index)  # the same groups in the same order


@pytest.mark.parametrize("as_of", ["2023-04", "2022-12"])
def test_monthly_sums_and_checks_are_the_ledger_filters(example: Dataset, as_of: str) -> None:
    p = pd.Period(as_of, "M")
    led = example.ledger
    months = pd.period_range(f"{p.year}-01", f"{p.year}-12", freq="M")
    for kind, start, end in ((S.UTFALL, months[0], p), (S.BUDGET, months[0], months[-1]),
                             (S.UTFALL, months[0] - 12, months[-1] - 12)):
        want = _reference_window(led, kind, start, end).groupby(S.PERIOD)[S.AMOUNT].sum()
        got = F._month_sum(example, F._rows(example, kind, start, end))
        pd.testing.assert_series_equal(got, want, check_exact=True)
    assert F._has_prev(example, p) == (not _reference_window(
        led, S.UTFALL, pd.Period(f"{p.year - 1}-01", "M"), p - 12).empty)
    assert F._has_budget(example, p) == (not _reference_window(
        led, S.BUDGET, months[0], months[-1]).empty)
    assert F.monthly(example, p)["Utfall"].notna().sum() == p.month


def test_agency_split_checks_are_the_ledger_filters(example: Dataset) -> None:
    from forecast.ledger.dimensions import UNSPLIT_AGENCY, split_agency_accounts

    led = example.ledger
    assert F.has_agency_split(example) == bool(
        led[S.ACCOUNT].isin(split_agency_accounts()).any())
    assert F.has_unsplit_agency(example) == bool((led[S.ACCOUNT] == UNSPLIT_AGENCY).any())
    unsplit = led.loc[~led[S.ACCOUNT].isin(split_agency_accounts())]
    from dataclasses import replace

    only = replace(example, ledger=unsplit, source_hash=example.source_hash + "-unsplit")
    assert not F.has_agency_split(only)


def test_agency_rows_and_divisions_are_the_ledger_filters(example: Dataset) -> None:
    from forecast.ledger.dimensions import PERSONAL, UNSPLIT_AGENCY, split_agency_accounts

    accounts = [*split_agency_accounts(), UNSPLIT_AGENCY, PERSONAL]
    led = F._enriched(example)
    out_led = led.loc[led[S.KIND] == S.UTFALL]
    want = out_led.loc[out_led[S.ACCOUNT].isin(accounts)]
    pd.testing.assert_frame_equal(led.iloc[F.outcome_rows_on(example, accounts)], want,
                                  check_exact=True)
    assert sorted(F._outcome_divisions(example)) == sorted(out_led["division"].unique())


def _reference_agency_share(ds: Dataset, p: pd.Period) -> pd.DataFrame:
    """``agency_share`` as it was written before its rows were read as arrays: each row
    filters the enriched ledger's frame by Period and account text."""
    from forecast.ledger.dimensions import (
        AGENCY_TARGET_PCT,
        PERSONAL,
        UNSPLIT_AGENCY,
        agency_account,
    )
    from forecast.ledger.month import month_of

    led = _reference_enriched(ds)
    leaves = {cat: agency_account(cat) for cat in F.AGENCY_LABELS}
    every = [*leaves.values(), UNSPLIT_AGENCY]
    out_led = led.loc[led[S.KIND] == S.UTFALL]
    rel = out_led.loc[out_led[S.ACCOUNT].isin([*every, PERSONAL])]
    years = [p.year - 2, p.year - 1, p.year]

    def ytd(frame: pd.DataFrame, y: int) -> pd.DataFrame:
        return frame.loc[(frame[S.PERIOD] >= month_of(y, 1))
                         & (frame[S.PERIOD] <= month_of(y, p.month))]

    def row(sel: pd.DataFrame, accounts: list[str], cats: list[str],
            units: set[str] | None) -> dict[str, float]:
        window = sel.loc[(sel[S.PERIOD] > p - 12) & (sel[S.PERIOD] <= p)]
        agency = float(window.loc[window[S.ACCOUNT].isin(accounts), S.AMOUNT].sum())
        personal = float(window.loc[window[S.ACCOUNT] == PERSONAL, S.AMOUNT].sum())
        rec = {"Hyrkostnad R12": agency, "Personalkostnad R12": personal,
               "Hyrandel R12 %": (agency / personal * 100.0 + 0.0) if personal
               else float("nan"), "Mål %": AGENCY_TARGET_PCT}
        for y in years:
            part = ytd(sel, y)
            has = not part.empty or not ytd(out_led, y).empty
            rec[f"Ack utfall {F.ytd_label(month_of(y, p.month))}"] = (
                float(part.loc[part[S.ACCOUNT].isin(accounts), S.AMOUNT].sum()) if has
                else float("nan"))
        for y in years[1:]:
            fte = F._avg_fte(ds, month_of(y, 1), month_of(y, p.month), units)
            rec[f"Snitt åa {F.ytd_label(month_of(y, p.month))}"] = (
                float(fte.reindex(cats).fillna(0.0).sum()) if len(fte) else float("nan"))
        return rec

    rows = {label: row(rel, [leaves[cat]], [cat], None)
            for cat, label in F.AGENCY_LABELS.items()}
    if F.has_unsplit_agency(ds):
        rows = {k: {c: (v if c == "Mål %" else float("nan")) for c, v in r.items()}
                for k, r in rows.items()}
    rows["Totalt"] = row(rel, every, list(F.AGENCY_LABELS), None)
    div_of = ds.org.division_of()
    for d in F._division_order(ds, list(out_led["division"].unique())):
        rows[f"{d} – totalt"] = row(rel.loc[rel["division"] == d], every,
                                    list(F.AGENCY_LABELS),
                                    {u for u, dv in div_of.items() if dv == d})
    out = pd.DataFrame(rows).T
    out.index.name = "Hyrpersonal"
    return out


@pytest.mark.parametrize("as_of", ["2023-04", "2022-12", "2021-03"])
def test_agency_share_by_arrays_is_the_frame_filters_to_the_last_bit(example: Dataset,
                                                                     as_of: str) -> None:
    p = pd.Period(as_of, "M")
    pd.testing.assert_frame_equal(F.agency_share(example, p),
                                  _reference_agency_share(example, p), check_exact=True)


def test_agency_share_with_unsplit_agency_cost_is_the_frame_filters(example: Dataset) -> None:
    from dataclasses import replace

    from forecast.ledger.dimensions import UNSPLIT_AGENCY, agency_account

    led = example.ledger.copy()
    doctors = led[S.ACCOUNT] == agency_account(next(iter(F.AGENCY_LABELS)))
    led.loc[doctors, S.ACCOUNT] = UNSPLIT_AGENCY  # the doctors' agency cost not split
    ds = replace(example, ledger=led, source_hash=example.source_hash + "-unsplit-doctors")
    p = pd.Period("2023-04", "M")
    got = F.agency_share(ds, p)
    assert got.loc["Läkare", "Hyrkostnad R12"] != got.loc["Läkare", "Hyrkostnad R12"]  # NaN
    pd.testing.assert_frame_equal(got, _reference_agency_share(ds, p), check_exact=True)


def test_enriched_kind_of_a_ledger_with_one_kind_is_astype_category(example: Dataset) -> None:
    from dataclasses import replace

    only = replace(example, ledger=example.ledger.loc[example.ledger[S.KIND] == S.UTFALL],
                   source_hash=example.source_hash + "-outcome-only")
    got = F._enriched(only)
    pd.testing.assert_frame_equal(got, _reference_enriched(only), check_exact=True)
    assert list(got[S.KIND].cat.categories) == [S.UTFALL]
    assert example.ledger[S.KIND].dtype == object  # the ledger's own column is not replaced


def _reference_agency_history(ds: Dataset, as_of: pd.Period, months: int = 24
                              ) -> pd.DataFrame:
    """The report's agency-share history as it was written before it read the ledger's
    index: text and Period filters over the whole ledger, grouped by Period."""
    from forecast.ledger.dimensions import PERSONAL, agency_account

    led = ds.ledger.loc[ds.ledger[S.KIND] == S.UTFALL]
    per = led[S.PERIOD]
    leaves = [agency_account(c) for c in F.AGENCY_LABELS]
    agency = led.loc[led[S.ACCOUNT].isin(leaves)].groupby(per)[S.AMOUNT].sum()
    personal = led.loc[led[S.ACCOUNT] == PERSONAL].groupby(per)[S.AMOUNT].sum()
    have = set(per.unique())
    rows = []
    for m in pd.period_range(as_of - (months - 1), as_of, freq="M"):
        window = pd.period_range(m - 11, m, freq="M")
        a = float(agency.reindex(window).fillna(0.0).sum())
        pers = float(personal.reindex(window).fillna(0.0).sum())
        rows.append((str(m), a / pers * 100.0 if all(w in have for w in window) and pers
                     else np.nan))
    return pd.DataFrame(rows, columns=["Månad", "Hyrandel R12 %"])


@pytest.mark.parametrize("as_of", ["2023-04", "2022-12", "2021-03", "2019-06"])
def test_agency_history_by_the_index_is_the_ledger_filters_to_the_last_bit(
        example: Dataset, as_of: str) -> None:
    from forecast.report.chartdata import agency_share_history

    p = pd.Period(as_of, "M")
    got = agency_share_history(example, p)
    pd.testing.assert_frame_equal(got, _reference_agency_history(example, p),
                                  check_exact=True)
    assert got["Hyrandel R12 %"].notna().any()  # shares, not only missing windows


def test_last_outcome_is_the_ledger_maximum_and_kept(example: Dataset) -> None:
    led = example.ledger
    want = led.loc[led[S.KIND] == S.UTFALL, S.PERIOD].max()
    assert example.last_outcome == want
    assert example.last_outcome is example.last_outcome  # found once per data set



def test_last_outcome_of_a_ledger_without_outcome_is_nat(example: Dataset) -> None:
    led = example.ledger
    led = led.loc[led[S.KIND] == S.BUDGET].reset_index(drop=True)
    ds = replace(example, ledger=led, source_hash=f"{example.source_hash}-budget")
    assert pd.isna(led.loc[led[S.KIND] == S.UTFALL, S.PERIOD].max())  # what the scan gave
    assert pd.isna(ds.last_outcome)
