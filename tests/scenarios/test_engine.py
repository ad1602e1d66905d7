import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios import assumptions as A
from scenarios.engine import apply, bridge, build_context, observed_realisation
from tests.scenario_fixtures import make_ds, make_rf

RF = make_rf()
DS = make_ds()
HYP = settings(max_examples=25)


def scen(*assumptions):
    return A.Scenario(name="t", assumptions=list(assumptions))


def rows(rf, **kw):
    return rf.row_mask(**kw)


def year_mask(rf, year=None):
    return rf.month_mask(rf.as_of.year if year is None else year)


ALL = [
    A.Dygnsvila(start="2023-10"),
    A.Hyrpersonal(),
    A.Omstallningsplan(),
    A.Lon(pct=4.1, month="2023-09"),
    A.Pris(pct_per_year=5),
    A.Statsbidrag(amount_tkr=1000, month="2023-10"),
    A.Volym(pct=2),
    A.Sjukfranvaro(change_pp=0.5),
]


def test_empty_scenario_equals_baseline():
    r = apply(RF, scen())
    assert np.array_equal(r.point, RF.expected)
    assert np.array_equal(r.scenario_paths(), RF.paths)
    b = r.bridge()
    assert list(b["kind"]) == ["start", "end"]
    assert b["value_tkr"].iloc[0] == b["value_tkr"].iloc[-1]
    s = r.summary()
    assert (s["difference_tkr"] == 0).all()


def test_bridge_adds_up_exactly_all_types():
    r = apply(RF, scen(*ALL), ds=DS)
    for y in r.years:
        b = r.bridge(y)
        bars = b.loc[b["kind"] == "assumption", "value_tkr"].sum()
        assert len(b) == len(ALL) + 2
        assert b["value_tkr"].iloc[-1] == pytest.approx(r.year_result(y), abs=1e-6)
        assert bars == pytest.approx(r.year_result(y) - r.year_result(y, baseline=True), abs=1e-6)
        assert b["cumulative_tkr"].iloc[-1] == b["value_tkr"].iloc[-1]


def shapley_reference(rf, assumptions, ds, year):
    """Slow, obvious Shapley values: average marginal contribution over all orderings."""
    def v(subset):
        return apply(rf, scen(*[assumptions[i] for i in sorted(subset)]), ds=ds).year_result(year)

    n = len(assumptions)
    cache = {}
    phi = [0.0] * n
    perms = list(itertools.permutations(range(n)))
    for perm in perms:
        seen = frozenset()
        for i in perm:
            with_i = seen | {i}
            for s in (seen, with_i):
                if s not in cache:
                    cache[s] = v(s)
            phi[i] += cache[with_i] - cache[seen]
            seen = with_i
    return [p / len(perms) for p in phi]


def test_bridge_equals_brute_force_shapley():
    chosen = [ALL[0], ALL[1], ALL[3], ALL[7], ALL[5]]  # levels and rates that interact
    y = RF.as_of.year + 1
    ref = shapley_reference(RF, chosen, DS, y)
    b = apply(RF, scen(*chosen), ds=DS).bridge(y)
    bars = b.loc[b["kind"] == "assumption", "value_tkr"].to_numpy()
    np.testing.assert_allclose(bars, ref, rtol=1e-9, atol=1e-6)


@HYP
@given(need=st.floats(0, 20), wage=st.floats(-5, 10), grant=st.floats(-1e5, 1e5),
       vol=st.floats(-20, 20), share=st.floats(0, 1))
def test_bridge_adds_up_property(need, wage, grant, vol, share):
    s = scen(A.Dygnsvila(extra_need=need, agency_share=share, overtime_share=0),
             A.Lon(pct=wage, month="2023-11"), A.Statsbidrag(amount_tkr=grant, month="2024-03"),
             A.Volym(pct=vol), A.Hyrpersonal(target_month="2024-06"))
    r = apply(RF, s)
    for y in r.years:
        b = r.bridge(y)
        diff = r.year_result(y) - r.year_result(y, baseline=True)
        assert math.isclose(b.loc[b["kind"] == "assumption", "value_tkr"].sum(), diff,
                            rel_tol=1e-9, abs_tol=1e-6)


def bar(rf, s, i, year=None):
    b = bridge(rf, s, year=year)
    return b.loc[b["kind"] == "assumption", "value_tkr"].iloc[i]


@pytest.mark.parametrize("with_wage", [False, True])
def test_doubling_cost_per_fte_doubles_the_dygnsvila_bar(with_wage):
    extra = [A.Lon(pct=3.3, month="2023-10")] if with_wage else []

    def dyg(cost):
        return A.Dygnsvila(extra_fte=40, cost_per_fte_tkr=cost)

    b1 = bar(RF, scen(dyg(650), *extra), 0)
    b2 = bar(RF, scen(dyg(1300), *extra), 0)
    assert b1 < 0
    assert b2 == pytest.approx(2 * b1, rel=1e-12)


def test_dygnsvila_fte_mode_cost_is_fte_times_cost():
    # 12 FTE × 600 tkr/yr = 600 tkr a month, all own staff, no overtime/agency.
    s = scen(A.Dygnsvila(start="2023-09", extra_fte=12, cost_per_fte_tkr=600, agency_share=0,
                         overtime_share=0))
    r = apply(RF, s)
    eff = r.point - RF.expected
    assert eff.sum(axis=0) == pytest.approx(np.full(len(RF.months), -600.0))
    assert np.all(eff[~rows(RF, account="Personalkostnader")] == 0)


def test_dygnsvila_need_mode_splits_own_and_agency():
    s = scen(A.Dygnsvila(start="2023-11", extra_need=2.0, agency_share=0.5, overtime_share=0,
                         agency_multiplier=2.0, staff_group="läkare", units=["K1"]))
    eff = apply(RF, s).point - RF.expected
    before = RF.months < "2023-11"
    assert np.all(eff[:, before] == 0)
    pers = rows(RF, unit="K1", account="Personalkostnader")
    lak = rows(RF, unit="K1", account="Inhyrd personal läkare")
    base_cost = RF.expected[pers][:, ~before].sum()
    assert eff[pers].sum() == pytest.approx(0.02 * 0.5 * base_cost)
    assert eff[lak].sum() == pytest.approx(0.02 * 0.5 * 2.0 * base_cost)
    assert np.all(eff[~(pers | lak)] == 0)


def test_dygnsvila_agency_falls_back_to_personnel_without_agency_account():
    rf = make_rf(skip=(("K1", "Inhyrd personal läkare"),))
    s = scen(A.Dygnsvila(start="2023-09", extra_need=1.0, agency_share=1.0, overtime_share=0,
                         agency_multiplier=2.0, staff_group="läkare", units=["K1"]))
    eff = apply(rf, s).point - rf.expected
    pers = rows(rf, unit="K1", account="Personalkostnader")
    assert eff[pers].sum() == pytest.approx(0.01 * 2.0 * rf.expected[pers].sum())


def agency_and_total(rf, target_month, mult=2.5, year=None):
    r = apply(rf, scen(A.Hyrpersonal(target_month=target_month, agency_multiplier=mult)))
    m = year_mask(rf, year)
    ag = rows(rf, category="Inhyrd personal")
    return r.point[ag][:, m].sum(), r.point[:, m].sum()


@HYP
@given(a=st.integers(0, 28), b=st.integers(0, 28), mult=st.floats(1.0, 3.0),
       year_off=st.integers(0, 2))
def test_reaching_agency_target_earlier_never_raises_cost(a, b, mult, year_off):
    early, late = sorted((a, b))
    m_early = str(RF.months[early])
    m_late = str(RF.months[late])
    y = RF.as_of.year + year_off
    ag_e, tot_e = agency_and_total(RF, m_early, mult, y)
    ag_l, tot_l = agency_and_total(RF, m_late, mult, y)
    # costs are negative: "never raises cost" = never more negative
    assert ag_e >= ag_l - 1e-6
    assert tot_e >= tot_l - 1e-6


def test_hyrpersonal_reaches_target_and_books_own_cost():
    mult = 2.5
    r = apply(RF, scen(A.Hyrpersonal(target_month="2023-12", agency_multiplier=mult)))
    ag = rows(RF, category="Inhyrd personal")
    pers = rows(RF, account="Personalkostnader")
    dec = RF.months == "2023-12"
    share = r.point[ag][:, dec].sum() / RF.expected[pers][:, dec].sum()
    # personnel rows changed too; the target is on the baseline's own cost
    assert share == pytest.approx(0.02)
    removed = (r.point - RF.expected)[ag].sum()
    added_own = (r.point - RF.expected)[pers].sum()
    assert removed > 0
    assert added_own == pytest.approx(-removed / mult)


def test_hyrpersonal_below_target_does_nothing():
    r = apply(RF, scen(A.Hyrpersonal(target_share_pct=50)))
    assert np.array_equal(r.point, RF.expected)


def test_omstallning_realisation_from_data_and_rest_of_year():
    assert observed_realisation(DS, RF.as_of) == pytest.approx(0.64)
    r = apply(RF, scen(A.Omstallningsplan()), ds=DS)
    eff = r.point - RF.expected
    # m1: 6000/yr from Jan → 500/month; m2: 1200 from March → 120/month; Sep–Dec = 4 months
    assert eff[:, year_mask(RF)].sum() == pytest.approx(0.64 * 4 * (500 + 120))
    assert eff[:, ~year_mask(RF)].sum() == 0
    assert r.params[0]["realisation_pct"] == pytest.approx(64.0)


def test_omstallning_without_data_defaults_to_seed_000_and_carry_over():
    m = A.PlanMeasure(name="x", unit="N1", account="Läkemedel", planned_annual_tkr=1200,
                      start="2023-01")
    r = apply(RF, scen(A.Omstallningsplan(measures=[m], carry_over=True, realisation_pct=50)))
    eff = (r.point - RF.expected)[rows(RF, unit="N1", account="Läkemedel")][0]
    assert np.allclose(eff, 0.5 * 100)
    r = apply(RF, scen(A.Omstallningsplan(measures=[m])))
    assert r.params[0]["realisation_pct"] == 64.0


def test_statsbidrag_one_off_and_recurring():
    r = apply(RF, scen(A.Statsbidrag(amount_tkr=105_000, month="2023-10")))
    eff = r.point - RF.expected
    assert eff.sum() == pytest.approx(105_000)
    assert np.all(eff[~rows(RF, account="Erhållna bidrag")] == 0)
    assert eff[:, RF.months == "2023-10"].sum() == pytest.approx(105_000)
    r = apply(RF, scen(A.Statsbidrag(amount_tkr=10, month="2024-01", recurring=True,
                                     end="2024-12", units=["M1"])))
    assert (r.point - RF.expected).sum() == pytest.approx(120)


def test_wage_step_from_month_and_repeat():
    r = apply(RF, scen(A.Lon(pct=4.0, month="2024-04")))
    pers = rows(RF, account="Personalkostnader")
    after = RF.months >= "2024-04"
    eff = r.point - RF.expected
    assert eff[pers][:, after].sum() == pytest.approx(0.04 * RF.expected[pers][:, after].sum())
    assert eff[:, ~after].sum() == 0
    r2 = apply(RF, scen(A.Lon(pct=4.0, month="2024-04", repeat_yearly=True)))
    m25 = RF.months >= "2025-04"
    assert (r2.point - RF.expected)[pers][:, m25].sum() == pytest.approx(
        0.08 * RF.expected[pers][:, m25].sum())


def test_rate_applies_to_level_effects_too():
    d = A.Dygnsvila(extra_fte=12, cost_per_fte_tkr=600, agency_share=0, overtime_share=0,
                    start="2023-09")
    r = apply(RF, scen(d, A.Lon(pct=10, month="2023-09")))
    alone = apply(RF, scen(A.Lon(pct=10, month="2023-09")))
    extra = (r.point - alone.point).sum(axis=0)
    assert extra == pytest.approx(np.full(len(RF.months), -660.0))


def test_draw_low_high_and_override():
    s = scen(A.Dygnsvila(extra_need=[1, 2.5, 4]))
    lo = apply(RF, s, draw="low").bridge()["value_tkr"].iloc[1]
    mid = apply(RF, s).bridge()["value_tkr"].iloc[1]
    hi = apply(RF, s, draw="high").bridge()["value_tkr"].iloc[1]
    assert hi < mid < lo < 0
    ov = apply(RF, s, draw={"assumptions[0].extra_need": 4.0}).bridge()["value_tkr"].iloc[1]
    assert ov == pytest.approx(bar(RF, scen(A.Dygnsvila(extra_need=4.0)), 0))


def test_unknown_unit_is_a_clear_error():
    with pytest.raises(ValueError, match="okänd enhet .X9."):
        apply(RF, scen(A.Lon(units=["X9"])))


def test_as_forecast_keeps_the_shape():
    r = apply(RF, scen(*ALL), ds=DS)
    f = r.as_forecast()
    assert f.paths.shape == RF.paths.shape and f.point.shape == RF.expected.shape
    # level effects shift every path by the same amount
    r2 = apply(RF, scen(A.Statsbidrag(amount_tkr=500, month="2023-10")))
    assert np.allclose(r2.as_forecast().year_total_paths() - RF.year_total_paths(), 500)
    ctx = build_context(RF, DS)
    assert np.array_equal(apply(RF, scen(*ALL), ds=DS, ctx=ctx).point, r.point)


def _unsplit(rf):
    """The same baseline with agency cost on the unsplit leaf only (no staff-group split)."""
    import dataclasses

    keys = rf.keys.copy()
    keys["account"] = keys["account"].where(keys["category"] != "Inhyrd personal",
                                            "Inhyrd personal")
    return dataclasses.replace(rf, keys=keys)


def test_unsplit_agency_cost_uses_the_total_and_says_so():
    only_doctors = make_rf(skip=tuple((u, "Inhyrd personal sjuksköterskor")
                                      for u in ("K1", "M1", "N1")))
    unsplit = _unsplit(only_doctors)
    for a in (A.Hyrpersonal(target_month="2023-12"),
              A.Dygnsvila(staff_group="läkare", agency_share=0.3)):
        split_r, unsplit_r = apply(only_doctors, scen(a)), apply(unsplit, scen(a))
        assert unsplit_r.point.sum() == pytest.approx(split_r.point.sum(), rel=1e-12)
        assert not np.array_equal(unsplit_r.point, unsplit.point)  # the effect is not lost
        assert any("inte uppdelad per personalgrupp" in n for n in unsplit_r.notes)
        assert not any("inte uppdelad" in n for n in split_r.notes)
