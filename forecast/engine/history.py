"""What can be forecast at a month, from which history, and the one line that says so.

The engine never reads a month missing from the whole ledger as zero. A region's first export
often has a few months of each year (January–April of two years): outcome is missing for
the months between. The forecast then rests on the unbroken run of months up to the as-of
month (:func:`forecast_history`), which :func:`forecast.engine.region.standard_forecast`
passes to the engine as the history's start; where that run is shorter than a year, the
standard method falls back, series by series, to the controllers' run rate (as for any short
history), and :mod:`forecast.engine.basis` names it.

Pure: a Dataset and a month in, a :class:`ForecastHistory` out; pages show its ``line`` above
the forecast and the follow-up tables never depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from forecast.io.formatting import month_label, runs_of, span_label
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset, missing_months

FULL_YEAR = 12
"""Months of unbroken history the standard method needs to see a whole year's pattern."""


@dataclass(frozen=True)
class ForecastHistory:
    """Whether a forecast can be made at ``as_of`` and on which months of outcome.

    Attributes:
        as_of: the month.
        possible: False when no forecast can be made (no outcome in the month).
        start: the first month of the history the forecast uses (None when not possible).
        gap: the months without any outcome just before ``start`` (empty when none).
        months: months of unbroken history, ``start`` … ``as_of``.
        line: one Swedish line for the pages and the report: what is missing and what the
            forecast does instead; empty when the history is whole and at least a year.
    """

    as_of: pd.Period
    possible: bool
    start: pd.Period | None
    gap: tuple[pd.Period, ...]
    months: int
    line: str

    @property
    def cut(self) -> pd.Period | None:
        """The history's start when outcome before it is left out (a gap), else None."""
        return self.start if self.gap else None


def forecast_history(ds: Dataset, as_of: pd.Period) -> ForecastHistory:
    """The history a forecast at ``as_of`` can rest on, and the line that says what it lacks.

    The history is the unbroken run of months with outcome ending at ``as_of``: months
    missing from the whole ledger before it are left out (never read as zero). A history
    shorter than :data:`FULL_YEAR` months is forecast by simpler rules per series.
    """
    p = as_of
    led = ds.ledger
    have = led.loc[(led[S.KIND] == S.UTFALL) & (led[S.PERIOD] <= p), S.PERIOD]
    if have.empty or not (have == p).any():
        return ForecastHistory(p, False, None, (), 0, f"Ingen prognos: utfall saknas för "
                               f"{month_label(p, long=True)}.")
    gaps = missing_months(led, S.UTFALL, p)
    last_run = runs_of(gaps)[-1] if gaps else []
    start = (last_run[-1] + 1) if last_run else have.min()
    n = (p - start).n + 1
    parts = []
    if last_run:
        parts.append(f"Utfall saknas för {span_label(last_run)}, så prognosen bygger bara på "
                     f"utfallet {span_label(list(pd.period_range(start, p, freq='M')))} "
                     "(saknade månader läses inte som noll)")
    if n < FULL_YEAR:
        parts.append(f"{'d' if parts else 'D'}et är {n} månader, och standardprognosen "
                     f"behöver minst {FULL_YEAR}: återstående månader skattas i stället per "
                     "serie med controllernas snitt hittills i år (årets månadssnitt för varje "
                     "återstående månad), inte prövat mot tidigare år")
    line = "; ".join(parts) + "." if parts else ""
    return ForecastHistory(p, True, start, tuple(last_run), n, line)
