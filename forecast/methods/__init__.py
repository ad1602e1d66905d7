"""Forecasting methods behind one interface, and their registry.

Use :func:`make_method` with an alias from :data:`REGISTRY`; every method has ``fit``,
``predict`` and ``simulate`` (see :mod:`forecast.methods.base`).
"""

from __future__ import annotations

from forecast.methods.base import Method, MethodFailed
from forecast.methods.baselines import (
    BudgetRatio,
    PriorYearProfile,
    RemainingBudget,
    RunRate,
    SeasonalNaive,
    SeasonalNaiveGrowth,
    ThreeYearProfile,
)
from forecast.methods.combination import Combination
from forecast.methods.statistical import (
    AggregatedCESMethod,
    AggregatedETSMethod,
    AggregatedThetaMethod,
    AutoARIMAMethod,
    CESMethod,
    ETSMethod,
    SARIMAXMethod,
    ThetaMethod,
    UnobservedComponentsMethod,
)

REGISTRY: dict[str, type[Method]] = {
    cls.alias: cls
    for cls in (
        RunRate,
        SeasonalNaive,
        SeasonalNaiveGrowth,
        PriorYearProfile,
        ThreeYearProfile,
        RemainingBudget,
        BudgetRatio,
        ETSMethod,
        AggregatedETSMethod,
        AggregatedThetaMethod,
        AggregatedCESMethod,
        ThetaMethod,
        CESMethod,
        AutoARIMAMethod,
        SARIMAXMethod,
        UnobservedComponentsMethod,
        Combination,
    )
}

REFERENCE_METHODS: tuple[str, ...] = (
    "run_rate",
    "prior_year_profile",
    "three_year_profile",
    "seasonal_naive",
)
"""The protocol's four controller methods, under exactly these names."""


def make_method(alias: str, **kwargs) -> Method:
    """A new, unfitted method by alias.

    Raises:
        KeyError: unknown alias (the message lists the known ones).
    """
    try:
        cls = REGISTRY[alias]
    except KeyError:
        raise KeyError(f"okänd metod {alias!r}; kända: {sorted(REGISTRY)}") from None
    return cls(**kwargs)


__all__ = ["REFERENCE_METHODS", "REGISTRY", "Method", "MethodFailed", "make_method"]
