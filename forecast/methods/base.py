"""The forecasting method interface and the pure helpers every method shares.

A method is one small class: configuration in ``__init__``, fitted state set by ``fit``,
``predict`` for the point forecast and ``simulate`` for joint sample paths over the forecast
months (so sums over months, e.g. the year total, have the right spread).

Calendar convention: ``start_month`` is the calendar month (1..12) of ``y[0]``; the last
observation's calendar month is the *cut-off month* ``n`` (0 when the history ends in
December, i.e. nothing of the next year is known yet).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Self

import numpy as np


class MethodFailed(RuntimeError):
    """A method cannot be fitted or cannot forecast this series."""


def cutoff_month(n_obs: int, start_month: int) -> int:
    """Calendar month (1..11) of the last observation, or 0 when it is December.

    Args:
        n_obs: number of observations.
        start_month: calendar month (1..12) of the first observation.

    Returns:
        The number of months of the current calendar year already observed (0..11).
    """
    last = (start_month - 1 + n_obs - 1) % 12 + 1
    return 0 if last == 12 else last


def forecast_months(n: int, h: int) -> tuple[np.ndarray, np.ndarray]:
    """Calendar months (1..12) and year offsets (0 = current year) of ``h`` forecast steps.

    Args:
        n: cut-off month (0..11).
        h: horizon in months.
    """
    idx = n + np.arange(h)
    return idx % 12 + 1, idx // 12


def rest_of_year_steps(n: int, h: int) -> int:
    """Number of forecast steps (out of ``h``) that fall in the current calendar year."""
    return min(h, 12 - n)


def check_history(y: np.ndarray) -> np.ndarray:
    """Return ``y`` as a 1-d float array, raising MethodFailed on NaN/inf or emptiness."""
    arr = np.asarray(y, dtype=float).ravel()
    if arr.size == 0:
        raise MethodFailed("tom historik")
    if not np.all(np.isfinite(arr)):
        raise MethodFailed("historiken innehåller saknade eller oändliga värden")
    return arr


def random_walk_paths(
    point: np.ndarray, rel_sd_rest: float, n: int, n_paths: int, rng: np.random.Generator
) -> np.ndarray:
    """Joint paths around ``point`` whose rest-of-year total has relative sd ``rel_sd_rest``.

    The relative deviation of month ``j`` is a Gaussian random walk ``d_j = s·(z_1+…+z_j)``
    (so uncertainty grows with the horizon and later plan years are wider). ``s`` is chosen so
    that the sum over the rest of the current year deviates from its point value by a relative
    sd of ``rel_sd_rest`` of the forecast year total (``|ytd| + |rest|`` is approximated by the
    magnitude of the point path over the rest of the year, made per-month).

    Args:
        point: (h,) point forecast.
        rel_sd_rest: relative sd of the rest-of-year total (as a share of that total's size).
        n: cut-off month (0..11).
        n_paths: number of paths.
        rng: random generator.

    Returns:
        (n_paths, h) paths.
    """
    point = np.asarray(point, dtype=float)
    h = point.size
    r = max(rest_of_year_steps(n, h), 1)
    mag = np.abs(point)
    w = mag[:r]
    # Var(sum_j w_j d_j) = s^2 * sum_i (sum_{j>=i} w_j)^2
    tail = np.cumsum(w[::-1])[::-1]
    denom = np.sqrt(np.sum(tail**2))
    total = np.sum(w)
    s = 0.0 if denom == 0 or not np.isfinite(rel_sd_rest) else rel_sd_rest * total / denom
    z = rng.standard_normal((n_paths, h))
    d = s * np.cumsum(z, axis=1)
    return point[None, :] + mag[None, :] * d


def scale_deviations(paths: np.ndarray, point: np.ndarray, factor: float) -> np.ndarray:
    """Paths with their deviations from ``point`` multiplied by ``factor``."""
    return point[None, :] + factor * (paths - point[None, :])


class Method(ABC):
    """One forecasting method (statsforecast-style: config in ``__init__``, state by ``fit``).

    Attributes:
        alias: the name the method is registered and reported under.
        min_history: months of history needed; with fewer the caller falls back.
    """

    alias: ClassVar[str]
    min_history: ClassVar[int]

    @abstractmethod
    def fit(self, y: np.ndarray, start_month: int, *, budget: np.ndarray | None = None) -> Self:
        """Fit on a monthly history.

        Args:
            y: monthly history (float; may contain zeros and negatives, not NaN).
            start_month: calendar month 1..12 of ``y[0]``.
            budget: the periodised budget of the same months, optional regressor.

        Returns:
            self, fitted.

        Raises:
            MethodFailed: the model cannot be fitted to this series.
        """

    @abstractmethod
    def predict(self, h: int, *, budget_future: np.ndarray | None = None) -> np.ndarray:
        """(h,) point forecast of the ``h`` months after the history."""

    @abstractmethod
    def simulate(self, h: int, n_paths: int, rng: np.random.Generator, *,
                 budget_future: np.ndarray | None = None) -> np.ndarray:
        """(n_paths, h) sample paths, joint over months."""

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
