"""The final forecast from summaries: no paths read, totals add up, the laid figures agree."""

from __future__ import annotations

import numpy as np
import pytest

from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.laid import build_laid
from forecast.engine import hierarchy as H
from forecast.engine.result import summaries
from forecast.engine.serialize import read_lazily
from tests.scenario_fixtures import byte_reader, stored_rf

ADJUSTMENTS = [
    Adjustment(comment="dygnsvila", amount_tkr=-3000.0, division="Kirurgi", start="2023-10",
               rule="budget"),
    Adjustment(comment="hyr", amount_tkr=500.0, category="Personalkostnader", low_tkr=200.0,
               high_tkr=900.0),
    Adjustment(comment="hela regionen", amount_tkr=-1200.0, end="2024-06", rule="lika"),
]
FLOAT32_RTOL = 2e-7
"""float32's rounding of one monthly amount is at most 2^-24 ≈ 6e-8 of it; a year's sum of
rounded months stays within a few of those of the sum of their sizes."""


@pytest.fixture()
def lazy_case():
    base, data = stored_rf("2023-08", n_paths=60)
    reads: list[tuple[int, int | None]] = []
    stat = read_lazily(byte_reader(data, reads))
    return base, stat, apply_adjustments(stat, ADJUSTMENTS), reads


def _reference_paths(rf, af):
    """The final paths the slow, obvious way: every series, every adjustment, in float32."""
    paths = np.array(rf.paths, dtype=np.float32, copy=True)
    for share, draws in zip(af.shares, af.draws, strict=True):
        for s in range(rf.n_series):
            paths[s] += (share[s][None, :] * draws[:, None]).astype(np.float32)
    return paths


def test_tables_of_the_final_forecast_read_no_paths_and_no_series_totals(lazy_case):
    _, stat, af, reads = lazy_case
    before = len(reads)
    final = af.final
    for y in H.summary_years(final):
        for by in H.GROUP_LEVELS:
            H.year_totals(final, by, year=y)
    final.total_paths()
    _ = final.expected
    assert reads[before:] == []  # the statistical summaries were read with the forecast
    assert not stat.paths_read and not final.paths_read


def test_final_figures_equal_those_of_the_whole_final_paths_to_float32_rounding(lazy_case):
    from dataclasses import replace

    base, _, af, _ = lazy_case
    final = af.final
    whole = _reference_paths(base, af)
    plain = replace(base, paths=whole, point=final.point)
    known, computed = summaries(final), summaries(plain)
    for name in computed:  # expected, region total per path and month, year totals per path
        scale = np.abs(computed[name]).max()
        np.testing.assert_allclose(known[name], computed[name], rtol=0,
                                   atol=FLOAT32_RTOL * scale * 12, err_msg=name)
    for y in H.summary_years(final):
        for by in H.GROUP_LEVELS:
            got, ref = H.group_year_paths(final, by, y), H.group_year_paths(plain, by, y)
            np.testing.assert_allclose(got, ref, rtol=FLOAT32_RTOL * 12 * 9, err_msg=str(by))
    # the per-series final paths, made when asked for: all, or some rows alone
    rows = np.array([7, 0, 12])
    assert np.array_equal(final.row_paths(rows), whole[rows])
    assert not final.paths_read
    assert np.array_equal(final.paths, whole)


def test_every_total_equals_the_sum_of_its_parts(lazy_case):
    _, _, af, _ = lazy_case
    final = af.final
    for y in H.summary_years(final):
        series = H.series_year_paths(final, y)
        region = H.group_year_paths(final, (), y)
        for by in H.GROUP_LEVELS:
            S, _ = H.summing_matrix(final.keys, [by])
            groups = H.group_year_paths(final, by, y)
            np.testing.assert_allclose(groups, S @ series, rtol=1e-12, atol=1e-8)
            np.testing.assert_allclose(groups.sum(axis=0), region[0], rtol=1e-12)
        np.testing.assert_allclose(H.series_year_means(final, y), series.mean(axis=1),
                                   rtol=1e-12, atol=1e-8)
        mask = final.month_mask(y)
        ytd = final.ytd_outcome if y == final.as_of.year else 0.0
        np.testing.assert_allclose(H.series_year_means(final, y),
                                   final.expected[:, mask].sum(axis=1) + ytd, rtol=1e-12)
    np.testing.assert_allclose(final.total_paths().sum(axis=1).sum(),
                               final.expected.sum() * final.n_paths, rtol=1e-12)


def test_the_adjustments_move_the_totals_by_their_stated_amounts(lazy_case):
    _, stat, af, _ = lazy_case
    final = af.final
    y = stat.as_of.year
    moved = H.series_year_means(final, y).sum() - H.series_year_means(stat, y).sum()
    stated = sum(a[:, final.month_mask(y)].sum() for a in af.allocations)
    assert moved == pytest.approx(stated, abs=1e-6)
    assert np.array_equal(final.point, stat.point + af.adjustment_monthly)


def test_the_laid_version_shows_the_figures_of_the_tables(lazy_case):
    _, _, af, _ = lazy_case
    lf = build_laid(af, dataset="D", author="a", comment="c", method="standard")
    region = H.year_totals(af.final, ())
    summ = lf.summary()
    assert summ["final"] == pytest.approx(float(region[H.FORECAST].iloc[0]), rel=1e-12)
    assert (summ["p10"], summ["p50"], summ["p90"]) == (
        float(region[H.P10].iloc[0]), float(region[H.P50].iloc[0]), float(region[H.P90].iloc[0]))
    by_div = H.year_totals(af.final, ("division",)).set_index("division")[H.FORECAST]
    laid_div = lf.series.groupby("division")["final_year"].sum()
    np.testing.assert_allclose(laid_div.loc[by_div.index], by_div, rtol=1e-12)
    # the series' P10/P90 as laid are those of the final year totals per path
    q = np.quantile(H.series_year_paths(af.final, af.final.as_of.year), [0.1, 0.9], axis=1)
    assert np.array_equal(lf.series["p10"], q[0]) and np.array_equal(lf.series["p90"], q[1])
