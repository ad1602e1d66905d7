"""The year-end accuracy protocol on any long panel of monthly series.

Panel: columns ``series_id``, ``start`` ('YYYY-MM' of the first observation), ``t`` (0-based
index), ``value``. For every series and calendar year Y fully in the series with at least 36
observations before January Y, and every cut-off n (4: April, 8: August), the history is
everything up to month n of Y, the forecast of the year total is the known months 1..n plus
the method's forecast of months n+1..12, and its P10–P90 comes from paths summed over months.

Everything here is a pure function of its inputs except :func:`run_backtest`, which fans the
series out over worker processes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from forecast.methods import REFERENCE_METHODS, Method, MethodFailed, make_method
from forecast.methods.base import cutoff_month
from forecast.methods.cases import year_end_origins
from forecast.methods.selection import (
    LAST_RESORT,
    PerSeriesChoice,
    fallback_chain,
    level_forecast,
)
from forecast.parallel import chunk_by, map_chunks

CUTOFFS: tuple[int, ...] = (4, 8)
MIN_BEFORE = 36
N_PATHS = 1000
"""Simulated paths per case (the same count as the region forecast's per series)."""
RESULT_COLUMNS: tuple[str, ...] = (
    "cutoff",
    "method",
    "cases",
    "n_paths",
    "median_ape",
    "mean_ape",
    "share_ape_over_5",
    "coverage_p10_p90",
    "median_width_pct",
    "seconds",
)

PER_CASE_COLUMNS: tuple[str, ...] = (
    "series_id", "year", "cutoff", "method", "forecast", "actual", "p10", "p90",
)
"""Columns of the per-case file (``backtest --per-case``): one row per case and method."""

# Named method configurations usable in ``--methods`` besides the registry aliases.
VARIANTS: dict[str, tuple[str, dict]] = {
    "autoets_statsforecast": ("ets", {"log": False}),
    "combo_mean": ("combo", {"how": "mean"}),
    "combo_horizon": ("combo", {"width": "horizon"}),
    "combo_full_ces": ("combo", {"member_kwargs": {}}),  # the standard until session 7
    "combo_ets": ("combo", {"members": ("ets", "ces", "ets_b2"), "how": "mean",
                            "path_member": "ets", "width": "horizon", "member_kwargs": {}}),
}


def build_method(name: str) -> Method:
    """A fresh method from a registry alias or a name in :data:`VARIANTS`."""
    if name in VARIANTS:
        alias, kwargs = VARIANTS[name]
        return make_method(alias, **kwargs)
    if name == "choice":  # a free per-series choice, nested inside each case
        return PerSeriesChoice()
    return make_method(name)


# --------------------------------------------------------------------------- data
def read_bench(path: str | Path) -> pd.DataFrame:
    """Read a benchmark panel (CSV, gzip allowed) and drop series without a known start."""
    df = pd.read_csv(path, dtype={"series_id": str, "start": str})
    df = df.loc[df["start"].notna() & (df["start"].str.strip() != "")]
    return df[["series_id", "start", "t", "value"]].sort_values(["series_id", "t"],
                                                                 kind="stable")


@dataclass(frozen=True)
class Series:
    """One series of a panel: values and the calendar of its first observation."""

    series_id: str
    start_year: int
    start_month: int
    y: np.ndarray


def panel_series(panel: pd.DataFrame) -> list[Series]:
    """Split a long panel into :class:`Series` (values ordered by ``t``)."""
    out = []
    for sid, g in panel.groupby("series_id", sort=True):
        year, month = (int(p) for p in str(g["start"].iloc[0]).split("-")[:2])
        out.append(Series(str(sid), year, month, g.sort_values("t")["value"].to_numpy(float)))
    return out


def case_years(s: Series, min_before: int = MIN_BEFORE) -> list[tuple[int, int]]:
    """(year, index of January of that year) of every qualifying year of a series.

    A year qualifies when all its 12 months are in the series and at least ``min_before``
    observations precede its January.
    """
    starts = year_end_origins(len(s.y), cutoff_month(len(s.y), s.start_month), 0,
                              min_history=0, min_before=min_before)
    return [(s.start_year + (s.start_month - 1 + t_jan) // 12, t_jan)
            for t_jan in reversed(starts)]


def enumerate_cases(panel: pd.DataFrame, cutoffs: Sequence[int] = CUTOFFS,
                    min_before: int = MIN_BEFORE) -> pd.DataFrame:
    """Every (series_id, year, cutoff) case of the protocol, with the history length."""
    rows = [
        (s.series_id, year, n, t_jan + n)
        for s in panel_series(panel)
        for year, t_jan in case_years(s, min_before)
        for n in cutoffs
    ]
    return pd.DataFrame(rows, columns=["series_id", "year", "cutoff", "n_history"])


# --------------------------------------------------------------------------- one case
def forecast_case(name: str, y: np.ndarray, start_month: int, t_jan: int, n: int,
                  n_paths: int, rng: np.random.Generator) -> dict:
    """Forecast the year total of the year starting at ``t_jan`` after ``n`` months.

    Falls back along the one fallback policy (:func:`forecast.methods.selection.
    fallback_chain`, then its level forecast) when the method fails; the row says so in
    ``fallback``.
    """
    hist = y[: t_jan + n]
    h = 12 - n
    ytd = float(np.sum(y[t_jan : t_jan + n]))
    actual = float(np.sum(y[t_jan : t_jan + 12]))
    point, paths, used = _forecast_or_fall_back(name, hist, start_month, h, n_paths, rng)
    fc = ytd + float(np.sum(point))
    lo = hi = np.nan
    if paths is not None:
        tot = ytd + paths.sum(axis=1)
        lo, hi = (float(v) for v in np.quantile(tot, [0.1, 0.9]))
    return {"forecast": fc, "actual": actual, "p10": lo, "p90": hi,
            "fallback": "" if used == name else used}


def _forecast_or_fall_back(name: str, hist: np.ndarray, start_month: int, h: int,
                           n_paths: int, rng: np.random.Generator
                           ) -> tuple[np.ndarray, np.ndarray | None, str]:
    """``(point, paths or None when n_paths is 0, used name)`` of the first method that fits."""
    for cand in fallback_chain(name):
        try:
            m = build_method(cand).fit(hist, start_month)
            point = m.predict(h)
            return point, (m.simulate(h, n_paths, rng) if n_paths > 0 else None), cand
        except MethodFailed:
            continue
    point, paths = level_forecast(hist, cutoff_month(len(hist), start_month), h,
                                  max(n_paths, 1), rng)
    return point, (paths if n_paths > 0 else None), LAST_RESORT


def run_series_chunk(chunk: list[Series], methods: Sequence[str], cutoffs: Sequence[int],
                     n_paths: int, seed: int, min_before: int = MIN_BEFORE) -> list[dict]:
    """All cases of a chunk of series for all methods (the unit of work of one process)."""
    rows: list[dict] = []
    for s in chunk:
        years = case_years(s, min_before)
        for name in methods:
            for year, t_jan in years:
                for n in cutoffs:
                    rng = np.random.default_rng([seed, year, n, len(s.y)])
                    t0 = time.perf_counter()
                    r = forecast_case(name, s.y, s.start_month, t_jan, n, n_paths, rng)
                    r.update(series_id=s.series_id, year=year, cutoff=n, method=name,
                             seconds=time.perf_counter() - t0)
                    rows.append(r)
    return rows


# --------------------------------------------------------------------------- figures
def case_metrics(cases: pd.DataFrame) -> pd.DataFrame:
    """Add ``ape``, ``covered`` and ``width_pct`` to a frame of case results."""
    out = cases.copy()
    a = out["actual"].abs()
    out["ape"] = 100 * (out["forecast"] - out["actual"]).abs() / a
    inside = (out["actual"] >= out["p10"]) & (out["actual"] <= out["p90"])
    out["covered"] = inside.where(out["p10"].notna())
    out["width_pct"] = 100 * (out["p90"] - out["p10"]) / a
    return out


def per_case_table(cases: pd.DataFrame) -> pd.DataFrame:
    """The case-level frame reduced to :data:`PER_CASE_COLUMNS`, in a stable order."""
    out = cases.loc[:, list(PER_CASE_COLUMNS)]
    return out.sort_values(["method", "series_id", "year", "cutoff"],
                           kind="stable").reset_index(drop=True)


def aggregate(cases: pd.DataFrame, workers: int = 1, n_paths: int = N_PATHS) -> pd.DataFrame:
    """The protocol's figures per cut-off and method (columns :data:`RESULT_COLUMNS`).

    ``seconds`` is the summed per-case compute time divided by ``workers`` (the wall time
    the method alone would take on that many cores); ``n_paths`` is the path count the
    ranges were computed from (stated with every figure).
    """
    c = case_metrics(cases)
    c = c.loc[np.isfinite(c["ape"])]
    rows = []
    for (cut, meth), g in c.groupby(["cutoff", "method"], sort=False):
        cov = g["covered"].dropna()
        rows.append({
            "cutoff": int(cut),
            "method": meth,
            "cases": len(g),
            "n_paths": int(n_paths),
            "median_ape": float(g["ape"].median()),
            "mean_ape": float(g["ape"].mean()),
            "share_ape_over_5": float(100 * (g["ape"] > 5).mean()),
            "coverage_p10_p90": float(100 * cov.astype(float).mean()) if len(cov) else np.nan,
            "median_width_pct": float(g["width_pct"].median()),
            "seconds": float(g["seconds"].sum()) / max(workers, 1),
        })
    return pd.DataFrame(rows, columns=list(RESULT_COLUMNS)).sort_values(
        ["cutoff", "median_ape"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- driver
def sample_series(series: list[Series], sample: int | None, seed: int) -> list[Series]:
    """A reproducible random subset of ``sample`` series (all when ``sample`` is None)."""
    if sample is None or sample >= len(series):
        return series
    idx = np.sort(np.random.default_rng(seed).choice(len(series), size=sample, replace=False))
    return [series[i] for i in idx]


def run_backtest(
    panel: pd.DataFrame,
    methods: Sequence[str] = REFERENCE_METHODS,
    *,
    cutoffs: Sequence[int] = CUTOFFS,
    n_paths: int = N_PATHS,
    sample: int | None = None,
    seed: int = 0,
    workers: int = 2,
    chunk_size: int = 10,
    min_before: int = MIN_BEFORE,
) -> pd.DataFrame:
    """Run the protocol; returns the case-level frame (see :func:`aggregate` for figures).

    ``seconds`` per case is the wall time of fit + predict + simulate in its worker; the
    per-method sum over cases divided by ``workers`` estimates wall time on the machine.
    """
    series = sample_series(panel_series(panel), sample, seed)
    rows = map_chunks(run_series_chunk, chunk_by(series, chunk_size), workers,
                      methods, cutoffs, n_paths, seed, min_before)
    return panel_widths(pd.DataFrame(rows))


def panel_widths(cases: pd.DataFrame) -> pd.DataFrame:
    """The cases with the panel width rule applied, as the region forecast applies it.

    For every method whose ranges take it (``combo``), per cut-off over the panel's cases
    that did not fall back: P10/P90 → T + factor · (P10/P90 − T), the factor of
    :func:`forecast.methods.combination.panel_width_factors` (exact: a case's year-total
    quantiles scale with its path deviations around the point).
    """
    from forecast.methods.combination import Combination, panel_width_factors

    if cases.empty or "p10" not in cases:
        return cases
    out = cases.copy()
    for name in out["method"].unique():
        m = build_method(str(name))
        if not (isinstance(m, Combination) and m.uses_panel_width):
            continue
        for n in out.loc[out["method"] == name, "cutoff"].unique():
            rows = ((out["method"] == name) & (out["cutoff"] == n)
                    & (out["fallback"].fillna("") == "")).to_numpy()
            t = out.loc[rows, "forecast"].to_numpy(float)
            lo, hi = out.loc[rows, "p10"].to_numpy(float), out.loc[rows, "p90"].to_numpy(float)
            with np.errstate(divide="ignore", invalid="ignore"):
                f = panel_width_factors((hi - lo) / np.abs(t), int(n))
            out.loc[rows, "p10"] = t + f * (lo - t)
            out.loc[rows, "p90"] = t + f * (hi - t)
    return out
