"""Plain inputs of the report that come from outside the forecast core.

The report lives in ``forecast`` and may not import ``scenarios`` (nothing imports upward), so
scenario results and the forecast change arrive as these frozen records, made by the caller
(``scenarios.reporting`` for a scenario; the forecast cycle for the change).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class Comment:
    """A comment given with a laid forecast or an adjustment: the reason, in words."""

    text: str
    author: str = ""


@dataclass(frozen=True)
class ForecastChange:
    """The change of the year's forecast since the last laid forecast.

    As in seed 001 ("Prognosen har försämrats från föregående månad från -303 mkr till -320
    mkr på helår") the figures are the year's forecast deviation from budget (net).

    Attributes:
        previous_as_of: month of the last laid forecast.
        previous_tkr: its year deviation from budget, tkr.
        current_tkr: the year deviation from budget now, tkr.
        components: (label, tkr) parts of the change; they sum to current − previous.
        comments: the reasons given by the controllers.
        source: where the laid forecast comes from (for the provenance).
    """

    previous_as_of: pd.Period
    previous_tkr: float
    current_tkr: float
    components: tuple[tuple[str, float], ...]
    comments: tuple[Comment, ...] = ()
    source: str = ""


@dataclass(frozen=True)
class ScenarioRisk:
    """A scenario's results for the risk section.

    Attributes:
        name: scenario name (user text).
        description: its description (user text).
        year: the as-of year.
        steps: (label, tkr) bridge of the as-of year: first the baseline year result, then
            one effect per assumption; the scenario result is their sum.
        next_year_effect_tkr: scenario − baseline for the following year.
        budget_tkr: net budget of the year.
        p10_tkr, p50_tkr, p90_tkr: Monte Carlo quantiles of the scenario's year result.
        prob_within_budget: share of draws at or above budget (0–1).
        n_draws: Monte Carlo draws.
        parameters: the scenario as JSON (machine-readable; not printed).
        settings: (name, value, range, source) of every setting, in Swedish, for the
            appendix's table of the scenario's assumptions.
    """

    name: str
    description: str
    year: int
    steps: tuple[tuple[str, float], ...]
    next_year_effect_tkr: float
    budget_tkr: float
    p10_tkr: float
    p50_tkr: float
    p90_tkr: float
    prob_within_budget: float
    n_draws: int
    parameters: str = ""
    settings: tuple[tuple[str, str, str, str], ...] = ()
    notes: tuple[str, ...] = field(default=())
    base: str = ""
    """Which forecast the scenario starts from (the forecast of record's heading)."""
