"""Laid forecasts (lagd prognos): the month's forecast stored as an append-only version.

A laid forecast keeps, per bottom series (unit × account): the year's outcome to date and
budget, the statistical, adjustment and final year totals of the forecast year, the final
P10/P50/P90, the plan years' final totals, the method, its backtested error and note, and the
monthly expected amounts (statistical mean and adjustment) of the remaining months of the
year, which the prognosförändring needs. With it: the adjustments and their allocation, the
input data hash, program version, method, parameters, author, time and comment.

Versions: every lay of a (dataset, month) is version n + 1; nothing is overwritten. One
version per (dataset, month) can be fastställd (locked), recorded as its own row; a later lay
of a locked month is a new version beside it. "The current one" is the locked version if
any, else the latest. Every lay and lock appends an audit row.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from forecast import __version__
from forecast.cycle.adjustments import AdjustedForecast, Adjustment
from forecast.engine.hierarchy import group_year_paths
from forecast.engine.result import RegionForecast
from forecast.engine.totals_width import corrections_metadata
from forecast.io.formatting import month_label
from forecast.ledger.month import month_of
from forecast.ledger.names import EXAMPLE_DATASET as EXAMPLE_DATASET  # re-exported
from forecast.ledger.names import USER_DATASET as USER_DATASET  # re-exported

LAID_SCHEMA_VERSION = 1
LAID_KEY_COLUMNS = ("unit", "account", "division", "category", "account_type")
SERIES_COLUMNS = (*LAID_KEY_COLUMNS, "ytd_outcome", "annual_budget", "stat_year", "adj_year",
                  "final_year", "p10", "p50", "p90", "final_plan1", "final_plan2", "method",
                  "backtest_ape", "note")
MAX_LAID_COMMENT = 2000


class LaidError(ValueError):
    """A lay, lock or look-up that cannot be done (Swedish message)."""


@dataclass(frozen=True)
class LaidForecast:
    """One stored version of a laid forecast (or a draft before it is stored: id 0)."""

    dataset: str
    as_of: pd.Period
    series: pd.DataFrame
    """One row per series, columns :data:`SERIES_COLUMNS` (tkr)."""
    stat_monthly: np.ndarray
    """(n_series, 12 - as_of.month) expected statistical amount per remaining month, tkr."""
    adj_monthly: np.ndarray
    """(n_series, 12 - as_of.month) adjustment per remaining month (all kinds), tkr."""
    adjustments: tuple[Adjustment, ...]
    allocations: tuple[np.ndarray, ...]
    """Per adjustment: (n_series, 12 - as_of.month) its amount per series and month."""
    author: str
    comment: str
    input_hash: str
    method: str
    parameters: dict[str, str] = field(default_factory=dict)
    id: int = 0
    version: int = 0
    created: str = ""
    program_version: str = __version__
    locked: bool = False
    region_quantiles: tuple[float, float, float] = (float("nan"),) * 3
    """P10/P50/P90 of the region's final net year total (from the summed paths), tkr."""
    stat_forecast_id: int | None = None
    """The stored statistical forecast it was laid on (:mod:`forecast.store.statistical`);
    None for versions laid before forecasts were stored."""

    @property
    def uids(self) -> list[str]:
        """``unit|account`` of every series."""
        return [f"{u}|{a}" for u, a in zip(self.series["unit"], self.series["account"],
                                           strict=True)]

    @property
    def months(self) -> pd.PeriodIndex:
        """The remaining months of the forecast year (as_of + 1 … December)."""
        return pd.period_range(self.as_of + 1, month_of(self.as_of.year, 12),
                               freq="M")

    def summary(self) -> dict[str, float]:
        """Region totals: statistical, adjustment, final, budget and deviation (tkr)."""
        s = self.series
        final = float(s["final_year"].sum())
        budget = float(s["annual_budget"].sum())
        q = self.region_quantiles
        return {"stat": float(s["stat_year"].sum()), "adj": float(s["adj_year"].sum()),
                "final": final, "budget": budget, "deviation": final - budget,
                "p10": q[0], "p50": q[1], "p90": q[2]}

    def label(self) -> str:
        """``april 2023 v2 (fastställd)``."""
        locked = " (fastställd)" if self.locked else ""
        return f"{month_label(self.as_of, long=True)} v{self.version}{locked}"


def _year_part(rf: RegionForecast, monthly: np.ndarray) -> np.ndarray:
    return monthly[:, rf.month_mask(rf.as_of.year)]


def build_laid(af: AdjustedForecast, *, dataset: str, author: str, comment: str,
               method: str, parameters: dict[str, str] | None = None,
               stat_forecast_id: int | None = None) -> LaidForecast:
    """The laid-forecast draft of an adjusted forecast (pure; nothing is stored).

    ``stat_forecast_id`` names the stored statistical forecast ``af`` was made on.

    Raises:
        LaidError: no comment or author, or a comment longer than :data:`MAX_LAID_COMMENT`.
    """
    if not comment.strip():
        raise LaidError("en lagd prognos måste ha en kommentar (--kommentar)")
    if len(comment) > MAX_LAID_COMMENT:
        raise LaidError(f"kommentaren har {len(comment)} tecken; högst {MAX_LAID_COMMENT}")
    if not author.strip():
        raise LaidError("en lagd prognos måste ha en författare (--forfattare)")
    rf = af.statistical
    y = rf.as_of.year
    mean_m = af.statistical_mean_monthly()
    adj_all = af.adjustment_monthly
    stat_m = _year_part(rf, mean_m)
    adj_m = _year_part(rf, adj_all)
    q = np.quantile(af.year_paths(y), [0.1, 0.5, 0.9], axis=1)
    plan = [(mean_m + adj_all)[:, rf.month_mask(y + k)].sum(axis=1) for k in (1, 2)]
    tot = group_year_paths(af.final, (), y)[0]  # the region's, as every table reads it
    stat_year = rf.ytd_outcome + stat_m.sum(axis=1)
    adj_year = adj_m.sum(axis=1)
    series = rf.keys[list(LAID_KEY_COLUMNS)].copy().reset_index(drop=True)
    series = series.assign(
        ytd_outcome=rf.ytd_outcome, annual_budget=rf.annual_budget, stat_year=stat_year,
        adj_year=adj_year, final_year=stat_year + adj_year, p10=q[0], p50=q[1], p90=q[2],
        final_plan1=plan[0], final_plan2=plan[1], method=list(rf.method),
        backtest_ape=rf.backtest_ape, note=list(rf.notes))
    return LaidForecast(
        dataset=dataset, as_of=rf.as_of, series=series, stat_monthly=stat_m, adj_monthly=adj_m,
        adjustments=af.adjustments,
        allocations=tuple(_year_part(rf, a) for a in af.allocations),
        author=author.strip(), comment=comment.strip(), input_hash=rf.input_hash,
        method=method, parameters={**dict(parameters or {}), **corrections_metadata(rf)},
        region_quantiles=(float(np.quantile(tot, 0.1)), float(np.quantile(tot, 0.5)),
                          float(np.quantile(tot, 0.9))),
        stat_forecast_id=stat_forecast_id)


# --------------------------------------------------------------------------- (de)serialise


def series_payload(lf: LaidForecast) -> str:
    """The laid forecast's series columns and monthly figures as the stored JSON payload."""
    cols = {c: lf.series[c].tolist() for c in SERIES_COLUMNS}
    cols["backtest_ape"] = [None if not np.isfinite(v) else float(v)
                            for v in lf.series["backtest_ape"]]
    return json.dumps({"columns": cols, "stat_monthly": lf.stat_monthly.tolist(),
                       "adj_monthly": lf.adj_monthly.tolist()}, ensure_ascii=False)


def adjustment_payload(adj: Adjustment, alloc: np.ndarray, uids: list[str]) -> str:
    """One adjustment and its allocation on the series it touches, as the stored payload."""
    rows = np.flatnonzero(alloc.any(axis=1))
    return json.dumps({"adjustment": adj.to_dict(),
                       "allocation": {uids[i]: alloc[i].tolist() for i in rows}},
                      ensure_ascii=False)


def series_from(payload: str, n_months: int) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The series frame and arrays back from :func:`series_payload`'s JSON."""
    d = json.loads(payload)
    series = pd.DataFrame(d["columns"], columns=list(SERIES_COLUMNS))
    series["backtest_ape"] = series["backtest_ape"].astype(float)
    shape = (len(series), n_months)
    stat = np.asarray(d["stat_monthly"], dtype=float).reshape(shape)
    adj = np.asarray(d["adj_monthly"], dtype=float).reshape(shape)
    return series, stat, adj


def adjustment_from(payload: str, uids: list[str],
                    n_months: int) -> tuple[Adjustment, np.ndarray]:
    """The adjustment and its full allocation back from :func:`adjustment_payload`."""
    d = json.loads(payload)
    pos = {u: i for i, u in enumerate(uids)}
    alloc = np.zeros((len(uids), n_months))
    for uid, vals in d["allocation"].items():
        alloc[pos[uid]] = vals
    return Adjustment.from_dict(d["adjustment"]), alloc
