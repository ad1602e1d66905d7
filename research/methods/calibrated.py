"""``combo_cal``: a combination with a year-total range calibrated on out-of-sample errors.

Point: the mean of the three-year profile and of Theta and CES on two-month sums
(``three_year_profile``, ``theta_b2``, ``ces_b2``), chosen on the M3 development sample by the
rule in ``research/rules/standard_rule.md`` (among the admissible candidates within 0.01 of the best
ratio to ``combo``, the one with fewest members, then the cheapest).

Range: normalised split conformal. On the development cases, the year-end error of the
point forecast divided by ``|T| · r`` (``T`` the year-total forecast, ``r`` the relative sd
of the rest-of-year total of Theta's simulated paths) has its 10 % and 90 % quantiles
``q10 < 0 < q90`` per cut-off (:data:`CONFORMAL_Q`). Paths are Theta's path deviations
around the point, scaled per path so that the year total's P10 and P90 fall at
``T + |T|·r·q10`` and ``T + |T|·r·q90`` (paths below the point by ``q10 / z10`` of Theta's
own P10 deviation, paths above by ``q90 / z90``, so the range can be lopsided like the
errors), with the two factors solved so that after re-centring — the paths' mean is the
point forecast, which the tables show — P10 and P90 are still on target. Cut-off months
other than April and August interpolate the quantiles linearly in the number of months
left, clamped to 1..12 months.

Measured and not adopted (``research/HISTORY.md``, issue 14's first attempt), so it is not in
the product's method registry; :func:`register` adds it for a research run, e.g.
``.venv/bin/python -m research.methods.backtest --bench … --methods combo,combo_cal``.
"""

from __future__ import annotations

from typing import ClassVar, Self

import numpy as np

from forecast.methods.base import Method, MethodFailed, rest_of_year_steps
from forecast.methods.combination import Combination

CONFORMAL_Q: dict[int, tuple[float, float]] = {8: (-1.5, 1.1), 4: (-1.2, 1.1)}
"""Months left (8: April, 4: August) → (q10, q90) of (A − T) / (|T|·r) on the M3
development sample (first 250 development series, 2 152 cases; fitted −1.496/1.130 and
−1.225/1.083), rounded to two significant digits."""


def conformal_q(months_left: int, table: dict[int, tuple[float, float]] = CONFORMAL_Q
                ) -> tuple[float, float]:
    """(q10, q90) for a number of months left, linear in it between and beyond the table."""
    (h1, (a1, b1)), (h2, (a2, b2)) = sorted(table.items())
    h = float(np.clip(months_left, 1, 12))
    w = (h - h1) / (h2 - h1)
    return a1 + w * (a2 - a1), b1 + w * (b2 - b1)


def calibrated_paths(point: np.ndarray, sims: np.ndarray, r_steps: int,
                     q: tuple[float, float]) -> np.ndarray:
    """Paths whose year total has P10/P90 at ``T + |T|·r·q`` (see the module doc).

    Args:
        point: (h,) point forecast.
        sims: (n_paths, h) the path member's simulated paths.
        r_steps: forecast steps in the current year.
        q: (q10, q90) standardised quantiles.

    Returns:
        (n_paths, h) paths with mean ``point``.
    """
    dev = sims - sims.mean(axis=0)[None, :]
    d = dev[:, :r_steps].sum(axis=1)
    sd = float(np.std(d))
    if sd == 0 or not np.isfinite(sd):
        return np.repeat(point[None, :], len(sims), axis=0)
    z10, z90 = np.quantile(d, [0.1, 0.9])
    if not z10 < 0 < z90:
        return point[None, :] + dev * (q[1] - q[0]) / 2.5631
    # Scale the paths below the point by t10 / z10 and those above by t90 / z90, then
    # re-centre by the mean δ = A·t10 + B·t90 of the scaled totals; t10, t90 solve
    # t10 − δ = q10·sd and t90 − δ = q90·sd, so after re-centring P10/P90 are on target.
    a = float(np.mean(np.where(d < 0, d, 0.0))) / z10
    b = float(np.mean(np.where(d >= 0, d, 0.0))) / z90
    width = (q[1] - q[0]) * sd
    t10 = (q[0] * sd + b * width) / (1.0 - a - b)
    t90 = t10 + width
    if not t10 < 0 < t90:  # too lopsided to pivot at the point: keep the width only
        t10, t90 = q[0] * sd, q[1] * sd
    f = np.where(d < 0, t10 / z10, t90 / z90)
    out = f[:, None] * dev
    out -= out.mean(axis=0)[None, :]
    return point[None, :] + out


class CalibratedCombination(Combination):
    """``combo_cal``: mean of three-year profile, two-monthly Theta and CES; conformal range.

    Theta's paths (fitted as well when Theta is not a member) are scaled to the conformal
    P10/P90 of the year total (:func:`calibrated_paths`).
    """

    alias = "combo_cal"
    min_history: ClassVar[int] = 25

    def __init__(self, members: tuple[str, ...] = ("three_year_profile", "theta_b2", "ces_b2"),
                 how: str = "mean", path_member: str = "theta") -> None:
        super().__init__(members=members, how=how, path_member=path_member,
                         insample_calibration=False)

    def fit(self, y: np.ndarray, start_month: int, *, budget: np.ndarray | None = None) -> Self:
        """Fit the members, and the path member (Theta) if it is not one of them."""
        super().fit(y, start_month, budget=budget)
        self.path_model_: Method = self._path_source(self.fitted_)
        if self.path_member is not None and self.path_member not in self.fitted_:
            from forecast.methods import make_method

            try:
                self.path_model_ = make_method(self.path_member).fit(y, start_month,
                                                                      budget=budget)
            except MethodFailed:
                pass  # a member's own paths instead
        return self

    def simulate(self, h: int, n_paths: int, rng: np.random.Generator, *,
                 budget_future: np.ndarray | None = None) -> np.ndarray:
        """Theta's path deviations scaled to the conformal P10/P90 of the year total."""
        point = self.predict(h, budget_future=budget_future)
        sims = self.path_model_.simulate(h, n_paths, rng, budget_future=budget_future)
        r_steps = rest_of_year_steps(self.n_, h)
        return calibrated_paths(point, sims, r_steps, conformal_q(12 - self.n_))

    def __repr__(self) -> str:
        return f"CalibratedCombination(members={self.members}, how={self.how!r})"


def register() -> None:
    """Add ``combo_cal`` to the method registry of this process (and of forked workers)."""
    from forecast.methods import REGISTRY

    REGISTRY[CalibratedCombination.alias] = CalibratedCombination
