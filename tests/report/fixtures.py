"""Shared fixtures of the report tests: seed 001's table as a ledger, forecasts with few paths."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecast.engine.region import standard_forecast
from forecast.engine.result import RegionForecast
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import INHYRD, OrgHierarchy, Unit, agency_account

PUBLISHED = Path(__file__).resolve().parents[1] / "data" / "rjh_2023_jan_apr_kostnadsslag.csv"
FAST_METHOD = "three_year_profile"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"


def _spread(total: int) -> list[int]:
    q = int(total / 4)
    return [q, q, q, total - 3 * q]


def seed001() -> Dataset:
    """Seed 001's Jan–Apr 2023 table (and Jan–Apr 2022) as a one-unit ledger, tkr.

    The forecast engine refuses a history with missing months, so May–Dec 2022 are filled
    with the Jan–Apr 2022 monthly average (made up; no published figure is read from them:
    the tested figures are January–April).
    """
    table = pd.read_csv(PUBLISHED, sep=";")
    rows = []
    for r in table.itertuples():
        account = agency_account("läkare") if r.konto == INHYRD else r.konto
        for kind, year, total in ((S.UTFALL, 2023, r.utfall_ack_tkr),
                                  (S.BUDGET, 2023, r.budget_ack_tkr),
                                  (S.UTFALL, 2022, r.utfall_ack_fg_ar_tkr)):
            for month, amount in enumerate(_spread(int(total)), start=1):
                rows.append((f"{year}-{month:02d}", "U1", account, kind, float(amount)))
        for month in range(5, 13):
            rows.append((f"2022-{month:02d}", "U1", account, S.UTFALL,
                         float(r.utfall_ack_fg_ar_tkr) / 4))
    led = pd.DataFrame(rows, columns=list(S.LEDGER_COLUMNS))
    led[S.PERIOD] = pd.PeriodIndex(led[S.PERIOD], freq="M")
    org = OrgHierarchy(units=(Unit(id="U1", name="Hela HSN", division="HSN"),))
    return Dataset(ledger=S.validate_ledger(led), org=org, source="seed 001", source_hash="x")


def fast_forecast(ds: Dataset, as_of: str, n_paths: int = 100) -> RegionForecast:
    """The engine with one quick method and few paths (as the prognos CLI tests do)."""
    return standard_forecast(ds, pd.Period(as_of, freq="M"), n_paths=n_paths, seed=0,
                             method=FAST_METHOD)
