"""Prognossäkerhet: each forecast of a completed year beside the year's actual result.

For a year whose outcome is complete (the ledger has outcome for December), every laid
forecast of that year (the current version per month: the locked one, else the latest) is
compared with the actual net result: deviation = forecast − actual (tkr and % of |actual|),
and whether the actual fell within the forecast's P10–P90. Months never laid can be filled
from a backtest: the same forecast made at that month with the history up to it only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from forecast.cycle.laid import LaidForecast
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.ledger.month import month_of

COLUMNS = ["Månad", "Källa", "Årsprognos", "P10", "P90", "Utfall helår",
           "Avvikelse prognos − utfall", "Avvikelse %", "Inom P10–P90", "Kommentar"]


class AccuracyError(ValueError):
    """The year is not complete, or there is nothing to compare (Swedish message)."""


def year_outcome(ds: Dataset, year: int) -> pd.DataFrame:
    """The ledger's outcome rows of a completed ``year`` (tkr).

    Raises:
        AccuracyError: the ledger has no outcome for December of ``year``.
    """
    led = ds.ledger
    out = led.loc[(led[S.KIND] == S.UTFALL) & (led[S.PERIOD].dt.year == year)]
    dec = month_of(year, 12)
    if out.empty or out[S.PERIOD].max() < dec:
        last = out[S.PERIOD].max() if len(out) else "inget"
        raise AccuracyError(f"året {year} är inte avslutat (sista utfall: {last}); "
                            "prognossäkerhet kräver utfall till och med december")
    return out


def actual_net(ds: Dataset, year: int) -> float:
    """The actual net result of ``year`` (sum of all outcome, tkr).

    Raises:
        AccuracyError: the ledger has no outcome for December of ``year``.
    """
    return float(year_outcome(ds, year)[S.AMOUNT].sum())


def source_label(lf: LaidForecast) -> str:
    """Which version a row shows: ``lagd v2`` or ``lagd v2 fastställd``."""
    return f"lagd v{lf.version}" + (" fastställd" if lf.locked else "")


def _row(lf: LaidForecast, source: str, actual: float) -> dict[str, object]:
    s = lf.summary()
    dev = s["final"] - actual
    inside = bool(s["p10"] <= actual <= s["p90"]) if np.isfinite(s["p10"]) else None
    return {"Månad": str(lf.as_of), "Källa": source, "Årsprognos": s["final"],
            "P10": s["p10"], "P90": s["p90"], "Utfall helår": actual,
            "Avvikelse prognos − utfall": dev,
            "Avvikelse %": dev / abs(actual) * 100.0 if actual else np.nan,
            "Inom P10–P90": "" if inside is None else ("ja" if inside else "nej"),
            "Kommentar": lf.comment}


def accuracy_table(ds: Dataset, year: int, laid: Sequence[LaidForecast], *,
                   backtest_months: Sequence[int] = (),
                   backtest: Callable[[pd.Period], LaidForecast] | None = None) -> pd.DataFrame:
    """One row per month of ``year``: the laid forecast, or a backtest where none was laid.

    Args:
        ds: the data set with the year's complete outcome.
        year: the completed year.
        laid: laid forecasts (others than ``year`` are ignored).
        backtest_months: months (1–11) to backtest where no forecast was laid.
        backtest: makes the forecast at a month (history up to it only), e.g. a
            region forecast turned into a draft :class:`LaidForecast`.

    Raises:
        AccuracyError: the year is not complete, or no row at all.
    """
    actual = actual_net(ds, year)
    rows = {lf.as_of.month: _row(lf, source_label(lf), actual)
            for lf in laid if lf.as_of.year == year}
    for m in backtest_months:
        if m not in rows and backtest is not None and 1 <= m <= 11:
            rows[m] = _row(backtest(month_of(year, m)), "backtest", actual)
    if not rows:
        raise AccuracyError(f"ingen lagd prognos för {year} och ingen backtest begärd")
    return pd.DataFrame([rows[m] for m in sorted(rows)], columns=COLUMNS)
