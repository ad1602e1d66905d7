"""The embedded example data (data/*.csv): reproducible, loadable and calibrated to seed 001."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from forecast.ledger import schema as S
from forecast.ledger.dataset import DATA_DIR, DATA_FILES, load_default
from forecast.ledger.dimensions import DEFAULT_ACCOUNTS, INHYRD, AccountHierarchy, planned_to_date

REPO = Path(__file__).resolve().parents[1]
# The published table (seed 001, via ../shared/reference/), copied so the test runs anywhere.
REFERENCE = Path(__file__).resolve().parent / "data" / "rjh_2023_jan_apr_kostnadsslag.csv"
TOL = 0.03  # ±3 % of the published figure


def _load_generator():
    spec = importlib.util.spec_from_file_location("data_generate", REPO / "data" / "generate.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["data_generate"] = mod
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def ds():
    return load_default()


@pytest.fixture(scope="module")
def ledger(ds):
    led = ds.ledger.copy()
    cat = AccountHierarchy().category_of()
    led["category"] = led[S.ACCOUNT].map(cat)
    led["division"] = led[S.UNIT].map(ds.org.division_of())
    return led


def _jan_apr(led: pd.DataFrame, kind: str, year: int) -> pd.DataFrame:
    p = led[S.PERIOD]
    mask = (led[S.KIND] == kind) & (p.dt.year == year) & (p.dt.month <= 4)
    return led.loc[mask]


def _close(actual: float, expected: float, tol: float = TOL) -> bool:
    return abs(actual - expected) <= tol * abs(expected)


def test_regenerating_gives_byte_identical_files(tmp_path):
    gen = _load_generator()
    gen.main(["--out", str(tmp_path)])
    for name in DATA_FILES:
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name


def test_files_are_plain_utf8_with_lf():
    for name in DATA_FILES:
        raw = (DATA_DIR / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf"), name
        assert b"\r" not in raw, name
        raw.decode("utf-8")
    assert (DATA_DIR / "ledger.csv").stat().st_size < 4.5e6


def test_load_default_validates(ds):
    S.validate_ledger(ds.ledger)
    assert set(ds.ledger[S.ACCOUNT]) <= {a.name for a in DEFAULT_ACCOUNTS}
    assert set(ds.org.divisions) == {"Kirurgi", "Medicin", "Nära vård", "Stab"}
    assert 30 <= len(ds.org.units) <= 50
    assert set(ds.ledger[S.UNIT]) == set(ds.org.unit_ids)
    assert len(ds.measures) >= 6
    assert set(ds.agency_fte["category"]) == {"läkare", "sjuksköterskor", "övriga"}


def test_history_span_and_no_outcome_after_april_2023(ds):
    led = ds.ledger
    out = led.loc[led[S.KIND] == S.UTFALL, S.PERIOD]
    bud = led.loc[led[S.KIND] == S.BUDGET, S.PERIOD]
    assert out.min() == pd.Period("2016-01", "M")
    assert out.max() == pd.Period("2023-04", "M")
    assert ds.last_outcome == pd.Period("2023-04", "M")
    assert bud.min() == pd.Period("2016-01", "M")
    assert bud.max() == pd.Period("2023-12", "M")


def test_every_series_is_gap_free(ds):
    led = ds.ledger
    n = led.groupby([S.UNIT, S.ACCOUNT, S.KIND])[S.PERIOD].agg(["min", "max", "count"])
    span = n.apply(lambda r: (r["max"] - r["min"]).n + 1, axis=1)
    assert (span == n["count"]).all()
    full_out = n.xs(S.UTFALL, level=S.KIND)["count"]
    full_bud = n.xs(S.BUDGET, level=S.KIND)["count"]
    assert (full_out == 88).all() and (full_bud == 96).all()


@pytest.fixture(scope="module")
def reference():
    return pd.read_csv(REFERENCE, sep=";").set_index("konto")


def test_categories_match_reference(ledger, reference):
    cols = {"utfall_ack_tkr": (S.UTFALL, 2023), "budget_ack_tkr": (S.BUDGET, 2023),
            "utfall_ack_fg_ar_tkr": (S.UTFALL, 2022)}
    for col, (kind, year) in cols.items():
        got = _jan_apr(ledger, kind, year).groupby("category")[S.AMOUNT].sum()
        for konto, expected in reference[col].items():
            assert _close(got[konto], expected), (col, konto, got[konto], expected)
    assert INHYRD in reference.index


@pytest.mark.parametrize(
    ("kind", "year", "revenue", "gross", "net"),
    [(S.UTFALL, 2023, 548443, -1659906, -1111463),
     (S.BUDGET, 2023, 492440, -1461294, -968854),
     (S.UTFALL, 2022, 528646, -1502571, -973925)],
)
def test_published_totals(ledger, kind, year, revenue, gross, net):
    part = _jan_apr(ledger, kind, year)
    rev = part.loc[part[S.AMOUNT].index[part["category"].isin(
        ["Patientavgifter", "Försäljning", "Erhållna bidrag", "Övriga intäkter"])], S.AMOUNT].sum()
    tot = part[S.AMOUNT].sum()
    assert _close(rev, revenue, 0.01)
    assert _close(tot - rev, gross, 0.01)
    assert _close(tot, net, 0.01)


REVENUE_CATS = ["Patientavgifter", "Försäljning", "Erhållna bidrag", "Övriga intäkter"]
# Seed 001's division table, mkr: (revenue, gross, net) per window.
DIVISIONS = {
    "Kirurgi": {"out23": (37, -448, -411), "bud23": (31, -390, -359), "out22": (33, -391, -358),
                "year": (82, -1153, -1070)},
    "Medicin": {"out23": (122, -517, -395), "bud23": (105, -460, -355), "out22": (107, -473, -366),
                "year": (316, -1367, -1051)},
    "Nära vård": {"out23": (365, -604, -239), "bud23": (348, -528, -180),
                  "out22": (337, -542, -204), "year": (992, -1543, -551)},
    "Stab": {"out23": (25, -92, -67), "bud23": (9, -83, -74), "out22": (51, -97, -46),
             "year": (27, -249, -222)},
}


def test_divisions_match_seed(ledger):
    windows = {"out23": _jan_apr(ledger, S.UTFALL, 2023),
               "bud23": _jan_apr(ledger, S.BUDGET, 2023),
               "out22": _jan_apr(ledger, S.UTFALL, 2022),
               "year": ledger.loc[(ledger[S.KIND] == S.BUDGET)
                                  & (ledger[S.PERIOD].dt.year == 2023)]}
    for division, figures in DIVISIONS.items():
        for w, (rev, gross, net) in figures.items():
            part = windows[w].loc[windows[w]["division"] == division]
            is_rev = part["category"].isin(REVENUE_CATS)
            got_rev = part.loc[is_rev, S.AMOUNT].sum() / 1000
            got_gross = part.loc[~is_rev, S.AMOUNT].sum() / 1000
            # published figures are whole mkr: allow the rounding plus 3 %
            for got, exp in ((got_rev, rev), (got_gross, gross), (got_rev + got_gross, net)):
                assert abs(got - exp) <= 0.5 + 1.0 + TOL * abs(exp), (division, w, got, exp)


def test_annual_budget_2023(ledger):
    part = ledger.loc[(ledger[S.KIND] == S.BUDGET) & (ledger[S.PERIOD].dt.year == 2023)]
    is_rev = part["category"].isin(REVENUE_CATS)
    assert _close(part[S.AMOUNT].sum(), -2_895_000)
    assert _close(part.loc[is_rev, S.AMOUNT].sum(), 1_417_000)
    assert _close(part.loc[~is_rev, S.AMOUNT].sum(), -4_312_000)


@pytest.mark.parametrize(
    ("account", "mkr"),
    [("Inhyrd personal läkare", {2021: -35, 2022: -40, 2023: -54}),
     ("Inhyrd personal sjuksköterskor", {2021: -12, 2022: -17, 2023: -50}),
     ("Inhyrd personal övriga", {2021: 0, 2022: 0, 2023: -2})],
)
def test_agency_cost_per_category(ledger, account, mkr):
    for year, expected in mkr.items():
        got = _jan_apr(ledger, S.UTFALL, year)
        got = got.loc[got[S.ACCOUNT] == account, S.AMOUNT].sum() / 1000
        assert round(got) == expected, (account, year, got)


def test_agency_fte_average_jan_apr(ds):
    fte = ds.agency_fte
    for year, expected in {2022: {"läkare": 41, "sjuksköterskor": 42, "övriga": 0},
                           2023: {"läkare": 52, "sjuksköterskor": 89, "övriga": 4}}.items():
        part = fte.loc[(fte["period"].dt.year == year) & (fte["period"].dt.month <= 4)]
        avg = part.groupby("category")["fte"].sum() / 4
        for cat, exp in expected.items():
            assert round(avg[cat]) == exp, (year, cat, avg[cat])


def test_agency_rises_in_summer_and_own_staff_dips_in_july(ledger):
    out = ledger.loc[ledger[S.KIND] == S.UTFALL]
    for year in range(2016, 2023):
        y = out.loc[out[S.PERIOD].dt.year == year]
        by_month = y.groupby([y[S.PERIOD].dt.month, "category"])[S.AMOUNT].sum().unstack()
        assert by_month.loc[7, INHYRD] < by_month.loc[[1, 2, 3, 4], INHYRD].mean()
        assert by_month.loc[7, "Personalkostnader"] > by_month.loc[[5, 8], "Personalkostnader"].max()
        assert by_month.loc[12, "Övriga kostnader"] < by_month.loc[[10, 11], "Övriga kostnader"].min()


def test_wage_revision_step_in_april(ledger):
    out = ledger.loc[(ledger[S.KIND] == S.UTFALL) & (ledger["category"] == "Personalkostnader")]
    m = out.groupby(out[S.PERIOD])[S.AMOUNT].sum()

    def apr_over_mar(year: int) -> float:
        return m[pd.Period(f"{year}-04", "M")] / m[pd.Period(f"{year}-03", "M")]

    # same seasonal ratio every year; 2023's revision (4.1 %) beats 2017–2019's (≈2.3 %)
    extra = apr_over_mar(2023) / np.mean([apr_over_mar(y) for y in (2017, 2018, 2019)]) - 1
    assert 0.005 < extra < 0.04


def test_budget_is_smoother_than_outcome(ledger):
    # Periodised budget: within a year its ratio to the same month last year hardly moves.
    part = ledger.loc[(ledger[S.PERIOD] <= pd.Period("2022-12", "M"))
                      & (ledger["category"] == "Personalkostnader")]
    m = part.groupby([S.KIND, S.PERIOD])[S.AMOUNT].sum()
    rough = {}
    for kind in S.KINDS:
        s = m[kind]
        yoy = (s / s.shift(12)).dropna()
        rough[kind] = yoy.groupby(yoy.index.year).std().mean()
    assert rough[S.BUDGET] < 0.5 * rough[S.UTFALL]


def test_agency_budget_too_low_and_nurses_rise_most(ledger):
    out23, out22 = _jan_apr(ledger, S.UTFALL, 2023), _jan_apr(ledger, S.UTFALL, 2022)
    bud23 = _jan_apr(ledger, S.BUDGET, 2023)

    def agency(part, account=None):
        sel = part["category"] == INHYRD if account is None else part[S.ACCOUNT] == account
        return part.loc[sel, S.AMOUNT].sum()

    assert agency(bud23) > 0.5 * agency(out23)  # costs are negative: budget is less than half
    nurses = "Inhyrd personal sjuksköterskor"
    doctors = "Inhyrd personal läkare"
    assert agency(out23, nurses) / agency(out22, nurses) > agency(out23, doctors) / agency(
        out22, doctors)


def test_measures_are_partly_delivered(ds):
    eff = ds.measure_effects
    assert eff["period"].max() <= ds.last_outcome
    assert (eff["effect_tkr"] >= 0).all()
    ids = {m.id for m in ds.measures}
    assert set(eff["measure_id"]) <= ids
    for m in ds.measures:
        assert m.unit in ds.org.unit_ids
        assert ((ds.ledger[S.UNIT] == m.unit) & (ds.ledger[S.ACCOUNT] == m.account)).any()
    for year in {m.year for m in ds.measures}:
        as_of = min(pd.Period(f"{year}-12", "M"), ds.last_outcome)
        planned = sum(planned_to_date(m, as_of) for m in ds.measures if m.year == year)
        got = eff.loc[eff["measure_id"].isin([m.id for m in ds.measures if m.year == year]),
                      "effect_tkr"].sum()
        assert 0.5 < got / planned < 0.75


def test_pandemic_grants_and_fee_dip(ledger):
    out = ledger.loc[ledger[S.KIND] == S.UTFALL]
    yearly = out.groupby([out[S.PERIOD].dt.year, "category"])[S.AMOUNT].sum().unstack()
    grants = yearly["Erhållna bidrag"]
    assert grants[2020] > 1.1 * grants[2019]
    fees = out.loc[out["category"] == "Patientavgifter"]
    fees = fees.groupby(fees[S.PERIOD])[S.AMOUNT].sum()
    spring = [pd.Period(f"{y}-04", "M") for y in (2019, 2020)]
    assert fees[spring[1]] < 0.8 * fees[spring[0]]
    assert np.isfinite(grants.to_numpy()).all()
