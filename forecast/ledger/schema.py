"""Column names and fixed vocabularies of the project's one data shape.

The ledger table is long: one row per (period, unit, account, kind) with an amount in tkr,
in the reports' sign convention (revenue +, cost −; deviation = outcome − budget).
The forecasting layer uses the Nixtla convention (unique_id, ds, y); see ``to_nixtla``.
"""

from __future__ import annotations

from typing import Final

import pandas as pd

PERIOD: Final = "period"
UNIT: Final = "unit"
ACCOUNT: Final = "account"
KIND: Final = "kind"
AMOUNT: Final = "amount_tkr"

LEDGER_COLUMNS: Final = (PERIOD, UNIT, ACCOUNT, KIND, AMOUNT)
KEY_COLUMNS: Final = (PERIOD, UNIT, ACCOUNT, KIND)

UTFALL: Final = "utfall"
BUDGET: Final = "budget"
KINDS: Final = (UTFALL, BUDGET)

# Nixtla long format used by the forecasting layer.
UID: Final = "unique_id"
DS: Final = "ds"
Y: Final = "y"

# Optional column on import: the division of a unit not yet in the org hierarchy.
DIVISION: Final = "division"

# Agency FTE table (årsarbetare inhyrd personal).
AGENCY_CATEGORY: Final = "category"
FTE: Final = "fte"


class SchemaError(ValueError):
    """A frame does not have the project's ledger shape."""


def validate_ledger(df: pd.DataFrame) -> pd.DataFrame:
    """Check that ``df`` is a canonical ledger frame and return it unchanged.

    Canonical: exactly the ledger columns, ``period`` of monthly Period dtype, ``kind`` in
    ``KINDS``, numeric finite ``amount_tkr``, no duplicate keys.

    Raises:
        SchemaError: naming the first problem found.
    """
    missing = [c for c in LEDGER_COLUMNS if c not in df.columns]
    if missing:
        raise SchemaError(f"ledger frame lacks columns {missing}; expected {list(LEDGER_COLUMNS)}")
    if df[PERIOD].dtype != pd.PeriodDtype("M"):
        raise SchemaError(f"column {PERIOD!r} must be Period[M], got {df[PERIOD].dtype}")
    bad_kind = set(df[KIND].unique()) - set(KINDS)
    if bad_kind:
        raise SchemaError(f"column {KIND!r} has {sorted(bad_kind)}; allowed {list(KINDS)}")
    if not pd.api.types.is_float_dtype(df[AMOUNT]):
        raise SchemaError(f"column {AMOUNT!r} must be float, got {df[AMOUNT].dtype}")
    if df[AMOUNT].isna().any():
        raise SchemaError(f"column {AMOUNT!r} has missing values")
    # keys compared with the months as integer codes: duplicated() on a Period column boxes
    # every cell as a Period object (0,5 s for the embedded 80 000 rows)
    keys = df[[UNIT, ACCOUNT, KIND]].assign(**{PERIOD: pd.PeriodIndex(df[PERIOD]).asi8})
    if keys.duplicated().any():
        raise SchemaError(f"duplicate keys {list(KEY_COLUMNS)} in ledger frame")
    return df


def series_id(unit: str, account: str) -> str:
    """The forecasting layer's ``unique_id`` of one unit × account series."""
    return f"{unit}|{account}"


def split_series_id(uid: str) -> tuple[str, str]:
    """Inverse of :func:`series_id`."""
    unit, _, account = uid.partition("|")
    return unit, account


def to_nixtla(ledger: pd.DataFrame, kind: str = UTFALL) -> pd.DataFrame:
    """The one boundary from the ledger to the forecasting layer's long frame.

    Returns columns ``unique_id`` (``unit|account``), ``ds`` (month start Timestamp), ``y``,
    sorted by ``unique_id`` and ``ds``.
    """
    part = ledger.loc[ledger[KIND] == kind]
    out = pd.DataFrame(
        {
            UID: part[UNIT].astype(str) + "|" + part[ACCOUNT].astype(str),
            DS: part[PERIOD].dt.to_timestamp(),
            Y: part[AMOUNT].astype(float),
        }
    )
    return out.sort_values([UID, DS], kind="stable").reset_index(drop=True)


def from_nixtla(frame: pd.DataFrame, value_col: str = Y, kind: str = UTFALL) -> pd.DataFrame:
    """The one boundary back from the forecasting layer to the ledger shape."""
    parts = frame[UID].str.split("|", n=1, expand=True)
    out = pd.DataFrame(
        {
            PERIOD: pd.PeriodIndex(frame[DS], freq="M"),
            UNIT: parts[0].to_numpy(),
            ACCOUNT: parts[1].to_numpy(),
            KIND: kind,
            AMOUNT: frame[value_col].astype(float).to_numpy(),
        }
    )
    return out.reset_index(drop=True)
