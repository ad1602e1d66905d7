"""The controllers' own forecasting rules, as methods with honest ranges.

Every baseline is a pure point function ``f(y, n, h, budget, budget_future) -> (h,)``
(``n`` the cut-off month). Its range comes from the method's *own* year-end errors on the
series' history: the same rule applied at the same cut-off month in earlier years, scored on
the year total (see :func:`own_year_end_errors`; the years come from
:func:`forecast.methods.cases.year_end_origins`), shrunk toward a prior from the seasonal
naive rule when few earlier years exist. Paths are a relative random walk around the point
forecast (:func:`forecast.methods.base.random_walk_paths`), so the plan years widen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import ClassVar, Self

import numpy as np

from forecast.methods.base import (
    Method,
    MethodFailed,
    check_history,
    cutoff_month,
    forecast_months,
    random_walk_paths,
    rest_of_year_steps,
)
from forecast.methods.cases import year_end_origins

PointFn = Callable[[np.ndarray, int, int, np.ndarray | None, np.ndarray | None], np.ndarray]

MAX_RANGE_ORIGINS = 6
"""Earlier years used to calibrate a baseline's range."""
PRIOR_WEIGHT = 1.0
"""Weight (in pseudo-years) of the prior spread against the method's own errors."""
DEFAULT_REL_SD = 0.05
"""Relative sd of the year total used when no earlier year can be scored at all."""


# --------------------------------------------------------------------------- point rules
def _ytd(y: np.ndarray, n: int) -> np.ndarray:
    return y[len(y) - n :] if n > 0 else y[:0]


def _year_block(y: np.ndarray, n: int, back: int) -> np.ndarray:
    """The 12 calendar months of year ``Y - back`` (Y the current year); needs the history."""
    end = len(y) - n - 12 * (back - 1)
    start = end - 12
    if start < 0:
        raise MethodFailed(f"för kort historik: behöver {n + 12 * back} månader")
    return y[start:end]


def _safe_ratio(num: float, den: float, what: str) -> float:
    if den == 0 or not np.isfinite(den) or not np.isfinite(num):
        raise MethodFailed(f"{what}: division med noll")
    return num / den


def run_rate_point(y, n, h, budget=None, budget_future=None) -> np.ndarray:
    """Remaining months at the year-to-date mean (last 12 months' mean when ``n == 0``)."""
    base = _ytd(y, n) if n > 0 else y[-12:]
    return np.full(h, float(np.mean(base)))


def seasonal_naive_point(y, n, h, budget=None, budget_future=None) -> np.ndarray:
    """The same months one year earlier, unchanged (repeated for later years)."""
    if len(y) < 12:
        raise MethodFailed("för kort historik: behöver 12 månader")
    last = y[-12:]
    return last[np.arange(h) % 12].astype(float)


def seasonal_naive_growth_point(y, n, h, budget=None, budget_future=None) -> np.ndarray:
    """Seasonal naive times the rolling-12-month growth (last 12 months over the 12 before).

    (Scaling by the year-to-date growth instead would be exactly ``prior_year_profile``.)
    """
    if len(y) < 24:
        raise MethodFailed("för kort historik: behöver 24 månader")
    g = _safe_ratio(float(np.sum(y[-12:])), float(np.sum(y[-24:-12])), "R12-tillväxt")
    if g <= 0:
        raise MethodFailed("R12-tillväxten är inte positiv")
    return seasonal_naive_point(y, n, h) * g


def _profile_point(ytd_sum: float, n: int, h: int, shares: np.ndarray, r12: float) -> np.ndarray:
    """Distribute a year total estimated from ``shares`` (12 monthly shares of the year)."""
    s_known = float(np.sum(shares[:n]))
    if n > 0:
        if not np.isfinite(s_known) or s_known < 0.02:
            raise MethodFailed("andelen hittills av fjolårets total är noll eller negativ")
        total = ytd_sum / s_known
    else:
        total = r12
    months, _ = forecast_months(n, h)
    return total * shares[months - 1]


def prior_year_profile_point(y, n, h, budget=None, budget_future=None) -> np.ndarray:
    """Year total = YTD ÷ last year's share in months 1..n; rest by last year's shape."""
    last = _year_block(y, n, 1)
    tot = float(np.sum(last))
    if tot == 0:
        raise MethodFailed("fjolårets total är noll")
    shares = last / tot
    return _profile_point(float(np.sum(_ytd(y, n))), n, h, shares, tot)


def three_year_profile_point(y, n, h, budget=None, budget_future=None) -> np.ndarray:
    """As ``prior_year_profile`` with the monthly shares averaged over three years."""
    blocks = [_year_block(y, n, k) for k in (1, 2, 3)]
    tots = np.array([np.sum(b) for b in blocks])
    if np.any(tots == 0):
        raise MethodFailed("en av de tre senaste årens total är noll")
    if np.any(np.sign(tots) != np.sign(tots[0])):
        raise MethodFailed("årstotalerna byter tecken")
    shares = np.mean([b / t for b, t in zip(blocks, tots, strict=True)], axis=0)
    return _profile_point(float(np.sum(_ytd(y, n))), n, h, shares, float(tots[0]))


def remaining_budget_point(y, n, h, budget=None, budget_future=None) -> np.ndarray:
    """The budget of the remaining months (forecast = YTD outcome + remaining budget)."""
    if budget_future is None or len(budget_future) < h:
        raise MethodFailed("budget saknas för prognosmånaderna")
    return np.asarray(budget_future[:h], dtype=float)


def budget_ratio_point(y, n, h, budget=None, budget_future=None) -> np.ndarray:
    """Remaining budget × YTD outcome ÷ YTD budget (last 12 months when ``n == 0``)."""
    if budget is None or budget_future is None or len(budget_future) < h:
        raise MethodFailed("budget saknas")
    budget = np.asarray(budget, dtype=float)
    k = n if n > 0 else min(12, len(y))
    ratio = _safe_ratio(float(np.sum(y[-k:])), float(np.sum(budget[-k:])), "budgetkvot")
    return np.asarray(budget_future[:h], dtype=float) * ratio


# --------------------------------------------------------------------------- ranges
def own_year_end_errors(
    point_fn: PointFn,
    y: np.ndarray,
    n: int,
    *,
    budget: np.ndarray | None = None,
    max_origins: int = MAX_RANGE_ORIGINS,
    min_obs: int = 1,
) -> np.ndarray:
    """Relative year-end errors of ``point_fn`` at cut-off ``n`` in earlier years of ``y``.

    For ``k = 1, 2, …`` the history is cut ``12·k`` months earlier (same cut-off month), the
    rule forecasts the rest of that year, and the error is
    ``(actual total − forecast total) / |forecast total|``. Origins where the rule fails or
    that have fewer than ``min_obs`` observations are skipped.

    Returns:
        The errors, most recent year first (possibly empty).
    """
    r = 12 - n
    errs: list[float] = []
    for t_jan in year_end_origins(len(y), n, n, max_cases=max_origins,
                                  min_history=max(min_obs, 1)):
        cut = t_jan + n
        hist = y[:cut]
        bud = None if budget is None else budget[:cut]
        bud_f = None if budget is None else budget[cut : cut + r]
        try:
            fc = point_fn(hist, n, r, bud, bud_f)
        except MethodFailed:
            continue
        ytd = float(np.sum(_ytd(hist, n)))
        f_tot = ytd + float(np.sum(fc))
        a_tot = ytd + float(np.sum(y[cut : cut + r]))
        if f_tot == 0 or not np.isfinite(f_tot):
            continue
        errs.append((a_tot - f_tot) / abs(f_tot))
    return np.asarray(errs, dtype=float)


def shrunk_rel_sd(own: np.ndarray, prior: np.ndarray, prior_weight: float = PRIOR_WEIGHT) -> float:
    """Relative sd of the year total: own errors' RMS shrunk toward the prior errors' RMS."""
    own = own[np.isfinite(own)]
    prior = prior[np.isfinite(prior)]
    p2 = float(np.mean(prior**2)) if prior.size else DEFAULT_REL_SD**2
    num = prior_weight * p2 + float(np.sum(own**2))
    return float(np.sqrt(num / (prior_weight + own.size)))


def year_end_rel_sd(
    point_fn: PointFn, y: np.ndarray, n: int, budget: np.ndarray | None = None
) -> float:
    """Calibrated relative sd of the year total for ``point_fn`` on this series."""
    own = own_year_end_errors(point_fn, y, n, budget=budget)
    prior = own_year_end_errors(seasonal_naive_point, y, n)
    return shrunk_rel_sd(own, prior)


def rest_share_sd(rel_sd_total: float, y: np.ndarray, n: int, point: np.ndarray) -> float:
    """Convert a relative sd of the year total into one of the rest-of-year point total."""
    ytd = float(np.sum(_ytd(y, n)))
    rest = float(np.sum(np.abs(point[: rest_of_year_steps(n, point.size)])))
    total = abs(ytd + float(np.sum(point[: rest_of_year_steps(n, point.size)])))
    if rest == 0:
        return 0.0
    return rel_sd_total * total / rest


# --------------------------------------------------------------------------- classes
class _RuleMethod(Method):
    """A baseline defined by a pure point rule; ranges from its own earlier-year errors."""

    rule: ClassVar[PointFn]
    needs_budget: ClassVar[bool] = False

    def __init_subclass__(cls, *, alias: str, min_history: int, rule: PointFn,
                          needs_budget: bool = False, **kwargs: object) -> None:
        """A rule method is its class keywords: ``class RunRate(_RuleMethod, alias=…, …)``."""
        super().__init_subclass__(**kwargs)
        cls.alias = alias
        cls.min_history = min_history
        cls.rule = staticmethod(rule)
        cls.needs_budget = needs_budget

    def fit(self, y: np.ndarray, start_month: int, *, budget: np.ndarray | None = None) -> Self:
        """Store the history and calibrate the range on the series' earlier years."""
        y = check_history(y)
        if len(y) < self.min_history:
            raise MethodFailed(
                f"för kort historik ({len(y)} mån < {self.min_history})"
            )
        if self.needs_budget and budget is None:
            raise MethodFailed("budget saknas")
        self.y_ = y
        self.n_ = cutoff_month(len(y), start_month)
        self.budget_ = None if budget is None else np.asarray(budget, dtype=float)
        if not self.needs_budget:
            type(self).rule(y, self.n_, 1, None, None)  # raises MethodFailed if unusable
        self.__dict__.pop("rel_sd_", None)  # a refit recalibrates the range
        return self

    @cached_property
    def rel_sd_(self) -> float:
        """Calibrated relative sd of the year total, computed when a range is first needed.

        A combination member or a backtest that only asks for the point never pays for it.
        """
        return year_end_rel_sd(type(self).rule, self.y_, self.n_, self.budget_)

    def predict(self, h: int, *, budget_future: np.ndarray | None = None) -> np.ndarray:
        """Point forecast from the rule."""
        return type(self).rule(self.y_, self.n_, h, self.budget_, budget_future)

    def simulate(self, h: int, n_paths: int, rng: np.random.Generator, *,
                 budget_future: np.ndarray | None = None) -> np.ndarray:
        """Random-walk paths whose year total spread matches the calibrated errors."""
        point = self.predict(h, budget_future=budget_future)
        sd = rest_share_sd(self.rel_sd_, self.y_, self.n_, point)
        return random_walk_paths(point, sd, self.n_, n_paths, rng)


class RunRate(_RuleMethod, alias="run_rate", min_history=1, rule=run_rate_point):
    """``run_rate``: actual so far · 12 / n (remaining months at the YTD mean)."""


class SeasonalNaive(_RuleMethod, alias="seasonal_naive", min_history=12, rule=seasonal_naive_point):
    """``seasonal_naive``: the remaining months of the previous year, unchanged."""


class SeasonalNaiveGrowth(_RuleMethod, alias="seasonal_naive_growth", min_history=24,
                          rule=seasonal_naive_growth_point):
    """``seasonal_naive_growth``: last year's months × rolling-12-month growth."""


class PriorYearProfile(_RuleMethod, alias="prior_year_profile", min_history=12,
                       rule=prior_year_profile_point):
    """``prior_year_profile``: YTD ÷ last year's share of its total in months 1..n."""


class ThreeYearProfile(_RuleMethod, alias="three_year_profile", min_history=36,
                       rule=three_year_profile_point):
    """``three_year_profile``: YTD ÷ the three-year average share in months 1..n."""


class RemainingBudget(_RuleMethod, alias="remaining_budget", min_history=1,
                      rule=remaining_budget_point, needs_budget=True):
    """``remaining_budget``: YTD outcome + the budget of the remaining months."""


class BudgetRatio(_RuleMethod, alias="budget_ratio", min_history=1,
                  rule=budget_ratio_point, needs_budget=True):
    """``budget_ratio``: remaining budget × YTD outcome ÷ YTD budget."""
