"""The scenario engine: assumptions applied to a baseline RegionForecast, and the bridge.

Model. Every assumption is compiled once into pure numpy arrays over the baseline's series
(unit × leaf account) and forecast months, tkr, in the reports' sign convention:

- a *level* assumption (dygnsvila, hyrpersonal, omställningsplan, statsbidrag) is an effect
  E_i = Σ_k c_ik(θ) · B_ik: basis arrays B_ik computed from the baseline point forecast, times
  scalar coefficients of the assumption's parameters θ;
- a *rate* assumption (lön, pris, volym, sjukfrånvaro) is a weight array W_r times a scalar
  c_r(θ); it scales the baseline *and the level effects*: R_r = c_r · W_r.

Scenario = B + Σ_i E_i + Σ_r R_r ⊙ (B + Σ_i E_i). Level effects are computed against the
baseline (not against each other), and rates add (two rates on the same series give
1 + c_1 + c_2, not a product): both are second-order simplifications, stated here.

Bridge rule: Shapley values, which here are exact and closed-form for any number of
assumptions, because the only interactions are the pairwise products R_r ⊙ E_i; Shapley splits
each such product equally between the rate and the level assumption. So the bar of a level
assumption is E_i + ½ Σ_r R_r ⊙ E_i and of a rate R_r ⊙ B + ½ R_r ⊙ Σ_i E_i; the bars sum
to scenario − baseline. The scenario point is *defined* as baseline + Σ bars, so the bridge
adds up exactly.

Year-end result of as_of.year = outcome Jan…as_of + forecast months (net: revenue + cost);
plan years = sum of their forecast months. Deviation from budget = result − annual budget
(as_of.year only).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal, TypeVar

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import (
    INHYRD,
    PERSONAL,
    UNSPLIT_AGENCY,
    AgencyCategory,
    agency_account,
    months_active,
    planned_to_date,
)
from forecast.ledger.month import month_code, month_from_text
from scenarios import assumptions as A
from scenarios.references import check_references

Draw = Literal["low", "likely", "high"] | Mapping[str, float]
Value = float | np.ndarray
"""A parameter's value: one number, or an array with one value per Monte Carlo draw."""
Params = Mapping[str, Value]
Coef = Callable[[Params], Value]
"""Maps parameter values by field name → a coefficient."""


# --------------------------------------------------------------------------------------------
# Context: the baseline's structure, built once per (rf, ds)


@dataclass(frozen=True)
class Context:
    """Index arrays over the baseline's series and months, shared by all effect functions."""

    rf: RegionForecast
    ds: Dataset | None
    base: np.ndarray
    """(n_series, n_months) baseline point, tkr."""
    month_ord: np.ndarray
    """(n_months,) month codes (:func:`forecast.ledger.month.month_code`)."""
    unit: np.ndarray
    account: np.ndarray
    category: np.ndarray
    unit_idx: np.ndarray
    """(n_series,) index of the series' unit in ``units``."""
    units: np.ndarray
    onehot: np.ndarray
    """(n_units, n_series) 0/1: series belongs to unit."""

    @property
    def first_ord(self) -> int:
        """Ordinal of the first forecast month."""
        return int(self.month_ord[0])

    def rows(self, *, accounts: Sequence[str] | None = None,
             units: Sequence[str] = ()) -> np.ndarray:
        """Series mask: account or category in ``accounts`` (None = any), unit in ``units``.

        Raises:
            ValueError: a unit code not in the baseline (Swedish message).
        """
        mask = np.ones(len(self.unit), dtype=bool)
        if accounts is not None:
            acc = list(accounts)
            mask &= np.isin(self.account, acc) | np.isin(self.category, acc)
        if units:
            unknown = sorted(set(units) - set(self.units.tolist()))
            if unknown:
                raise ValueError(f"okända enheter i scenariot: {', '.join(unknown)}")
            mask &= np.isin(self.unit, list(units))
        return mask

    def from_month(self, month: str | None) -> np.ndarray:
        """(n_months,) 0/1 float: forecast months ≥ ``month`` (all if None)."""
        if month is None:
            return np.ones(len(self.month_ord))
        return (self.month_ord >= month_ord(month)).astype(float)

    def unit_weights(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-unit shares over the series in ``mask`` by |baseline| total (equal if all 0).

        Returns:
            (w, has): w (n_series,) sums to 1 within each unit having masked series; has
            (n_units,) whether the unit has any.
        """
        size = np.abs(self.base).sum(axis=1) * mask
        count = mask.astype(float)
        unit_size = self.onehot @ size
        unit_count = self.onehot @ count
        has = unit_count > 0
        use_size = (unit_size > 0)[self.unit_idx]
        denom_size = np.where(unit_size > 0, unit_size, 1.0)[self.unit_idx]
        denom_count = np.where(has, unit_count, 1.0)[self.unit_idx]
        w = np.where(use_size, size / denom_size, count / denom_count)
        return w * mask, has

    def move(self, values: np.ndarray, target: np.ndarray, fallback: np.ndarray) -> np.ndarray:
        """Re-book ``values`` (n_series, n_months) to the same unit's ``target`` series.

        Each unit's total is split over its target series by baseline size; a unit without a
        target series books on its ``fallback`` series instead.
        """
        per_unit = self.onehot @ values
        w_t, has_t = self.unit_weights(target)
        w_f, _ = self.unit_weights(fallback)
        w = np.where(has_t[self.unit_idx], w_t, w_f)
        return w[:, None] * per_unit[self.unit_idx]


def month_ord(month: str) -> int:
    """A scenario file's ``YYYY-MM`` month → its month code (``forecast.ledger.month``)."""
    p = month_from_text(month)
    return month_code(p.year, p.month)


def build_context(rf: RegionForecast, ds: Dataset | None = None) -> Context:
    """Index arrays of ``rf`` for the effect functions (cheap; build once per baseline)."""
    keys = rf.keys
    unit = keys["unit"].astype(str).to_numpy()
    codes, uniques = pd.factorize(unit)
    onehot = np.zeros((len(uniques), len(unit)))
    onehot[codes, np.arange(len(unit))] = 1.0
    return Context(
        rf=rf, ds=ds, base=rf.expected,
        month_ord=np.asarray(rf.months.asi8, dtype=int),
        unit=unit, account=keys["account"].astype(str).to_numpy(),
        category=keys["category"].astype(str).to_numpy(),
        unit_idx=codes, units=np.asarray(uniques), onehot=onehot,
    )


# --------------------------------------------------------------------------------------------
# Compiled assumptions


@dataclass(frozen=True)
class Term:
    """One part of a level effect: ``coef(params) * basis``."""

    basis: np.ndarray
    coef: Coef


@dataclass(frozen=True)
class Compiled:
    """An assumption turned into arrays: level terms or a rate weight, plus its ranges."""

    label: str
    type: str
    kind: Literal["level", "rate"]
    ranges: dict[str, A.Range]
    terms: tuple[Term, ...] = ()
    weight: np.ndarray | None = None
    rate: Coef | None = None
    notes: tuple[str, ...] = ()
    param_labels: dict[str, str] = field(default_factory=dict)
    """Swedish names of parameters not in :data:`scenarios.assumptions.PARAM_NAMES`."""

    def param_name(self, name: str) -> str:
        """The Swedish name of parameter ``name`` (the field name if none is known)."""
        return self.param_labels.get(name) or A.PARAM_NAMES.get(name, name)

    def rate_weight(self) -> tuple[Coef, np.ndarray]:
        """The rate and its weight (a ``"rate"`` assumption has both).

        Raises:
            ValueError: a ``"level"`` assumption (terms, no rate).
        """
        if self.rate is None or self.weight is None:
            raise ValueError(f"{self.type} is a level assumption: it has no rate")
        return self.rate, self.weight


COMPILERS: dict[str, Callable[[Context, Any], Compiled]] = {}
"""The compiler of each assumption type (its ``type`` tag), filled by :func:`compiles`."""

_C = TypeVar("_C", bound=Callable[..., Compiled])


def compiles(type_tag: str) -> Callable[[_C], _C]:
    """Register the decorated function as the compiler of the assumptions tagged ``type_tag``."""
    def register(fn: _C) -> _C:
        COMPILERS[type_tag] = fn
        return fn
    return register


def _personnel(ctx: Context, units: Sequence[str]) -> np.ndarray:
    return ctx.rows(accounts=[PERSONAL], units=units)


NO_SPLIT_NOTE = ("Inhyrd personal är inte uppdelad per personalgrupp i indata: {what} "
                 "gäller totalen för inhyrd personal")


def _agency_target(ctx: Context, group: A.StaffGroup) -> tuple[np.ndarray, tuple[str, ...]]:
    """The agency series of ``group``; the unsplit total (with a note) when data lack it."""
    if group == "alla":
        return np.asarray(ctx.category == INHYRD), ()
    mask = np.asarray(ctx.account == agency_account(group))
    unsplit = np.asarray(ctx.account == UNSPLIT_AGENCY)
    if not mask.any() and unsplit.any():
        return unsplit, (NO_SPLIT_NOTE.format(what=f"dygnsvilans inhyrda del ({group})"),)
    return mask, ()


def _agency_rows(ctx: Context, categories: Sequence[AgencyCategory], units: Sequence[str]
                 ) -> tuple[np.ndarray, tuple[str, ...]]:
    """Agency series of ``categories``; unsplit agency cost is included, with a note."""
    rows = ctx.rows(accounts=[agency_account(c) for c in categories], units=units)
    unsplit = ctx.rows(accounts=[UNSPLIT_AGENCY], units=units) & np.asarray(
        ctx.account == UNSPLIT_AGENCY)
    if not unsplit.any():
        return rows, ()
    return rows | unsplit, (NO_SPLIT_NOTE.format(what="målet för hyrandelen"),)


@compiles("dygnsvila")
def compile_dygnsvila(ctx: Context, a: A.Dygnsvila) -> Compiled:
    """Level terms of :class:`~scenarios.assumptions.Dygnsvila` (own + agency part)."""
    pers = _personnel(ctx, a.units)
    months = ctx.from_month(a.start)
    cost = ctx.base * pers[:, None] * months[None, :] * a.staff_share  # negative
    ranges: dict[str, A.Range] = {
        "agency_multiplier": a.agency_multiplier, "overtime_multiplier": a.overtime_multiplier,
    }
    if a.extra_fte is not None:
        size = np.abs(cost).sum(axis=1)
        tot = size.sum()
        w = size / tot if tot > 0 else pers / max(pers.sum(), 1)
        unit_basis = -w[:, None] * months[None, :] / 12.0 * pers[:, None]
        ranges |= {"extra_fte": a.extra_fte, "cost_per_fte_tkr": a.cost_per_fte_tkr}

        def size_coef(p: Params) -> Value:
            return p["extra_fte"] * p["cost_per_fte_tkr"]
    else:
        unit_basis = cost / 100.0
        ranges["extra_need"] = a.extra_need

        def size_coef(p: Params) -> Value:
            return p["extra_need"]

    s_ag, s_ot = a.agency_share, a.overtime_share
    target, notes = _agency_target(ctx, a.staff_group)
    agency_basis = ctx.move(unit_basis, target, pers)

    def own(p: Params) -> Value:
        return size_coef(p) * ((1 - s_ag - s_ot) + s_ot * p["overtime_multiplier"])

    def agency(p: Params) -> Value:
        return size_coef(p) * s_ag * p["agency_multiplier"]

    return Compiled("", a.type, "level", ranges,
                    terms=(Term(unit_basis, own), Term(agency_basis, agency)), notes=notes)


def _progress(ctx: Context, start: int, target: int) -> np.ndarray:
    span = max(target - start + 1, 1)
    return np.clip((ctx.month_ord - start + 1) / span, 0.0, 1.0)


@compiles("hyrpersonal")
def compile_hyrpersonal(ctx: Context, a: A.Hyrpersonal) -> Compiled:
    """Level terms of :class:`~scenarios.assumptions.Hyrpersonal` (saving + own cost)."""
    pers = _personnel(ctx, a.units)
    agency, notes = _agency_rows(ctx, a.categories, a.units)
    A_m = (ctx.base * agency[:, None]).sum(axis=0)
    P_m = (ctx.base * pers[:, None]).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(P_m != 0, A_m / P_m, 0.0)
    target = a.target_share_pct / 100.0
    start = month_ord(a.ramp_start) if a.ramp_start else ctx.first_ord
    end = month_ord(a.target_month) if a.target_month else month_code(ctx.rf.as_of.year, 12)
    pi = _progress(ctx, start, end)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(share > target, pi * (1.0 - target / np.where(share > 0, share, 1)), 0.0)
    removed = -ctx.base * agency[:, None] * frac[None, :]  # positive saving
    own_basis = ctx.move(-removed, pers, agency)  # negative: the work done by own staff
    return Compiled(
        "", a.type, "level", {"agency_multiplier": a.agency_multiplier},
        terms=(Term(removed, lambda p: 1.0),
               Term(own_basis, lambda p: 1.0 / p["agency_multiplier"])),
        notes=notes,
    )


def observed_realisation(ds: Dataset | None, as_of: pd.Period) -> float | None:
    """Σ reported / Σ planned effect to date of the as-of year's measures, or None."""
    if ds is None or not ds.measures:
        return None
    ms = [m for m in ds.measures if m.year == as_of.year]
    planned = sum(planned_to_date(m, as_of) for m in ms)
    if planned <= 0:
        return None
    eff = ds.measure_effects
    ids = {m.id for m in ms}
    sel = eff["measure_id"].isin(ids) & (eff["period"] <= as_of) & (eff["period"].dt.year
                                                                      == as_of.year)
    return float(eff.loc[sel, "effect_tkr"].sum()) / planned


def _realisation_range(ctx: Context, a: A.Omstallningsplan) -> A.Range:
    if a.realisation_pct is not None:
        return a.realisation_pct
    r = observed_realisation(ctx.ds, ctx.rf.as_of)
    pct = 64.0 if r is None else 100.0 * r
    return A.Range(low=0.75 * pct, likely=pct, high=max(pct, min(100.0, 1.25 * pct)))


def _measures(ctx: Context, a: A.Omstallningsplan) -> list[A.PlanMeasure]:
    """The plan's measures: the given ones (or the data set's of the as-of year) + added."""
    if a.measures is not None:
        base = list(a.measures)
    elif ctx.ds is None:
        base = []
    else:
        base = [A.PlanMeasure(name=m.name, unit=m.unit, account=m.account,
                              planned_annual_tkr=m.planned_annual_tkr, start=m.start_period,
                              year=m.year)
                for m in ctx.ds.measures if m.year == ctx.rf.as_of.year]
    return base + list(a.added)


def measure_param(i: int) -> str:
    """The parameter name of measure ``i``'s own realisation range."""
    return f"realisation_pct_{i}"


def _measure_weights(ctx: Context, m: A.PlanMeasure) -> np.ndarray | None:
    """(n_series,) how measure ``m``'s saving is booked: one series, or spread by size."""
    if m.unit:
        rows = np.flatnonzero((ctx.unit == m.unit) & (ctx.account == m.account))
        if rows.size == 0:
            rows = np.flatnonzero((ctx.unit == m.unit) & (ctx.category == m.account))
        if rows.size == 0:
            return None
        w = np.zeros(len(ctx.unit))
        w[rows[0]] = 1.0
        return w
    mask = (ctx.account == m.account) | (ctx.category == m.account)
    if not mask.any():
        return None
    size = np.abs(ctx.base).sum(axis=1) * mask
    return size / size.sum() if size.sum() > 0 else mask / mask.sum()


def _measure_monthly(ctx: Context, a: A.Omstallningsplan, m: A.PlanMeasure) -> np.ndarray:
    """(n_months,) the measure's planned saving per forecast month × the ramp, tkr."""
    start = month_ord(m.start)
    year = m.year or month_from_text(m.start).year
    year_end = month_code(year, 12)
    active = max(months_active(month_from_text(m.start), year), 1)
    eff_start = max(start, ctx.first_ord)
    ramp = (np.clip((ctx.month_ord - eff_start + 1) / a.ramp_months, 0, 1)
            if a.ramp_months else np.ones(len(ctx.month_ord)))
    monthly = np.where((ctx.month_ord >= eff_start) & (ctx.month_ord <= year_end),
                       m.planned_annual_tkr / active, 0.0)
    if a.carry_over:
        monthly = np.where(ctx.month_ord > year_end, m.planned_annual_tkr / 12.0, monthly)
    return monthly * ramp


def _pct_coef(name: str) -> Coef:
    return lambda p: p[name]


@compiles("omstallningsplan")
def compile_omstallning(ctx: Context, a: A.Omstallningsplan) -> Compiled:
    """Level terms of :class:`~scenarios.assumptions.Omstallningsplan` (saving × realisation).

    Measures without their own realisation share one term at the plan's rate; a measure with
    its own range gets its own term and parameter (:func:`measure_param`).
    """
    shared = np.zeros_like(ctx.base)
    notes: list[str] = []
    ranges: dict[str, A.Range] = {"realisation_pct": _realisation_range(ctx, a)}
    labels: dict[str, str] = {}
    own: list[Term] = []
    for i, m in enumerate(_measures(ctx, a)):  # one row per measure (few), arrays per month
        w = _measure_weights(ctx, m)
        if w is None:
            where = f"{m.unit}/{m.account}" if m.unit else f"kontot {m.account}"
            notes.append(f"åtgärden '{m.name}' saknar serie {where}; utelämnad")
            continue
        basis = w[:, None] * _measure_monthly(ctx, a, m)[None, :] / 100.0
        if m.realisation_pct is None:
            shared += basis
            continue
        key = measure_param(i)
        ranges[key] = m.realisation_pct
        labels[key] = f"Realiseringsgrad, {m.name}, %"
        own.append(Term(basis, _pct_coef(key)))
    terms = (Term(shared, _pct_coef("realisation_pct")), *own)
    return Compiled("", a.type, "level", ranges, terms=terms, notes=tuple(notes),
                    param_labels=labels)


@compiles("statsbidrag")
def compile_statsbidrag(ctx: Context, a: A.Statsbidrag) -> Compiled:
    """Level term of :class:`~scenarios.assumptions.Statsbidrag`."""
    rows = ctx.rows(accounts=[a.account], units=a.units)
    if not rows.any():
        raise ValueError(f"statsbidrag: inga serier med kontot '{a.account}' i basprognosen")
    size = np.abs(ctx.base).sum(axis=1) * rows
    w = size / size.sum() if size.sum() > 0 else rows / rows.sum()
    start = month_ord(a.month)
    if a.recurring:
        end = month_ord(a.end) if a.end else int(ctx.month_ord[-1])
        months = ((ctx.month_ord >= start) & (ctx.month_ord <= end)).astype(float)
    else:
        months = (ctx.month_ord == start).astype(float)
    notes = () if months.any() else (f"statsbidrag {a.month} ligger utanför prognosmånaderna",)
    return Compiled("", a.type, "level", {"amount_tkr": a.amount_tkr},
                    terms=(Term(w[:, None] * months[None, :], lambda p: p["amount_tkr"]),),
                    notes=notes)


@compiles("lon")
def compile_lon(ctx: Context, a: A.Lon) -> Compiled:
    """Rate of :class:`~scenarios.assumptions.Lon` on Personalkostnader."""
    rows = _personnel(ctx, a.units)
    start = month_ord(a.month)
    if a.repeat_yearly:
        steps = np.where(ctx.month_ord >= start, (ctx.month_ord - start) // 12 + 1, 0)
    else:
        steps = (ctx.month_ord >= start).astype(float)
    base_pct = a.baseline_pct
    return Compiled("", a.type, "rate", {"pct": a.pct},
                    weight=rows[:, None] * steps[None, :].astype(float),
                    rate=lambda p: (p["pct"] - base_pct) / 100.0)


def _no_series_note(rows: np.ndarray, a: A.Pris | A.Volym) -> tuple[str, ...]:
    if rows.any():
        return ()
    where = f" för enheterna {', '.join(a.units)}" if a.units else ""
    return (f"{A.TYPE_NAMES[a.type]}: ingen serie i basprognosen har "
            f"{', '.join(a.categories)}{where}; antagandet ger ingen effekt",)


@compiles("pris")
def compile_pris(ctx: Context, a: A.Pris) -> Compiled:
    """Rate of :class:`~scenarios.assumptions.Pris`: linear accrual k/12 per month."""
    rows = ctx.rows(accounts=a.categories, units=a.units)
    start = month_ord(a.start) if a.start else ctx.first_ord
    k = np.maximum(ctx.month_ord - start + 1, 0) / 12.0
    return Compiled("", a.type, "rate", {"pct_per_year": a.pct_per_year},
                    weight=rows[:, None] * k[None, :],
                    rate=lambda p: p["pct_per_year"] / 100.0,
                    notes=_no_series_note(rows, a))


@compiles("volym")
def compile_volym(ctx: Context, a: A.Volym) -> Compiled:
    """Rate of :class:`~scenarios.assumptions.Volym`."""
    rows = ctx.rows(accounts=a.categories, units=a.units)
    return Compiled("", a.type, "rate", {"pct": a.pct},
                    weight=rows[:, None] * ctx.from_month(a.start)[None, :],
                    rate=lambda p: p["pct"] / 100.0,
                    notes=_no_series_note(rows, a))


@compiles("sjukfranvaro")
def compile_sjukfranvaro(ctx: Context, a: A.Sjukfranvaro) -> Compiled:
    """Rate of :class:`~scenarios.assumptions.Sjukfranvaro` on Personalkostnader."""
    rows = _personnel(ctx, a.units)
    return Compiled("", a.type, "rate",
                    {"change_pp": a.change_pp, "elasticity_pct_per_pp": a.elasticity_pct_per_pp},
                    weight=rows[:, None] * ctx.from_month(a.start)[None, :],
                    rate=lambda p: p["change_pp"] * p["elasticity_pct_per_pp"] / 100.0)




def compile_scenario(ctx: Context, scenario: A.Scenario) -> list[Compiled]:
    """Compile every assumption of ``scenario`` against the baseline in ``ctx``.

    Raises:
        ValueError: the scenario names a unit, account or category the data lacks.
    """
    check_references(ctx, scenario)
    out = []
    for label, a in zip(scenario.labels(), scenario.assumptions, strict=True):
        out.append(replace(COMPILERS[a.type](ctx, a), label=label))
    return out


def param_key(i: int, name: str) -> str:
    """The key of parameter ``name`` of assumption ``i`` in draw dicts."""
    return f"assumptions[{i}].{name}"


def resolve_params(compiled: Sequence[Compiled], draw: Draw = "likely") -> list[dict[str, float]]:
    """Parameter values per assumption: every range at ``draw``, or overrides from a dict.

    A dict maps :func:`param_key` keys to values; missing keys take the likely value.
    """
    out = []
    for i, c in enumerate(compiled):
        if isinstance(draw, str):
            out.append({n: r.value(draw) for n, r in c.ranges.items()})
        else:
            out.append({n: float(draw.get(param_key(i, n), r.likely))
                        for n, r in c.ranges.items()})
    return out


# --------------------------------------------------------------------------------------------
# Result


@dataclass(frozen=True)
class ScenarioResult:
    """A scenario applied to a baseline: same series and months as the baseline."""

    baseline: RegionForecast
    scenario: A.Scenario
    point: np.ndarray
    """(n_series, n_months) scenario point forecast = the baseline's expected amounts (mean of
    its paths, the årsprognos) + Σ effects, tkr."""
    effects: dict[str, np.ndarray]
    """Per assumption label: its Shapley-attributed effect (n_series, n_months), tkr."""
    level_total: np.ndarray
    """(n_series, n_months) Σ level effects (used to adjust paths)."""
    rate_total: np.ndarray
    """(n_series, n_months) Σ rate factors R_r (used to adjust paths)."""
    params: tuple[dict[str, float], ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def years(self) -> list[int]:
        """The as-of year and the two plan years."""
        y = self.baseline.as_of.year
        return [y, y + 1, y + 2]

    def year_result(self, year: int | None = None, *, baseline: bool = False) -> float:
        """Net result of ``year`` (default as_of.year), tkr; outcome so far included."""
        rf = self.baseline
        year = rf.as_of.year if year is None else year
        arr = rf.expected if baseline else self.point
        tot = float(arr[:, rf.month_mask(year)].sum())
        return tot + (float(rf.ytd_outcome.sum()) if year == rf.as_of.year else 0.0)

    def budget(self) -> float:
        """Net budget of as_of.year, tkr."""
        return float(self.baseline.annual_budget.sum())

    def summary(self) -> pd.DataFrame:
        """Per year: baseline, scenario, difference; deviation from budget (as-of year)."""
        rows = []
        for y in self.years:
            b, s = self.year_result(y, baseline=True), self.year_result(y)
            dev = y == self.baseline.as_of.year
            rows.append({"year": y, "baseline_tkr": b, "scenario_tkr": s,
                         "difference_tkr": s - b,
                         "budget_tkr": self.budget() if dev else np.nan,
                         "baseline_deviation_tkr": b - self.budget() if dev else np.nan,
                         "scenario_deviation_tkr": s - self.budget() if dev else np.nan})
        return pd.DataFrame(rows)

    def bridge(self, year: int | None = None) -> pd.DataFrame:
        """Waterfall from the baseline to the scenario year result (see :func:`bridge`)."""
        rf = self.baseline
        year = rf.as_of.year if year is None else year
        m = rf.month_mask(year)
        start = self.year_result(year, baseline=True)
        types = [a.type for a in self.scenario.assumptions]
        rows = [{"step": "Basprognos", "kind": "start", "type": "", "value_tkr": start}]
        total = start
        for (label, eff), t in zip(self.effects.items(), types, strict=True):
            v = float(eff[:, m].sum())
            total += v
            rows.append({"step": label, "kind": "assumption", "type": t, "value_tkr": v})
        rows.append({"step": "Scenario", "kind": "end", "type": "", "value_tkr": total})
        out = pd.DataFrame(rows)
        out["cumulative_tkr"] = np.r_[np.cumsum(out["value_tkr"].to_numpy()[:-1]), total]
        out["year"] = year
        if year == rf.as_of.year:
            out["deviation_tkr"] = out["cumulative_tkr"] - self.budget()
        return out

    def scenario_paths(self) -> np.ndarray:
        """(n_series, n_paths, n_months) baseline paths with the scenario applied, tkr."""
        p = self.baseline.paths + self.level_total[:, None, :]
        return p + self.rate_total[:, None, :] * p

    def as_forecast(self, *, with_paths: bool = True) -> RegionForecast:
        """The scenario as a RegionForecast (paths adjusted if ``with_paths``)."""
        paths = self.scenario_paths() if with_paths else self.baseline.paths
        return replace(self.baseline, point=self.point, paths=paths)


def combine(ctx: Context, compiled: Sequence[Compiled], params: Sequence[Mapping[str, float]],
            ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Attributed effects per label, Σ level effects and Σ rate factors (pure arithmetic)."""
    shape = ctx.base.shape
    level: dict[int, np.ndarray] = {}
    rate: dict[int, np.ndarray] = {}
    for i, (c, p) in enumerate(zip(compiled, params, strict=True)):
        if c.kind == "level":
            e = np.zeros(shape)
            for t in c.terms:
                e += float(t.coef(p)) * t.basis
            level[i] = e
        else:
            fn, weight = c.rate_weight()
            rate[i] = np.asarray(float(fn(p)) * weight)
    sum_e = sum(level.values(), np.zeros(shape))
    sum_r = sum(rate.values(), np.zeros(shape))
    effects: dict[str, np.ndarray] = {}
    for i, c in enumerate(compiled):
        if i in level:
            effects[c.label] = level[i] + 0.5 * sum_r * level[i]
        else:
            effects[c.label] = rate[i] * ctx.base + 0.5 * rate[i] * sum_e
    return effects, sum_e, sum_r


def apply(rf: RegionForecast, scenario: A.Scenario, *, ds: Dataset | None = None,
          draw: Draw = "likely", ctx: Context | None = None) -> ScenarioResult:
    """Apply ``scenario`` to the baseline ``rf``.

    Args:
        rf: The baseline forecast.
        scenario: The assumptions.
        ds: The data set (measures and their reported effects for the omställningsplan
            default); optional.
        draw: ``'likely'``, ``'low'`` or ``'high'`` for every range, or a dict of
            :func:`param_key` → value overriding single parameters.
        ctx: A prebuilt :func:`build_context` of ``rf`` to skip rebuilding it.

    Returns:
        The scenario result; its point is baseline + Σ attributed effects.
    """
    ctx = ctx or build_context(rf, ds)
    compiled = compile_scenario(ctx, scenario)
    params = resolve_params(compiled, draw)
    effects, sum_e, sum_r = combine(ctx, compiled, params)
    point = ctx.base.copy()
    for e in effects.values():
        point += e
    notes = tuple(n for c in compiled for n in c.notes)
    return ScenarioResult(rf, scenario, point, effects, sum_e, sum_r, tuple(params), notes)


def bridge(rf: RegionForecast, scenario: A.Scenario, *, ds: Dataset | None = None,
           draw: Draw = "likely", year: int | None = None) -> pd.DataFrame:
    """The waterfall of ``year``'s net result (default as_of.year), one bar per assumption.

    Rows: ``Basprognos`` (kind 'start', the baseline year result), one row per assumption
    (kind 'assumption', its Shapley value — see the module docstring), ``Scenario`` (kind
    'end'). Columns: step, kind, type, value_tkr, cumulative_tkr, year, and for the as-of year
    deviation_tkr (cumulative − budget). The bars add up exactly to scenario − baseline.
    """
    return apply(rf, scenario, ds=ds, draw=draw).bridge(year)
