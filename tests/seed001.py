"""Seed 001's published table as monthly ledger rows, shared by the follow-up, import and
report tests.

Seed 001 is Region Jämtland Härjedalen, HSN, January–April 2023, "Ekonomisk analys", in tkr:
per account the outcome and the budget so far this year and the outcome so far last year.
``tests/data/rjh_2023_jan_apr_kostnadsslag.csv`` is a copy of
/work/shared/reference/rjh_2023_jan_apr_kostnadsslag.csv, so the tests run anywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd

from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import INHYRD, OrgHierarchy, Unit, agency_account

PUBLISHED = Path(__file__).resolve().parent / "data" / "rjh_2023_jan_apr_kostnadsslag.csv"
UNIT = "U1"


def published_table() -> pd.DataFrame:
    """The published table: ``konto; typ; utfall_ack_tkr; budget_ack_tkr; …`` one row an account."""
    return pd.read_csv(PUBLISHED, sep=";")


def spread(total: int) -> list[int]:
    """Four months: equal quarters, the remainder on April."""
    q = int(total / 4)
    return [q, q, q, total - 3 * q]


def account_months(row: Any) -> Iterator[tuple[str, str, int]]:
    """``(period, kind, amount)``: one account's figures (a row of the table) month by month.

    The outcome and the budget so far of 2023, then the outcome so far of 2022, each spread
    over January–April by :func:`spread`.
    """
    for kind, year, total in ((S.UTFALL, 2023, row.utfall_ack_tkr),
                              (S.BUDGET, 2023, row.budget_ack_tkr),
                              (S.UTFALL, 2022, row.utfall_ack_fg_ar_tkr)):
        for month, amount in enumerate(spread(int(total)), start=1):
            yield f"{year}-{month:02d}", kind, amount


def leaf(konto: str) -> str:
    """The ledger account of a table row: Inhyrd personal booked on one leaf (läkare)."""
    return agency_account("läkare") if konto == INHYRD else konto


def one_unit_dataset(ledger: pd.DataFrame) -> Dataset:
    """``ledger`` (all on unit :data:`UNIT`) as the dataset of one unit, "Hela HSN"."""
    org = OrgHierarchy(units=(Unit(id=UNIT, name="Hela HSN", division="HSN"),))
    return Dataset(ledger=ledger, org=org, source="seed 001", source_hash="x")
