"""Per-series method choice and the safe forecast with a fallback chain.

- :func:`choose` picks, for one series, the candidate with the lowest median APE of the
  YEAR-END TOTAL at the same cut-off month in earlier years (rolling origin, refit at every
  origin); with too few earlier years it returns a robust default and says so.
- :func:`forecast_with_fallback` forecasts with a method if the series allows it and otherwise
  walks down a chain of simpler methods; its note (Swedish, shown to users) says why.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.io.formatting import fmt_pct
from forecast.methods import REGISTRY, make_method
from forecast.methods.base import (
    Method,
    MethodFailed,
    check_history,
    cutoff_month,
    random_walk_paths,
)
from forecast.methods.cases import year_end_origins

DEFAULT_METHOD = "combo"
DEFAULT_CANDIDATES: tuple[str, ...] = (
    "three_year_profile",
    "prior_year_profile",
    "run_rate",
    "seasonal_naive",
    "seasonal_naive_growth",
    "remaining_budget",
    "budget_ratio",
    "theta",
)
"""Candidates of a free per-series choice (:class:`PerSeriesChoice`, ``choose_methods``
without candidates): the controllers' own methods (the budget methods where a budget exists)
and Theta. The standard årsprognos does not choose among them (measured less accurate than
``combo`` on M3)."""
ROBUST_METHODS: tuple[str, ...] = ("combo", "three_year_profile", "prior_year_profile")
"""Used, in this order, when the history is too short to choose by backtest."""
FALLBACK_CHAIN: tuple[str, ...] = (
    "three_year_profile",
    "prior_year_profile",
    "seasonal_naive",
    "run_rate",
)
PROFILE_METHODS = frozenset(
    {"three_year_profile", "prior_year_profile", "seasonal_naive_growth", "budget_ratio"}
)
MAX_CHOICE_ORIGINS = 5
CONSTANT_REL_SD = 0.02

NAMES: dict[str, str] = {
    "combo": "kombinationen",
    "ets": "ETS",
    "theta": "Theta",
    "ces": "CES",
    "arima": "ARIMA",
    "sarimax": "SARIMAX",
    "ucm": "UCM (nivå + säsong)",
    "three_year_profile": "treårsprofil",
    "prior_year_profile": "fjolårsprofil",
    "seasonal_naive": "säsongsnaiv",
    "seasonal_naive_growth": "säsongsnaiv med tillväxt",
    "run_rate": "snitt hittills i år",
    "remaining_budget": "återstående budget",
    "budget_ratio": "budgetkvot",
}


def display_name(alias: str) -> str:
    """The Swedish name of a method for notes."""
    return NAMES.get(alias, alias)


@dataclass(frozen=True)
class Choice:
    """The method chosen for one series and the evidence for it."""

    alias: str
    backtest_ape: float
    """Median year-end APE (%) of the chosen method in earlier years; NaN if not measured."""
    n_origins: int
    note: str
    errors: tuple[float, ...] = ()
    """Signed year-end errors 100·(actual − forecast)/|actual| of the chosen method, one per
    earlier year (1, 2, … years back; NaN where it could not be scored)."""


def year_end_ape(alias: str, y: np.ndarray, start_month: int, t_jan: int, n: int,
                 budget: np.ndarray | None = None) -> float:
    """APE (%) of the year total of the year starting at index ``t_jan`` after ``n`` months."""
    return abs(year_end_error(alias, y, start_month, t_jan, n, budget))


def year_end_error(alias: str, y: np.ndarray, start_month: int, t_jan: int, n: int,
                   budget: np.ndarray | None = None) -> float:
    """Signed error 100·(actual − forecast)/|actual| of a year total (see year_end_ape)."""
    hist = y[: t_jan + n]
    h = 12 - n
    bud = None if budget is None else budget[: t_jan + n]
    bf = None if budget is None else budget[t_jan + n : t_jan + 12]
    m = make_method(alias).fit(hist, start_month, budget=bud)
    fc = float(np.sum(y[t_jan : t_jan + n]) + np.sum(m.predict(h, budget_future=bf)))
    actual = float(np.sum(y[t_jan : t_jan + 12]))
    if actual == 0 or not np.isfinite(fc):
        raise MethodFailed("årstotalen är noll")
    return 100 * (actual - fc) / abs(actual)


def origins(n_obs: int, start_month: int, cutoff: int, max_origins: int = MAX_CHOICE_ORIGINS
            ) -> list[int]:
    """January indices of earlier complete years usable as origins at ``cutoff``.

    The 'current' year is the one the history's last month belongs to (the next one if the
    history ends in December); earlier years must lie fully inside the history.
    """
    return year_end_origins(n_obs, cutoff_month(n_obs, start_month), cutoff,
                            max_cases=max_origins)


def choose(
    y: np.ndarray,
    start_month: int,
    cutoff_month: int,
    candidates: Sequence[str],
    *,
    budget: np.ndarray | None = None,
    min_years: int = 3,
) -> Choice:
    """Pick the candidate with the lowest median year-end APE in earlier years.

    Args:
        y: monthly history.
        start_month: calendar month of ``y[0]``.
        cutoff_month: the cut-off month (1..11) whose year-end error is scored.
        candidates: method aliases to compare.
        budget: optional budget of the same months (for budget methods).
        min_years: fewer scored years than this → a robust default instead.
    """
    y = np.asarray(y, dtype=float)
    if not np.all(np.isfinite(y)):
        y = fill_gaps(y)[0]
    starts = origins(len(y), start_month, cutoff_month)
    signed: dict[str, list[float]] = {}
    for alias in candidates:
        errs = []
        for t_jan in starts:
            try:
                errs.append(year_end_error(alias, y, start_month, t_jan, cutoff_month, budget))
            except MethodFailed:
                errs.append(float("nan"))
        signed[alias] = errs
    scores = {a: [abs(e) for e in errs if np.isfinite(e)] for a, errs in signed.items()}
    enough = {a: float(np.median(e)) for a, e in scores.items() if len(e) >= min_years}
    if enough:
        best = min(enough, key=lambda a: (enough[a], list(candidates).index(a)))
        k = len(scores[best])
        # One candidate (the standard: combo backtested per series): the error has its own
        # column and nothing needs remarking; a real choice says why it chose.
        note = "" if len(enough) == 1 and len(candidates) == 1 else (
            f"Vald metod: {display_name(best)} (lägst medianfel för årsutfallet "
            f"{fmt_pct(enough[best])} över {k} tidigare år)")
        return Choice(best, enough[best], k, note, tuple(signed[best]))
    k_max = max((len(e) for e in scores.values()), default=0)
    for alias in ROBUST_METHODS:
        try:
            make_method(alias).fit(y, start_month, budget=budget)
        except MethodFailed:
            continue
        e = scores.get(alias, [])
        ape = float(np.median(e)) if e else float("nan")
        note = (f"Kort historik ({k_max} tidigare år att pröva på < {min_years}); "
                f"använder {display_name(alias)}")
        return Choice(alias, ape, len(e), note, tuple(signed.get(alias, ())))
    return Choice("run_rate", float("nan"), 0,
                  "För kort historik för att välja metod; använder snitt hittills i år")


def fill_gaps(y: np.ndarray) -> tuple[np.ndarray, int]:
    """Linearly interpolate NaN/inf gaps (edges take the nearest value); returns (y, count)."""
    y = np.asarray(y, dtype=float).copy()
    bad = ~np.isfinite(y)
    k = int(bad.sum())
    if k == 0:
        return y, 0
    if k == len(y):
        return np.zeros_like(y), k
    idx = np.arange(len(y))
    y[bad] = np.interp(idx[bad], idx[~bad], y[~bad])
    return y, k


def fallback_chain(alias: str, sign_changes: bool = False) -> list[str]:
    """The one fallback policy: ``alias``, then down :data:`FALLBACK_CHAIN` to simpler rules.

    An alias inside the chain continues from its own place; for a series that changes sign
    the profile methods are left out. When every method of the chain fails, the last resort
    is :func:`level_forecast` (``LAST_RESORT``).
    """
    chain = [alias] + [c for c in FALLBACK_CHAIN if c != alias]
    if alias in FALLBACK_CHAIN:
        chain = list(FALLBACK_CHAIN[FALLBACK_CHAIN.index(alias):])
    if sign_changes:
        chain = [c for c in chain if c not in PROFILE_METHODS]
    return chain


LAST_RESORT = "level"
"""Alias reported when every method of the chain failed (:func:`level_forecast`)."""


def level_forecast(y: np.ndarray, n: int, h: int, n_paths: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The last resort: the last 12 months' mean level, with a 10 % relative random walk."""
    level = float(np.mean(y[-min(len(y), 12):]))
    point = np.full(h, level)
    return point, random_walk_paths(point, 0.1, n, n_paths, rng)


def _why(alias: str, n_obs: int, exc: Exception) -> str:
    need = make_method(alias).min_history
    if n_obs < need:
        return f"För kort historik för {display_name(alias)} ({n_obs} mån < {need})"
    return f"{display_name(alias)} gick inte att skatta ({exc})"


class PerSeriesChoice(Method):
    """``choice``: a free per-series choice among ``candidates`` as one method.

    ``fit`` chooses among ``candidates`` by rolling-origin backtest of the year-end total at
    the history's own cut-off month (:func:`choose`), then fits the chosen method; so a
    backtest of ``choice`` measures the choice itself, nested inside each case.
    """

    alias = "choice"

    def __init__(self, candidates: Sequence[str] = DEFAULT_CANDIDATES) -> None:
        self.candidates = tuple(candidates)

    def fit(self, y: np.ndarray, start_month: int, *, budget: np.ndarray | None = None
            ) -> PerSeriesChoice:
        """Choose by backtest on ``y``, then fit the chosen method on all of ``y``."""
        y = check_history(y)
        n = cutoff_month(len(y), start_month)
        self.choice_ = choose(y, start_month, n, list(self.candidates), budget=budget)
        self.model_ = make_method(self.choice_.alias).fit(y, start_month, budget=budget)
        return self

    def predict(self, h: int, *, budget_future: np.ndarray | None = None) -> np.ndarray:
        """The chosen method's point forecast."""
        return self.model_.predict(h, budget_future=budget_future)

    def simulate(self, h: int, n_paths: int, rng: np.random.Generator, *,
                 budget_future: np.ndarray | None = None) -> np.ndarray:
        """The chosen method's paths."""
        return self.model_.simulate(h, n_paths, rng, budget_future=budget_future)


def forecast_with_fallback(
    alias: str,
    y: np.ndarray,
    start_month: int,
    h: int,
    n_paths: int,
    rng: np.random.Generator,
    *,
    budget: np.ndarray | None = None,
    budget_future: np.ndarray | None = None,
    method_kwargs: Mapping[str, Any] | None = None,
) -> tuple[np.ndarray, np.ndarray, str, str]:
    """Forecast with ``alias``, falling back along a chain when the series does not allow it.

    Never raises for odd data: all zeros, a constant, sign changes, NaN gaps and spikes give
    a forecast and a note. The chain is :func:`fallback_chain`. ``method_kwargs`` go to
    ``alias`` itself (not to a fallback) where its constructor takes them (e.g. the
    per-series backtest's ``own_errors`` for the combination's width).

    Returns:
        ``(point (h,), paths (n_paths, h), used_alias, note)``; note is '' when nothing
        special happened.
    """
    notes: list[str] = []
    y = np.asarray(y, dtype=float).ravel()
    if y.size and not np.all(np.isfinite(y)):
        y, k = fill_gaps(y)
        notes.append(f"{k} saknade månadsvärden ifyllda genom interpolation")
    n = cutoff_month(len(y), start_month) if y.size else 0
    special = _degenerate(y, n, h, n_paths, rng)
    if special is not None:
        notes.append(special[3])
        return special[0], special[1], special[2], "; ".join(notes)
    sign_changes = bool(np.any(y > 0) and np.any(y < 0))
    if sign_changes:
        notes.append("Serien byter tecken; profilmetoder används inte")
    budget_arr = None if budget is None else fill_gaps(np.asarray(budget, float))[0]
    first_failure = ""
    if sign_changes and alias in PROFILE_METHODS:
        first_failure = f"{display_name(alias)} passar inte en serie som byter tecken"
    for cand in fallback_chain(alias, sign_changes):
        try:
            point, paths = _fit_forecast(cand, y, start_month, h, n_paths, rng, budget_arr,
                                         budget_future,
                                         _accepted(cand, method_kwargs) if cand == alias
                                         else {})
        except MethodFailed as exc:
            first_failure = first_failure or _why(cand, len(y), exc)
            continue
        except Exception as exc:  # a library bug must not stop a region forecast
            first_failure = first_failure or \
                f"{display_name(cand)} misslyckades ({type(exc).__name__})"
            continue
        if cand != alias:
            notes.append(f"{first_failure}; använder {display_name(cand)}")
        return point, paths, cand, "; ".join(notes)
    point, paths = level_forecast(y, n, h, n_paths, rng)
    notes.append(f"{first_failure}; använder senaste årets snittnivå")
    return point, paths, LAST_RESORT, "; ".join(notes)


def _degenerate(y: np.ndarray, n: int, h: int, n_paths: int, rng: np.random.Generator
                ) -> tuple[np.ndarray, np.ndarray, str, str] | None:
    """All zeros or a constant: the forecast, its alias and note; None for any other series."""
    if y.size == 0 or np.all(y == 0):
        return np.zeros(h), np.zeros((n_paths, h)), "zeros", \
            "Historiken är bara nollor; prognosen är 0"
    if np.ptp(y[-min(len(y), 24):]) == 0:
        point = np.full(h, float(y[-1]))
        paths = random_walk_paths(point, CONSTANT_REL_SD, n, n_paths, rng)
        return point, paths, "constant", "Konstant serie; prognosen är samma nivå"
    return None


def _accepted(alias: str, kwargs: Mapping[str, Any] | None) -> dict[str, Any]:
    """The ``kwargs`` that ``alias``'s constructor takes (others are not for it)."""
    if not kwargs:
        return {}
    params = inspect.signature(REGISTRY[alias].__init__).parameters
    return {k: v for k, v in kwargs.items() if k in params}


def _fit_forecast(alias: str, y: np.ndarray, start_month: int, h: int, n_paths: int,
                  rng: np.random.Generator, budget: np.ndarray | None,
                  budget_future: np.ndarray | None,
                  kwargs: Mapping[str, Any] | None = None) -> tuple[np.ndarray, np.ndarray]:
    m = make_method(alias, **dict(kwargs or {})).fit(check_history(y), start_month,
                                                     budget=budget)
    point = m.predict(h, budget_future=budget_future)
    paths = m.simulate(h, n_paths, rng, budget_future=budget_future)
    if not (np.all(np.isfinite(point)) and np.all(np.isfinite(paths))):
        raise MethodFailed("icke ändliga värden i prognosen")
    return point, paths


__all__ = ["Choice", "choose", "fallback_chain", "fill_gaps", "forecast_with_fallback",
           "level_forecast"]
