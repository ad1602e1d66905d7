"""The transition plan (omställningsplan): each measure's full-year effect projected.

:func:`project_transition_plan` draws each measure's realisation rate for the rest of the
year from the months reported so far (a Bayesian bootstrap) and returns a
:class:`PlanProjection` with a table per measure and the paths of the projected effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import Measure, months_active
from forecast.ledger.month import month_of
from forecast.seeding import series_rng


@dataclass(frozen=True)
class PlanProjection:
    """The transition plan's full-year effect projected from the effects reported so far.

    Attributes:
        as_of: the as-of month; the plan year is ``as_of.year``.
        table: one row per measure of the plan year (savings positive, tkr) with columns
            measure_id, name, unit, account, planned_annual, planned_to_date,
            reported_to_date, realisation_pct, projected_mean, projected_p10, projected_p50,
            projected_p90, projected_pct (P50 of planned), note.
        paths: (n_measures, n_paths) projected full-year effect per measure.
    """

    as_of: pd.Period
    table: pd.DataFrame
    paths: np.ndarray

    @property
    def total_paths(self) -> np.ndarray:
        """(n_paths,) projected full-year effect of the whole plan."""
        return self.paths.sum(axis=0) if len(self.paths) else np.zeros(0)

    def total(self) -> dict[str, float]:
        """Planned, reported and projected (mean, P10/P50/P90) effect of the whole plan."""
        t = self.table
        tot = self.total_paths
        q = np.quantile(tot, [0.1, 0.5, 0.9]) if tot.size else [0.0] * 3
        return {
            "planned_annual": float(t["planned_annual"].sum()),
            "planned_to_date": float(t["planned_to_date"].sum()),
            "reported_to_date": float(t["reported_to_date"].sum()),
            "projected_mean": float(tot.mean()) if tot.size else 0.0,
            "projected_p10": float(q[0]), "projected_p50": float(q[1]),
            "projected_p90": float(q[2]),
        }


def _bayes_bootstrap_mean(x: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """(n_paths,) Bayesian-bootstrap draws of the mean of ``x`` (Dirichlet(1,…,1) weights)."""
    w = rng.dirichlet(np.ones(len(x)), size=n_paths)
    return w @ x


def measures_of_year(ds: Dataset, year: int) -> tuple[list[Measure], float]:
    """The data's measures of ``year`` and their planned annual effect in all, tkr."""
    measures = [m for m in ds.measures if m.year == year]
    return measures, float(sum(m.planned_annual_tkr for m in measures))


def project_transition_plan(ds: Dataset, as_of: pd.Period, n_paths: int = 1000,
                            seed: int = 0) -> PlanProjection:
    """Project each measure's full-year effect from its monthly realisation so far.

    Each measure's planned effect is spread evenly over its months (as in
    :func:`forecast.ledger.dimensions.planned_to_date`). The realisation rate of a month is the
    reported effect ÷ the planned monthly effect. The rate for the remaining months is drawn
    by a Bayesian bootstrap over the months observed so far (so a measure with few, uneven
    months gets a wide range); the projection is reported-to-date + rate × planned remainder.
    A measure not yet started borrows the pooled monthly rates of the plan's other measures.
    Rates are clipped at 0 (a measure does not cost); above 1 is kept (over-delivery).

    Args:
        ds: the data set (measures and measure_effects).
        as_of: the as-of month; measures of ``as_of.year`` are projected.
        n_paths: draws per measure.
        seed: seed (deterministic per measure).

    Returns:
        A :class:`PlanProjection`.
    """
    measures = [m for m in ds.measures if m.year == as_of.year]
    eff = _effects(ds)
    info = [_realisation(m, eff, as_of) for m in measures]
    rates = {m.id: r for m, _, _, r in info if r.size}
    pooled = np.concatenate(list(rates.values())) if rates else np.zeros(0)
    rows, paths = [], []
    for m, planned_to, reported, own in info:
        rng = series_rng(seed, f"plan|{m.id}")
        draws, note = _rate_draws(own, pooled, n_paths, rng)
        remainder = max(m.planned_annual_tkr - planned_to, 0.0)
        proj = reported + np.clip(draws, 0.0, None) * remainder
        paths.append(proj)
        rows.append(_measure_row(m, planned_to, reported, proj, note))
    table = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    arr = np.vstack(paths) if paths else np.zeros((0, n_paths))
    return PlanProjection(as_of, table, arr)


PLAN_COLUMNS: tuple[str, ...] = (
    "measure_id", "name", "unit", "account", "planned_annual", "planned_to_date",
    "reported_to_date", "realisation_pct", "projected_mean", "projected_p10",
    "projected_p50", "projected_p90", "projected_pct", "note")
"""Columns of :attr:`PlanProjection.table`."""


def _effects(ds: Dataset) -> pd.DataFrame:
    """The reported effects with a monthly ``period`` column (an empty frame if none)."""
    eff = ds.measure_effects
    if eff is None or eff.empty:
        eff = pd.DataFrame({"measure_id": [], "period": pd.PeriodIndex([], freq="M"),
                            "effect_tkr": []})
    return eff.assign(period=pd.PeriodIndex(eff["period"], freq="M"))


def _realisation(m: Measure, eff: pd.DataFrame, as_of: pd.Period
                 ) -> tuple[Measure, float, float, np.ndarray]:
    """``(measure, planned to date, reported to date, monthly realisation rates so far)``."""
    start = m.start_month
    year_end = month_of(m.year, 12)
    active = max(months_active(start, m.year), 1)
    monthly_plan = m.planned_annual_tkr / active
    seen = pd.period_range(max(start, month_of(m.year, 1)), min(as_of, year_end),
                           freq="M")
    rep = eff.loc[eff["measure_id"] == m.id].groupby("period")["effect_tkr"].sum()
    monthly = rep.reindex(seen, fill_value=0.0).to_numpy(dtype=float)
    rates = monthly / monthly_plan if len(seen) else np.zeros(0)
    return m, monthly_plan * len(seen), float(monthly.sum()), rates


def _rate_draws(own: np.ndarray, pooled: np.ndarray, n_paths: int,
                rng: np.random.Generator) -> tuple[np.ndarray, str]:
    """Draws of the rest-of-year realisation rate and a note on where they came from."""
    if own.size:
        return _bayes_bootstrap_mean(own, n_paths, rng), ""
    if pooled.size:
        return (_bayes_bootstrap_mean(pooled, n_paths, rng),
                "ej startad: realiseringsgrad från planens övriga åtgärder")
    return (rng.uniform(0.0, 1.0, n_paths),
            "ingen rapporterad effekt i planen: realiseringsgrad 0–100 % (likformig)")


def _measure_row(m: Measure, planned_to: float, reported: float, proj: np.ndarray,
                 note: str) -> dict[str, object]:
    q = np.quantile(proj, [0.1, 0.5, 0.9])
    return {
        "measure_id": m.id, "name": m.name, "unit": m.unit, "account": m.account,
        "planned_annual": m.planned_annual_tkr, "planned_to_date": planned_to,
        "reported_to_date": reported,
        "realisation_pct": reported / planned_to * 100.0 if planned_to > 0 else np.nan,
        "projected_mean": float(proj.mean()),
        "projected_p10": float(q[0]), "projected_p50": float(q[1]),
        "projected_p90": float(q[2]),
        "projected_pct": float(q[1]) / m.planned_annual_tkr * 100.0,
        "note": note,
    }
