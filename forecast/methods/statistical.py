"""Adapters of library models (statsforecast, statsmodels) to the method interface.

- ``ets``: statsforecast ``AutoETS`` (season 12, damped trend allowed), optionally on the log
  scale for positive series; paths from the fitted state-space model (``AutoETS.simulate``).
- ``theta``: statsforecast ``AutoTheta`` (season 12); paths from ``AutoTheta.simulate``.
- ``ces``: statsforecast ``AutoCES`` (complex exponential smoothing).
- ``arima``: statsforecast ``AutoARIMA`` (season 12).
- ``ets_b2``: temporal aggregation: statsforecast ``AutoETS`` on two-month sums (season 6)
  whose blocks end at the last observed month, so the rest of the year is whole blocks; the
  block forecasts are split over their months by the average calendar profile of the last
  three years.
- ``sarimax``: statsmodels ``SARIMAX`` airline model (0,1,1)(0,1,1)12 with the budget as an
  exogenous regressor when one is given; paths from ``results.simulate(anchor='end')``.
- ``ucm``: statsmodels ``UnobservedComponents``: local level + seasonal, with step dummies
  for April of every year (the wage revision) and optional user-given step months.

Sample paths are joint over months (simulated from the model), so sums over months are right.
"""

from __future__ import annotations

import warnings
from typing import Any, ClassVar, Self

import numpy as np

from forecast.methods.base import Method, MethodFailed, check_history, cutoff_month
from forecast.methods.decompose import ensure_installed
from forecast.methods.library import statsforecast_models

SEASON = 12


def use_log(y: np.ndarray, log: bool | None) -> bool:
    """Whether to model ``log(y)``: ``log=None`` means 'when every value is positive'."""
    positive = bool(np.all(y > 0))
    if log is None:
        return positive
    if log and not positive:
        return False
    return log


def _seed(rng: np.random.Generator) -> int:
    return int(rng.integers(0, 2**31 - 1))


def model_history(y: np.ndarray, min_history: int) -> np.ndarray:
    """The checked history of a library model: long enough and not constant.

    Raises:
        MethodFailed: too short (names the lengths) or constant.
    """
    y = check_history(y)
    if len(y) < min_history:
        raise MethodFailed(f"för kort historik ({len(y)} mån < {min_history})")
    if np.ptp(y) == 0:
        raise MethodFailed("konstant serie")
    return y


class _StatsforecastMethod(Method):
    """Common adapter for a statsforecast model with ``fit``/``predict``/``simulate``."""

    min_history: ClassVar[int] = 2 * SEASON + 1

    def __init__(self, log: bool | None = None) -> None:
        self.log = log

    sf_model: ClassVar[str] = ""
    """Name of the statsforecast model class (``statsforecast.models``), season 12."""

    def _model(self) -> Any:
        return getattr(statsforecast_models(), self.sf_model)(season_length=SEASON)

    def fit(self, y: np.ndarray, start_month: int, *, budget: np.ndarray | None = None) -> Self:
        """Fit the library model on ``y`` (or ``log y``)."""
        y = model_history(y, self.min_history)
        self.y_ = y
        self.n_ = cutoff_month(len(y), start_month)
        y = self._modelled(y)
        # A cost series is negative in the reports' convention: model its magnitude, so
        # multiplicative and log-scale models apply to costs as they do to revenue.
        self.sign_ = -1.0 if np.all(y < 0) else 1.0
        self.log_ = use_log(self.sign_ * y, self.log)
        z = np.log(self.sign_ * y) if self.log_ else self.sign_ * y
        ensure_installed()  # the same decomposition, faster (forecast.methods.decompose)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.model_ = self._fit_library(z)
        except Exception as exc:  # library errors vary; report them uniformly
            raise MethodFailed(f"{self.alias}: modellen kunde inte skattas ({exc})") from exc
        return self

    def _fit_library(self, z: np.ndarray) -> Any:
        """The fitted library model of the (transformed) series ``z``."""
        return self._model().fit(z)

    def _modelled(self, y: np.ndarray) -> np.ndarray:
        """The series the library model is fitted on (the monthly history by default)."""
        return y

    def _back(self, z: np.ndarray) -> np.ndarray:
        out = np.exp(np.clip(z, -700, 700)) if self.log_ else z
        return self.sign_ * np.asarray(out, dtype=float)

    def predict(self, h: int, *, budget_future: np.ndarray | None = None) -> np.ndarray:
        """Point forecast (the median on the original scale when fitted on logs)."""
        mean = self._back(self.model_.predict(h)["mean"])
        if not np.all(np.isfinite(mean)):
            raise MethodFailed(f"{self.alias}: prognosen är inte ändlig")
        return mean

    def simulate(self, h: int, n_paths: int, rng: np.random.Generator, *,
                 budget_future: np.ndarray | None = None) -> np.ndarray:
        """Paths simulated from the fitted state-space model."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z = self.model_.simulate(h=h, n_paths=n_paths, seed=_seed(rng))
        paths = self._back(np.asarray(z, dtype=float).reshape(n_paths, h))
        if not np.all(np.isfinite(paths)):
            paths = np.where(np.isfinite(paths), paths, self.predict(h)[None, :])
        return paths

    def __repr__(self) -> str:
        return f"{type(self).__name__}(log={self.log})"


def _ets_smoothing(model: dict) -> tuple[float, float, float, float]:
    """``(alpha, beta, gamma, phi)`` of a fitted model; absent ones as 0, 0 and 1."""
    alpha, beta, gamma, phi = (float(v) for v in model["par"][:4])
    beta = 0.0 if np.isnan(beta) else beta
    gamma = 0.0 if np.isnan(gamma) else gamma
    phi = 1.0 if np.isnan(phi) else phi
    return alpha, beta, gamma, phi


def ets_run(model: dict, states: np.ndarray, e: np.ndarray) -> np.ndarray:
    """Run a fitted statsforecast ETS model forward from ``states`` with errors ``e``.

    The recursion is the one of statsforecast/R ``forecast`` (``etscalc``): one-step mean
    ``l + φb`` (+/× the seasonal of m months ago ``s[m-1]``), the observation with an
    additive or multiplicative error, then the level/trend/season updates. Vectorised over
    the rows of ``states`` (paths, or origins).

    Args:
        model: ``AutoETS().fit(y).model_``.
        states: (P, n_states) starting states (rows of ``model['states']``).
        e: (P, h) errors (0 gives the point forecasts).

    Returns:
        (P, h) simulated (or forecast) values.
    """
    err_t, trend_t, season_t = model["components"][:3]
    alpha, beta, gamma, phi = _ets_smoothing(model)
    m = int(model["m"])
    x = np.atleast_2d(np.asarray(states, dtype=float))
    has_t = trend_t != "N"
    lev = x[:, 0].copy()
    b = x[:, 1].copy() if has_t else np.zeros(len(x))
    s: Any = x[:, 1 + has_t : 1 + has_t + m].copy() if season_t != "N" else None
    phib: Any
    n_rows, h = e.shape
    out = np.empty((n_rows, h))
    with np.errstate(all="ignore"):
        for i in range(h):
            if trend_t == "M":
                phib = b**phi
                q = lev * phib
            else:
                phib = phi * b if has_t else 0.0
                q = lev + phib
            if season_t == "A":
                f = q + s[:, m - 1]
            elif season_t == "M":
                f = q * s[:, m - 1]
            else:
                f = q
            y = f + e[:, i] if err_t == "A" else f * (1.0 + e[:, i])
            out[:, i] = y
            if season_t == "A":
                p = y - s[:, m - 1]
            elif season_t == "M":
                p = y / s[:, m - 1]
            else:
                p = y
            new_l = q + alpha * (p - q)
            if has_t and alpha != 0:
                r = new_l / lev if trend_t == "M" else new_l - lev
                b = phib + (beta / alpha) * (r - phib)
            if s is not None:
                t = y - q if season_t == "A" else y / q
                s_new = s[:, m - 1] + gamma * (t - s[:, m - 1])
                s = np.column_stack([s_new, s[:, : m - 1]])
            lev = new_l
    return out


def ets_paths(model: dict, h: int, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """Joint paths from a fitted statsforecast ETS model, vectorised over paths.

    (statsforecast 2.1's own ``simulate_ets`` replaces an undamped model's ``φ = NaN`` by 0,
    dropping the trend from every path, and loops over paths in Python.)
    """
    last = np.asarray(model["states"][-1], dtype=float)
    e = rng.standard_normal((n_paths, h)) * np.sqrt(max(float(model["sigma2"]), 0.0))
    return ets_run(model, np.tile(last, (n_paths, 1)), e)


def ets_origin_forecasts(model: dict, h: int, origins: np.ndarray) -> np.ndarray:
    """(k, h) point forecasts from the in-sample states after ``origins`` observations."""
    st = np.asarray(model["states"], dtype=float)[np.asarray(origins)]
    return ets_run(model, st, np.zeros((len(st), h)))


def error_scale(rel_err: np.ndarray, rel_sd: float, h: int, prior_weight: float = 2.0) -> float:
    """Factor that makes the paths' spread match realised multi-step errors, shrunk to 1.

    Args:
        rel_err: relative errors of h-month sums at many (overlapping) in-sample origins.
        rel_sd: relative sd of the h-month sum of the model's own paths.
        h: months summed (overlapping sums: about ``len(rel_err) / h`` independent errors).
        prior_weight: weight of the prior factor 1, in independent errors.
    """
    rel_err = rel_err[np.isfinite(rel_err)]
    if rel_err.size == 0 or not np.isfinite(rel_sd) or rel_sd <= 0:
        return 1.0
    k_eff = rel_err.size / max(h, 1)
    z2 = float(np.mean(rel_err**2)) / rel_sd**2
    return float(np.sqrt((prior_weight + k_eff * z2) / (prior_weight + k_eff)))


class ETSMethod(_StatsforecastMethod):
    """``ets``: statsforecast AutoETS, season 12, damped trend allowed."""

    alias = "ets"

    def __init__(self, log: bool | None = None, model: str = "ZZZ") -> None:
        super().__init__(log)
        self.model = model

    def _model(self) -> Any:
        AutoETS = statsforecast_models().AutoETS  # noqa: N806
        return AutoETS(season_length=SEASON, model=self.model)

    def fit(self, y: np.ndarray, start_month: int, *, budget: np.ndarray | None = None) -> Self:
        """Fit AutoETS and keep the history for :meth:`rest_error_scale`."""
        super().fit(y, start_month, budget=budget)
        self.y_ = check_history(y)
        return self

    def rest_error_scale(self, h: int, burn_in: int = 24) -> float:
        """Realised vs simulated spread of h-month sums over in-sample origins.

        Forecasts from every in-sample state (fixed fitted parameters) of the next ``h``
        months are compared with what happened; the ratio of their relative RMS error to the
        relative sd of the model's own h-month path sums is returned, shrunk toward 1.
        """
        y = self.y_
        org = np.arange(burn_in, len(y) - h + 1)
        if org.size == 0:
            return 1.0
        md = self.model_.model_
        fc = self._back(ets_origin_forecasts(md, h, org)).sum(axis=1)
        win = np.lib.stride_tricks.sliding_window_view(y, h)[org].sum(axis=1)
        with np.errstate(all="ignore"):
            rel_err = (win - fc) / np.abs(fc)
        sims = self._back(ets_paths(md, h, 400, np.random.default_rng(len(y))))
        tot = sims.sum(axis=1)
        rel_sd = float(np.std(tot) / abs(np.mean(tot))) if np.mean(tot) != 0 else np.nan
        return error_scale(rel_err, rel_sd, h)

    def simulate(self, h: int, n_paths: int, rng: np.random.Generator, *,
                 budget_future: np.ndarray | None = None) -> np.ndarray:
        """Paths from the fitted ETS state-space model (see :func:`ets_paths`)."""
        paths = self._back(ets_paths(self.model_.model_, h, n_paths, rng))
        if not np.all(np.isfinite(paths)):
            paths = np.where(np.isfinite(paths), paths, self.predict(h)[None, :])
        return paths


class ThetaMethod(_StatsforecastMethod):
    """``theta``: statsforecast AutoTheta, season 12."""

    alias = "theta"
    sf_model = "AutoTheta"


CES_SEASON_TYPES = ("N", "S", "P", "F")
"""AutoCES' model space in the order it tries them: none, simple, partial, full seasonal."""


class CESMethod(_StatsforecastMethod):
    """``ces``: statsforecast AutoCES (complex exponential smoothing), season 12.

    ``space`` restricts the seasonal types AutoCES chooses among (by AICc, as AutoCES does
    itself): each type is fitted with AutoCES(model=type) and the first with the smallest
    AICc is kept, so with all four types the fit is AutoCES' own. The full seasonal model
    costs about half of AutoCES' time.
    """

    alias = "ces"
    sf_model = "AutoCES"

    def __init__(self, log: bool | None = None,
                 space: tuple[str, ...] | None = None) -> None:
        super().__init__(log)
        if space is not None:
            unknown = set(space) - set(CES_SEASON_TYPES)
            if unknown or not space:
                raise ValueError(f"unknown CES season types {sorted(unknown)}")
            space = tuple(t for t in CES_SEASON_TYPES if t in space)
        self.space = space

    def _fit_library(self, z: np.ndarray) -> Any:
        if self.space is None or self.space == CES_SEASON_TYPES:
            return self._model().fit(z)
        AutoCES = statsforecast_models().AutoCES  # noqa: N806
        best, best_ic = None, np.inf
        for stype in self.space:
            fit = AutoCES(season_length=SEASON, model=stype).fit(z)
            ic = float(fit.model_["aicc"])
            if not np.isnan(ic) and ic < best_ic:
                best, best_ic = fit, ic
        if best is None:
            raise ValueError("no CES model could be fitted")
        return best

    def __repr__(self) -> str:
        return f"{type(self).__name__}(log={self.log}, space={self.space})"


class AutoARIMAMethod(_StatsforecastMethod):
    """``arima``: statsforecast AutoARIMA, season 12 (slow: about 1 s per series)."""

    alias = "arima"
    sf_model = "AutoARIMA"


class AggregatedETSMethod(_StatsforecastMethod):
    """``ets_b2``: AutoETS on ``block``-month sums ending at the last month, split by profile."""

    alias = "ets_b2"

    def __init__(self, block: int = 2, log: bool | None = None) -> None:
        if SEASON % block:
            raise ValueError(f"block must divide {SEASON}")
        super().__init__(log)
        self.block = block

    def _model(self) -> Any:
        AutoETS = statsforecast_models().AutoETS  # noqa: N806
        return AutoETS(season_length=SEASON // self.block)

    def _modelled(self, y: np.ndarray) -> np.ndarray:
        k = len(y) // self.block
        return y[len(y) - k * self.block:].reshape(k, self.block).sum(axis=1)

    def _month_shares(self, h: int) -> np.ndarray:
        """Share of each forecast month within its block (profile of earlier years).

        The average of the same months' shares one, two and three years earlier; equal
        shares where none is usable.
        """
        y, b = self.y_, self.block
        shares = np.empty(h)
        for j in range(h):
            pos = j % b
            seen = []
            for k in (1, 2, 3):
                idx = len(y) + j - pos - SEASON * k
                blk = y[idx: idx + b] if 0 <= idx and idx + b <= len(y) else np.empty(0)
                if blk.size and np.all(np.sign(blk) == np.sign(blk[0])) and blk.sum() != 0:
                    seen.append(blk[pos] / blk.sum())
            shares[j] = float(np.mean(seen)) if seen else 1.0 / b
        return shares

    def _to_months(self, blocks: np.ndarray, h: int) -> np.ndarray:
        """Split block sums (last axis) into ``h`` months by the calendar profile."""
        return np.repeat(blocks, self.block, axis=-1)[..., :h] * self._month_shares(h)

    def predict(self, h: int, *, budget_future: np.ndarray | None = None) -> np.ndarray:
        """Monthly point forecast: block forecasts split by the calendar profile."""
        return self._to_months(super().predict(-(-h // self.block)), h)

    def simulate(self, h: int, n_paths: int, rng: np.random.Generator,
                 **kw: Any) -> np.ndarray:
        """Block paths of the fitted ETS model (see :func:`ets_paths`), split into months."""
        blocks = self._back(ets_paths(self.model_.model_, -(-h // self.block), n_paths, rng))
        paths = self._to_months(blocks, h)
        return np.where(np.isfinite(paths), paths, self.predict(h)[None, :])

    def __repr__(self) -> str:
        return f"{type(self).__name__}(block={self.block}, log={self.log})"


class AggregatedThetaMethod(AggregatedETSMethod):
    """``theta_b2``: AutoTheta on two-month sums (season 6), split by the calendar profile."""

    alias = "theta_b2"

    def _model(self) -> Any:
        AutoTheta = statsforecast_models().AutoTheta  # noqa: N806
        return AutoTheta(season_length=SEASON // self.block)

    def simulate(self, h: int, n_paths: int, rng: np.random.Generator,
                 **kw: Any) -> np.ndarray:
        """Block paths of the fitted Theta model, split into months."""
        nb = -(-h // self.block)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            z = self.model_.simulate(h=nb, n_paths=n_paths, seed=_seed(rng))
        blocks = self._back(np.asarray(z, dtype=float).reshape(n_paths, nb))
        paths = self._to_months(blocks, h)
        return np.where(np.isfinite(paths), paths, self.predict(h)[None, :])


class AggregatedCESMethod(AggregatedThetaMethod):
    """``ces_b2``: AutoCES on two-month sums (season 6), split by the calendar profile."""

    alias = "ces_b2"

    def _model(self) -> Any:
        AutoCES = statsforecast_models().AutoCES  # noqa: N806
        return AutoCES(season_length=SEASON // self.block)


class _StatsmodelsMethod(Method):
    """Common adapter for a statsmodels state-space model with ``simulate(anchor='end')``."""

    min_history: ClassVar[int] = 2 * SEASON + 1
    log: bool | None
    """Model the log of the series (None: decide from the data); set by ``__init__``."""

    def _exog(self, n_obs: int, start: int, budget: np.ndarray | None) -> np.ndarray | None:
        return None if budget is None else np.asarray(budget, dtype=float).reshape(-1, 1)

    def _build(self, z: np.ndarray, exog: np.ndarray | None) -> Any:
        raise NotImplementedError

    def fit(self, y: np.ndarray, start_month: int, *, budget: np.ndarray | None = None) -> Self:
        """Fit the state-space model by maximum likelihood."""
        y = model_history(y, self.min_history)
        self.log_ = use_log(y, self.log) and budget is None
        self.scale_ = float(np.mean(np.abs(y))) or 1.0
        z = np.log(y) if self.log_ else y / self.scale_
        self.start_month_ = start_month
        self.n_obs_ = len(y)
        self.budget_scale_ = None
        if budget is not None:
            self.budget_scale_ = float(np.mean(np.abs(budget))) or 1.0
            budget = np.asarray(budget, dtype=float) / self.budget_scale_
        exog = self._exog(len(y), 0, budget)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.res_ = self._build(z, exog).fit(disp=False, maxiter=200)
        except Exception as exc:
            raise MethodFailed(f"{self.alias}: modellen kunde inte skattas ({exc})") from exc
        self.has_budget_ = budget is not None
        return self

    def _future_exog(self, h: int, budget_future: np.ndarray | None) -> np.ndarray | None:
        if not self.has_budget_:
            return self._exog(h, self.n_obs_, None)
        if budget_future is None or len(budget_future) < h:
            raise MethodFailed(f"{self.alias}: budget saknas för prognosmånaderna")
        bf = np.asarray(budget_future[:h], dtype=float) / self.budget_scale_
        return self._exog(h, self.n_obs_, bf)

    def _back(self, z: np.ndarray) -> np.ndarray:
        return np.exp(np.clip(z, -700, 700)) if self.log_ else z * self.scale_

    def predict(self, h: int, *, budget_future: np.ndarray | None = None) -> np.ndarray:
        """Point forecast from the fitted model."""
        ex = self._future_exog(h, budget_future)
        out = self._back(np.asarray(self.res_.forecast(h, exog=ex), dtype=float))
        if not np.all(np.isfinite(out)):
            raise MethodFailed(f"{self.alias}: prognosen är inte ändlig")
        return out

    def simulate(self, h: int, n_paths: int, rng: np.random.Generator, *,
                 budget_future: np.ndarray | None = None) -> np.ndarray:
        """Paths from ``results.simulate(anchor='end', repetitions=n_paths)``."""
        ex = self._future_exog(h, budget_future)
        sim = self.res_.simulate(h, anchor="end", repetitions=n_paths, exog=ex,
                                 rng=np.random.default_rng(_seed(rng)))
        arr = np.asarray(sim, dtype=float).reshape(h, n_paths).T
        return self._back(arr)


class SARIMAXMethod(_StatsmodelsMethod):
    """``sarimax``: airline SARIMA(0,1,1)(0,1,1)12, with the budget as regressor if given."""

    alias = "sarimax"

    def __init__(self, log: bool | None = None, order=(0, 1, 1), seasonal_order=(0, 1, 1)):
        self.log = log
        self.order = tuple(order)
        self.seasonal_order = tuple(seasonal_order)

    def _build(self, z: np.ndarray, exog: np.ndarray | None) -> Any:
        from statsmodels.tsa.statespace.sarimax import SARIMAX

        return SARIMAX(z, exog=exog, order=self.order,
                       seasonal_order=(*self.seasonal_order, SEASON))


def step_dummies(n_obs: int, start: int, start_month: int, steps: tuple[int, ...],
                 april: bool = True) -> np.ndarray | None:
    """Level-shift regressors: 1 from each step month on (index relative to the history).

    Args:
        n_obs: rows wanted.
        start: index (in the full series) of the first row.
        start_month: calendar month of index 0.
        steps: user-given step indices (0-based, relative to the history's start).
        april: add one step for every April (the wage revision) seen in the history.
    """
    idx = start + np.arange(n_obs)
    cols = [(idx >= s).astype(float) for s in steps]
    if april:
        # One combined regressor: the number of Aprils passed (a step each April).
        first_april = (4 - start_month) % 12
        cols.append(np.where(idx >= first_april, (idx - first_april) // 12 + 1, 0).astype(float))
    return np.column_stack(cols) if cols else None


class UnobservedComponentsMethod(_StatsmodelsMethod):
    """``ucm``: local level + seasonal with April wage steps and known level shifts."""

    alias = "ucm"

    def __init__(self, log: bool | None = None, steps: list[int] | tuple[int, ...] = (),
                 april_steps: bool = True) -> None:
        self.log = log
        self.steps = tuple(int(s) for s in steps)
        self.april_steps = april_steps

    def _exog(self, n_obs: int, start: int, budget: np.ndarray | None) -> np.ndarray | None:
        d = step_dummies(n_obs, start, self.start_month_, self.steps, self.april_steps)
        if budget is not None:
            b = np.asarray(budget, dtype=float).reshape(-1, 1)
            return b if d is None else np.column_stack([d, b])
        return d

    def _build(self, z: np.ndarray, exog: np.ndarray | None) -> Any:
        from statsmodels.tsa.statespace.structural import UnobservedComponents

        return UnobservedComponents(z, level="local level", freq_seasonal=None,
                                    seasonal=SEASON, exog=exog)
