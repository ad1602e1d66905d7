"""The region forecast: the contract between the forecast engine, scenarios and the front end.

Row ``i`` of every per-series array belongs to row ``i`` of ``keys`` (one bottom series: a
unit × leaf account). Paths are simulated monthly amounts in tkr, in the reports' sign
convention (revenue +, cost −), for the months after the as-of month through December of
``as_of.year + 2`` (the current year and two plan years). Totals of any group are sums over
its rows of these arrays: per path, then quantiles (never summed quantiles).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

QUANTILES = (0.1, 0.5, 0.9)


@dataclass(frozen=True)
class RegionForecast:
    """Baseline forecast of every bottom series of a data set at one as-of month."""

    as_of: pd.Period
    keys: pd.DataFrame
    """Columns: unit, account, division, account_type ('intakt'/'kostnad'), category."""
    months: pd.PeriodIndex
    """Forecast months: as_of + 1 … December of as_of.year + 2."""
    paths: np.ndarray
    """(n_series, n_paths, n_months) simulated amounts, tkr."""
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
        return self.paths.mean(axis=1, dtype=np.float64)

    @property
    def n_series(self) -> int:
        """Number of bottom series."""
        return len(self.keys)

    @property
    def n_paths(self) -> int:
        """Number of simulated paths per series."""
        return int(self.paths.shape[1])

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
            rest = self.paths[:, :, self.month_mask(year)].sum(axis=2, dtype=np.float64)
            rest.setflags(write=False)
            memo[year] = rest
        return memo[year]

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
