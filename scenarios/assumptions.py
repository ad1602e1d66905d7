"""Scenario assumptions: validated, frozen, documented inputs of the scenario engine.

Every assumption is a pydantic model with ``extra="forbid"`` and a ``type`` tag, so a scenario
file is a list of tagged objects (a discriminated union). Amounts are tkr, shares are in per
cent unless the field says otherwise, months are ``YYYY-MM``. Uncertain inputs are a
:class:`Range` (low ≤ likely ≤ high); a plain number in a file means a certain value
(low = likely = high). The Monte Carlo draws a PERT distribution on each range.

Sources of the defaults (cited per field):

- DOMAIN.md, "Facts for default assumptions": the 11-hour rest rule (AB from 2023-10, doctors
  from 2024-02; no published cost figure), agency cost 1.5–3× own staff (≈ 2.5× in one region's
  budget), the 2 % agency target (SKR, since 2016), märket 4.1 % (2023), 3.3 % (2024),
  3.4 % (2025), 3.0 % (2026), wage revision effective 1 April.
- Seed 000 (Västerbotten, Aug 2022): omställningsplan realisation 65 of 101 mkr = 64 %;
  agency share 2.6 % against the 2 % target.
- Seed 001 (Jämtland Härjedalen, Apr 2023): the forecast worsened mainly because of the
  dygnsvila rule taking effect in autumn 2023 and agency staff.

Where no source exists the field description says "assumption" and the user should set it.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    ValidationInfo,
    create_model,
    field_validator,
    model_validator,
)

from forecast.io.limits import (
    MAX_ASSUMPTIONS,
    MAX_DRAWS,
    MAX_LIST_ITEMS,
    MAX_SEED,
    MIN_DRAWS,
)
from forecast.ledger.dimensions import AGENCY_CATEGORIES, AgencyCategory, Frozen

StaffGroup = Literal["alla", "läkare", "sjuksköterskor", "övriga"]

MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
MonthText = Annotated[str, Field(pattern=MONTH_PATTERN, description="Month, YYYY-MM")]

COST_PER_FTE_TKR = 650.0
"""Own staff cost per FTE incl. social fees, tkr/yr. Assumption (no figure in DOMAIN.md or the
seeds): a nurse's/mixed staff monthly salary of roughly 38 kr thousand × 12 plus about 42 %
social fees and pension ≈ 650 tkr. Set the region's own figure."""


class _Finite(Frozen):
    """Frozen, no extra fields, and no NaN or infinity in any float field."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Range(_Finite):
    """An uncertain quantity: low ≤ likely ≤ high (same unit as the field it belongs to).

    In files a plain number means a certain value: ``2.5`` is ``{low: 2.5, likely: 2.5,
    high: 2.5}``.
    """

    low: float = Field(allow_inf_nan=False)
    likely: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        if isinstance(data, Range) and type(data) is not cls:  # re-checked against cls's bounds
            return {"low": data.low, "likely": data.likely, "high": data.high}
        if isinstance(data, int | float | str) and not isinstance(data, bool):
            # a string such as '1e300' (YAML 1.1 reads it as text) is checked as a number
            return {"low": data, "likely": data, "high": data}
        if isinstance(data, list | tuple) and len(data) == 3:
            return {"low": data[0], "likely": data[1], "high": data[2]}
        return data

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not (self.low <= self.likely <= self.high):
            raise ValueError(
                f"måste uppfylla low ≤ likely ≤ high, fick low={self.low}, "
                f"likely={self.likely}, high={self.high}"
            )
        return self

    def value(self, which: Literal["low", "likely", "high"]) -> float:
        """The ``low``, ``likely`` or ``high`` value."""
        return float(getattr(self, which))

    @property
    def is_certain(self) -> bool:
        """True when low == high (no uncertainty)."""
        return self.low == self.high


@cache
def bounded_range(ge: float | None = None, le: float | None = None) -> type[Range]:
    """A :class:`Range` subclass whose three values must lie in [ge, le].

    The bounds sit on each of low/likely/high, so a validation error names the exact value
    (e.g. ``assumptions[0].extra_need.high``) and the allowed range.
    """
    field = Annotated[float, Field(ge=ge, le=le, allow_inf_nan=False)]
    name = f"Range_{ge}_{le}".replace(".", "_").replace("-", "m")
    return create_model(
        name, __base__=Range, low=(field, ...), likely=(field, ...), high=(field, ...)
    )


PctRange = bounded_range(0.0, 100.0)
ShareRange = bounded_range(0.0, 200.0)
Multiplier = bounded_range(1.0, 10.0)
NonNegRange = bounded_range(0.0, None)
AnyRange = bounded_range(None, None)
WagePct = bounded_range(-20.0, 50.0)
"""A wage or price change, % (a year's märket is 3–4 %; the range allows cuts and a crisis)."""
GrowthPct = bounded_range(-100.0, 200.0)
"""A volume or price growth, % (−100 % = nothing left; +200 % = tripled)."""
SickPp = bounded_range(-50.0, 50.0)
"""A change in sick leave, percentage points (sick leave itself is 0–100 %)."""
Elasticity = bounded_range(0.0, 20.0)
"""% of personnel cost per percentage point of sick leave."""
FteRange = bounded_range(0.0, 100_000.0)
"""FTE (årsarbetare); a large region employs ~ 40 000."""
CostPerFte = bounded_range(1.0, 10_000.0)
"""tkr per FTE and year (own staff ~ 650 tkr)."""
MAX_TKR = 1e8
"""The largest amount in tkr a scenario field takes: 100 000 mkr, above any region's budget."""
GrantTkr = bounded_range(-MAX_TKR, MAX_TKR)
"""A grant, tkr."""
Codes = Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=MAX_LIST_ITEMS)]
"""A list of unit codes or category names (at most ``MAX_LIST_ITEMS``)."""


class _Assumption(_Finite):
    label: str = Field(default="", max_length=120,
                       description="Name shown in the bridge; default: the type's Swedish name")


class Dygnsvila(_Assumption):
    """11 timmars dygnsvila: extra staffing need from the start month.

    Effect (cost, negative tkr) from ``max(start, first forecast month)``, on the affected
    units' own personnel cost C = Personalkostnader (baseline point) × ``staff_share``:

    - need mode (default): extra = ``extra_need`` % × C (the extra attendance time needed);
    - FTE mode (``extra_fte`` given): extra = ``extra_fte`` × ``cost_per_fte_tkr`` / 12 per
      month, spread over the affected units in proportion to their personnel cost.

    The extra is covered by new own staff (share 1 − agency − overtime, at cost 1×), overtime
    (``overtime_share`` at ``overtime_multiplier``) — both booked on Personalkostnader — and
    agency staff (``agency_share`` at ``agency_multiplier``) booked on the unit's Inhyrd
    personal account of the staff group (proportional over its agency accounts for 'alla'; on
    Personalkostnader if the unit has no such account).

    Source: DOMAIN.md — from 1 Oct 2023 at least 11 consecutive hours of rest per 24 hours
    under AB, no local deviations (SKR, Sobona, Vårdförbundet); doctors from 1 Feb 2024. No
    published cost or FTE figure exists, so the need is a user range.
    """

    type: Literal["dygnsvila"] = "dygnsvila"
    start: MonthText = Field(default="2023-10", description=(
        "First month of the rule, YYYY-MM. Default 2023-10 (AB, most staff); use 2024-02 for "
        "doctors (DOMAIN.md)."))
    staff_group: StaffGroup = Field(default="alla", description=(
        "Staff group affected; decides which Inhyrd personal account takes the agency share."))
    staff_share: float = Field(default=1.0, ge=0.0, le=1.0, description=(
        "Share (0–1) of the units' own personnel cost belonging to the staff group. "
        "Assumption: 1.0 for 'alla'; set e.g. the doctors' share of personnel cost."))
    units: Codes = Field(default_factory=list, description="Affected unit codes; empty = all")
    extra_need: PctRange = Field(  # type: ignore[valid-type]
        default=PctRange(low=1.0, likely=2.5, high=4.0), description=(
            "Extra staffing need, % of attendance time = % of own personnel cost. No published "
            "figure exists (DOMAIN.md); default low 1 / likely 2.5 / high 4 % is an assumption."))
    extra_fte: FteRange | None = Field(  # type: ignore[valid-type]
        default=None, description=("Extra FTE (årsarbetare) in total, 0–100 000; replaces "
                                   "extra_need if set"))
    cost_per_fte_tkr: CostPerFte = Field(  # type: ignore[valid-type]
        default=CostPerFte(low=COST_PER_FTE_TKR, likely=COST_PER_FTE_TKR,
                           high=COST_PER_FTE_TKR),
        description=("Own staff cost per FTE incl. social fees, tkr/yr, 1–10 000 "
                     "(assumption 650 tkr)"))
    agency_share: float = Field(default=0.1, ge=0.0, le=1.0, description=(
        "Share (0–1) of the extra need covered by agency staff. Assumption: 0.1."))
    overtime_share: float = Field(default=0.3, ge=0.0, le=1.0, description=(
        "Share (0–1) covered by overtime of own staff. Assumption: 0.3."))
    agency_multiplier: Multiplier = Field(  # type: ignore[valid-type]
        default=Multiplier(low=1.5, likely=2.5, high=3.0), description=(
            "Agency cost per FTE / own cost per FTE, × (DOMAIN.md: 1.5–3×, ≈ 2.5× budgeted)"))
    overtime_multiplier: Multiplier = Field(  # type: ignore[valid-type]
        default=Multiplier(low=1.5, likely=1.75, high=2.25), description=(
            "Overtime cost per hour / ordinary cost per hour, ×. Assumption (overtime carries a "
            "premium under AB; no figure in DOMAIN.md) — set the region's own."))

    @model_validator(mode="after")
    def _shares(self) -> Dygnsvila:
        if self.agency_share + self.overtime_share > 1.0 + 1e-12:
            raise ValueError(
                f"agency_share + overtime_share måste vara ≤ 1, fick "
                f"{self.agency_share} + {self.overtime_share}"
            )
        return self


class Hyrpersonal(_Assumption):
    """Reduce agency staff (hyrpersonal) to a target share of own personnel cost.

    Let A(m) and P(m) be the baseline agency cost of ``categories`` and the own personnel cost,
    summed over ``units``, and s(m) = A/P the share. The share moves linearly from s(m) at the
    month before ``ramp_start`` to ``target_share_pct`` at ``target_month`` and stays there
    (progress π(m) = clip((m − ramp_start + 1) / (target_month − ramp_start + 1), 0, 1)). The
    agency cost removed in month m is A(m) × π(m) × (1 − target / s(m)) when s(m) > target,
    else 0, taken proportionally from every agency series. The removed work is done by own
    staff: added own cost = removed / ``agency_multiplier`` on the unit's Personalkostnader.
    Net effect = removed × (1 − 1/multiplier) ≥ 0 since multiplier ≥ 1, and π only grows when
    the target is reached earlier — so reaching the target earlier never raises cost.

    Sources: DOMAIN.md — common target at most 2 % of personnel cost (SKR, since 2016); an
    agency FTE costs 1.5–3× an own FTE. Seed 000: hospital agency share 2.6 % (R12).
    """

    type: Literal["hyrpersonal"] = "hyrpersonal"
    target_share_pct: float = Field(default=2.0, ge=0.0, le=100.0, description=(
        "Target agency cost, % of own personnel cost (SKR common target 2 %, DOMAIN.md)"))
    target_month: MonthText | None = Field(default=None, description=(
        "Month the target is reached, YYYY-MM; default December of the as-of year"))
    ramp_start: MonthText | None = Field(default=None, description=(
        "First month of the linear ramp, YYYY-MM; default the first forecast month"))
    categories: list[AgencyCategory] = Field(
        default_factory=lambda: list(AGENCY_CATEGORIES),
        description="Agency staff categories the target covers")
    units: Codes = Field(default_factory=list, description="Unit codes; empty = all")
    agency_multiplier: Multiplier = Field(  # type: ignore[valid-type]
        default=Multiplier(low=1.5, likely=2.5, high=3.0), description=(
            "Agency cost / own cost for the same work, × (DOMAIN.md: 1.5–3×, ≈ 2.5×)"))
    own_cost_per_fte_tkr: float = Field(default=COST_PER_FTE_TKR, ge=1.0, le=10_000.0,
                                        description=(
        "Own staff cost per FTE, tkr/yr, 1–10 000, to report the FTE recruited "
        "(assumption 650 tkr)"))


class PlanMeasure(_Finite):
    """A user-given omställningsplan measure (as forecast.ledger.dimensions.Measure).

    An empty ``unit`` means the whole region: the saving is spread over every unit's series
    of ``account`` in proportion to their baseline amounts. ``realisation_pct`` rates this
    measure on its own; None takes the plan's rate.
    """

    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(default="", max_length=200,
                      description="Unit code; empty = the whole region")
    account: str = Field(min_length=1, max_length=200,
                         description="Leaf account or category the saving is on")
    planned_annual_tkr: float = Field(gt=0, le=MAX_TKR, description=(
        "Planned full-year saving, tkr (positive, at most 1e8 tkr = 100 000 mkr)"))
    start: MonthText = Field(description="First month of effect, YYYY-MM")
    year: int | None = Field(default=None, ge=2000, le=2100,
                             description="Plan year; default the start month's year")
    realisation_pct: ShareRange | None = Field(  # type: ignore[valid-type]
        default=None, description="This measure's realisation, %; None = the plan's rate")


class Omstallningsplan(_Assumption):
    """The transition plan's (omställningsplan) effect in the remaining months.

    Rule: the baseline forecast already contains whatever the plan realised in the outcomes
    so far, and is taken to contain no further plan effect. The scenario adds, for each
    measure and each forecast month from ``max(start, first forecast month)`` through December
    of the measure's plan year, its planned monthly effect (annual effect spread evenly over
    the plan year's months from its start, as forecast.ledger.dimensions.planned_to_date) ×
    realisation, ramped linearly over ``ramp_months``. With ``carry_over`` the measure keeps
    saving planned_annual / 12 per month in the later years too.

    Realisation default (``realisation_pct`` None): the rate observed so far in the data,
    Σ reported effect / Σ planned effect to date for the as-of year's measures, as likely
    value, with low = 0.75× and high = 1.25× of it (capped at 100 %) — an assumption; DOMAIN.md
    notes savings tend to arrive late or not at all. Without data: 64 % (seed 000: 65 of
    101 mkr).
    """

    type: Literal["omstallningsplan"] = "omstallningsplan"
    measures: list[PlanMeasure] | None = Field(default=None, max_length=MAX_LIST_ITEMS,
                                               description=(
        "Measures; None = the data set's measures of the as-of year"))
    added: list[PlanMeasure] = Field(default_factory=list, max_length=MAX_LIST_ITEMS,
                                     description=(
        "Measures added by the user besides ``measures`` (or the data set's)"))
    realisation_pct: ShareRange | None = Field(  # type: ignore[valid-type]
        default=None, description="Realisation, % of planned effect; None = observed in data")
    ramp_months: int = Field(default=0, ge=0, le=36, description=(
        "Months over which the effect ramps up linearly from the first remaining month"))
    carry_over: bool = Field(default=False, description=(
        "Keep the effect (planned_annual / 12 per month) in the plan years"))


class Lon(_Assumption):
    """Wage revision (löneöversyn): a step in own personnel cost from ``month``.

    Effect = (pct − baseline_pct) / 100 × Personalkostnader in every forecast month ≥ month
    (× the number of revisions passed with ``repeat_yearly``). It is a rate: it also applies to
    own personnel cost other assumptions add (see scenarios.engine).

    Source: DOMAIN.md — revision typically effective 1 April; märket 4.1 % (2023), 3.3 %
    (2024), 3.4 % (2025), 3.0 % (2026).
    """

    type: Literal["lon"] = "lon"
    pct: WagePct = Field(  # type: ignore[valid-type]
        default=WagePct(low=3.0, likely=3.3, high=4.1), description=(
            "Wage increase, %, −20–50. Default likely 3.3 % (märket 2024), low 3.0 (2026), "
            "high 4.1 (2023), DOMAIN.md"))
    month: MonthText = Field(default="2024-04", description="Effective month (DOMAIN.md: April)")
    baseline_pct: float = Field(default=0.0, ge=-20.0, le=50.0, description=(
        "Increase the baseline already contains, %, −20–50; the scenario adds pct − baseline_pct. "
        "Default 0: the statistical baseline has no explicit revision step"))
    repeat_yearly: bool = Field(default=False, description="Repeat the step every year")
    units: Codes = Field(default_factory=list, description="Unit codes; empty = all")


class Pris(_Assumption):
    """Extra price growth on price-driven categories (e.g. Läkemedel), % per year.

    Effect in forecast month m = pct / 100 × k(m) / 12 × baseline, with k the months since
    ``start`` (1 in the start month): linear accrual, no compounding (the second-order term is
    ignored). A rate. Source: DOMAIN.md — SKR's LPIK is the regions' price index; its rate is a
    user input, so there is no default.
    """

    type: Literal["pris"] = "pris"
    pct_per_year: GrowthPct = Field(  # type: ignore[valid-type]
        description="Extra price growth, % per year, relative to the baseline, −100–200")
    categories: Codes = Field(default_factory=lambda: ["Läkemedel"],
                                  description="Categories or leaf accounts affected")
    start: MonthText | None = Field(default=None, description="First month; default first forecast")
    units: Codes = Field(default_factory=list, description="Unit codes; empty = all")


class Statsbidrag(_Assumption):
    """A state grant (statsbidrag) booked on Erhållna bidrag.

    One-off: ``amount_tkr`` in ``month``. Recurring: ``amount_tkr`` every month from ``month``
    through ``end`` (default the end of the horizon). Spread over the Erhållna bidrag series of
    ``units`` in proportion to their baseline amount (equally if all zero). A level effect.
    Source: seed 000 — a 105 mkr state grant moved in from the regional board in June 2022.
    """

    type: Literal["statsbidrag"] = "statsbidrag"
    amount_tkr: GrantTkr = Field(  # type: ignore[valid-type]
        description=("Grant, tkr (per month if recurring), −1e8–1e8; negative = a grant "
                     "withdrawn"))
    month: MonthText = Field(description="Month booked (first month if recurring)")
    recurring: bool = Field(default=False, description="Monthly from month through end")
    end: MonthText | None = Field(default=None, description="Last month if recurring")
    units: Codes = Field(default_factory=list, description="Unit codes; empty = all")
    account: str = Field(default="Erhållna bidrag", max_length=200,
                         description="Revenue account booked on")


class Volym(_Assumption):
    """A volume change: % on the baseline of the given categories from ``start``.

    Default categories: care bought (Köpt riks- och regionvård), supplies (Sjukvårdsartiklar…)
    and revenue from sales (Försäljning). Sign: +pct raises costs and sales revenue alike.
    A rate. No default size (user input).
    """

    type: Literal["volym"] = "volym"
    pct: GrowthPct = Field(  # type: ignore[valid-type]
        description="Volume change, % of the baseline, −100–200")
    categories: Codes = Field(
        default_factory=lambda: ["Köpt riks- och regionvård",
                                 "Sjukvårdsartiklar, övrigt material och varor", "Försäljning"],
        description="Categories or leaf accounts affected")
    start: MonthText | None = Field(default=None, description="First month; default first forecast")
    units: Codes = Field(default_factory=list, description="Unit codes; empty = all")


class Sjukfranvaro(_Assumption):
    """A change in sick leave, percentage points, and its cost on own personnel cost.

    Effect = change_pp × elasticity / 100 × Personalkostnader from ``start``. The elasticity
    (% personnel cost per pp of sick leave) is an assumption, default 0.5 / 1.0 / 1.5: absent
    staff are largely replaced (overtime, extra staff) while the employer still pays sick pay
    for days 2–14. Seeds 000/001 report sick leave of 6.0–6.7 %, no cost figure. A rate.
    """

    type: Literal["sjukfranvaro"] = "sjukfranvaro"
    change_pp: SickPp = Field(  # type: ignore[valid-type]
        description="Change in sick leave, percentage points, −50–50 (e.g. −0.5)")
    elasticity_pct_per_pp: Elasticity = Field(  # type: ignore[valid-type]
        default=Elasticity(low=0.5, likely=1.0, high=1.5),
        description="Own personnel cost change, % per pp of sick leave, 0–20 (assumption)")
    start: MonthText | None = Field(default=None, description="First month; default first forecast")
    units: Codes = Field(default_factory=list, description="Unit codes; empty = all")


Assumption = Annotated[
    Dygnsvila | Hyrpersonal | Omstallningsplan | Lon | Pris | Statsbidrag | Volym | Sjukfranvaro,
    Field(discriminator="type"),
]

TYPE_NAMES: dict[str, str] = {
    "dygnsvila": "Dygnsvila 11 timmar",
    "hyrpersonal": "Hyrpersonal mot mål",
    "omstallningsplan": "Omställningsplan",
    "lon": "Löneökning",
    "pris": "Prisökning",
    "statsbidrag": "Statsbidrag",
    "volym": "Volymförändring",
    "sjukfranvaro": "Sjukfrånvaro",
}
"""Swedish display name per assumption type."""

PARAM_NAMES: dict[str, str] = {
    "extra_need": "Extra bemanningsbehov, % av personalkostnad",
    "extra_fte": "Extra årsarbetare",
    "cost_per_fte_tkr": "Kostnad per årsarbetare, tkr",
    "agency_multiplier": "Hyrpersonalens kostnad mot egen personal, ×",
    "overtime_multiplier": "Övertidens kostnad mot ordinarie tid, ×",
    "realisation_pct": "Realiseringsgrad, %",
    "pct": "Förändring, %",
    "pct_per_year": "Extra prisökning, % per år",
    "amount_tkr": "Belopp, tkr",
    "change_pp": "Förändring av sjukfrånvaron, procentenheter",
    "elasticity_pct_per_pp": "Personalkostnad, % per procentenhet",
}
"""Swedish name of every uncertain parameter (a range field), as exports and charts show it."""


class Scenario(_Finite):
    """A named set of assumptions applied to a baseline forecast."""

    name: str = Field(min_length=1, max_length=200, description="Scenario name (unique in store)")
    description: str = Field(default="", max_length=5000)
    author: str = Field(default="", max_length=200)
    as_of: MonthText | None = Field(default=None, description=(
        "As-of month of the baseline, YYYY-MM; None = last outcome month of the data"))
    assumptions: list[Assumption] = Field(default_factory=list, max_length=MAX_ASSUMPTIONS,
                                          description="At most 100 assumptions")
    seed: int = Field(default=0, ge=0, le=MAX_SEED, description="Monte Carlo seed, 0–2³²−1")
    n_draws: int = Field(default=10_000, ge=MIN_DRAWS, le=MAX_DRAWS,
                         description="Monte Carlo draws, 100–1 000 000")

    @field_validator("name", "author")
    @classmethod
    def _no_control(cls, v: str, info: ValidationInfo) -> str:
        """Names are shown in shared lists: no control, invisible or bidi-override characters."""
        from forecast.ledger.names import name_problem

        what = {"name": "namnet", "author": "författaren"}[str(info.field_name)]
        problem = name_problem(v, what) if v else None
        if problem:
            raise ValueError(problem)
        return v

    def labels(self) -> list[str]:
        """Unique display labels: ``'1. Dygnsvila 11 timmar'`` … (numbered in order)."""
        return [f"{i + 1}. {a.label or TYPE_NAMES[a.type]}" for i, a in enumerate(self.assumptions)]
