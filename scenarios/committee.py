"""The committee's view of one scenario: one builder for the page, Jämför and every export.

:func:`committee_view` turns a scenario applied to the forecast of record (its likely values,
``scenarios.engine.apply``) and its Monte Carlo into the figures a committee decides on:

- the year result, its P10–P90 and the **probability of a budget in balance** (the headline);
- the bridge from the base to the scenario **sorted by size**, every bar rounded once to
  0,1 mkr so that the printed bars add up to the printed difference (largest remainder);
- the **sensitivity** (tornado): for every uncertain parameter, the year result with that
  parameter at its P10 and P90 (PERT quantiles), the others at their likely values;
- the omställningsplan's **shortfall against the plan**: planned effect of the year at 100 %
  minus the effect at the likely realisation;
- the **FTE consequences** where staff are involved (dygnsvila's need and how it is covered,
  the own staff to recruit for the agency cut, and the agency FTE that go, from the data);
- the plan years with their budget **from the data when present**, else ``None`` (missing).

Everything here is pure arithmetic over the engine's arrays; nothing is formatted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast
from forecast.io.formatting import fmt_number
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.report.rounding import apportion, round_half_away
from scenarios import assumptions as A
from scenarios.engine import (
    Compiled,
    Context,
    ScenarioResult,
    build_context,
    combine,
    compile_scenario,
    param_key,
    resolve_params,
)
from scenarios.montecarlo import MCResult

P_LOW, P_HIGH = 0.10, 0.90
"""The quantiles of the sensitivity swing and of the result's interval."""
MIN_SWING_TKR = 0.5
"""A swing smaller than this (tkr, half the last printed digit of a tkr table) is no swing."""


@dataclass(frozen=True)
class BridgeBar:
    """One assumption's bar: its exact effect (tkr) and the printed mkr (rounded once)."""

    label: str
    type: str
    exact_tkr: float
    printed_mkr: float


@dataclass(frozen=True)
class Swing:
    """One uncertain parameter's P10→P90 swing of the year result (tkr, vs likely values)."""

    assumption: str
    parameter: str
    value_low: float
    value_high: float
    result_low_tkr: float
    """Year result with the parameter at its P10, minus the result at likely values."""
    result_high_tkr: float
    """Year result with the parameter at its P90, minus the result at likely values."""

    @property
    def swing_tkr(self) -> float:
        """Width of the swing, tkr (≥ 0)."""
        return abs(self.result_high_tkr - self.result_low_tkr)


@dataclass(frozen=True)
class PlanShortfall:
    """The omställningsplan of the year: planned at 100 %, expected, and the shortfall (tkr)."""

    assumption: str
    planned_tkr: float
    expected_tkr: float

    @property
    def shortfall_tkr(self) -> float:
        """What the plan does not deliver this year (≥ 0 when realisation ≤ 100 %)."""
        return self.planned_tkr - self.expected_tkr

    @property
    def realisation_pct(self) -> float:
        """Expected / planned, % (0 when nothing is planned)."""
        return 100.0 * self.expected_tkr / self.planned_tkr if self.planned_tkr else 0.0


@dataclass(frozen=True)
class FteLine:
    """An FTE consequence (årsarbetare) of one assumption, low / likely / high."""

    assumption: str
    what: str
    low: float
    likely: float
    high: float
    basis: str
    """How the figure is made, in Swedish (e.g. "behov × andel egen personal")."""


@dataclass(frozen=True)
class YearLine:
    """One year: base, scenario and the budget (None when the data hold none), tkr."""

    year: int
    baseline_tkr: float
    scenario_tkr: float
    budget_tkr: float | None

    @property
    def deviation_tkr(self) -> float | None:
        """Scenario − budget, or None without a budget."""
        return None if self.budget_tkr is None else self.scenario_tkr - self.budget_tkr


@dataclass(frozen=True)
class CommitteeView:
    """A scenario as the committee sees it (amounts tkr; printed figures mkr, 1 decimal)."""

    name: str
    description: str
    author: str
    base: str
    year: int
    baseline_tkr: float
    scenario_tkr: float
    budget_tkr: float
    p10_tkr: float
    p50_tkr: float
    p90_tkr: float
    prob_balance: float
    n_draws: int
    seed: int
    bridge: tuple[BridgeBar, ...]
    swings: tuple[Swing, ...]
    plan: tuple[PlanShortfall, ...]
    fte: tuple[FteLine, ...]
    years: tuple[YearLine, ...]
    assumptions: tuple[tuple[str, str, str], ...]
    """(assumption, setting, value as text) for every setting, in order (side by side)."""
    notes: tuple[str, ...]

    @property
    def plan_shortfall_tkr(self) -> float:
        """The omställningsplan's shortfall against plan over its measures, tkr (NaN: none)."""
        return float(sum(p.shortfall_tkr for p in self.plan)) if self.plan else float("nan")

    @property
    def difference_tkr(self) -> float:
        """Scenario − base, tkr (the sum of the bars)."""
        return self.scenario_tkr - self.baseline_tkr

    @property
    def deviation_tkr(self) -> float:
        """Scenario − budget of the year, tkr."""
        return self.scenario_tkr - self.budget_tkr

    @property
    def printed_baseline_mkr(self) -> float:
        """The base as printed, mkr (1 decimal)."""
        return round_half_away(self.baseline_tkr / 1000.0, 1)

    @property
    def printed_difference_mkr(self) -> float:
        """The difference as printed: the exact difference rounded once; the bars add to it."""
        return round_half_away(self.difference_tkr / 1000.0, 1)

    @property
    def printed_scenario_mkr(self) -> float:
        """The scenario as printed = printed base + printed difference (adds up on paper)."""
        return round(self.printed_baseline_mkr + self.printed_difference_mkr, 1)


# --------------------------------------------------------------------------- pieces


def printed_bridge(res: ScenarioResult) -> tuple[BridgeBar, ...]:
    """The year's bars sorted by size (largest |effect| first), rounded to add up."""
    br = res.bridge()
    rows = br[br["kind"] == "assumption"]
    exact = rows["value_tkr"].to_numpy(dtype=float)
    total = round_half_away(float(exact.sum()) / 1000.0, 1)
    printed = apportion(exact / 1000.0, total, 1) if len(exact) else np.array([])
    bars = [BridgeBar(str(s), str(t), float(e), float(p)) for s, t, e, p in
            zip(rows["step"], rows["type"], exact, printed, strict=True)]
    return tuple(sorted(bars, key=lambda b: -abs(b.exact_tkr)))


def bridge_spans(bars: Sequence[BridgeBar]) -> list[tuple[float, float]]:
    """(from, to) in mkr of each printed bar: each starts where the one before it ended (0 first).

    The levels are the printed values added up (rounded to the printed decimal), so the last
    bar ends exactly at the printed sum.
    """
    spans, level = [], 0.0
    for b in bars:
        start, level = level, round(level + b.printed_mkr, 1)
        spans.append((start, level))
    return spans


def pert_quantile(r: A.Range, q: float) -> float:
    """The ``q`` quantile of the PERT distribution on ``r`` (the Monte Carlo's)."""
    if r.high <= r.low:
        return float(r.likely)
    from scipy.special import betaincinv  # imported when a range is first asked for

    span = r.high - r.low
    a = 1.0 + 4.0 * (r.likely - r.low) / span
    b = 1.0 + 4.0 * (r.high - r.likely) / span
    return float(r.low + span * betaincinv(a, b, q))


def _year_effect(ctx: Context, compiled: Sequence[Compiled], params: Sequence[dict[str, float]],
                 mask: np.ndarray) -> float:
    effects, _, _ = combine(ctx, compiled, params)
    return float(sum(e[:, mask].sum() for e in effects.values()))


def sensitivity(ctx: Context, compiled: Sequence[Compiled], year: int) -> tuple[Swing, ...]:
    """Every uncertain parameter's P10→P90 swing of ``year``'s result, widest first.

    A parameter that moves the result by less than :data:`MIN_SWING_TKR` either way is left
    out: it has no bar to show (a plan's shared rate when every measure has its own).
    """
    mask = ctx.rf.month_mask(year)
    likely = _year_effect(ctx, compiled, resolve_params(compiled, "likely"), mask)
    out = []
    for i, c in enumerate(compiled):
        for name, r in c.ranges.items():
            if r.is_certain:
                continue
            lo, hi = pert_quantile(r, P_LOW), pert_quantile(r, P_HIGH)
            at = [_year_effect(ctx, compiled,
                               resolve_params(compiled, {param_key(i, name): v}), mask) - likely
                  for v in (lo, hi)]
            if max(abs(at[0]), abs(at[1])) < MIN_SWING_TKR:
                continue  # a range nothing depends on (e.g. a plan rate no measure takes)
            out.append(Swing(c.label, c.param_name(name), lo, hi, at[0], at[1]))
    return tuple(sorted(out, key=lambda s: -s.swing_tkr))


def plan_shortfall(compiled: Sequence[Compiled], res: ScenarioResult, mask: np.ndarray
                   ) -> tuple[PlanShortfall, ...]:
    """Per omställningsplan: planned effect of the year at 100 % vs its likely effect."""
    out = []
    for c in compiled:
        if c.type != "omstallningsplan":
            continue
        planned = 100.0 * float(sum(t.basis[:, mask].sum() for t in c.terms))
        expected = float(res.effects[c.label][:, mask].sum())
        out.append(PlanShortfall(c.label, planned, expected))
    return tuple(out)


def _personnel_year_tkr(ctx: Context, units: Sequence[str]) -> float:
    """Own personnel cost of ``units`` at the forecast's monthly rate × 12, tkr (positive)."""
    from forecast.ledger.dimensions import PERSONAL

    rows = ctx.rows(accounts=[PERSONAL], units=units)
    return float(-ctx.base[rows].sum(axis=0).mean() * 12.0) if rows.any() else 0.0


def _dygnsvila_fte(ctx: Context, label: str, a: A.Dygnsvila) -> list[FteLine]:
    extra_fte: A.Range | None = a.extra_fte
    if extra_fte is not None:
        need = (extra_fte.low, extra_fte.likely, extra_fte.high)
        basis = "angivet antal årsarbetare"
    else:
        cost = _personnel_year_tkr(ctx, a.units) * a.staff_share
        per = A.Range.model_validate(a.cost_per_fte_tkr).likely
        r = A.Range.model_validate(a.extra_need)
        need = (cost * r.low / 100.0 / per, cost * r.likely / 100.0 / per,
                cost * r.high / 100.0 / per)
        basis = (f"behov i % × personalkostnad {fmt_number(cost / 1000.0, 0)} mkr per år / "
                 f"{fmt_number(per, 0)} tkr per årsarbetare")
    own = 1.0 - a.agency_share - a.overtime_share
    parts = [("Extra bemanningsbehov, årsarbetare", 1.0, basis),
             ("varav egen personal att rekrytera", own, "behov × andel egen personal"),
             ("varav övertid (årsarbetare)", a.overtime_share, "behov × andel övertid"),
             ("varav hyrpersonal (årsarbetare)", a.agency_share, "behov × andel hyrpersonal")]
    return [FteLine(label, what, need[0] * share, need[1] * share, need[2] * share, b)
            for what, share, b in parts]


def _agency_fte_now(ds: Dataset | None, as_of: pd.Period, units: Sequence[str]) -> float | None:
    """The data's agency FTE in the as-of month (the units given, or all), or None."""
    if ds is None or ds.agency_fte.empty:
        return None
    f = ds.agency_fte
    sel = f[S.PERIOD] == as_of
    if units:
        sel &= f[S.UNIT].astype(str).isin(list(units))
    return float(f.loc[sel, S.FTE].sum()) if sel.any() else None


def replaced_agency_fte(removed_tkr: float, agency_cost_tkr: float, agency_fte: float | None,
                        multiplier: A.Range, own_cost_per_fte_tkr: float
                        ) -> tuple[float, float, float, str]:
    """The agency FTE an agency cut replaces with own staff: (low, likely, high, basis).

    The one source of the FTE of the agency cut: the own staff to recruit are the agency FTE
    that go (the same work, one FTE for one FTE).

    - With the data's agency FTE (``agency_fte``, the as-of month): that FTE × the share of
      the agency cost removed (``removed_tkr / agency_cost_tkr``, same month); certain.
    - Without: the own cost that replaces the agency cost (``removed_tkr × 12 / multiplier``,
      the engine's rule) / the own cost per FTE; low at the high multiplier and vice versa.

    Args:
        removed_tkr: agency cost removed in the month (tkr, ≥ 0).
        agency_cost_tkr: the base's agency cost of the month (tkr, positive).
        agency_fte: the data's agency FTE, or None.
        multiplier: agency cost / own cost for the same work (×).
        own_cost_per_fte_tkr: own staff cost per FTE and year (tkr).
    """
    if agency_fte is not None and agency_cost_tkr > 0:
        n = agency_fte * removed_tkr / agency_cost_tkr
        return n, n, n, (f"data: {fmt_number(agency_fte, 0)} inhyrda årsarbetare × andel av "
                         "hyrkostnaden som tas bort; samma arbete görs av lika många egna "
                         "årsarbetare")
    year = removed_tkr * 12.0
    return (year / multiplier.high / own_cost_per_fte_tkr,
            year / multiplier.likely / own_cost_per_fte_tkr,
            year / multiplier.low / own_cost_per_fte_tkr,
            f"bortfallen hyrkostnad per år / kostnadsfaktor / "
            f"{fmt_number(own_cost_per_fte_tkr, 0)} tkr per årsarbetare (data saknar inhyrda "
            "årsarbetare)")


def _hyr_fte(ctx: Context, c: Compiled, a: A.Hyrpersonal) -> list[FteLine]:
    """Own staff to recruit (= agency FTE that go) at December's removal rate."""
    from forecast.ledger.dimensions import INHYRD

    mask = ctx.rf.month_mask(ctx.rf.as_of.year)
    if not mask.any():
        return []
    removed = float(c.terms[0].basis[:, mask].sum(axis=0)[-1])  # tkr removed in December
    rows = np.asarray(ctx.category == INHYRD)
    if a.units:
        rows &= np.isin(ctx.unit, list(a.units))
    cost = -float(ctx.base[rows][:, mask].sum(axis=0)[-1]) if rows.any() else 0.0
    low, likely, high, basis = replaced_agency_fte(
        removed, cost, _agency_fte_now(ctx.ds, ctx.rf.as_of, a.units),
        A.Range.model_validate(a.agency_multiplier), a.own_cost_per_fte_tkr)
    return [FteLine(c.label, "Egen personal att rekrytera i stället för inhyrd, årsarbetare "
                    f"(dec {ctx.rf.as_of.year})", low, likely, high, basis)]


def fte_lines(ctx: Context, compiled: Sequence[Compiled], scenario: A.Scenario
              ) -> tuple[FteLine, ...]:
    """The FTE consequences of the assumptions that involve staff."""
    out: list[FteLine] = []
    for c, a in zip(compiled, scenario.assumptions, strict=True):
        if isinstance(a, A.Dygnsvila):
            out += _dygnsvila_fte(ctx, c.label, a)
        elif isinstance(a, A.Hyrpersonal):
            out += _hyr_fte(ctx, c, a)
    return tuple(out)


def budget_of_year(ds: Dataset | None, year: int) -> float | None:
    """The net budget of ``year`` in the data, tkr, or None when the data hold no full year.

    A year whose budget rows cover fewer than 12 months is missing too (a part of a year's
    budget is not the year's budget); :func:`budget_notes` says so.
    """
    months = _budget_months(ds, year)
    if months != 12 or ds is None:
        return None
    led = ds.ledger
    sel = (led[S.KIND] == S.BUDGET) & (led[S.PERIOD].dt.year == year)
    return float(led.loc[sel, S.AMOUNT].sum())


def _budget_months(ds: Dataset | None, year: int) -> int:
    """How many months of ``year`` the data's budget rows cover."""
    if ds is None:
        return 0
    led = ds.ledger
    sel = (led[S.KIND] == S.BUDGET) & (led[S.PERIOD].dt.year == year)
    return int(led.loc[sel, S.PERIOD].nunique())


def budget_notes(ds: Dataset | None, years: Sequence[int]) -> tuple[str, ...]:
    """A sentence for every plan year whose budget the data hold only in part."""
    out = []
    for y in years:
        n = _budget_months(ds, y)
        if 0 < n < 12:
            out.append(f"Budget {y} finns bara för {n} av 12 månader i data och visas därför "
                       "som saknad.")
    return tuple(out)


def year_lines(res: ScenarioResult, ds: Dataset | None) -> tuple[YearLine, ...]:
    """The as-of year (budget of the forecast) and the plan years (budget from the data)."""
    y0 = res.baseline.as_of.year
    has_budget = bool(np.isfinite(np.asarray(res.baseline.annual_budget, dtype=float)).any())
    out = []
    for y in res.years:
        if y == y0:
            budget = res.budget() if has_budget else None
        else:
            budget = budget_of_year(ds, y)
        out.append(YearLine(y, res.year_result(y, baseline=True), res.year_result(y), budget))
    return tuple(out)


def _text(v: object) -> str:
    if isinstance(v, dict) and "planned_annual_tkr" in v:
        where = v.get("unit") or "hela regionen"
        own = v.get("realisation_pct")
        rate = f", realisering {_text(own)} %" if own else ""
        return (f"{v['name']} ({where}, {v['account']}): {v['planned_annual_tkr']:g} tkr/år "
                f"från {v['start']}{rate}")
    if isinstance(v, dict) and {"low", "likely", "high"} <= set(v):
        return f"{v['low']:g} / {v['likely']:g} / {v['high']:g}"
    if isinstance(v, bool):
        return "ja" if v else "nej"
    if v is None or v == []:
        return "–"
    if isinstance(v, list):
        return "; ".join(_text(x) for x in v)
    if isinstance(v, dict):
        return ", ".join(f"{k}: {_text(x)}" for k, x in v.items() if x not in (None, ""))
    return f"{v:g}" if isinstance(v, float) else str(v)


def setting_rows(scenario: A.Scenario) -> tuple[tuple[str, str, str], ...]:
    """(assumption, setting, value) of every field of every assumption (Swedish labels)."""
    from scenarios.labels import field_label

    out = []
    for label, a in zip(scenario.labels(), scenario.assumptions, strict=True):
        for name, v in a.model_dump(mode="json").items():
            if name in ("type", "label"):
                continue
            out.append((label, field_label(a.type, name), _text(v)))
    return tuple(out)


# --------------------------------------------------------------------------- the builder


def committee_view(rf: RegionForecast, res: ScenarioResult, mc: MCResult,
                   ds: Dataset | None, *, base: str = "", ctx: Context | None = None
                   ) -> CommitteeView:
    """The committee's figures of one scenario (see the module docstring).

    Args:
        rf: the base (forecast of record) the scenario was applied to.
        res: ``scenarios.engine.apply`` of the scenario on ``rf`` (likely values).
        mc: its Monte Carlo.
        ds: the data set (measures, agency FTE, plan-year budgets).
        base: which forecast ``rf`` is (the record's heading).
        ctx: a prebuilt engine context of ``rf`` (built if None).
    """
    ctx = ctx or build_context(rf, ds)
    sc = res.scenario
    compiled = compile_scenario(ctx, sc)
    year = rf.as_of.year
    q = mc.quantiles()
    row = q[(q["variant"] == "scenario") & (q["year"] == year)].iloc[0]
    return CommitteeView(
        name=sc.name, description=sc.description, author=sc.author, base=base, year=year,
        baseline_tkr=res.year_result(year, baseline=True), scenario_tkr=res.year_result(year),
        budget_tkr=res.budget(), p10_tkr=float(row["p10_tkr"]), p50_tkr=float(row["p50_tkr"]),
        p90_tkr=float(row["p90_tkr"]), prob_balance=mc.prob_within_budget(year),
        n_draws=mc.n_draws, seed=mc.seed, bridge=printed_bridge(res),
        swings=sensitivity(ctx, compiled, year),
        plan=plan_shortfall(compiled, res, rf.month_mask(year)),
        fte=fte_lines(ctx, compiled, sc), years=year_lines(res, ds),
        assumptions=setting_rows(sc),
        notes=(*res.notes, *budget_notes(ds, [y for y in res.years if y != year])))


def views_of(rf: RegionForecast, scenarios: Sequence[tuple[str, A.Scenario]],
             ds: Dataset | None, *, n_draws: int, base: str = "",
             ctx: Context | None = None) -> list[tuple[str, CommitteeView]]:
    """``(label, committee_view)`` of each labelled scenario on the base ``rf``.

    Each scenario is applied (``scenarios.engine.apply``, likely values) and simulated
    (``scenarios.montecarlo.simulate`` with ``n_draws`` draws and the scenario's seed), as the
    app's page Jämför does, so the CLI's comparison and the app's carry the same figures.

    Raises:
        ValueError: a scenario the data cannot carry (engine's Swedish message).
    """
    from scenarios.engine import apply
    from scenarios.montecarlo import simulate

    ctx = ctx or build_context(rf, ds)
    out = []
    for label, sc in scenarios:
        res = apply(rf, sc, ds=ds, ctx=ctx)
        mc = simulate(rf, sc, ds=ds, n_draws=n_draws)
        out.append((label, committee_view(rf, res, mc, ds, base=base, ctx=ctx)))
    return out
