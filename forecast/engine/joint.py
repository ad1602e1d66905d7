"""Joint paths across series: region and division ranges that reflect co-movement.

Each series' paths are simulated on their own (``region.forecast_series``), so summing them
across series treats units as independent, while in practice they move together (the same
winter, the same wage revision, the same agency market). This module re-pairs the paths of
different series — each series keeps exactly its own set of paths, so every per-series
figure is unchanged — so that the ranks of their rest-of-year totals follow a Gaussian
copula whose correlation comes from the data before the as-of month:

- the *surprises*: for every series, the signed year-end errors of the forecast method
  itself at the same cut-off month in earlier years, when the per-series backtest of the
  standard årsprognos has computed them (``Choice.errors``); otherwise those of the
  controllers' prior-year profile in up to :data:`MAX_YEARS` earlier years
  (:func:`forecast.methods.baselines.own_year_end_errors`); out of sample by construction,
  standardised to root mean square 1 per series;
- the correlation of two series is the average product of their standardised surprises over
  the years both have (whole calendar years resampled jointly, in a smooth Gaussian way: each
  path is a random combination of the historical years' error patterns), shrunk toward
  independence with the weight of :data:`PRIOR_WEIGHT` pseudo-year (the same prior weight the
  baselines use for their ranges; nothing is tuned on the region backtest);
- the latent of series i in path p is ``√(1−λ)·Σ_k u_ik g_kp / √K + √(λ + (1−λ)(1−q_i)) ε_ip``
  with ``λ = PRIOR_WEIGHT / (K + PRIOR_WEIGHT)``, ``g`` and ``ε`` standard normal, ``q_i`` the
  series' mean squared surprise (1, or 0 without history); the path with the r-th smallest
  rest-of-year total goes where the latent is the r-th smallest (Iman–Conover style).
"""

from __future__ import annotations

import numpy as np

from forecast.engine.blocks import BLOCK
from forecast.methods.base import MethodFailed
from forecast.methods.baselines import (
    PRIOR_WEIGHT,
    own_year_end_errors,
    prior_year_profile_point,
)

MAX_YEARS = 6
"""Earlier years whose surprises are used."""


def year_surprise(y: np.ndarray, n: int, back: int) -> float:
    """Relative year-end error of the prior-year profile ``back`` years ago (NaN if none)."""
    cut = len(y) - 12 * (back - 1)
    if cut < 24 + n:
        return float("nan")
    e = own_year_end_errors(prior_year_profile_point, y[:cut], n, max_origins=1)
    return float(e[0]) if e.size and np.isfinite(e[0]) else float("nan")


def surprises(histories: list[np.ndarray], n: int, max_years: int = MAX_YEARS) -> np.ndarray:
    """(n_series, K) standardised year-end surprises; 0 where a year is missing.

    Column k is the calendar year ``k + 1`` years before the current one for every series
    (all histories end at the same as-of month), so the columns are the same years.

    Args:
        histories: every series' monthly history, ending at the as-of month.
        n: the cut-off month (0..11).
        max_years: earlier years to use.
    """
    out = np.full((len(histories), max_years), np.nan)
    for i, y in enumerate(histories):
        if y.size < 24 or np.ptp(y) == 0:
            continue
        for k in range(1, max_years + 1):
            try:
                out[i, k - 1] = year_surprise(y, n, k)
            except MethodFailed:
                continue
    return standardise(out)


def latent(u: np.ndarray, n_paths: int, rng: np.random.Generator,
           prior_years: float = PRIOR_WEIGHT) -> np.ndarray:
    """(n_series, n_paths) Gaussian latents with the shrunk surprise correlation.

    Args:
        u: (n_series, K) standardised surprises (rows RMS 1 over their non-zero years).
        n_paths: paths.
        rng: the generator of the coupling.
        prior_years: shrinkage weight toward independence.
    """
    n_series, k_all = u.shape
    used = np.any(u != 0, axis=0)
    u = u[:, used]
    k = u.shape[1]
    eps = rng.standard_normal((n_series, n_paths))
    if k == 0:
        return eps
    lam = prior_years / (k + prior_years)
    q = np.mean(u**2, axis=1)
    g = rng.standard_normal((k, n_paths))
    idio = np.sqrt(np.clip(lam + (1 - lam) * (1 - q), 0.0, None))
    # √(1−λ)·(u g)/√K + idio·ε, each operation in place (the same numbers, bit for bit,
    # with two (n_series, n_paths) arrays in memory instead of four)
    common = u @ g
    common /= np.sqrt(k)
    common *= np.sqrt(1 - lam)
    eps *= idio[:, None]
    common += eps
    return common


def couple(paths: np.ndarray, rest_months: int, z: np.ndarray, *,
           in_place: bool = False) -> np.ndarray:
    """Re-pair every series' paths so their rest-of-year totals follow the ranks of ``z``.

    Args:
        paths: (n_series, n_paths, h) paths (not modified unless ``in_place``).
        rest_months: leading months summed for the ranking (the rest of the year).
        z: (n_series, n_paths) latents.
        in_place: re-pair ``paths`` itself, one series at a time (no second array).

    Returns:
        ``paths`` re-paired (a new array unless ``in_place``); row i holds exactly the paths
        of ``paths[i]``.
    """
    r = max(int(rest_months), 1)
    out = paths if in_place else np.empty_like(paths)
    for s in range(0, len(paths), BLOCK):
        block = paths[s: s + BLOCK]
        tot = block[:, :, :r].sum(axis=2, dtype=np.float64)
        src = np.argsort(tot, axis=1, kind="stable")
        dst = np.argsort(z[s: s + BLOCK], axis=1, kind="stable")
        rows = np.arange(len(block))[:, None]
        take = np.empty_like(src)  # path taken to place dst[j]: src[j] (one gather, no scatter)
        take[rows, dst] = src
        out[s: s + BLOCK] = block[rows, take]
    return out


def standardise(errors: np.ndarray) -> np.ndarray:
    """Rows scaled to root mean square 1 over their finite entries; missing entries 0."""
    seen = np.isfinite(errors)
    e = np.where(seen, errors, 0.0)
    cnt = seen.sum(axis=1)
    rms = np.sqrt(np.divide((e**2).sum(axis=1), cnt, out=np.zeros(len(e)), where=cnt > 0))
    return np.divide(e, rms[:, None], out=np.zeros_like(e), where=rms[:, None] > 0)


def joint_paths(paths: np.ndarray, histories: list[np.ndarray], n: int,
                rng: np.random.Generator, errors: np.ndarray | None = None, *,
                in_place: bool = False) -> np.ndarray:
    """Couple independent per-series paths by their historical year-end co-movement.

    Args:
        paths: (n_series, n_paths, h) independent paths, months after the as-of month.
        histories: each series' history ending at the as-of month.
        n: the cut-off month (as-of month, 0 for December).
        rng: generator of the coupling (seeded by the caller).
        errors: (n_series, years) the forecast method's own signed year-end errors in
            earlier years (the standard's per-series backtest), column k = k + 1 years back;
            used instead of the prior-year profile's when given.
        in_place: re-pair ``paths`` itself (the engine's own array; no second copy).
    """
    if errors is not None and np.isfinite(errors).any():
        u = standardise(np.asarray(errors, dtype=float))
    else:
        u = surprises(histories, n)
    z = latent(u, paths.shape[1], rng)
    return couple(paths, 12 - n, z, in_place=in_place)
