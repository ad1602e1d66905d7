"""The as-of month checked against a data set: the one as-of check of the program.

The months with outcome (:func:`available_months`) and :func:`check_as_of`, which every
follow-up table, report and forecast calls before it reads a month.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset, missing_months
from forecast.ledger.index import outcome_months
from forecast.ledger.month import Month


def available_months(ds: Dataset) -> list[Month]:
    """Months with outcome (utfall) in the ledger, sorted."""
    return list(ds.derived("followup.available_months", _available_months))


def _available_months(ds: Dataset) -> tuple[Month, ...]:
    return outcome_months(ds)


def _describe_months(months: list[Month]) -> str:
    if not months:
        return "inga (ledgern saknar utfall)"
    first, last = months[0], months[-1]
    if (last - first).n + 1 == len(months):
        return f"{first}–{last}"
    if len(months) <= 24:
        return ", ".join(str(m) for m in months)
    return f"{first}–{last} (med luckor, {len(months)} månader)"


def check_as_of(ds: Dataset, as_of: Month, *,
                forecast_steps: Sequence[Month] | None = None) -> Month:
    """``as_of`` checked against the ledger's outcome; the one as-of check of the program.

    For a follow-up or report (``forecast_steps`` None) the month must have outcome. For a
    forecast (``forecast_steps`` the structural-break months, possibly empty) it must not lie
    after the last outcome month, and no month since the latest break up to it may lack
    outcome entirely (a missing month is unknown, not zero).

    Raises:
        ValueError: (Swedish message) naming the month and what the ledger has.
    """
    if forecast_steps is None:
        months = available_months(ds)
        if as_of not in set(months):
            raise ValueError(f"Det finns inget utfall för {as_of}. "
                             f"Månader med utfall: {_describe_months(months)}.")
        return as_of
    last = ds.last_outcome
    if pd.isna(last) or as_of > last:
        raise ValueError(
            f"prognosmånaden {as_of} ligger efter sista utfallsmånaden {last}; "
            "välj en månad med bokfört utfall"
        )
    start = max((p for p in forecast_steps if p <= as_of), default=None)
    gaps = [m for m in missing_months(ds.ledger, S.UTFALL, as_of)
            if start is None or m >= start]
    if gaps:
        shown = ", ".join(str(m) for m in gaps[:6]) + (" …" if len(gaps) > 6 else "")
        raise ValueError(
            f"utfall saknas helt för {len(gaps)} månader ({shown}); prognosen läser inte en "
            "saknad månad som noll. Läs in huvudboken med alla månader fram till prognosmånaden."
        )
    return as_of
