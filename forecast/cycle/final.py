"""The final forecast (statistical + adjustments) made from summaries, not from paths.

An adjustment moves each path of a series it covers by ``share[s, m] × draw[p]`` (its share
per series and month, :func:`forecast.cycle.adjustments.pattern`, times its total on that
path, :func:`forecast.cycle.adjustments.total_draws`). Every figure a page, table, report or
export reads is linear in the paths, so the final forecast's figures are the statistical
forecast's stored summaries plus the adjustments' per-path effects:

- mean per series and month: ``expected + Σ share × mean(draws)``;
- the region's total per path and month: ``total + Σ draws ⊗ Σ_s share``;
- each series' year total per path: ``year_rest + Σ part_y ⊗ draws`` (``part_y``: the share
  summed over the year's months), made when that year is first asked for;
- a group's year total per path (the stored levels of
  :data:`forecast.engine.hierarchy.GROUP_LEVELS`): ``group + Σ (S @ part_y) ⊗ draws``;
- each series' mean year total: ``mean + Σ part_y × mean(draws)``.

So laying costs the same however many series an adjustment covers: no series' paths are read.
The per-series final paths (float32, as stored) are made only when a consumer asks for them
(all, or some rows: a unit's fan), as ``statistical + (share × draw)`` in float32.

Consistency (tested in ``tests/cycle/test_final.py``): every total above is computed in
float64 and equals the sum of the parts it summarises (a group's year total per path = the
sum of its series' year totals per path; the region = the sum of the divisions) to float64
rounding (about 1e-12 relative). Against the per-series float32 paths a consumer may read,
the summaries differ by float32 rounding of each monthly amount (relative about 6e-8 per
month; the statistical forecast's own summaries are exact sums of its float32 paths).
"""

from __future__ import annotations

import functools
from dataclasses import replace

import numpy as np

from forecast.engine.hierarchy import (
    GROUP_LEVELS,
    SERIES_MEAN_SUMMARY,
    group_counts,
    group_summary_name,
    group_year_paths,
    series_year_means,
    summing_matrix,
    with_group_summaries,
)
from forecast.engine.result import (
    SUMMARY_EXPECTED,
    SUMMARY_TOTAL,
    SUMMARY_YEAR_REST,
    LazyArray,
    LazyPaths,
    RegionForecast,
    lazy,
    summary_years,
    with_summaries,
)

CHUNK_ROWS = 256
"""Series per step when the final paths of many series are made (bounds the float64 temp)."""


class Effects:
    """The adjustments' per-path effects on a forecast's series.

    Args:
        shares: per adjustment, (n_series, n_months) its share per series and month.
        draws: per adjustment, (n_paths,) its total per path.
    """

    def __init__(self, shares: tuple[np.ndarray, ...], draws: tuple[np.ndarray, ...]) -> None:
        if len(shares) != len(draws):
            raise ValueError("lika många andelar och dragningar krävs")
        self.shares = shares
        self.draws = np.vstack(draws) if draws else np.zeros((0, 0))
        """(n_adjustments, n_paths) each adjustment's total per path."""
        self.touched = np.flatnonzero(np.any([s.any(axis=1) for s in shares], axis=0)) \
            if shares else np.zeros(0, dtype=np.int64)
        """The series some adjustment covers, ascending."""
        self._parts: dict[bytes, np.ndarray] = {}

    def parts(self, mask: np.ndarray) -> np.ndarray:
        """(n_series, n_adjustments) each adjustment's share summed over the months of ``mask``.

        Summed once per mask (a year's series, groups and means all read it; read-only).
        """
        key = np.asarray(mask, dtype=bool).tobytes()
        if key not in self._parts:
            n = self.shares[0].shape[0] if self.shares else 0
            out = np.zeros((n, len(self.shares)))
            for j, share in enumerate(self.shares):
                out[:, j] = share[:, mask].sum(axis=1)
            out.setflags(write=False)
            self._parts[key] = out
        return self._parts[key]

    def monthly_mean(self) -> np.ndarray:
        """(n_series, n_months) the effect on each series' mean per month."""
        out = np.zeros(self.shares[0].shape)
        for share, mean in zip(self.shares, self.draws.mean(axis=1), strict=True):
            out += share * mean
        return out

    def total_paths(self) -> np.ndarray:
        """(n_paths, n_months) the effect on the region's total per path and month."""
        month_share = np.vstack([s.sum(axis=0) for s in self.shares])
        return self.draws.T @ month_share

    def add_to(self, paths: np.ndarray, rows: np.ndarray) -> None:
        """Add the effects to ``paths`` (the float paths of series ``rows``), in place.

        Each adjustment adds its float32 effect to the rows it covers, in adjustment order:
        the same additions whether all series or some are made (so some rows are bit for bit
        those rows of the whole).
        """
        for share, draws in zip(self.shares, self.draws, strict=True):
            sel = np.flatnonzero(share[rows].any(axis=1))
            for start in range(0, len(sel), CHUNK_ROWS):
                part = sel[start: start + CHUNK_ROWS]
                effect = share[rows[part]][:, None, :] * draws[None, :, None]
                paths[part] += effect.astype(np.float32)


def final_forecast(rf: RegionForecast, effects: Effects, point: np.ndarray) -> RegionForecast:
    """``rf`` with the adjustments' ``effects``: summaries made, no series' paths read.

    Args:
        rf: the statistical forecast (its summaries stored or computable).
        effects: the adjustments' per-path effects on ``rf``'s series.
        point: the final point forecast (``rf.point`` plus the stated allocations).
    """
    out = replace(rf, paths=lazy(_final_paths(rf, effects)), point=point)
    expected = rf.expected + effects.monthly_mean()
    expected.setflags(write=False)
    total = rf.total_paths() + effects.total_paths()
    total.setflags(write=False)
    known: dict[str, np.ndarray | LazyArray] = {SUMMARY_EXPECTED: expected,
                                                 SUMMARY_TOTAL: total}
    groups: dict[str, np.ndarray | LazyArray] = {}
    counts = group_counts(rf)
    for y in summary_years(rf):  # each made when first asked for
        known[f"{SUMMARY_YEAR_REST}{y}"] = LazyArray(
            (rf.n_series, rf.n_paths), functools.partial(_year_rest, rf, effects, y))
        for by in GROUP_LEVELS:
            groups[group_summary_name(by, y)] = LazyArray(
                (counts[by], rf.n_paths),
                functools.partial(_group_year, rf, effects, by, y))
        groups[f"{SERIES_MEAN_SUMMARY}{y}"] = LazyArray(
            (rf.n_series,), functools.partial(_series_mean, rf, effects, y))
    out = with_summaries(out, known)
    return with_group_summaries(out, groups)


def _final_paths(rf: RegionForecast, effects: Effects) -> LazyPaths:
    def rows(which: np.ndarray) -> np.ndarray:
        which = np.asarray(which, dtype=np.int64)
        paths = rf.row_paths(which)
        if not paths.flags.writeable:
            paths = paths.copy()
        effects.add_to(paths, which)
        return paths

    def whole() -> np.ndarray:
        paths = np.array(rf.paths, copy=True)
        touched = effects.touched
        moved = paths[touched]
        effects.add_to(moved, touched)
        paths[touched] = moved
        paths.setflags(write=False)
        return paths

    return LazyPaths(rf.paths_shape, whole, rows)


def _year_rest(rf: RegionForecast, effects: Effects, year: int) -> np.ndarray:
    """(n_series, n_paths) the final year totals per path of the forecast months of ``year``."""
    rest = np.array(rf.year_rest(year), copy=True)
    t = effects.touched
    rest[t] += effects.parts(rf.month_mask(year))[t] @ effects.draws
    rest.setflags(write=False)
    return rest


def _series_mean(rf: RegionForecast, effects: Effects, year: int) -> np.ndarray:
    mean = series_year_means(rf, year) + effects.parts(rf.month_mask(year)) \
        @ effects.draws.mean(axis=1)
    mean.setflags(write=False)
    return mean


def _group_year(rf: RegionForecast, effects: Effects, by: tuple[str, ...],
                year: int) -> np.ndarray:
    """(n_groups, n_paths) the final year totals per path of the groups of ``by``."""
    S, _ = summing_matrix(rf.keys, [by])
    gp = group_year_paths(rf, by, year) + (S @ effects.parts(rf.month_mask(year))) @ effects.draws
    gp.setflags(write=False)
    return gp
