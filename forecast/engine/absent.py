"""Which year figures the ledger holds for a forecast's groups: absent is not zero.

The engine's summary columns (:attr:`RegionForecast.annual_budget`,
:attr:`RegionForecast.prior_year_outcome`) sum the ledger's rows, so a series with no budget
row has the sum 0, and a previous year with months missing entirely sums the months there
are. The tables and the app must not print those sums as figures: a budget that does not
exist is *saknas*, not 0 mkr, and a previous year of four months is not the previous year.

:func:`held` reads the ledger once for a forecast; :func:`blank_absent` blanks (NaN) the
budget and deviation of every group none of whose series has a budget row in the year, and
the previous year and development of every group none of whose series has outcome in the
previous year, or of every group when the ledger lacks whole months of the previous year.
:func:`absent_note` says so in a sentence for a table's note. Exports write NaN as an empty
cell, the app as ``saknas``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.engine import hierarchy as H
from forecast.engine.result import RegionForecast
from forecast.followup.tables import budget_coverage
from forecast.io.formatting import runs_of, span_label
from forecast.ledger.dataset import Dataset
from forecast.ledger.index import ledger_index, period_ordinal, series_codes

BUDGET_FIGURES = (H.ANNUAL_BUDGET, H.DEV, H.DEV_P10, H.DEV_P90)
"""Year-total columns that need the year's budget."""
PRIOR_FIGURES = (H.PRIOR_YEAR, H.DEVELOPMENT, H.DEVELOPMENT_P10, H.DEVELOPMENT_P90)
"""Year-total columns that need the whole previous year's outcome."""


@dataclass(frozen=True)
class Held:
    """What the ledger holds for the bottom series of one forecast (row order of its keys).

    Attributes:
        year: the forecast's year (``as_of.year``).
        budget: per series, whether it has any budget row in ``year``.
        prior: per series, whether it has any outcome row in ``year - 1``.
        prior_gaps: months of ``year - 1`` with no outcome row at all in the ledger.
        coverage: :func:`forecast.followup.tables.budget_coverage` of ``year`` (None: a
            budget for every month).
    """

    year: int
    budget: np.ndarray
    prior: np.ndarray
    prior_gaps: tuple[pd.Period, ...]
    coverage: str | None


def held(rf: RegionForecast, ds: Dataset) -> Held:
    """What ``ds``'s ledger holds for ``rf``'s series in ``rf.as_of.year`` and the year before."""
    year = rf.as_of.year
    bud, prev, gaps = ds.derived(f"absent.held.{year}", lambda d: _ledger_held(d, year))
    codes = series_codes(ledger_index(ds), rf.keys["unit"], rf.keys["account"])
    found = codes >= 0
    return Held(year, found & bud[codes], found & prev[codes], gaps, budget_coverage(ds, year))


def _ledger_held(ds: Dataset, year: int) -> tuple[np.ndarray, np.ndarray, tuple[pd.Period, ...]]:
    """What the ledger holds for ``year``, once per data set and year.

    Per (unit, account) pair of :func:`forecast.ledger.index.ledger_index`: whether it has
    budget in ``year``, whether it has outcome the year before; and the months of the year
    before without outcome: every table, month and report of that year reads them.
    """
    idx = ledger_index(ds)
    jan = period_ordinal(pd.Period(f"{year}-01", freq="M"))
    this_year = (idx.month >= jan) & (idx.month < jan + 12)
    last_year = (idx.month >= jan - 12) & (idx.month < jan)
    bud = np.zeros(idx.n_pairs, dtype=bool)
    bud[idx.series[idx.budget & this_year]] = True
    prev = np.zeros(idx.n_pairs, dtype=bool)
    prev_rows = idx.outcome & last_year
    prev[idx.series[prev_rows]] = True
    seen = set(np.unique(idx.month[prev_rows]).tolist())
    gaps = tuple(p for p in pd.period_range(f"{year - 1}-01", f"{year - 1}-12", freq="M")
                 if p.ordinal not in seen)
    return bud, prev, gaps


def blank_absent(tot: pd.DataFrame, rf: RegionForecast, by: Sequence[str], hd: Held,
                 year: int | None = None) -> pd.DataFrame:
    """``tot`` (:func:`forecast.engine.hierarchy.year_totals` of ``by``) with absent figures NaN.

    A plan year (``year`` after ``rf.as_of.year``) is returned unchanged: its budget is
    already absent and its previous year is the forecast year before it.
    """
    if year is not None and year != hd.year:
        return tot
    S_, _ = H.summing_matrix(rf.keys, [tuple(by)])
    out = tot.copy()
    no_budget = (S_ @ hd.budget.astype(float)) == 0
    no_prior = ((S_ @ hd.prior.astype(float)) == 0) | bool(hd.prior_gaps)
    out.loc[no_budget, list(BUDGET_FIGURES)] = np.nan
    out.loc[no_prior, list(PRIOR_FIGURES)] = np.nan
    return out


def held_year_totals(rf: RegionForecast, ds: Dataset, by: Sequence[str] = (), *,
                     year: int | None = None, hd: Held | None = None) -> pd.DataFrame:
    """:func:`forecast.engine.hierarchy.year_totals` with the figures the ledger lacks NaN."""
    hd = hd or held(rf, ds)
    return blank_absent(H.year_totals(rf, by, year=year), rf, by, hd, year)


def absent_note(hd: Held) -> str:
    """Sentences for a table's note on what is missing (empty when nothing is)."""
    parts = []
    if hd.coverage is not None:
        parts.append(hd.coverage)
    elif not hd.budget.all():
        parts.append("Tomma budgetceller: gruppen har ingen budget i indata (den är inte noll).")
    if hd.prior_gaps:
        gaps = ", ".join(span_label(r) for r in runs_of(list(hd.prior_gaps)))
        parts.append(f"Utfall saknas i indata för {gaps}: utfall föregående år och "
                     "utvecklingen mot det redovisas inte (de är inte noll).")
    elif not hd.prior.all():
        parts.append("Tomma celler för föregående år: gruppen har inget utfall då i indata.")
    return " ".join(parts)
