"""The region forecast: the contract between the forecast engine, scenarios and the front end.

Row ``i`` of every per-series array belongs to row ``i`` of ``keys`` (one bottom series: a
unit × leaf account). Paths are simulated monthly amounts in tkr, in the reports' sign
convention (revenue +, cost −), for the months after the as-of month through December of
``as_of.year + 2`` (the current year and two plan years). Totals of any group are sums over
its rows of these arrays: per path, then quantiles (never summed quantiles).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

QUANTILES = (0.1, 0.5, 0.9)


class LazyArray:
    """An array not yet read: its shape, and how to read it (e.g. from the store).

    ``read_rows(rows)`` reads some rows (first axis) alone; without it :meth:`rows` reads all.
    """

    def __init__(self, shape: tuple[int, ...], read: Callable[[], np.ndarray],
                 read_rows: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        self.shape = tuple(int(d) for d in shape)
        self._read = read
        self._read_rows = read_rows

    def read(self) -> np.ndarray:
        """The array, checked against the announced shape."""
        a = self._read()
        if tuple(a.shape) != self.shape:
            raise ValueError(f"fältet har formen {a.shape}, väntat {self.shape}")
        return a

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), …) the rows ``rows`` (only they are read if the source can read rows)."""
        rows = np.asarray(rows, dtype=np.int64)
        a = self._read_rows(rows) if self._read_rows is not None else self.read()[rows]
        if tuple(a.shape) != (len(rows), *self.shape[1:]):
            raise ValueError(f"raderna har formen {a.shape}, väntat {(len(rows), *self.shape[1:])}")
        return a

    def __reduce__(self) -> tuple[Any, tuple[np.ndarray]]:
        """Pickled (a copy, another process) as the array it reads."""
        return np.asarray, (self.read(),)


class LazyPaths(LazyArray):
    """Paths not yet read: their shape, and how to read them, all or some series.

    A stored forecast is opened with its summaries (:func:`summaries`) and these; the
    (n_series, n_paths, n_months) array is read the first time ``RegionForecast.paths`` is
    used, by a consumer that truly needs the per-series paths; :meth:`rows` reads some
    series' paths alone.
    """

    def __init__(self, shape: tuple[int, int, int], read: Callable[[], np.ndarray],
                 read_rows: Callable[[np.ndarray], np.ndarray] | None = None) -> None:
        super().__init__(shape, read, read_rows)


class _PathsField:
    """The ``paths`` field: an array, or :class:`LazyPaths` read on first use (then kept)."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._slot = f"_{name}"

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            raise AttributeError("paths")  # the field has no default
        value = obj.__dict__[self._slot]
        if isinstance(value, LazyPaths):
            value = value.read()
            obj.__dict__[self._slot] = value
        return value

    def __set__(self, obj: Any, value: np.ndarray | LazyPaths) -> None:
        obj.__dict__[self._slot] = value


@dataclass(frozen=True)
class RegionForecast:
    """Baseline forecast of every bottom series of a data set at one as-of month."""

    as_of: pd.Period
    keys: pd.DataFrame
    """Columns: unit, account, division, account_type ('intakt'/'kostnad'), category."""
    months: pd.PeriodIndex
    """Forecast months: as_of + 1 … December of as_of.year + 2."""
    paths: np.ndarray
    """(n_series, n_paths, n_months) simulated amounts, tkr (read on first use when given as
    :class:`LazyPaths`: the field is a :class:`_PathsField`, installed below)."""
    point: np.ndarray
    """(n_series, n_months) point forecast (the method's mean/median path), tkr."""
    ytd_outcome: np.ndarray
    """(n_series,) outcome January … as_of of as_of.year, tkr."""
    annual_budget: np.ndarray
    """(n_series,) budget for the whole of as_of.year, tkr (0 where none)."""
    prior_ytd_outcome: np.ndarray
    """(n_series,) outcome of the same months of the previous year, tkr."""
    prior_year_outcome: np.ndarray
    """(n_series,) outcome of the whole previous year, tkr."""
    method: tuple[str, ...]
    """Per series: alias of the method used."""
    backtest_ape: np.ndarray
    """(n_series,) the method's backtested median year-end APE in %, NaN if unknown."""
    notes: tuple[str, ...]
    """Per series: fallbacks and warnings, '' if none (Swedish, shown to users)."""
    input_hash: str = ""
    seed: int = 0
    level_correction: tuple[tuple[str, float, int], ...] = ()
    """Per account type corrected: (type, correction % of the year total, earlier years) of
    :mod:`forecast.engine.level`; empty if none was made."""
    totals_width: tuple[tuple[str, float], ...] = ()
    """Per net total widened by :mod:`forecast.engine.totals_width`: (division or
    'Regionen', factor on its series' path deviations); empty if none was."""

    @functools.cached_property
    def expected(self) -> np.ndarray:
        """(n_series, n_months) mean of the paths per month (float64).

        The årsprognos's own monthly amounts, which every table and the scenario base sum
        (``point`` is the method's own path).
        """
        return path_means(self.paths)

    @property
    def n_series(self) -> int:
        """Number of bottom series."""
        return len(self.keys)

    @property
    def n_paths(self) -> int:
        """Number of simulated paths per series (known without reading lazy paths)."""
        return int(self.__dict__["_paths"].shape[1])

    def row_paths(self, rows: np.ndarray) -> np.ndarray:
        """(len(rows), n_paths, n_months) the paths of series ``rows`` (a new array).

        Read without the other series' paths while the paths are not yet read.
        """
        value = self.__dict__["_paths"]
        if isinstance(value, LazyPaths):
            return value.rows(rows)
        return value[np.asarray(rows, dtype=np.int64)]

    @property
    def paths_shape(self) -> tuple[int, int, int]:
        """(n_series, n_paths, n_months), known without reading lazy paths."""
        n, p, m = self.__dict__["_paths"].shape
        return int(n), int(p), int(m)

    @property
    def paths_read(self) -> bool:
        """False while the paths are :class:`LazyPaths` not yet read."""
        return not isinstance(self.__dict__["_paths"], LazyPaths)

    def month_mask(self, year: int) -> np.ndarray:
        """Boolean mask over ``months`` selecting the forecast months of ``year``."""
        return np.asarray(self.months.year == year)

    def row_mask(self, **equals: str) -> np.ndarray:
        """Boolean mask over series, e.g. ``row_mask(division='Kirurgi')`` (all if none)."""
        mask = np.ones(self.n_series, dtype=bool)
        for col, val in equals.items():
            mask &= (self.keys[col] == val).to_numpy()
        return mask

    def year_rest(self, year: int) -> np.ndarray:
        """(n_series, n_paths) float64 sum of each path's forecast months of ``year`` (read-only).

        Computed once per forecast and year (the forecast is immutable): every year total,
        table, report and scenario sums these instead of the (n_series, n_paths, n_months)
        paths again.
        """
        memo: dict[int, np.ndarray] = self.__dict__.setdefault("_year_rest", {})
        year = int(year)
        if year not in memo:
            rest = months_sum(self.paths, self.month_mask(year))
            rest.setflags(write=False)
            memo[year] = rest
        elif isinstance(memo[year], LazyArray):  # stored, read on first use
            memo[year] = memo[year].read()  # type: ignore[attr-defined]
        return memo[year]

    def year_rest_rows(self, year: int, rows: np.ndarray) -> np.ndarray:
        """(len(rows), n_paths) ``year_rest(year)[rows]``.

        A stored year not yet read reads only these series' rows (and keeps them unread).
        """
        value = self.__dict__.get("_year_rest", {}).get(int(year))
        if isinstance(value, LazyArray):
            return value.rows(rows)
        return self.year_rest(year)[np.asarray(rows, dtype=np.int64)]

    def total_paths(self) -> np.ndarray:
        """(n_paths, n_months) float64 the region's total per path and month (read-only).

        The sum over every series, computed once per forecast: the region's fan, its months
        and its accumulated chart read it instead of the per-series paths.
        """
        memo: dict[str, np.ndarray] = self.__dict__.setdefault("_totals", {})
        if "region" not in memo:
            tot = self.paths.sum(axis=0, dtype=np.float64)
            tot.setflags(write=False)
            memo["region"] = tot
        return memo["region"]

    def year_total_paths(self, rows: np.ndarray | None = None) -> np.ndarray:
        """(n_paths,) year total of as_of.year over ``rows``: outcome so far + each path's rest."""
        rest = self.year_rest(self.as_of.year)
        if rows is None:
            return float(self.ytd_outcome.sum()) + rest.sum(axis=0)
        return float(self.ytd_outcome[rows].sum()) + rest[rows].sum(axis=0)

    def year_total_quantiles(self, rows: np.ndarray | None = None) -> dict[float, float]:
        """P10/P50/P90 of the year total over ``rows`` from the summed paths."""
        tot = self.year_total_paths(rows)
        return {q: float(np.quantile(tot, q)) for q in QUANTILES}


def path_means(paths: np.ndarray) -> np.ndarray:
    """(n, n_months) float64 mean over the paths of (n, n_paths, n_months) ``paths``.

    Row by row: the rows of a part are bit for bit those of the whole.
    """
    return paths.mean(axis=1, dtype=np.float64)


def months_sum(paths: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """(n, n_paths) float64 sum of each path over the months of ``mask`` (row by row)."""
    return paths[:, :, mask].sum(axis=2, dtype=np.float64)

_FIELD = _PathsField()
_FIELD.__set_name__(RegionForecast, "paths")
RegionForecast.paths = _FIELD  # type: ignore[assignment]
"""Installed after the dataclass is made (the field keeps no default); ``__init__`` and
``replace`` store through it, so ``paths`` may be given as :class:`LazyPaths`."""


def lazy(paths: LazyPaths) -> np.ndarray:
    """``paths`` as the value of the ``paths`` field (typed as the array it reads)."""
    return paths  # type: ignore[return-value]


SUMMARY_EXPECTED = "expected"
SUMMARY_TOTAL = "total_paths"
SUMMARY_YEAR_REST = "year_rest_"
"""Summary names: ``expected``, ``total_paths`` and ``year_rest_<year>`` per forecast year."""


def summary_years(rf: RegionForecast) -> list[int]:
    """The years whose totals per series and path are kept.

    The as-of year (even with none of its months left, after a December) and every
    forecast month's year.
    """
    return sorted({int(rf.as_of.year), *(int(y) for y in rf.months.year)})


def summaries(rf: RegionForecast) -> dict[str, np.ndarray]:
    """What a page, report or export reads instead of the per-series paths.

    Computed by the forecast's own methods (:attr:`RegionForecast.expected`,
    :meth:`RegionForecast.year_rest` of every forecast year, :meth:`RegionForecast.total_paths`),
    so a stored forecast's summaries are exactly what those methods give on its paths; the
    store keeps them and :func:`with_summaries` puts them back.
    """
    out = {SUMMARY_EXPECTED: rf.expected, SUMMARY_TOTAL: rf.total_paths()}
    for year in summary_years(rf):
        out[f"{SUMMARY_YEAR_REST}{year}"] = rf.year_rest(year)
    return out


def with_summaries(rf: RegionForecast, stored: Mapping[str, np.ndarray | LazyArray], *,
                   complete: bool = True) -> RegionForecast:
    """``rf`` with given :func:`summaries` as its methods' results (no recomputation).

    Args:
        rf: a forecast not yet used (its methods have computed nothing).
        stored: name → array, as :func:`summaries` names them (a year's totals may be a
            :class:`LazyArray`, read when that year is first asked for).
        complete: every summary must be given (a stored forecast); else those given are set
            and the others computed from the paths when asked.

    Raises:
        ValueError: a summary of the wrong shape, or (``complete``) one missing.
    """
    n, p, m = rf.n_series, rf.n_paths, len(rf.months)
    shapes = {SUMMARY_EXPECTED: (n, m), SUMMARY_TOTAL: (p, m)}
    years = summary_years(rf)
    shapes.update({f"{SUMMARY_YEAR_REST}{y}": (n, p) for y in years})
    for name, shape in shapes.items():
        if (complete and name not in stored) or (
                name in stored and tuple(stored[name].shape) != shape):
            raise ValueError(f"sammanfattningen {name} saknas eller har fel form")
    for name in (SUMMARY_EXPECTED, SUMMARY_TOTAL):
        if isinstance(stored.get(name), LazyArray):
            raise ValueError(f"sammanfattningen {name} ska vara läst")
    if SUMMARY_EXPECTED in stored:
        rf.__dict__["expected"] = stored[SUMMARY_EXPECTED]
    if SUMMARY_TOTAL in stored:
        rf.__dict__.setdefault("_totals", {})["region"] = stored[SUMMARY_TOTAL]
    memo = rf.__dict__.setdefault("_year_rest", {})
    for y in years:
        if f"{SUMMARY_YEAR_REST}{y}" in stored:
            memo[y] = stored[f"{SUMMARY_YEAR_REST}{y}"]
    return rf
