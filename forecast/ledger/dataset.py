"""The in-memory data set: ledger plus dimensions, and the loader of the embedded example.

Files of the embedded example in ``data/`` (UTF-8, ``,`` separator, ``.`` decimal, months
``YYYY-MM``):

- ``ledger.csv``: period, unit, account, kind, amount_tkr
- ``units.csv``: unit, unit_name, division
- ``agency_fte.csv``: period, unit, category, fte
- ``measures.csv``: id, name, unit, account, planned_annual_tkr, start_period, year
- ``measure_effects.csv``: measure_id, period, effect_tkr (reported saving, positive)
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import pandas as pd

from forecast.ledger import schema as S
from forecast.ledger.dimensions import AccountHierarchy, Measure, OrgHierarchy, Unit

T = TypeVar("T")

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
DATA_FILES = ("ledger.csv", "units.csv", "agency_fte.csv", "measures.csv", "measure_effects.csv")


@dataclass(frozen=True)
class Dataset:
    """Everything the engine reads. Immutable: loading new data makes a new Dataset."""

    ledger: pd.DataFrame
    org: OrgHierarchy
    accounts: AccountHierarchy = field(default_factory=AccountHierarchy)
    agency_fte: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["period", "unit", "category", "fte"])
    )
    measures: tuple[Measure, ...] = ()
    measure_effects: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["measure_id", "period", "effect_tkr"])
    )
    source: str = "inbäddad exempeldata"
    source_hash: str = ""
    notes: tuple[str, ...] = ()
    """What loading did that the user should know (title rows skipped, kr → tkr, …)."""
    account_mapping: pd.DataFrame | None = None
    """Each account as the ledger wrote it → the category it was mapped to (None: the
    ledger used the categories' own names, as the embedded example does)."""
    is_example: bool = False
    """True for the embedded example (Exempelregionen), False for a user's data set."""
    load_totals: pd.DataFrame | None = None
    """Per file and kind: amounts read, left out (``ingår ej``) and held, tkr."""

    @property
    def last_outcome(self) -> pd.Period:
        """The last month with outcome (utfall) in the ledger (found once per data set)."""
        return self.derived("ledger.last_outcome", _last_outcome)

    def derived(self, name: str, make: Callable[[Dataset], T]) -> T:
        """``make(self)``, computed once per data set and ``name`` (the data set is immutable).

        For frames every follow-up table derives from the same ledger (e.g. the ledger with
        its dimensions joined): the caller treats the result as read-only.
        """
        memo: dict[str, Any] = self.__dict__.setdefault("_derived", {})
        if name not in memo:
            memo[name] = make(self)
        return memo[name]

    def with_ledger(self, ledger: pd.DataFrame, source: str, source_hash: str,
                    org: OrgHierarchy | None = None) -> Dataset:
        """A new Dataset with another ledger (and optionally an extended org)."""
        return replace(self, ledger=S.validate_ledger(ledger), org=org or self.org,
                       source=source, source_hash=source_hash)


def _last_outcome(ds: Dataset) -> pd.Period:
    # the last of the months the ledger's index found (made once per data set, and read by
    # the app's first figures anyway), not a scan of the kind column of its own; NaT for a
    # ledger without outcome, as the scan's max gave
    from forecast.ledger.index import outcome_months  # the index module imports this one

    months = outcome_months(ds)
    return months[-1] if months else pd.NaT


def missing_months(ledger: pd.DataFrame, kind: str = S.UTFALL,
                   upto: pd.Period | None = None) -> list[pd.Period]:
    """Months without any row of ``kind`` between its first month and ``upto`` (or its last).

    A month the whole ledger lacks is unknown, not zero: the forecast refuses such history and
    the load report warns of it.
    """
    per = ledger.loc[ledger[S.KIND] == kind, S.PERIOD]
    if upto is not None:
        per = per[per <= upto]
    if per.empty:
        return []
    have = set(per.unique())
    return [m for m in pd.period_range(per.min(), per.max(), freq="M") if m not in have]


def file_hash(*paths: Path) -> str:
    """SHA-256 over the bytes of ``paths`` in order (hex, 64 chars)."""
    h = hashlib.sha256()
    for p in paths:
        h.update(Path(p).read_bytes())
    return h.hexdigest()


def months_of(text: pd.Series) -> pd.PeriodIndex:
    """``ÅÅÅÅ-MM`` texts as monthly periods, each distinct month parsed once.

    (A PeriodIndex of 80 000 strings takes seconds; of its few dozen distinct values, none.)
    """
    codes, months = pd.factorize(text)
    return pd.PeriodIndex(months, freq="M").take(codes)


def read_canonical_ledger(path: Path) -> pd.DataFrame:
    """Read a ledger in the canonical (embedded) format; trusted input, schema-checked."""
    df = pd.read_csv(path, dtype={S.UNIT: str, S.ACCOUNT: str, S.KIND: str, S.PERIOD: str},
                     encoding="utf-8")
    df[S.PERIOD] = months_of(df[S.PERIOD])
    df[S.AMOUNT] = df[S.AMOUNT].astype(float)
    return S.validate_ledger(df[list(S.LEDGER_COLUMNS)])


def load_default(data_dir: Path = DATA_DIR) -> Dataset:
    """Load the embedded example region (Exempelregionen)."""
    units = pd.read_csv(data_dir / "units.csv", dtype=str, encoding="utf-8")
    org = OrgHierarchy(units=tuple(
        Unit(id=r.unit, name=r.unit_name, division=r.division) for r in units.itertuples()
    ))
    fte = pd.read_csv(data_dir / "agency_fte.csv", dtype={"unit": str, "category": str},
                      encoding="utf-8")
    fte["period"] = months_of(fte["period"])
    mdf = pd.read_csv(data_dir / "measures.csv", dtype=str, encoding="utf-8")
    measures = tuple(
        Measure(id=r.id, name=r.name, unit=r.unit, account=r.account,
                planned_annual_tkr=float(r.planned_annual_tkr), start_period=r.start_period,
                year=int(r.year))
        for r in mdf.itertuples()
    )
    eff = pd.read_csv(data_dir / "measure_effects.csv", dtype={"measure_id": str},
                      encoding="utf-8")
    eff["period"] = months_of(eff["period"])
    return Dataset(
        ledger=read_canonical_ledger(data_dir / "ledger.csv"),
        org=org,
        agency_fte=fte,
        measures=measures,
        measure_effects=eff,
        source="inbäddad exempeldata (Exempelregionen)",
        source_hash=file_hash(*(data_dir / f for f in DATA_FILES)),
        is_example=True,
    )
