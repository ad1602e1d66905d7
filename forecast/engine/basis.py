"""What a forecast rests on, in words: warnings a page or report shows above the figures.

A forecast made on too short a history (e.g. at March of the first year of data) falls back to
simple rules and cannot be backtested; its figures must not look as good as a tested one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike

from forecast.engine.level import correction_text
from forecast.engine.result import RegionForecast
from forecast.engine.totals_width import widening_text
from forecast.io.formatting import fmt_number
from forecast.methods.names import error_in_words, method_name, methods_text

STANDARD_ALIAS = "combo"
"""The standard årsprognos's method (``forecast.engine.region.STANDARD_FORECAST``)."""


def basis_warnings(rf: RegionForecast, standard: str = STANDARD_ALIAS) -> list[str]:
    """Swedish warnings about the forecast's basis (empty when nothing to say).

    - series forecast by a fallback instead of ``standard`` (too short a history);
    - no series backtested, so the error is unknown;
    - no prior-year outcome, so the development against last year cannot be computed.
    """
    return warnings_of([str(m) for m in rf.method], rf.backtest_ape, rf.prior_year_outcome,
                       rf.as_of.year, standard)


def warnings_of(methods: Sequence[str], backtest_ape: ArrayLike, prior_year: ArrayLike | None,
                year: int, standard: str = STANDARD_ALIAS) -> list[str]:
    """:func:`basis_warnings` from the per-series method, backtested error and prior year.

    ``prior_year`` None skips the prior-year warning (e.g. a laid forecast, which does not
    store it).
    """
    out: list[str] = []
    n = len(methods)
    other = [m for m in methods if m != standard]
    if other:
        share = "alla" if len(other) == n else f"{fmt_number(len(other))} av"
        out.append(f"{share} {fmt_number(n)} serier har för kort historik för "
                   f"standardmetoden och prognostiseras med enklare regler "
                   f"({methods_text(other)}); för dem är prognosen nära årstakten eller "
                   "budgeten och inte prövad mot tidigare år.")
    ape = np.asarray(backtest_ape, dtype=float)
    if n and not np.isfinite(ape).any():
        out.append("Ingen serie har kunnat backtestas, så prognosens fel är okänt.")
    if prior_year is not None and n and not np.any(np.asarray(prior_year, dtype=float) != 0):
        out.append(f"Utfall för {year - 1} saknas: utvecklingen mot fjolåret kan "
                   "inte beräknas.")
    return [s[0].upper() + s[1:] for s in out]


def selection_rows(rf: RegionForecast, selection: Mapping[str, str]) -> np.ndarray:
    """Boolean mask of the series matching ``selection`` (key column → value; {} = all)."""
    rows = np.ones(rf.n_series, dtype=bool)
    for k, v in selection.items():
        rows &= (rf.keys[k] == v).to_numpy()
    return rows


def method_sentence(rf: RegionForecast, selection: Mapping[str, str]) -> str:
    """How the selected series were forecast and how well that did before, in Swedish.

    E.g. "Metod: Kombination av tre metoder (Theta, CES och fjolårets månadsprofil).
    Backtest: i tidigare år missade prognosen vid samma månad årsutfallet med 2,1 % (median)."
    """
    rows = selection_rows(rf, selection)
    idx = np.flatnonzero(rows)
    if len(idx) == 0:
        return "Inga serier i urvalet."
    methods = [str(rf.method[i]) for i in idx]
    kinds = set(methods)
    what = method_name(methods[0]) if len(kinds) == 1 else methods_text(methods)
    ape = np.asarray(rf.backtest_ape, dtype=float)[idx]
    err = float(np.nanmedian(ape)) if np.isfinite(ape).any() else None
    n = f" ({fmt_number(len(idx))} serier)" if len(idx) > 1 else ""
    level = correction_text(rf)
    width = (" Intervallet P10–P90 är så brett som seriens egna fel tidigare år vid samma "
             "månad visar, något närmare den typiska bredden bland alla serier."
             if "combo" in kinds else "")
    also = (f" Regionens nivå är korrigerad efter tidigare års fel vid samma månad: {level}."
            if level else "")
    wide = widening_text(rf)
    also += (" Intervallen för nettototaler är vidgade till vad totalens egna fel tidigare år "
             f"vid samma månad visar: {wide}." if wide else "")
    return f"Metod{n}: {what}. Backtest: {error_in_words(err)}.{width}{also}"
