"""Coherence of the hierarchy (forecast.engine.hierarchy): every total is the sum of its children."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forecast.engine import hierarchy as H
from forecast.engine import region as engine
from forecast.engine.result import RegionForecast


def random_forecast(seed: int = 0, n_paths: int = 200) -> RegionForecast:
    """A RegionForecast with random paths over 3 divisions × 2 units × 5 leaves."""
    rng = np.random.default_rng(seed)
    rows = []
    leaves = [("Patientavgifter", "intakt", "Patientavgifter"),
              ("Personalkostnader", "kostnad", "Personalkostnader"),
              ("Läkemedel", "kostnad", "Läkemedel"),
              ("Inhyrd personal läkare", "kostnad", "Inhyrd personal"),
              ("Inhyrd personal övriga", "kostnad", "Inhyrd personal")]
    for d in ("D1", "D2", "D3"):
        for u in (f"{d}a", f"{d}b"):
            for acc, typ, cat in leaves:
                rows.append((u, acc, d, typ, cat))
    keys = pd.DataFrame(rows, columns=["unit", "account", "division", "account_type", "category"])
    as_of = pd.Period("2023-04", "M")
    months = pd.period_range("2023-05", "2025-12", freq="M")
    n = len(keys)
    sign = np.where(keys["account_type"] == "intakt", 1.0, -1.0)
    level = sign * rng.uniform(50, 500, n)
    paths = (level[:, None, None] * (1 + 0.1 * rng.standard_normal((n, n_paths, len(months)))))
    return RegionForecast(
        as_of=as_of, keys=keys, months=months, paths=paths.astype(np.float32),
        point=paths.mean(axis=1), ytd_outcome=4 * level, annual_budget=12 * level * 0.98,
        prior_ytd_outcome=4 * level * 0.97, prior_year_outcome=12 * level * 0.97,
        method=("x",) * n, backtest_ape=np.full(n, np.nan), notes=("",) * n,
    )


@pytest.fixture(scope="module")
def rf():
    return random_forecast()


def test_summing_matrix_partitions_every_level(rf):
    S, labels = H.summing_matrix(rf.keys, H.DEFAULT_SPEC)
    assert S.shape[1] == rf.n_series
    for level, idx in labels.groupby("level").groups.items():
        np.testing.assert_array_equal(S[idx].sum(axis=0), 1.0, err_msg=level)
    bottom = labels["level"] == "division/unit/account_type/category/account"
    assert bottom.sum() == rf.n_series
    np.testing.assert_array_equal(S[bottom.to_numpy()], np.eye(rf.n_series))


PARENT_CHILD = [
    ((), ("division",)),
    (("division",), ("division", "unit")),
    ((), ("account_type",)),
    (("account_type",), ("account_type", "category")),
    (("account_type", "category"), ("account_type", "category", "account")),
    (("division", "unit"), ("division", "unit", "category")),
    (("category",), ("division", "category")),
]


@pytest.mark.parametrize("parent, child", PARENT_CHILD)
def test_children_add_up_to_parent(rf, parent, child):
    par = H.year_totals(rf, parent)
    chi = H.year_totals(rf, child)
    summed = chi.groupby(list(parent), sort=False)[[H.FORECAST, H.YTD, H.ANNUAL_BUDGET, H.PRIOR_YEAR]].sum() \
        if parent else chi[[H.FORECAST, H.YTD, H.ANNUAL_BUDGET, H.PRIOR_YEAR]].sum().to_frame().T
    par_vals = par.set_index(list(parent)) if parent else par
    for col in (H.FORECAST, H.YTD, H.ANNUAL_BUDGET, H.PRIOR_YEAR):
        np.testing.assert_allclose(summed[col].to_numpy(),
                                   par_vals.loc[summed.index if parent else par.index, col],
                                   rtol=1e-12, atol=1e-6)
    # Paths: month by month, path by path.
    plab, ppaths = H.group_paths(rf, parent)
    clab, cpaths = H.group_paths(rf, child)
    for i, row in plab.iterrows():
        mask = np.ones(len(clab), bool)
        for c in parent:
            mask &= (clab[c] == row[c]).to_numpy()
        np.testing.assert_allclose(cpaths[mask].sum(axis=0), ppaths[i], rtol=1e-9, atol=1e-6)


def test_quantiles_from_summed_paths_match_reference(rf):
    """A slow, obvious reference: loop over groups, sum the year paths, take quantiles."""
    tab = H.year_totals(rf, ("division",))
    m = rf.month_mask(2023)
    for _, row in tab.iterrows():
        rows = (rf.keys["division"] == row["division"]).to_numpy()
        tot = np.zeros(rf.n_paths)
        for i in np.flatnonzero(rows):
            tot += rf.ytd_outcome[i] + rf.paths[i][:, m].astype(float).sum(axis=1)
        assert row[H.P10] == pytest.approx(np.quantile(tot, 0.1))
        assert row[H.P50] == pytest.approx(np.quantile(tot, 0.5))
        assert row[H.FORECAST] == pytest.approx(tot.mean())
        assert row[H.DEV] == pytest.approx(tot.mean() - rf.annual_budget[rows].sum())
    region = H.year_totals(rf, ())
    q = rf.year_total_quantiles()
    assert region[H.P90].iloc[0] == pytest.approx(q[0.9])


def test_quantiles_ordered_and_median_not_sum_of_medians(rf):
    tab = H.all_year_totals(rf)
    assert (tab[H.P10] <= tab[H.P50]).all() and (tab[H.P50] <= tab[H.P90]).all()
    assert (tab[H.DEVELOPMENT_P10] <= tab[H.DEVELOPMENT_P90]).all()
    units = H.year_totals(rf, ("division", "unit"))
    region = H.year_totals(rf, ())
    # Summed paths are narrower than summed quantiles (independent children).
    assert region[H.P90].iloc[0] - region[H.P10].iloc[0] < (units[H.P90] - units[H.P10]).sum()


def test_plan_year_has_no_outcome_and_compares_with_current_forecast(rf):
    cur = H.year_totals(rf, ())
    nxt = H.year_totals(rf, (), year=2024)
    assert nxt[H.YTD].iloc[0] == 0 and np.isnan(nxt[H.ANNUAL_BUDGET].iloc[0])
    assert nxt[H.PRIOR_YEAR].iloc[0] == pytest.approx(cur[H.FORECAST].iloc[0])
    assert nxt[H.FORECAST].iloc[0] == pytest.approx(rf.paths[:, :, rf.month_mask(2024)]
                                                   .sum(axis=2, dtype=float).mean(axis=1).sum())


def test_development_vs_prior_year(rf):
    tab = H.year_totals(rf, ("account_type",))
    for _, row in tab.iterrows():
        assert row[H.DEVELOPMENT] == pytest.approx((row[H.FORECAST] / row[H.PRIOR_YEAR] - 1) * 100)
        assert row[H.YTD_DEVELOPMENT] == pytest.approx((1 / 0.97 - 1) * 100)


def test_agency_share(rf):
    s = H.agency_share(rf)
    agency = (rf.keys["category"] == "Inhyrd personal").to_numpy()
    pers = (rf.keys["category"] == "Personalkostnader").to_numpy()
    yp = H.series_year_paths(rf)
    ratio = yp[agency].sum(axis=0) / yp[pers].sum(axis=0) * 100
    assert s["p50"] == pytest.approx(np.quantile(ratio, 0.5))
    assert s["p10"] <= s["p50"] <= s["p90"]
    r12 = (rf.ytd_outcome + rf.prior_year_outcome - rf.prior_ytd_outcome)
    assert s["r12_actual"] == pytest.approx(r12[agency].sum() / r12[pers].sum() * 100)
    assert 0 <= s["prob_within_target"] <= 1


def test_engine_forecast_is_coherent(small_dataset, fake_methods):
    ds = small_dataset()
    rf = engine.forecast_region(ds, pd.Period("2022-08", "M"), n_paths=100, workers=1,
                                forecaster=fake_methods)
    tab = H.all_year_totals(rf)
    region = tab[tab["level"] == "total"].iloc[0]
    units = tab[tab["level"] == "division/unit"]
    cats = tab[tab["level"] == "account_type/category"]
    assert units[H.FORECAST].sum() == pytest.approx(region[H.FORECAST], rel=1e-12)
    assert cats[H.FORECAST].sum() == pytest.approx(region[H.FORECAST], rel=1e-12)
    assert set(units["unit"]) == {"A1", "A2", "B1", "B2"}  # B2: budget only in 2022


def test_group_codes_are_those_of_the_multiindex_in_first_seen_order():
    """Column by column numbering equals ``MultiIndex.factorize`` (what it replaced)."""
    rng = np.random.default_rng(5)
    keys = pd.DataFrame({"a": rng.choice(["x", "y", "z"], 200),
                         "b": rng.choice(["p", "q"], 200),
                         "c": rng.choice(["1", "2", "3", "4"], 200)})
    for by in (("a",), ("b", "a"), ("a", "b", "c")):
        codes, first = H.group_codes(keys, by)
        ref, uniques = pd.MultiIndex.from_frame(keys[list(by)]).factorize()
        assert np.array_equal(codes, ref)
        assert [tuple(r) for r in keys[list(by)].iloc[first].to_numpy()] == list(uniques)
