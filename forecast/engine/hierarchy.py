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

from collections.abc import Mapping, Sequence
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
from scipy import sparse

from forecast.engine.result import LazyArray, RegionForecast, summary_years
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


def group_codes(keys: pd.DataFrame, by: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each row's group of the columns ``by``, groups numbered in first-seen order.

    Returns:
        (n_rows,) the group of each row, and (n_groups,) the first row of each group.
        Column by column (no tuple per row): what ``MultiIndex.factorize`` gives.
    """
    codes = np.zeros(len(keys), dtype=np.int64)
    for col in by:
        c, uniques = pd.factorize(keys[col], use_na_sentinel=False)
        codes = codes * len(uniques) + c
    codes, _ = pd.factorize(codes)
    _, first = np.unique(codes, return_index=True)
    return codes, first


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
            codes, first = group_codes(keys, lev)
            block = np.zeros((len(first), len(keys)))
            block[codes, np.arange(len(keys))] = 1.0
            lab = keys[list(lev)].iloc[first].reset_index(drop=True)
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


def series_year_rows(rf: RegionForecast, rows: np.ndarray, year: int | None = None
                     ) -> np.ndarray:
    """(len(rows), n_paths) ``series_year_paths(rf, year)[rows]``, the same numbers.

    Of a stored forecast whose year is not yet read, only these series' rows are read.
    """
    year = rf.as_of.year if year is None else int(year)
    rows = np.asarray(rows, dtype=np.int64)
    memo: dict[int, np.ndarray] = rf.__dict__.get("_series_year", {})
    if year in memo:
        return memo[year][rows]
    rest = rf.year_rest_rows(year, rows)
    return rest + rf.ytd_outcome[rows][:, None] if year == rf.as_of.year else rest


def _pct(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Change of ``num`` against ``den`` in % (NaN where ``den`` is 0); ``den`` per group."""
    num = np.asarray(num, dtype=float)
    den = np.asarray(den, dtype=float)
    if num.ndim > den.ndim:
        den = den.reshape(den.shape + (1,) * (num.ndim - den.ndim))
    safe = np.where(den == 0, np.nan, den)
    return (num / safe - 1.0) * 100.0


GROUP_LEVELS: tuple[tuple[str, ...], ...] = (
    (), ("division",), ("account_type",), ("account_type", "category"))
"""The groups whose year totals per path are stored with a forecast (region, division,
revenue / gross cost, kostnadsslag): every page, table and report that shows their P10/P90
reads these instead of every series' year totals."""
GROUP_SUMMARY = "group_year_"
SERIES_MEAN_SUMMARY = "series_year_mean_"
"""Summary names: ``group_year_<level>_<year>`` (level: the columns joined by ``/``, ``total``
for the region) and ``series_year_mean_<year>``."""


def _group_sum(S: np.ndarray, yp: np.ndarray) -> np.ndarray:
    """(n_groups, n_paths) ``S @ yp`` by the sparse matrix (each series in few groups)."""
    return np.asarray(sparse.csr_array(S) @ yp)


def series_year_means(rf: RegionForecast, year: int | None = None) -> np.ndarray:
    """(n_series,) float64 mean over the paths of :func:`series_year_paths` (read-only).

    Computed once per forecast and year, and stored with it (:func:`group_summaries`).
    """
    year = rf.as_of.year if year is None else int(year)
    memo: dict[int, np.ndarray | LazyArray] = rf.__dict__.setdefault("_series_year_mean", {})
    if year not in memo:
        mean = series_year_paths(rf, year).mean(axis=1)
        mean.setflags(write=False)
        memo[year] = mean
    return _read(memo, year)


def _read(memo: dict[Any, np.ndarray | LazyArray], key: object) -> np.ndarray:
    """``memo[key]``, read (and kept) if it is a :class:`LazyArray` (a summary read when used)."""
    value = memo[key]
    if isinstance(value, LazyArray):
        value = value.read()
        memo[key] = value
    return value


def group_year_paths(rf: RegionForecast, by: Sequence[str] = (),
                     year: int | None = None) -> np.ndarray:
    """(n_groups, n_paths) float64 year total per group of ``by`` and path (read-only).

    Groups in :func:`summing_matrix` order; each row is the sum of its series'
    :func:`series_year_paths`. Computed once per forecast, level and year; those of
    :data:`GROUP_LEVELS` are stored with the forecast, so reading them reads no series'
    year totals.
    """
    year = rf.as_of.year if year is None else int(year)
    memo: dict[tuple[tuple[str, ...], int], np.ndarray | LazyArray] = rf.__dict__.setdefault(
        "_group_year", {})
    key = (tuple(by), year)
    if key not in memo:
        S, _ = summing_matrix(rf.keys, [tuple(by)])
        gp = _group_sum(S, series_year_paths(rf, year))
        gp.setflags(write=False)
        memo[key] = gp
    return _read(memo, key)


def group_year_rows(rf: RegionForecast, by: Sequence[str] = (), year: int | None = None
                    ) -> dict[tuple[str, ...], np.ndarray]:
    """:func:`group_year_paths` by group: the ``by`` values (a tuple) → (n_paths,) year totals.

    The region (``by`` empty) is ``()``. Stored with the forecast for :data:`GROUP_LEVELS`.
    """
    gp = group_year_paths(rf, by, year)
    if not by:
        return {(): gp[0]}
    _, labels = summing_matrix(rf.keys, [tuple(by)])
    values = labels[list(by)].itertuples(index=False, name=None)
    return {tuple(str(v) for v in key): gp[i] for i, key in enumerate(values)}


def group_summary_name(by: Sequence[str], year: int) -> str:
    """The name of a group level's year totals per path in :func:`group_summaries`."""
    return f"{GROUP_SUMMARY}{'/'.join(by) or 'total'}_{int(year)}"


def group_summaries(rf: RegionForecast) -> dict[str, np.ndarray]:
    """The group summaries stored with a forecast.

    :func:`group_year_paths` of every level of :data:`GROUP_LEVELS` and
    :func:`series_year_means`, for every summary year. Computed by those functions
    themselves, so a stored forecast's are exactly theirs.
    """
    out: dict[str, np.ndarray] = {}
    for year in summary_years(rf):
        for by in GROUP_LEVELS:
            out[group_summary_name(by, year)] = group_year_paths(rf, by, year)
        out[f"{SERIES_MEAN_SUMMARY}{year}"] = series_year_means(rf, year)
    return out


def group_counts(rf: RegionForecast) -> dict[tuple[str, ...], int]:
    """The number of groups of each level of :data:`GROUP_LEVELS`."""
    return {by: 1 if not by else len(group_codes(rf.keys, by)[1]) for by in GROUP_LEVELS}


def with_group_summaries(rf: RegionForecast, stored: Mapping[str, np.ndarray | LazyArray]
                         ) -> RegionForecast:
    """``rf`` with stored :func:`group_summaries` as those functions' results.

    Those not given are computed when asked (a forecast stored before they were); a
    :class:`LazyArray` is read when first asked for.

    Raises:
        ValueError: a given summary of the wrong shape.
    """
    n, p = rf.n_series, rf.n_paths
    groups = rf.__dict__.setdefault("_group_year", {})
    means = rf.__dict__.setdefault("_series_year_mean", {})
    counts = group_counts(rf)
    for year in summary_years(rf):
        for by in GROUP_LEVELS:
            a = stored.get(group_summary_name(by, year))
            if a is None:
                continue
            n_groups = counts[by]
            if tuple(a.shape) != (n_groups, p):
                raise ValueError(f"sammanfattningen {group_summary_name(by, year)} har fel form")
            groups[(tuple(by), year)] = a
        mean = stored.get(f"{SERIES_MEAN_SUMMARY}{year}")
        if mean is not None:
            if tuple(mean.shape) != (n,):
                raise ValueError(f"sammanfattningen {SERIES_MEAN_SUMMARY}{year} har fel form")
            means[year] = mean
    return rf


def totals_from_matrix(rf: RegionForecast, S: np.ndarray, year: int | None = None) -> pd.DataFrame:
    """Year-total figures for the groups of ``S`` (rows of ``S`` in order).

    Every figure of a group is computed from the sums over its bottom series: the paths are
    summed first and quantiles taken after; Prognos is ``S @`` the series' mean year totals.
    """
    year = rf.as_of.year if year is None else int(year)
    gp = _group_sum(S, series_year_paths(rf, year))
    gprev = None if year == rf.as_of.year else _group_sum(S, series_year_paths(rf, year - 1))
    return _totals(rf, S, year, gp, gprev)


def _totals(rf: RegionForecast, S: np.ndarray, year: int, gp: np.ndarray,
            gprev: np.ndarray | None) -> pd.DataFrame:
    """:func:`totals_from_matrix` given the groups' year totals per path.

    ``gprev``: the year before's, for a plan year (None for the as-of year).
    """
    current = year == rf.as_of.year
    prog = S @ series_year_means(rf, year)
    q = np.quantile(gp, [0.1, 0.5, 0.9], axis=1)
    zeros = np.zeros(rf.n_series)
    ytd = S @ (rf.ytd_outcome if current else zeros)
    bud = S @ (rf.annual_budget if current else np.full(rf.n_series, np.nan))
    prior_ytd = S @ (rf.prior_ytd_outcome if current else zeros)
    if gprev is None:
        prior = S @ rf.prior_year_outcome
        dev_paths = _pct(gp, prior)
    else:
        # A plan year is compared with the year before it, path by path (both forecast).
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
    year = rf.as_of.year if year is None else int(year)
    S, labels = summing_matrix(rf.keys, [tuple(by)])
    gprev = None if year == rf.as_of.year else group_year_paths(rf, by, year - 1)
    vals = _totals(rf, S, year, group_year_paths(rf, by, year), gprev)
    return pd.concat([labels[list(by)].reset_index(drop=True), vals], axis=1)


def year_forecast(rf: RegionForecast, by: Sequence[str] = (), *,
                  year: int | None = None) -> pd.Series:
    """The Prognos column of :func:`year_totals` alone, indexed by the ``by`` columns.

    The same numbers (``S @`` the series' mean year totals, stored with a forecast), without
    the groups' year totals per path that the quantiles need: a table that prints only
    Prognos reads no series' paths or year totals for a level that is not stored.
    """
    year = rf.as_of.year if year is None else int(year)
    S, labels = summing_matrix(rf.keys, [tuple(by)])
    frame = labels[list(by)].reset_index(drop=True)
    frame[FORECAST] = S @ series_year_means(rf, year)
    return frame.set_index(list(by))[FORECAST]


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


def _agency_year_rows(rf: RegionForecast, year: int | None
                      ) -> tuple[np.ndarray, np.ndarray]:
    """Every agency and personnel series (ascending) and their :func:`series_year_rows`.

    Read once per forecast and year: only these series' year totals, never the others'.
    """
    year = rf.as_of.year if year is None else int(year)
    memo: dict[int, tuple[np.ndarray, np.ndarray]] = rf.__dict__.setdefault(
        "_agency_year", {})
    if year not in memo:
        cat = rf.keys["category"].to_numpy()
        rows = np.flatnonzero((cat == INHYRD) | (cat == PERSONAL))
        yp = series_year_rows(rf, rows, year)
        yp.setflags(write=False)
        memo[year] = (rows, yp)
    return memo[year]


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
    used = np.flatnonzero(agency | personal)
    every, every_yp = _agency_year_rows(rf, year)
    yp = every_yp[np.searchsorted(every, used)]  # series_year_paths(rf, year)[used]
    a, p = yp[agency[used]].sum(axis=0), yp[personal[used]].sum(axis=0)
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
