"""Swedish names of the forecasting methods, for what users read (tables, help, notes).

Aliases stay the identifiers in code, files and exports' metadata; a page or report shows
:func:`method_name` instead of "combo" or "run_rate".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np

from forecast.io.formatting import fmt_pct

METHOD_NAMES: dict[str, str] = {
    "combo": "Kombination av tre metoder (Theta, CES och fjolårets månadsprofil)",
    "choice": "Bästa metod per serie enligt backtest",
    "run_rate": "Årstakt: snittet hittills i år för återstående månader",
    "seasonal_naive": "Fjolårets återstående månader oförändrade",
    "seasonal_naive_growth": "Fjolårets månader med rullande tolvmånaderstillväxt",
    "prior_year_profile": "Fjolårets månadsprofil",
    "three_year_profile": "Treårig månadsprofil",
    "remaining_budget": "Utfall hittills plus återstående budget",
    "budget_ratio": "Budgeten skalad med utfall mot budget hittills",
    "ets": "Exponentiell utjämning (ETS)",
    "ets_b2": "Exponentiell utjämning på tvåmånaderssummor",
    "theta": "Theta-metoden",
    "theta_b2": "Theta-metoden på tvåmånaderssummor",
    "ces_b2": "Komplex exponentiell utjämning på tvåmånaderssummor",
    "ces": "Komplex exponentiell utjämning (CES)",
    "arima": "ARIMA",
    "sarimax": "Regression mot budget (SARIMAX)",
    "ucm": "Strukturell tidsseriemodell (UCM)",
    "mean": "Snittet av utfallet hittills",
    "budget": "Återstående budget (inget utfall)",
}
"""Swedish description of each alias; an unknown alias is shown as it is."""

SHORT_NAMES: dict[str, str] = {
    "combo": "Kombination", "choice": "Bästa per serie", "run_rate": "Årstakt",
    "seasonal_naive": "Fjolårsmånader", "seasonal_naive_growth": "Fjolår med tillväxt",
    "prior_year_profile": "Fjolårsprofil", "three_year_profile": "Treårsprofil",
    "remaining_budget": "Återstående budget", "budget_ratio": "Budgetkvot",
    "ets": "ETS", "ets_b2": "ETS tvåmånader", "theta": "Theta", "ces": "CES",
    "theta_b2": "Theta tvåmånader", "ces_b2": "CES tvåmånader",
    "arima": "ARIMA", "sarimax": "SARIMAX", "ucm": "UCM", "mean": "Snitt hittills",
    "budget": "Budget",
}
"""Short Swedish names for table cells."""


def method_name(alias: str, *, short: bool = False) -> str:
    """The Swedish name of ``alias`` (the alias itself if unknown)."""
    table = SHORT_NAMES if short else METHOD_NAMES
    return table.get(alias, alias)


def methods_text(aliases: Iterable[str]) -> str:
    """Methods of a group of series in Swedish: "Kombination (12 serier), Årstakt (1 serie)".

    A single method is named without a count.
    """
    counts = Counter(aliases)
    if len(counts) == 1:
        return method_name(next(iter(counts)), short=True)
    return ", ".join(f"{method_name(a, short=True)} ({n} {'serie' if n == 1 else 'serier'})"
                     for a, n in counts.most_common())


def error_in_words(ape_pct: float | None) -> str:
    """A backtested median APE as a sentence a committee reads, or why it is missing."""
    if ape_pct is None or not np.isfinite(ape_pct):
        return "inte backtestad (för kort historik)"
    return (f"i tidigare år missade prognosen vid samma månad årsutfallet med "
            f"{fmt_pct(ape_pct, 1)} (median)")
