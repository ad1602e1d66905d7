"""The registry of forecasting methods: alias → class, and :func:`make_method`.

Imported only where a method is made (the forecast engine, the CLI's method checks): the
statistical methods load statsforecast, statsmodels and scipy, which a page that reads a
stored forecast never needs.
"""

from __future__ import annotations

from forecast.methods.base import Method
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

