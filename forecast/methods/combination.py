"""Forecast combinations: the median (or mean) of several methods' point forecasts.

The year-end total sums many months, so combining diverse methods (Theta, CES and the
controllers' prior-year profile by default) removes much of each one's error. Paths are built
coherently: the combined point path plus the deviations of one model member's simulated paths
(``path_member``), scaled by ``path_scale`` (default: widening with the horizon) and, with
``insample_calibration`` and a member that supports it (ETS), by the ratio of its realised
in-sample errors of (12 − n)-month sums to its paths' spread. How the members and the
widening were chosen: ``bench/EXPERIMENTS.md``.
"""

from __future__ import annotations

from typing import ClassVar, Self

import numpy as np

from forecast.methods.base import (
    Method,
    MethodFailed,
    check_history,
    cutoff_month,
    rest_of_year_steps,
    scale_deviations,
)

OUT_OF_SAMPLE_WIDENING = 0.025
"""Default path scale is ``1 + 0.025 · (months left in the year)``: in-sample errors
understate out-of-sample ones, more so the longer the horizon (set on M3 series apart from
those that chose the members; see ``bench/EXPERIMENTS.md``)."""


def combine_points(points: np.ndarray, how: str = "median") -> np.ndarray:
    """Combine member point forecasts ``(k, h)`` into one ``(h,)`` path."""
    if how == "median":
        return np.median(points, axis=0)
    if how == "mean":
        return np.mean(points, axis=0)
    raise ValueError(f"unknown combination {how!r}")


class Combination(Method):
    """``combo``: median of Theta, CES and the prior-year profile (members configurable).

    Paths: Theta's simulated paths around the combined point, widened by
    :data:`OUT_OF_SAMPLE_WIDENING`. Why these members: ``bench/EXPERIMENTS.md``.
    """

    alias = "combo"
    min_history: ClassVar[int] = 25

    def __init__(
        self,
        members: tuple[str, ...] = ("theta", "ces", "prior_year_profile"),
        how: str = "median",
        path_member: str | None = "theta",
        path_scale: float | None = None,
        insample_calibration: bool = True,
        member_kwargs: dict[str, dict] | None = None,
    ) -> None:
        self.members = tuple(members)
        self.how = how
        self.path_member = path_member
        self.path_scale = path_scale
        self.insample_calibration = insample_calibration
        self.member_kwargs = member_kwargs or {}

    def _fit_members(self, y: np.ndarray, start_month: int,
                     budget: np.ndarray | None) -> dict[str, Method]:
        from forecast.methods import make_method

        fitted: dict[str, Method] = {}
        for alias in self.members:
            m = make_method(alias, **self.member_kwargs.get(alias, {}))
            try:
                fitted[alias] = m.fit(y, start_month, budget=budget)
            except MethodFailed:
                continue
        if not fitted:
            raise MethodFailed("kombination: ingen av metoderna kunde skattas")
        return fitted

    def _point(self, fitted: dict[str, Method], h: int,
               budget_future: np.ndarray | None) -> np.ndarray:
        pts = []
        for m in fitted.values():
            try:
                p = m.predict(h, budget_future=budget_future)
            except MethodFailed:
                continue
            if np.all(np.isfinite(p)):
                pts.append(p)
        if not pts:
            raise MethodFailed("kombination: ingen metod gav en prognos")
        return combine_points(np.vstack(pts), self.how)

    def _path_source(self, fitted: dict[str, Method]) -> Method:
        if self.path_member in fitted:
            return fitted[self.path_member]
        return next(iter(fitted.values()))

    def fit(self, y: np.ndarray, start_month: int, *, budget: np.ndarray | None = None) -> Self:
        """Fit every member (failing members are left out) and calibrate the path scale."""
        y = check_history(y)
        if len(y) < self.min_history:
            raise MethodFailed(f"för kort historik ({len(y)} mån < {self.min_history})")
        self.fitted_ = self._fit_members(y, start_month, budget)
        self.n_ = cutoff_month(len(y), start_month)
        base = (self.path_scale if self.path_scale is not None
                else 1.0 + OUT_OF_SAMPLE_WIDENING * (12 - self.n_))
        self.scale_ = base
        scale_fn = getattr(self._path_source(self.fitted_), "rest_error_scale", None)
        if self.insample_calibration and scale_fn is not None:
            self.scale_ *= scale_fn(12 - self.n_)
        return self

    def predict(self, h: int, *, budget_future: np.ndarray | None = None) -> np.ndarray:
        """The combined point forecast."""
        return self._point(self.fitted_, h, budget_future)

    def simulate(self, h: int, n_paths: int, rng: np.random.Generator, *,
                 budget_future: np.ndarray | None = None) -> np.ndarray:
        """Combined point path + one member's path deviations × the calibrated scale."""
        point = self.predict(h, budget_future=budget_future)
        src = self._path_source(self.fitted_)
        sims = src.simulate(h, n_paths, rng, budget_future=budget_future)
        centre = sims.mean(axis=0)
        return scale_deviations(sims - centre[None, :] + point[None, :], point, self.scale_)

    @property
    def used_members(self) -> tuple[str, ...]:
        """Members that were fitted (after ``fit``)."""
        return tuple(self.fitted_)

    def __repr__(self) -> str:
        return f"Combination(members={self.members}, how={self.how!r})"


def rest_total(paths: np.ndarray, n: int) -> np.ndarray:
    """Sum of each path over the rest of the current year."""
    return paths[:, : rest_of_year_steps(n, paths.shape[1])].sum(axis=1)
