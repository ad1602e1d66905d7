"""Typed dimensions: the org hierarchy, the account hierarchy, agency FTE and plan measures.

The account hierarchy is the 16 categories (kostnadsslag) of seed 001's table, with
*Inhyrd personal* split into läkare / sjuksköterskor / övriga, plus one unsplit agency leaf
(named *Inhyrd personal* itself) for ledgers that do not split agency cost by staff group, as
seed 001's own table does not. *Personalkostnader* means own staff only. Leaves are what the
ledger holds; totals are derived by summing leaves.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Literal, TypeVar

import pandas as pd
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from forecast.ledger.month import Month, month_from_text, month_of

AccountType = Literal["intakt", "kostnad"]
AgencyCategory = Literal["läkare", "sjuksköterskor", "övriga"]
AGENCY_CATEGORIES: tuple[AgencyCategory, ...] = ("läkare", "sjuksköterskor", "övriga")

REGION_DEFAULT = "Exempelregionen"

# Totals of the account hierarchy (Swedish headings as in the reports).
TOTAL_REVENUE = "Summa intäkter"
TOTAL_GROSS_COST = "Summa bruttokostnader"
TOTAL_NET_COST = "Summa verksamhetens nettokostnader"
INHYRD = "Inhyrd personal"
PERSONAL = "Personalkostnader"

AGENCY_TARGET_PCT = 2.0
"""The target for agency staff (hyrpersonal): at most 2 % of the personnel costs."""


class Frozen(BaseModel):
    """Base of every immutable model: frozen, unknown fields rejected."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Account(Frozen):
    """A leaf account (kostnadsslag or its agency-staff split)."""

    name: str = Field(min_length=1)
    type: AccountType
    category: str = Field(description="The seed 001 category the leaf belongs to")
    aliases: tuple[str, ...] = ()

    @property
    def sign(self) -> int:
        """+1 for revenue, −1 for cost: the sign amounts normally carry."""
        return 1 if self.type == "intakt" else -1


_AGENCY_LEAF = {
    "läkare": "Inhyrd personal läkare",
    "sjuksköterskor": "Inhyrd personal sjuksköterskor",
    "övriga": "Inhyrd personal övriga",
}


UNSPLIT_AGENCY = INHYRD
"""The leaf of agency cost not split by staff group (the category's own name)."""


def agency_account(category: AgencyCategory) -> str:
    """The leaf account of one agency staff category."""
    return _AGENCY_LEAF[category]


def split_agency_accounts() -> tuple[str, ...]:
    """The three agency leaves split by staff group (läkare, sjuksköterskor, övriga)."""
    return tuple(_AGENCY_LEAF.values())


DEFAULT_ACCOUNTS: tuple[Account, ...] = (
    Account(name="Patientavgifter", type="intakt", category="Patientavgifter"),
    Account(name="Försäljning", type="intakt", category="Försäljning"),
    Account(name="Erhållna bidrag", type="intakt", category="Erhållna bidrag",
            aliases=("Statsbidrag",)),
    Account(name="Övriga intäkter", type="intakt", category="Övriga intäkter"),
    Account(name=PERSONAL, type="kostnad", category=PERSONAL,
            aliases=("Personalkostnader egen personal",)),
    Account(name="Köpt riks- och regionvård", type="kostnad", category="Köpt riks- och regionvård"),
    Account(name="Köp av verksamhet", type="kostnad", category="Köp av verksamhet"),
    Account(name="Verksamhetsanknutna tjänster", type="kostnad",
            category="Verksamhetsanknutna tjänster"),
    Account(name=_AGENCY_LEAF["läkare"], type="kostnad", category=INHYRD,
            aliases=("Inhyrd personal - läkare", "Inhyrd personal – läkare", "Hyrläkare")),
    Account(name=_AGENCY_LEAF["sjuksköterskor"], type="kostnad", category=INHYRD,
            aliases=("Inhyrd personal - sjuksköterskor", "Inhyrd personal – sjuksköterskor",
                     "Hyrsjuksköterskor")),
    Account(name=_AGENCY_LEAF["övriga"], type="kostnad", category=INHYRD,
            aliases=("Inhyrd personal - övriga", "Inhyrd personal – övriga")),
    Account(name=UNSPLIT_AGENCY, type="kostnad", category=INHYRD,
            aliases=("Inhyrd personal totalt", "Hyrpersonal", "Bemanningsföretag",
                     "Inhyrd personal, ej uppdelad")),
    Account(name="Läkemedel", type="kostnad", category="Läkemedel"),
    Account(name="Sjukvårdsartiklar, övrigt material och varor", type="kostnad",
            category="Sjukvårdsartiklar, övrigt material och varor",
            aliases=("Sjukvårdsart, övr mat o varor", "Sjukvårdsartiklar")),
    Account(name="Lämnade bidrag", type="kostnad", category="Lämnade bidrag"),
    Account(name="Fastighetskostnader", type="kostnad", category="Fastighetskostnader"),
    Account(name="Konsultkostnader", type="kostnad", category="Konsultkostnader"),
    Account(name="Övriga kostnader", type="kostnad", category="Övriga kostnader"),
    Account(name="Avskrivningar/finansnetto", type="kostnad", category="Avskrivningar/finansnetto",
            aliases=("Avskrivningar / finansnetto",)),
)


_T = TypeVar("_T")


def _unique_by(key: Callable[[_T], str], what: str) -> AfterValidator:
    """A field validator refusing a tuple whose ``key`` values repeat (ValueError: ``what``)."""
    def check(items: tuple[_T, ...]) -> tuple[_T, ...]:
        keys = [key(i) for i in items]
        if len(set(keys)) != len(keys):
            raise ValueError(f"{what} must be unique")
        return items
    return AfterValidator(check)


class AccountHierarchy(Frozen):
    """Revenue and cost → the 16 categories → leaf accounts."""

    accounts: Annotated[tuple[Account, ...],
                        _unique_by(lambda a: a.name, "account names")] = DEFAULT_ACCOUNTS

    @property
    def leaves(self) -> list[str]:
        """Leaf account names in report order."""
        return [a.name for a in self.accounts]

    @property
    def categories(self) -> list[str]:
        """The 16 categories in report order (revenue first)."""
        return list(dict.fromkeys(a.category for a in self.accounts))  # first-seen order

    def get(self, name: str) -> Account:
        """The leaf account called ``name`` (KeyError if none)."""
        for a in self.accounts:
            if a.name == name:
                return a
        raise KeyError(name)

    def resolve(self, name: str) -> str | None:
        """Canonical leaf name for ``name`` or one of its aliases (case-insensitive), else None."""
        key = " ".join(str(name).split()).casefold()
        for a in self.accounts:
            if key == a.name.casefold() or key in (x.casefold() for x in a.aliases):
                return a.name
        return None

    def type_of(self) -> dict[str, AccountType]:
        """Map leaf → 'intakt' / 'kostnad'."""
        return {a.name: a.type for a in self.accounts}

    def category_of(self) -> dict[str, str]:
        """Map leaf → category."""
        return {a.name: a.category for a in self.accounts}

    def agency_leaves(self) -> list[str]:
        """The agency-staff leaves: the staff-group split and the unsplit leaf."""
        return [a.name for a in self.accounts if a.category == INHYRD]


class Unit(Frozen):
    """A basenhet: the smallest unit with its own budget."""

    id: str = Field(min_length=1, description="Unit code as in the ledger")
    name: str = Field(min_length=1)
    division: str = Field(min_length=1)
    levels: tuple[tuple[str, str], ...] = Field(
        default=(), description="Further levels from the organisation file, e.g. "
        "(('område', 'Länssjukvård'),) above the division or ('verksamhet', …) below")

    @property
    def label(self) -> str:
        """'code name' once: just the name when it is the code or already starts with it."""
        name = self.name.strip()
        if name == self.id or name.startswith(f"{self.id} "):
            return name
        return f"{self.id} {name}"

    @field_validator("id")
    @classmethod
    def _no_separator(cls, v: str) -> str:
        if "|" in v:
            raise ValueError("unit id may not contain '|'")
        return v


class OrgHierarchy(Frozen):
    """Region → division (område) → unit."""

    region: str = REGION_DEFAULT
    units: Annotated[tuple[Unit, ...], _unique_by(lambda u: u.id, "unit ids")]

    @property
    def divisions(self) -> list[str]:
        """Divisions in first-seen order."""
        return list(dict.fromkeys(u.division for u in self.units))  # first-seen order

    @property
    def unit_ids(self) -> list[str]:
        """Unit codes in order."""
        return [u.id for u in self.units]

    def division_of(self) -> dict[str, str]:
        """Map unit id → division."""
        return {u.id: u.division for u in self.units}

    def with_units(self, new: Iterable[Unit]) -> OrgHierarchy:
        """A new hierarchy with ``new`` units appended (the original is unchanged)."""
        return OrgHierarchy(region=self.region, units=(*self.units, *new))

    def to_frame(self) -> pd.DataFrame:
        """Units as a frame with columns unit, unit_name, division and any further levels."""
        levels: dict[str, None] = {}
        for u in self.units:
            for name, _ in u.levels:
                levels.setdefault(name, None)
        return pd.DataFrame(
            [(u.id, u.name, u.division, *(dict(u.levels).get(n, "") for n in levels))
             for u in self.units],
            columns=["unit", "unit_name", "division", *levels],
        )


class AgencyFTE(Frozen):
    """Agency staff in full-time equivalents (årsarbetare) for one month, unit and category."""

    period: str = Field(pattern=r"^\d{4}-\d{2}$")
    unit: str
    category: AgencyCategory
    fte: float = Field(ge=0)


class Measure(Frozen):
    """A transition-plan (omställningsplan) measure."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    unit: str
    account: str
    planned_annual_tkr: float = Field(gt=0, description="Planned full-year saving, tkr (positive)")
    start_period: str = Field(pattern=r"^\d{4}-\d{2}$", description="First month of effect")
    year: int = Field(ge=2000, le=2100, description="Plan year the annual effect refers to")

    @property
    def start_month(self) -> Month:
        """:attr:`start_period` as a month."""
        return month_from_text(self.start_period)


def months_active(start_period: Month, year: int) -> int:
    """Months of plan year ``year`` from the start month through December.

    The one rule of the transition plan: a measure's annual effect is spread evenly over these
    months (0 or less when the measure starts after the plan year).
    """
    return (month_of(year, 12) - start_period).n + 1


def planned_to_date(measure: Measure, as_of: pd.Period) -> float:
    """Planned effect (tkr) from the start month through ``as_of`` within the plan year.

    The annual effect is spread evenly over the months of the plan year from the start month
    (:func:`months_active`).
    """
    start = measure.start_month
    year_end = month_of(measure.year, 12)
    active = months_active(start, measure.year)
    if active <= 0 or as_of < start:
        return 0.0
    upto = min(as_of, year_end)
    return measure.planned_annual_tkr * ((upto - start).n + 1) / active
