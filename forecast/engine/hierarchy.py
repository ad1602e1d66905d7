"""The hierarchy: an explicit spec, its summing matrix, and coherent year totals.

The bottom series of a :class:`~forecast.engine.result.RegionForecast` are unit × leaf account. Two
hierarchies cross over them:

- organisation: unit → division → region;
- accounts: leaf → category → revenue / gross cost (``account_type``) → net.

A *level* is the tuple of key columns a total groups by (``()`` is the region's net); the spec
is a list of levels, as in hierarchicalforecast's ``aggregate``. :func:`summing_matrix` turns
a spec into the 0/1 matrix ``S`` (groups × bottom series), so every total is ``S @ bottom``.

Coherence (bottom-up, chosen and measured; see the module constant :data:`RECONCILIATION`):

- paths: a total's paths are the sums of its children's paths, path by path, and its
  quantiles are taken after summing (never summed quantiles);
- point: the tables' "Prognos" is the **mean** of a group's year-total paths. Means are
  linear, so the Prognos of a total equals the sum of its children's Prognos exactly (up to
  float rounding): the tables always add up. The median (P50) of a total is *not* the sum of
  its children's medians and is shown beside it, with P10 and P90, as the range.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import product

import numpy as np
import pandas as pd
from scipy import sparse

from forecast.engine.result import RegionForecast
from forecast.ledger.dimensions import AGENCY_TARGET_PCT, INHYRD, PERSONAL

RECONCILIATION = "bottom-up"
"""The reconciliation used: every total is the sum of its bottom series, path by path, so P50
and every path add up. A MinT-type reconciliation has not been implemented or measured yet."""

ORG_LEVELS: tuple[tuple[str, ...], ...] = ((), ("division",), ("division", "unit"))
ACCOUNT_LEVELS: tuple[tuple[str, ...], ...] = (
    (),
    ("account_type",),
    ("account_type", "category"),
    ("account_type", "category", "account"),
)
DEFAULT_SPEC: tuple[tuple[str, ...], ...] = tuple(o + a for o, a in product(ORG_LEVELS,
                                                                          ACCOUNT_LEVELS))
"""Every organisation level crossed with every account level (the bottom level included)."""

TYPE_LABEL = {"intakt": "Summa intäkter", "kostnad": "Summa bruttokostnader"}
NET_LABEL = "Summa verksamhetens nettokostnader"

# Column names of year_totals (module constants, used by the tables and the UI).
YTD = "ytd_outcome"
ANNUAL_BUDGET = "annual_budget"
FORECAST = "prognos"
P10, P50, P90 = "p10", "p50", "p90"
DEV = "dev_budget"
DEV_P10, DEV_P90 = "dev_budget_p10", "dev_budget_p90"
PRIOR_YEAR = "prior_year"
PRIOR_YTD = "prior_ytd"
DEVELOPMENT = "development_pct"
DEVELOPMENT_P10, DEVELOPMENT_P90 = "development_p10_pct", "development_p90_pct"
YTD_DEVELOPMENT = "ytd_development_pct"
N_SERIES = "n_series"
VALUE_COLUMNS = (YTD, ANNUAL_BUDGET, FORECAST, P10, P50, P90, DEV, DEV_P10, DEV_P90, PRIOR_YEAR,
                 PRIOR_YTD, DEVELOPMENT, DEVELOPMENT_P10, DEVELOPMENT_P90, YTD_DEVELOPMENT,
                 N_SERIES)


def summing_matrix(keys: pd.DataFrame,
                   spec: Sequence[Sequence[str]]) -> tuple[np.ndarray, pd.DataFrame]:
    """The summing matrix of a hierarchy spec over bottom series ``keys``.

    Args:
        keys: one row per bottom series (columns include every column named in ``spec``).
        spec: levels, each a sequence of key columns to group by (``()`` = grand total).

    Returns:
        ``S`` of shape (n_groups, n_bottom) with 0/1 entries, and a frame with one row per
        group: ``level`` (the columns joined by ``/``, ``"total"`` for ``()``) and every
        column of the spec (None where the level does not group by it). Groups come in spec
        order, and within a level in first-seen order of ``keys``.
    """
    cols = list(dict.fromkeys(c for lev in spec for c in lev))
    blocks, labels = [], []
    for lev in spec:
        lev = tuple(lev)
        if lev:
            codes, uniques = pd.MultiIndex.from_frame(keys[list(lev)]).factorize()
            block = np.zeros((len(uniques), len(keys)))
            block[codes, np.arange(len(keys))] = 1.0
            lab = pd.DataFrame(list(uniques), columns=list(lev))
        else:
            block = np.ones((1, len(keys)))
            lab = pd.DataFrame(index=[0])
        lab = lab.reindex(columns=cols).astype(object)
        lab = lab.where(lab.notna(), None)
        lab.insert(0, "level", "/".join(lev) or "total")
        blocks.append(block)
        labels.append(lab)
    return np.vstack(blocks), pd.concat(labels, ignore_index=True)


def series_year_paths(rf: RegionForecast, year: int | None = None) -> np.ndarray:
    """(n_series, n_paths) float64 year total per series and path.

    For ``as_of.year``: outcome so far + the path's remaining months; for a plan year: the
    path's twelve months.

    Read-only, computed once per forecast and year from :meth:`RegionForecast.year_rest`
    (stored with the forecast).
    """
    year = rf.as_of.year if year is None else int(year)
    memo: dict[int, np.ndarray] = rf.__dict__.setdefault("_series_year", {})
    if year not in memo:
        rest = rf.year_rest(year)
        if year == rf.as_of.year:
            rest = rest + rf.ytd_outcome[:, None]
            rest.setflags(write=False)
        memo[year] = rest
    return memo[year]


def _pct(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Change of ``num`` against ``den`` in % (NaN where ``den`` is 0); ``den`` per group."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    if num.ndim > den.ndim:
        den = den.reshape(den.shape + (1,) * (num.ndim - den.ndim))
    safe = np.where(den == 0, np.nan, den)
    return (num / safe - 1.0) * 100.0


def totals_from_matrix(rf: RegionForecast, S: np.ndarray, year: int | None = None) -> pd.DataFrame:
    """Year-total figures for the groups of ``S`` (rows of ``S`` in order).

    Every figure of a group is computed from the sums over its bottom series: the paths are
    summed first and quantiles taken after; Prognos is ``S @`` the series' mean year totals.
    """
    year = rf.as_of.year if year is None else int(year)
    current = year == rf.as_of.year
    yp = series_year_paths(rf, year)
    sparse_s = sparse.csr_array(S)  # each series in few groups: n_series × n_paths additions
    gp = sparse_s @ yp  # (n_groups, n_paths)
    prog = S @ yp.mean(axis=1)
    q = np.quantile(gp, [0.1, 0.5, 0.9], axis=1)
    zeros = np.zeros(rf.n_series)
    ytd = S @ (rf.ytd_outcome if current else zeros)
    bud = S @ (rf.annual_budget if current else np.full(rf.n_series, np.nan))
    prior_ytd = S @ (rf.prior_ytd_outcome if current else zeros)
    if current:
        prior = S @ rf.prior_year_outcome
        dev_paths = _pct(gp, prior)
    else:
        # A plan year is compared with the year before it, path by path (both forecast).
        gprev = sparse_s @ series_year_paths(rf, year - 1)
        prior = gprev.mean(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            dev_paths = np.where(gprev != 0, (gp / gprev - 1.0) * 100.0, np.nan)
    dq = np.full((2, len(gp)), np.nan)
    ok = np.isfinite(dev_paths).all(axis=1)
    if ok.any():
        dq[:, ok] = np.quantile(dev_paths[ok], [0.1, 0.9], axis=1)
    return pd.DataFrame({
        YTD: ytd,
        ANNUAL_BUDGET: bud,
        FORECAST: prog,
        P10: q[0], P50: q[1], P90: q[2],
        DEV: prog - bud,
        DEV_P10: q[0] - bud,
        DEV_P90: q[2] - bud,
        PRIOR_YEAR: prior,
        PRIOR_YTD: prior_ytd,
        DEVELOPMENT: _pct(prog, prior),
        DEVELOPMENT_P10: np.fmin(dq[0], dq[1]),
        DEVELOPMENT_P90: np.fmax(dq[0], dq[1]),
        YTD_DEVELOPMENT: _pct(ytd, prior_ytd) if current else np.nan,
        N_SERIES: S.sum(axis=1).astype(int),
    })


def year_totals(rf: RegionForecast, by: Sequence[str] = (), *,
                year: int | None = None) -> pd.DataFrame:
    """Year totals of every group of ``by`` (``()`` = the region's net).

    Args:
        rf: the region forecast.
        by: key columns to group by, e.g. ``("division",)``, ``("unit", "category")``,
            ``("account_type",)`` (revenue / gross cost), ``()``.
        year: ``as_of.year`` (default) or a plan year (no outcome or budget there; a plan
            year's development is against the year before it, path by path, and its
            ``prior_year`` is that year's Prognos).

    Returns:
        One row per group: the ``by`` columns, then :data:`VALUE_COLUMNS` (tkr; ``*_pct``
        in %). Prognos is the mean of the group's summed paths (adds up exactly); P10/P50/P90
        are quantiles of the summed paths.
    """
    S, labels = summing_matrix(rf.keys, [tuple(by)])
    vals = totals_from_matrix(rf, S, year)
    return pd.concat([labels[list(by)].reset_index(drop=True), vals], axis=1)


def all_year_totals(rf: RegionForecast, spec: Sequence[Sequence[str]] = DEFAULT_SPEC, *,
                    year: int | None = None) -> pd.DataFrame:
    """:func:`year_totals` for every level of ``spec`` in one frame (column ``level``)."""
    S, labels = summing_matrix(rf.keys, spec)
    return pd.concat([labels, totals_from_matrix(rf, S, year)], axis=1)


def group_paths(rf: RegionForecast, by: Sequence[str] = ()) -> tuple[pd.DataFrame, np.ndarray]:
    """Monthly paths of every group of ``by``: labels and (n_groups, n_paths, n_months)."""
    S, labels = summing_matrix(rf.keys, [tuple(by)])
    out = np.einsum("gs,spm->gpm", S, rf.paths, dtype=np.float64)
    return labels[list(by)], out


# --------------------------------------------------------------------------- agency staff


def agency_share(rf: RegionForecast, *, rows: np.ndarray | None = None,
                 year: int | None = None) -> dict[str, float]:
    """Agency cost as a share of own personnel cost (hyrandel), %, with its range.

    The share of each path is agency paths ÷ personnel paths (both summed over ``rows``), so
    the range is that of the ratio, not a ratio of quantiles.

    Returns:
        ``r12_actual``: the last 12 outcome months (as_of − 11 … as_of); ``p10``/``p50``/
        ``p90``/``mean``: the forecast year (R12 at December = the calendar year);
        ``prob_within_target``: share of paths at or below :data:`AGENCY_TARGET_PCT`.
    """
    rows = np.ones(rf.n_series, dtype=bool) if rows is None else np.asarray(rows, bool)
    agency = rows & (rf.keys["category"] == INHYRD).to_numpy()
    personal = rows & (rf.keys["category"] == PERSONAL).to_numpy()
    yp = series_year_paths(rf, year)
    a, p = yp[agency].sum(axis=0), yp[personal].sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(p != 0, a / p * 100.0, np.nan)

    def r12(mask: np.ndarray) -> float:
        return float((rf.ytd_outcome[mask] + rf.prior_year_outcome[mask]
                      - rf.prior_ytd_outcome[mask]).sum())

    pa, pp = r12(agency), r12(personal)
    q = np.nanquantile(share, [0.1, 0.5, 0.9]) if np.isfinite(share).any() else [np.nan] * 3
    return {
        "r12_actual": pa / pp * 100.0 if pp else float("nan"),
        "mean": float(a.mean() / p.mean() * 100.0) if p.mean() else float("nan"),
        "p10": float(q[0]), "p50": float(q[1]), "p90": float(q[2]),
        "prob_within_target": float(np.mean(share <= AGENCY_TARGET_PCT)),
    }
