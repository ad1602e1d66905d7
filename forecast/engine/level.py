"""Level correction of the region's revenue and cost by their own earlier year-end errors.

The per-series methods are each unbiased on their own series as far as their history can
tell, but a region's series err *together*: the same wage revision, the same agency market,
the same autumn. On the embedded region the standard forecast underestimated the region's
gross cost at the same cut-off month in every earlier year (−0,5 to −1,5 %), and the year's
outcome then fell outside P10–P90 of the region total in most years: co-movement in the
ranges (:mod:`forecast.engine.joint`) widens them, but cannot move a centre that is off.

So, per account type (revenue, cost) over the whole region:

- the region's error in an earlier year is the size-weighted mean of its series' signed
  year-end errors ``100·(actual − forecast)/|actual|`` of the chosen method at the same
  cut-off (``Choice.errors``, the standard's per-series backtest: out of sample by
  construction), a series without an error in that year counting as 0;
- the correction is the median over the K years that have errors (one odd year, such as a
  year of extraordinary state grants, does not carry it), shrunk toward 0 with the weight of
  :data:`PRIOR_WEIGHT` pseudo-year (``K/(K + 1)`` of the median, the same prior the baselines
  and the joint paths use), at most :data:`MAX_SHIFT_PCT` in size;
- every series of that type is moved by the same share of its year total, spread over the
  rest of the year's months in proportion to the point forecast, point and paths alike, so
  every total still adds up and each series keeps the shape of its own distribution.

Nothing is corrected without the per-series backtest (one method for all series) or for the
plan years. The choice of this rule (region × type, one prior pseudo-year, no extra width;
median rather than mean for robustness, the two within 0,02 points of each other there) among
the variants compared was made on the embedded region's backtest
2019–2022; the region is the only ledger with a hierarchy the project has, so the figures are
stated per half of those years (the gain holds in both), not on a separate confirmation set.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from forecast.engine.blocks import add_months
from forecast.engine.result import RegionForecast
from forecast.methods.baselines import PRIOR_WEIGHT

MAX_SHIFT_PCT = 5.0
"""The largest correction, % of the year total (a bound against a single odd year)."""
TYPE_COLUMN = "account_type"
LEVEL_LABEL = "Nivåkorrigering efter tidigare års fel"
"""The metadata row of every export and laid forecast that says which correction was made."""


def group_errors(errors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """(K,) the group's signed year-end error (%) per earlier year; NaN for a year without any.

    Args:
        errors: (n_series, K) signed errors ``100·(actual − forecast)/|actual|``, NaN missing.
        weights: (n_series,) the series' sizes (absolute year totals).
    """
    seen = np.isfinite(errors)
    total = float(np.sum(weights))
    if total <= 0:
        return np.full(errors.shape[1], np.nan)
    out = (np.where(seen, errors, 0.0) * weights[:, None]).sum(axis=0) / total
    return np.where(seen.any(axis=0), out, np.nan)


def correction_pct(errors: np.ndarray, weights: np.ndarray,
                   prior_years: float = PRIOR_WEIGHT) -> tuple[float, int]:
    """The group's correction (% of its year total, + raises the forecast) and its years K."""
    r = group_errors(errors, weights)
    r = r[np.isfinite(r)]
    if r.size == 0:
        return 0.0, 0
    shift = r.size / (r.size + prior_years) * float(np.median(r))
    return float(np.clip(shift, -MAX_SHIFT_PCT, MAX_SHIFT_PCT)), int(r.size)


def year_totals(rf: RegionForecast) -> np.ndarray:
    """(n_series,) the point year total of the as-of year (outcome so far + rest of year)."""
    rest = rf.point[:, rf.month_mask(rf.as_of.year)].sum(axis=1, dtype=np.float64)
    return np.asarray(rf.ytd_outcome, dtype=np.float64) + rest


def shift_per_series(rf: RegionForecast) -> np.ndarray:
    """(n_series,) the correction (% of its year total) each series was moved by."""
    by_type = {typ: pct for typ, pct, _ in rf.level_correction}
    return np.array([by_type.get(t, 0.0) for t in rf.keys[TYPE_COLUMN].tolist()], dtype=float)


def corrected(rf: RegionForecast, errors: np.ndarray | None, *,
              in_place: bool = False) -> RegionForecast:
    """``rf`` with the level correction per account type (recorded in ``level_correction``).

    Args:
        rf: the region forecast (joint or independent paths: the shift keeps their order).
        errors: (n_series, K) the chosen methods' signed earlier year-end errors in the
            series order of ``rf``, or None (no per-series backtest: nothing corrected).
        in_place: change ``rf.paths`` itself (the engine's own array; no second copy).

    Returns:
        The corrected forecast, or ``rf`` itself if no group was corrected.
    """
    if errors is None or not np.isfinite(errors).any():
        return rf
    errors = np.asarray(errors, dtype=float)
    size = np.abs(year_totals(rf))
    rest = rf.month_mask(rf.as_of.year)
    mag = np.abs(rf.point[:, rest]).astype(np.float64)
    share = np.divide(mag, mag.sum(axis=1, keepdims=True), out=np.full_like(mag, 1 / max(
        int(rest.sum()), 1)), where=mag.sum(axis=1, keepdims=True) > 0)
    add = np.zeros(rf.point.shape, dtype=np.float64)
    made: list[tuple[str, float, int]] = []
    types = rf.keys[TYPE_COLUMN].to_numpy()
    for typ in sorted(set(types.tolist())):
        rows = types == typ
        pct, years = correction_pct(errors[rows], size[rows])
        if years == 0 or pct == 0.0:
            continue
        made.append((str(typ), pct, years))
        add[np.ix_(rows, rest)] = (size[rows] * pct / 100.0)[:, None] * share[rows]
    if not made:
        return rf
    point = (rf.point + add).astype(rf.point.dtype)
    paths = rf.paths if in_place else rf.paths.copy()
    add_months(paths, add)
    return replace(rf, point=point, paths=paths, level_correction=tuple(made))


TYPE_WORDS = {"intakt": "intäkter", "kostnad": "kostnader"}


def correction_text(rf: RegionForecast) -> str:
    """The corrections in Swedish, e.g. "kostnader −0,7 % (4 tidigare år)"; "" if none."""
    from forecast.io.formatting import fmt_pct

    return ", ".join(
        f"{TYPE_WORDS.get(typ, typ)} {'+' if pct > 0 else ''}{fmt_pct(pct, 1)} "
        f"({years} tidigare år)" for typ, pct, years in rf.level_correction)


def metadata(rf: RegionForecast) -> dict[str, str]:
    """The metadata row of the correction (every export and laid forecast carries it)."""
    return {LEVEL_LABEL: correction_text(rf) or "ingen"}
