"""Shared fixtures of the report tests: seed 001's table as a ledger, forecasts with few paths."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from forecast.engine.region import standard_forecast
from forecast.engine.result import RegionForecast
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from tests.seed001 import UNIT, account_months, leaf, one_unit_dataset, published_table

FAST_METHOD = "three_year_profile"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "report"


def seed001() -> Dataset:
    """Seed 001's Jan–Apr 2023 table (and Jan–Apr 2022) as a one-unit ledger, tkr.

    The forecast engine refuses a history with missing months, so May–Dec 2022 are filled
    with the Jan–Apr 2022 monthly average (made up; no published figure is read from them:
    the tested figures are January–April).
    """
    rows = []
    for r in published_table().itertuples():
        account = leaf(r.konto)
        rows += [(period, UNIT, account, kind, float(amount))
                 for period, kind, amount in account_months(r)]
        for month in range(5, 13):
            rows.append((f"2022-{month:02d}", UNIT, account, S.UTFALL,
                         float(r.utfall_ack_fg_ar_tkr) / 4))
    led = pd.DataFrame(rows, columns=list(S.LEDGER_COLUMNS))
    led[S.PERIOD] = pd.PeriodIndex(led[S.PERIOD], freq="M")
    return one_unit_dataset(S.validate_ledger(led))


def fast_forecast(ds: Dataset, as_of: str, n_paths: int = 100) -> RegionForecast:
    """The engine with one quick method and few paths (as the prognos CLI tests do)."""
    return standard_forecast(ds, pd.Period(as_of, freq="M"), n_paths=n_paths, seed=0,
                             method=FAST_METHOD)


def page_fill(page: object) -> float:
    """The share of a page's body (between the house margins) down to its last ink.

    ``page`` is a pypdfium2 page; the body is the house look's (forecast/report/style.py).
    """
    from forecast.report import style as Y

    img = page.render(scale=0.5).to_pil().convert("L")  # type: ignore[attr-defined]
    w, h = img.size
    top = int(h * Y.MARGIN_TOP_CM / Y.PAGE_CM[1])
    bottom = int(h * (1 - Y.MARGIN_BOTTOM_CM / Y.PAGE_CM[1]))
    px = img.load()
    last = top
    for y in range(top, bottom):
        if any(px[x, y] < 200 for x in range(0, w, 2)):
            last = y
    return (last - top) / (bottom - top)
