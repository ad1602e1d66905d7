"""The report's *Prognosförändring* from the forecast cycle's laid forecasts.

:func:`report_change` turns :class:`forecast.cycle.change.ForecastChange` (the exact
decomposition of the change in the year's deviation from budget between two laid forecasts)
into the report's :class:`~forecast.report.inputs.ForecastChange`: the outcome and
re-estimate parts, one part per changed adjustment (its comment as the label) and a budget
revision; the comments with their authors are the reasons. :func:`laid_change` looks the two
laid forecasts up in a store.
"""

from __future__ import annotations

from typing import Protocol

import pandas as pd

from forecast.cycle.change import PART_LABELS, STATUS, decompose
from forecast.cycle.change import ForecastChange as CycleChange
from forecast.cycle.laid import LaidForecast
from forecast.io.formatting import month_label
from forecast.report.inputs import Comment, ForecastChange

MIN_TKR = 0.5
"""Parts smaller than this (tkr) are left out of the table (they print as 0)."""


class LaidLookup(Protocol):
    """The part of :class:`forecast.cycle.laid_store.LaidStore` the report reads."""

    def laid_months(self, dataset: str) -> list[pd.Period]:
        """Months with a laid forecast."""
        ...

    def load(self, dataset: str, as_of: pd.Period) -> LaidForecast:
        """The laid forecast of a month (the locked version, else the latest)."""
        ...


def report_change(fc: CycleChange) -> ForecastChange:
    """The report's change input from the cycle's decomposition (parts sum to the change)."""
    t = fc.totals()
    parts: list[tuple[str, float]] = []
    for key in ("outcome", "restimate"):
        if abs(t[key]) >= MIN_TKR:
            parts.append((PART_LABELS[key], t[key]))
    comments: list[Comment] = []
    for r in fc.adjustments.itertuples():
        if r.status == "unchanged" or abs(r.effect_tkr) < MIN_TKR:
            continue
        what = "Scenario" if r.kind == "scenario" else "Justering"
        parts.append((f"{what} {STATUS[r.status]}: {r.comment}", float(r.effect_tkr)))
        comments.append(Comment(str(r.comment), str(r.author)))
    if abs(t["budget"]) >= MIN_TKR:
        parts.append((PART_LABELS["budget"], t["budget"]))
    if fc.current.comment.strip():
        comments.append(Comment(fc.current.comment, fc.current.author))
    return ForecastChange(
        previous_as_of=fc.previous.as_of, previous_tkr=t["prev_deviation"],
        current_tkr=t["new_deviation"], components=tuple(parts), comments=tuple(comments),
        source=f"{laid_words(fc.previous)} till {laid_words(fc.current)} "
               f"(datamängd {fc.current.dataset})")


def laid_words(lf: LaidForecast) -> str:
    """``lagd prognos april 2023 version 2`` (``fastställd prognos …`` when locked)."""
    what = "fastställd prognos" if lf.locked else "lagd prognos"
    return f"{what} {month_label(lf.as_of, long=True)} version {lf.version}"


def laid_change(store: LaidLookup, dataset: str, as_of: pd.Period) -> ForecastChange | None:
    """The change from the last laid forecast before ``as_of`` to the one laid at ``as_of``.

    Returns None unless ``as_of`` and an earlier month of the same year are laid in
    ``dataset`` (the report then says that no earlier laid forecast exists).
    """
    months = [m for m in store.laid_months(dataset) if m.year == as_of.year]
    before = [m for m in months if m < as_of]
    if as_of not in months or not before:
        return None
    prev = store.load(dataset, max(before))
    cur = store.load(dataset, as_of)
    return report_change(decompose(prev, cur))
