"""A faster classical seasonal decomposition for statsforecast's Theta and CES members.

statsforecast's ``AutoTheta`` (its seasonality adjustment) and ``AutoCES`` (the initial
seasonal states of its partial and full models) call statsmodels' ``seasonal_decompose``
for every fit, about 1 ms each, mostly in pandas' ``nanmean`` called once per calendar
month and in the wrapping of inputs and outputs, not in the arithmetic. On the 2 000-series
panel of ``bench/bench_forecast.py`` this version saves 5–7 % of the standard årsprognos'
wall time (a profiler, which slows pandas' Python code the most, showed a fifth).

:func:`seasonal_decompose` computes the same thing — the same centred moving average
(the ``np.convolve`` that ``scipy.signal.convolve`` calls for it), the same sums in the
same order, the same normalisation — on plain NumPy arrays, so its components are *bit for
bit* those of statsmodels (``tests/methods/test_decompose.py`` checks this on many series,
and that Theta's and CES's forecasts are identical with and without it). :func:`install`
puts it in the namespace of those two statsforecast modules only; other users of statsmodels
(and statsforecast's ``AutoETS``, the speed benchmark's peer) are left as they are. If a future
statsforecast no longer imports statsmodels' function there, nothing is replaced.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NamedTuple

import numpy as np
from scipy import signal


class Decomposition(NamedTuple):
    """The components of a classical decomposition (as statsmodels' ``DecomposeResult``)."""

    seasonal: np.ndarray
    trend: np.ndarray
    resid: np.ndarray
    observed: np.ndarray


def _season_means_like_pandas(values: np.ndarray, period: int) -> np.ndarray:
    """The mean of ``values[i::period]`` for every i, as statsmodels' ``seasonal_mean`` does.

    pandas' ``nanmean`` arithmetic: NaN → 0, the float64 sum of each slice, divided by the
    count of non-missing values. The slices are summed as the rows of a contiguous array of
    their own length (the first ``len % period`` slices are one longer), which NumPy sums in
    the same (pairwise) order as each slice on its own.
    """
    mask = np.isnan(values)
    q, r = divmod(len(values), period)
    grid = np.zeros((q + 1) * period)
    grid[: len(values)] = np.where(mask, 0.0, values)
    seen = np.zeros((q + 1) * period, dtype=bool)
    seen[: len(values)] = ~mask
    by_season = grid.reshape(q + 1, period).T
    seen_by_season = seen.reshape(q + 1, period).T
    sums = np.concatenate([np.ascontiguousarray(by_season[:r, : q + 1]).sum(axis=1),
                           np.ascontiguousarray(by_season[r:, :q]).sum(axis=1)])
    counts = seen_by_season.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


DIRECT_CONVOLVE_MAX = 1000
"""Up to this length ``np.convolve`` is what ``scipy.signal.convolve`` itself calls for a
12-term filter (checked bit for bit in the tests); longer series go through SciPy."""


def seasonal_decompose(x: object, model: str = "additive", period: int | None = None
                       ) -> Decomposition:
    """The result of statsmodels' ``seasonal_decompose(x, model, period=period)``, 1-d series.

    Only what statsforecast uses: a 1-d array, a given period, the default filter, two-sided,
    no trend extrapolation. Raises ``ValueError`` as statsmodels does for the inputs it
    rejects (missing values, non-positive values for the multiplicative model, fewer than
    two cycles).
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or period is None:
        raise ValueError("seasonal_decompose: a 1-d series and a period are required")
    period = int(period)
    nobs = len(x)
    if not np.all(np.isfinite(x)):
        raise ValueError("This function does not handle missing values")
    if model not in ("additive", "multiplicative", "add", "mul"):
        raise ValueError(f"unknown model {model!r}")
    mult = model in ("multiplicative", "mul")
    if mult and np.any(x <= 0):
        raise ValueError("Multiplicative seasonality is not appropriate "
                         "for zero and negative values")
    if nobs < 2 * period:
        raise ValueError(f"x must have 2 complete cycles requires {2 * period} "
                         f"observations. x only has {nobs} observation(s)")
    if period % 2 == 0:
        filt = np.array([0.5] + [1] * (period - 1) + [0.5]) / period
    else:
        filt = np.repeat(1.0 / period, period)
    # statsmodels' convolution_filter with nsides=2: 'valid' convolution, NaN-padded ends
    head = int(np.ceil(len(filt) / 2.0) - 1)
    tail = int(np.ceil(len(filt) / 2.0) - len(filt) % 2)
    valid = (np.convolve(x, filt, mode="valid") if nobs <= DIRECT_CONVOLVE_MAX
             else signal.convolve(x, filt, mode="valid"))
    trend = np.concatenate([np.full(head, np.nan), valid, np.full(tail, np.nan)])
    detrended = x / trend if mult else x - trend
    averages = _season_means_like_pandas(detrended, period)
    if mult:
        averages /= np.mean(averages, axis=0)
    else:
        averages -= np.mean(averages, axis=0)
    seasonal = np.tile(averages.T, nobs // period + 1).T[:nobs]
    resid = x / seasonal / trend if mult else detrended - seasonal
    return Decomposition(seasonal=seasonal, trend=trend, resid=resid, observed=x)


class NormalQuantiles:
    """SciPy's ``norm`` as statsforecast's Theta module uses it: ``norm.ppf(q)``, each q once.

    ``AutoTheta``'s seasonality test calls ``norm.ppf(0.95)`` on every fit (about 0,2 ms of
    SciPy's argument checking for a constant); this returns SciPy's own value, computed once
    per q (the same float), and passes any other use on to SciPy.
    """

    def __init__(self) -> None:
        self._ppf: dict[float, object] = {}

    def ppf(self, q: object, *args: object, **kwargs: object) -> object:
        """``scipy.stats.norm.ppf(q)``, from a cache for a scalar q without other arguments."""
        from scipy.stats import norm

        if args or kwargs or not isinstance(q, float | int):
            return norm.ppf(q, *args, **kwargs)
        key = float(q)
        if key not in self._ppf:
            self._ppf[key] = norm.ppf(q)
        return self._ppf[key]

    def __getattr__(self, name: str) -> object:
        from scipy.stats import norm

        return getattr(norm, name)


NORMAL = NormalQuantiles()
_PATCHED_MODULES = ("statsforecast.theta", "statsforecast.ces")
_installed = False


def install() -> tuple[str, ...]:
    """Use :func:`seasonal_decompose` in statsforecast's Theta and CES modules.

    Returns the modules where it was installed (where statsmodels' own function was found).
    Idempotent.
    """
    global _installed
    import importlib

    from statsmodels.tsa.seasonal import seasonal_decompose as original

    from forecast.methods.library import statsforecast_models

    statsforecast_models()  # imported without Dask (forecast.methods.library)
    done = []
    for name in _PATCHED_MODULES:
        module = importlib.import_module(name)
        current = getattr(module, "seasonal_decompose", None)
        if current is original:
            module.seasonal_decompose = seasonal_decompose  # type: ignore[attr-defined]
        if getattr(module, "seasonal_decompose", None) is seasonal_decompose:
            done.append(name)
    _install_quantiles()
    _installed = True
    return tuple(done)


def _install_quantiles() -> None:
    """:data:`NORMAL` in place of SciPy's ``norm`` in statsforecast's Theta module."""
    import importlib

    from scipy.stats import norm

    module = importlib.import_module("statsforecast.theta")
    if getattr(module, "norm", None) is norm:
        module.norm = NORMAL  # type: ignore[attr-defined]


@contextmanager
def library_decomposition() -> Iterator[None]:
    """Within the block, statsforecast uses statsmodels' own function (for comparisons)."""
    global _installed
    import importlib

    from statsmodels.tsa.seasonal import seasonal_decompose as original

    modules = [importlib.import_module(name) for name in _PATCHED_MODULES]
    before = [getattr(m, "seasonal_decompose", None) for m in modules]
    was = _installed
    for m in modules:
        m.seasonal_decompose = original  # type: ignore[attr-defined]
    _installed = True  # keep ensure_installed from putting it back inside the block
    try:
        yield
    finally:
        for m, f in zip(modules, before, strict=True):
            m.seasonal_decompose = f  # type: ignore[attr-defined]
        _installed = was


def ensure_installed() -> None:
    """:func:`install` once per process."""
    if not _installed:
        install()
