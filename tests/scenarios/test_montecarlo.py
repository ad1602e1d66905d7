import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scenarios import assumptions as A
from scenarios.engine import apply
from scenarios.montecarlo import pert, prepare, run, simulate
from tests.scenario_fixtures import make_ds, make_rf

RF = make_rf(n_paths=300)
DS = make_ds()
KOMB = A.Scenario(name="k", assumptions=[
    A.Dygnsvila(start="2023-10"), A.Hyrpersonal(), A.Omstallningsplan(),
    A.Lon(pct=[3.0, 4.1, 4.5], month="2023-09"), A.Sjukfranvaro(change_pp=[-0.5, 0, 1.0]),
    A.Statsbidrag(amount_tkr=[0, 500, 1000], month="2023-12"),
])


def test_same_seed_identical_numbers():
    a = simulate(RF, KOMB, ds=DS, n_draws=2000, seed=7)
    b = simulate(RF, KOMB, ds=DS, n_draws=2000, seed=7)
    assert np.array_equal(a.totals, b.totals)
    assert a.quantiles().equals(b.quantiles())
    c = simulate(RF, KOMB, ds=DS, n_draws=2000, seed=8)
    assert not np.array_equal(a.totals, c.totals)


def test_certain_ranges_reproduce_the_engine_on_every_path():
    # No parameter uncertainty: each draw is the engine's scenario applied to one path.
    s = A.Scenario(name="c", assumptions=[
        A.Dygnsvila(extra_need=2, agency_multiplier=2, overtime_multiplier=1.5, start="2023-10"),
        A.Hyrpersonal(agency_multiplier=2.5), A.Lon(pct=3.3, month="2023-10"),
        A.Pris(pct_per_year=4), A.Statsbidrag(amount_tkr=300, month="2024-02"),
    ])
    mc = simulate(RF, s, n_draws=500, seed=1)
    sc = apply(RF, s).as_forecast()
    per_path = np.stack([sc.year_total_paths()] + [
        sc.paths[:, :, sc.month_mask(y)].sum(axis=(0, 2)) for y in mc.years[1:]], axis=1)
    # every simulated total must be one of the engine's per-path totals
    rng = np.random.default_rng(1)
    idx = rng.integers(0, RF.n_paths, size=500)
    np.testing.assert_allclose(mc.totals, per_path[idx], rtol=1e-10)
    base = np.stack([RF.year_total_paths()] + [
        RF.paths[:, :, RF.month_mask(y)].sum(axis=(0, 2)) for y in mc.years[1:]], axis=1)
    np.testing.assert_allclose(mc.baseline_totals, base[idx], rtol=1e-12)


def test_quantiles_ordered_and_probability_in_range():
    q = simulate(RF, KOMB, ds=DS, n_draws=3000).quantiles()
    assert set(q["variant"]) == {"baseline", "scenario"} and len(q) == 6
    assert (q["p10_tkr"] <= q["p50_tkr"]).all() and (q["p50_tkr"] <= q["p90_tkr"]).all()
    assert q["prob_within_budget"].between(0, 1).all()


def test_generous_grant_raises_probability_of_balance():
    grant = A.Scenario(name="g", assumptions=[A.Statsbidrag(amount_tkr=[5000, 8000, 12000],
                                                            month="2023-11")])
    base = simulate(RF, A.Scenario(name="0"), n_draws=3000)
    more = simulate(RF, grant, n_draws=3000)
    assert more.prob_within_budget() > base.prob_within_budget()
    assert base.prob_within_budget() == pytest.approx(
        (base.baseline_totals[:, 0] >= base.budget).mean())


@settings(max_examples=30)
@given(low=st.floats(-100, 100), w1=st.floats(0, 50), w2=st.floats(0, 50))
def test_pert_within_bounds_and_mean(low, w1, w2):
    r = A.Range(low=low, likely=low + w1, high=low + w1 + w2)
    x = pert(np.random.default_rng(0), r, 20_000)
    assert x.min() >= r.low - 1e-9 and x.max() <= r.high + 1e-9
    span = max(r.high - r.low, 1e-9)
    assert abs(x.mean() - (r.low + 4 * r.likely + r.high) / 6) <= 0.02 * span + 1e-9


def test_run_reuses_prepared():
    p = prepare(RF, KOMB, ds=DS)
    a, b = run(p, n_draws=1000, seed=3), run(p, n_draws=1000, seed=3)
    assert np.array_equal(a.totals, b.totals)
    assert a.n_draws == 1000 and "assumptions[0].extra_need" in a.params
