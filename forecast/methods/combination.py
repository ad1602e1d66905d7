"""Forecast combinations: the median (or mean, or trimmed mean) of several methods' points.

The year-end total sums many months, so combining diverse methods (Theta, CES and the
controllers' prior-year profile by default; CES without AutoCES' costly full seasonal type,
:data:`DEFAULT_MEMBER_KWARGS`) removes much of each one's error. Paths are built
coherently: the combined point path plus the deviations of one model member's simulated paths
(``path_member``, Theta), scaled so that the range of the year total fits the series:

- ``width="own"`` (the default, chosen on one half of M3, confirmed on the other): the rest-of-year
  total's sd is c_n · s · |T|, with s the Theta paths' relative spread shrunk toward the
  series' *own* relative year-end errors of this combination at the same cut-off in up to
  five earlier years (:func:`own_scale`; one pseudo-year of prior weight) and c_n fitted on
  the development half of M3 to 80 % P10–P90 coverage (:data:`OWN_WIDTH_CONSTANTS`). The own
  errors come from the engine's per-series backtest when it ran (``own_errors``), otherwise
  the combination computes them on the history (a process-local cache keeps a backtest of
  many years from refitting the same history twice).
- The panel width rule (:func:`panel_width_factors`, applied by the region forecast and
  the backtest across a panel's series, not by one series alone): each ``width="own"``
  range is pulled toward the panel's typical width, × g_n · (w / m)^(p − 1), because a width
  estimated from five earlier years is noisy (the narrowest too narrow, the widest too
  wide).
- ``width="horizon"`` (the range of the first standard): the deviations × the path scale
  1 + 0.025 × months left (and, with ``insample_calibration`` and a member that supports it,
  ETS's ratio of realised in-sample errors to its paths' spread).

How the members and widths were chosen: ``research/README.md``.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
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
"""The ``width="horizon"`` path scale is ``1 + 0.025 · (months left in the year)``: in-sample
errors understate out-of-sample ones, more so the longer the horizon (set on M3 series apart
from those that chose the members)."""


def combine_points(points: np.ndarray, how: str = "median", rest_steps: int | None = None
                   ) -> np.ndarray:
    """Combine member point forecasts ``(k, h)`` into one ``(h,)`` path.

    ``trimmed``: the members with the highest and the lowest rest-of-year total (the first
    ``rest_steps`` steps; all steps when None) are dropped and the rest averaged month by
    month, so the year total is the trimmed mean of the members' year totals; with fewer
    than four members, the median.
    """
    if how == "median":
        if len(points) == 3:  # the middle value of three, exactly what np.median picks
            a, b, c = points
            return np.maximum(np.minimum(a, b), np.minimum(np.maximum(a, b), c))
        return np.median(points, axis=0)
    if how == "mean":
        return np.mean(points, axis=0)
    if how == "trimmed":
        if len(points) < 4:
            return np.median(points, axis=0)
        totals = points[:, :rest_steps].sum(axis=1)
        keep = np.argsort(totals, kind="stable")[1:-1]
        return np.mean(points[keep], axis=0)
    raise ValueError(f"unknown combination {how!r}")


OWN_PRIOR_WEIGHT = 1.0
"""Pseudo-years of Theta's own spread against the series' own earlier year-end errors in the
width of ``width="own"`` (chosen on the development half of M3)."""
OWN_WIDTH_CONSTANTS: dict[int, float] = {4: 1.092, 8: 1.087}
"""c_n of ``width="own"`` per cut-off month: the rest-of-year total's sd is c_n · s · |T|
(fitted on the development half of M3 to 80 % P10–P90 coverage).
Other months: linear in n between April and August, held constant outside."""
MAX_OWN_YEARS = 5


def by_cutoff(table: dict[int, float], n: int) -> float:
    """A constant per cut-off month: linear in n between the table's months, held outside."""
    lo, hi = min(table), max(table)
    return float(np.interp(float(np.clip(n, lo, hi)), [lo, hi], [table[lo], table[hi]]))


def own_width_constant(n: int) -> float:
    """c_n for cut-off month ``n`` (0 = December: the next year, like n = 0 months known)."""
    return by_cutoff(OWN_WIDTH_CONSTANTS, n)


def own_scale(rel_sd: float, own_errors: np.ndarray,
              prior_weight: float = OWN_PRIOR_WEIGHT) -> float:
    """The width scale sqrt((w·r² + Σ e_k²) / (w + K)): own errors shrunk toward r."""
    e = np.asarray(own_errors, dtype=float)
    e = e[np.isfinite(e)]
    return float(np.sqrt((prior_weight * rel_sd**2 + float(np.sum(e**2)))
                         / (prior_weight + e.size)))


PANEL_WIDTH_POWER = 0.9
"""p of the panel width rule: a series' range is multiplied by g_n · (w / m)^(p − 1), w its
relative P10–P90 width of the year total, m the median w of the panel at the same cut-off
(chosen on the development half of M3). A width estimated from a few
earlier years is noisy: the narrowest ranges are too narrow and the widest too wide
(a simulation shows this even when every assumption holds); pulling each toward the panel's
typical width evens them."""
PANEL_WIDTH_SCALES: dict[int, float] = {4: 0.979, 8: 0.973}
"""g_n of the panel width rule per cut-off (development half of M3 to 80 % coverage; other
months interpolated like :data:`OWN_WIDTH_CONSTANTS`)."""
MIN_PANEL = 20
"""Fewer series with a defined width than this: no panel width rule (too few for a median)."""


def panel_width_factors(rel_width: np.ndarray, n: int,
                        power: float = PANEL_WIDTH_POWER) -> np.ndarray:
    """The factor g_n · (w / m)^(p − 1) of each series' path deviations (1 where undefined).

    Args:
        rel_width: (n_series,) relative P10–P90 widths of the year total, NaN for series the
            rule does not apply to (another method, a fallback, no range).
        n: the cut-off month (0..11).
        power: p.
    """
    w = np.asarray(rel_width, dtype=float)
    ok = np.isfinite(w) & (w > 0)
    out = np.ones(w.shape)
    if int(ok.sum()) < MIN_PANEL:
        return out
    m = float(np.median(w[ok]))
    out[ok] = by_cutoff(PANEL_WIDTH_SCALES, n) * (w[ok] / m) ** (power - 1.0)
    return out


def year_total_width(paths: np.ndarray, point: np.ndarray, ytd: float, n: int) -> float:
    """Relative P10–P90 width (P90 − P10)/|T| of one series' year total (NaN if undefined)."""
    r = rest_of_year_steps(n, paths.shape[1])
    total = abs(ytd + float(np.sum(point[:r])))
    if r <= 0 or total <= 0:
        return float("nan")
    q10, q90 = np.quantile(paths[:, :r].sum(axis=1, dtype=np.float64), [0.1, 0.9])
    return float((q90 - q10) / total)


DEFAULT_MEMBER_KWARGS: dict[str, dict] = {"ces": {"space": ("N", "S", "P")}}
"""The members' settings unless ``member_kwargs`` is given: CES without AutoCES' full
seasonal type, about half of its cost; the same forecasts wherever AutoCES would not have
chosen that type, and the same accuracy on both halves of M3."""


_POINT_CACHE: dict[tuple, float] = {}
_POINT_CACHE_MAX = 20_000

_FIT_CACHE: dict[tuple, dict[str, Method]] = {}
_FIT_CACHE_MAX = 8
_FIT_LOCK = threading.Lock()
"""The members fitted on the last few histories of this process (least recently used out).

One series' forecast fits the same history more than once: the per-series choice fits the
standard on the whole history to see that it can be fitted (a history too short for three
scored years, :func:`forecast.methods.selection.choose`) and the forecast then fits it
again; without the engine's errors, :meth:`Combination.own_year_errors` refits the
histories the choice's backtest fitted. A fitted member is only read afterwards
(``predict`` and ``simulate`` leave it as it is), so a refit gives nothing a cached one does
not: the numbers are the same."""


def _digest(a: object) -> str:
    """A key of an array's bytes (as float) or of an object's ``repr``."""
    raw = (np.ascontiguousarray(a, dtype=float).tobytes() if isinstance(a, np.ndarray)
           else repr(a).encode())
    return hashlib.sha1(raw).hexdigest()


def _cached_rest_total(key: tuple, compute: Callable[[], float]) -> float:
    """A rest-of-year point total, from a process-local cache when it was computed before.

    A backtest refits the same histories: the earlier years of one case are the cases of
    its earlier years.
    """
    if key not in _POINT_CACHE:
        if len(_POINT_CACHE) >= _POINT_CACHE_MAX:
            _POINT_CACHE.clear()
        _POINT_CACHE[key] = compute()
    return _POINT_CACHE[key]


class Combination(Method):
    """``combo``: median of Theta, CES and the prior-year profile (members configurable).

    ``member_kwargs`` (alias → settings) defaults to :data:`DEFAULT_MEMBER_KWARGS`; give
    ``{}`` for every member's own defaults.

    Paths: Theta's simulated path deviations around the combined point (their mean is the
    point), scaled by the width rule (``width``: ``"own"`` from the series' own earlier
    year-end errors, ``"horizon"`` by :data:`OUT_OF_SAMPLE_WIDENING`).
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
        width: str = "own",
        own_errors: Sequence[float] | None = None,
    ) -> None:
        if width not in ("horizon", "own"):
            raise ValueError(f"unknown width {width!r}")
        self.members = tuple(members)
        self.how = how
        self.path_member = path_member
        self.path_scale = path_scale
        self.insample_calibration = insample_calibration
        self.member_kwargs = (dict(DEFAULT_MEMBER_KWARGS) if member_kwargs is None
                              else member_kwargs)
        self.width = width
        self.own_errors = None if own_errors is None else tuple(float(e) for e in own_errors)

    def _fit_members(self, y: np.ndarray, start_month: int,
                     budget: np.ndarray | None) -> dict[str, Method]:
        """The fitted members, from :data:`_FIT_CACHE` when this history was fitted before."""
        key = (_digest((self.members, self.member_kwargs, start_month)), _digest(y),
               None if budget is None else _digest(budget))
        with _FIT_LOCK:  # a Dask worker may run several tasks in threads
            fitted = _FIT_CACHE.pop(key, None)
        if fitted is None:
            fitted = self._fit_members_now(y, start_month, budget)
        with _FIT_LOCK:
            _FIT_CACHE[key] = fitted  # the most recently used last
            while len(_FIT_CACHE) > _FIT_CACHE_MAX:
                del _FIT_CACHE[next(iter(_FIT_CACHE))]
        return dict(fitted)

    def _fit_members_now(self, y: np.ndarray, start_month: int,
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
        return combine_points(np.vstack(pts), self.how, rest_of_year_steps(self.n_, h))

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
        self.y_, self.start_month_, self.budget_ = y, start_month, budget
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
        """Combined point path + one member's path deviations × the width factor.

        ``width="horizon"``: the factor is the calibrated path scale (1 + 0.025 × months
        left). ``width="own"``: the factor makes the rest-of-year total's sd
        c_n · s · |T| (:func:`own_scale` of the paths' relative sd and the series' own
        earlier year-end errors, :func:`own_width_constant`); T is the year-total point.
        """
        point = self.predict(h, budget_future=budget_future)
        src = self._path_source(self.fitted_)
        sims = src.simulate(h, n_paths, rng, budget_future=budget_future)
        dev = sims - sims.mean(axis=0)[None, :]
        factor = self.scale_
        if self.width == "own":
            factor = self._own_factor(dev, point, h)
            rest = rest_of_year_steps(self.n_, h)
            if rest == 12 - self.n_ and budget_future is None:  # a later year's own error
                _cached_rest_total(self._cache_key(self.y_, rest, self.budget_),
                                   lambda: float(np.sum(point[:rest])))
        return scale_deviations(point[None, :] + dev, point, factor)

    def _own_factor(self, dev: np.ndarray, point: np.ndarray, h: int) -> float:
        """The path factor of ``width="own"`` (the horizon scale when it is undefined)."""
        r = rest_of_year_steps(self.n_, h)
        sd = float(np.std(dev[:, :r].sum(axis=1)))
        ytd = float(np.sum(self.y_[len(self.y_) - self.n_:])) if self.n_ else 0.0
        total = abs(ytd + float(np.sum(point[:r])))
        if not (sd > 0 and total > 0 and np.isfinite(sd) and np.isfinite(total)):
            return self.scale_
        s = own_scale(sd / total, self.own_year_errors())
        return own_width_constant(self.n_) * s * total / sd

    def _cache_key(self, hist: np.ndarray, rest: int, bud: np.ndarray | None) -> tuple:
        """The key of a rest-of-year point total: configuration, history, budget."""
        return (_digest((self.members, self.how, self.member_kwargs, self.start_month_)),
                _digest(np.asarray(hist)), rest,
                None if bud is None else _digest(np.asarray(bud)))

    def own_year_errors(self) -> np.ndarray:
        """The series' own relative year-end errors (actual − point)/|point|.

        Of this combination at the same cut-off, up to :data:`MAX_OWN_YEARS` earlier years:
        given as ``own_errors`` (the engine's per-series backtest) or computed here.
        """
        if self.own_errors is not None:
            return np.asarray(self.own_errors, dtype=float)
        from forecast.methods.baselines import own_year_end_errors

        def point_fn(hist: np.ndarray, n: int, rest: int, bud: np.ndarray | None,
                     bud_f: np.ndarray | None) -> np.ndarray:
            key = self._cache_key(hist, rest, bud)

            def compute() -> float:
                m = Combination(self.members, self.how, self.path_member,
                                member_kwargs=self.member_kwargs)
                m.fit(hist, self.start_month_, budget=bud)
                return float(np.sum(m.predict(rest, budget_future=bud_f)))

            return np.array([_cached_rest_total(key, compute)])

        # earlier years with at least 24 months before their January, as in the rule's rows
        return own_year_end_errors(point_fn, self.y_, self.n_, budget=self.budget_,
                                   max_origins=MAX_OWN_YEARS,
                                   min_obs=max(self.min_history, 24 + self.n_))

    @property
    def uses_panel_width(self) -> bool:
        """Whether its ranges take the panel width rule (:func:`panel_width_factors`)."""
        return type(self) is Combination and self.width == "own"

    @property
    def used_members(self) -> tuple[str, ...]:
        """Members that were fitted (after ``fit``)."""
        return tuple(self.fitted_)

    def __repr__(self) -> str:
        return f"Combination(members={self.members}, how={self.how!r})"
