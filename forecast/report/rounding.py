"""Rounding for print: one printed figure per quantity.

The rule (issue 25): **every total and every difference is its exact value rounded once**
(half away from zero; an amount in mkr is its printed tkr figure rounded to mkr, so a figure
printed in both units never disagrees); the parts of a total are apportioned by the
largest-remainder method so that they add up to it, each within one unit of its exact value.
Identities between separately rounded quantities (utfall − budget = diff, intäkter +
bruttokostnader = nettokostnad) may then be off by one in the last digit, as in any rounded
public report; the tables' notes say so. The app's Översikt prints the same figures through
:func:`printed_mkr`.

A plan lists, top-down, which rows are totals of which; every column is rounded on its own.
A :class:`Split` total is rounded as usual and its rows are apportioned to it. A :class:`Sum`
row is the sum of its printed parts (kept for tables whose rows must add up exactly).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.io.formatting import MISSING, NBSP, fmt_number


def round_half_away(x: float, decimals: int = 0) -> float:
    """``x`` rounded half away from zero (as a person rounds 0,5 up), not banker's rounding."""
    f = 10.0 ** decimals
    return float(np.sign(x) * np.floor(abs(x) * f + 0.5) / f)


def tkr_printed(tkr: float) -> float:
    """An amount in tkr as printed in a tkr table (whole tkr)."""
    return round_half_away(float(tkr))


def printed_mkr(tkr: float, decimals: int = 0) -> float:
    """An amount given in tkr as printed in mkr: the printed tkr figure rounded once to mkr.

    The one rounding of a headline figure, shared by the report and the app's Översikt.
    """
    return round_half_away(tkr_printed(tkr) / 1000.0, decimals)


def fmt_printed_mkr(tkr: float | None, decimals: int = 0) -> str:
    """:func:`printed_mkr` as Swedish text, e.g. ``-1 111 mkr`` (``–`` when missing).

    The app's Översikt prints its year-end figures with this, so they are the report's cells.
    """
    if tkr is None or not np.isfinite(float(tkr)):
        return MISSING
    return f"{fmt_number(printed_mkr(float(tkr), decimals), decimals)}{NBSP}mkr"


def apportion(values: Sequence[float], target: float, decimals: int = 0) -> np.ndarray:
    """``values`` rounded to ``decimals`` so that they sum to ``target`` exactly.

    Largest-remainder method: every value is rounded down, then the units still missing go to
    the values with the largest remainders (or are taken from the smallest when the target
    is lower). ``target`` should be the rounded exact sum; each result then lies within one
    unit of its value.

    Args:
        values: the exact values.
        target: the printed total (a multiple of ``10 ** -decimals``).
        decimals: digits after the decimal comma.

    Returns:
        The printed values; their sum equals ``target`` (up to float representation).
    """
    v = np.asarray(values, dtype=float) * 10.0 ** decimals
    if v.size == 0:
        return v
    t = int(round(target * 10.0 ** decimals))
    low = np.floor(v)
    missing = t - int(low.sum())
    rem = v - low
    order = np.argsort(-rem, kind="stable")
    out = low.copy()
    if missing >= 0:
        extra = order[:missing] if missing <= len(v) else np.resize(order, missing)
        np.add.at(out, extra, 1.0)
    else:
        take = order[::-1][:-missing] if -missing <= len(v) else np.resize(order[::-1], -missing)
        np.add.at(out, take, -1.0)
    return out / 10.0 ** decimals


@dataclass(frozen=True)
class Split:
    """``total`` is printed first (rounded, unless already set); ``parts`` add up to it."""

    total: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Sum:
    """``row`` is printed as the sum of the printed ``parts``.

    Parts not yet set are rounded alone first.
    """

    row: str
    parts: tuple[str, ...]


Step = Split | Sum


def round_column(exact: pd.Series, plan: Sequence[Step], decimals: int = 0) -> pd.Series:
    """One column rounded for print by ``plan``; rows not in the plan are rounded alone."""
    out: dict[str, float] = {}
    for step in plan:
        if isinstance(step, Split):
            if step.total not in out:
                out[step.total] = round_half_away(float(exact[step.total]), decimals)
            parts = [p for p in step.parts if p in exact.index]
            vals = apportion([float(exact[p]) for p in parts], out[step.total], decimals)
            out.update(zip(parts, (float(x) for x in vals), strict=True))
        else:
            for part in step.parts:
                if part in exact.index and part not in out:
                    out[part] = round_half_away(float(exact[part]), decimals)
            out[step.row] = round(sum(out[p] for p in step.parts if p in out), decimals)
    for row, v in exact.items():
        if row not in out:
            out[str(row)] = round_half_away(float(v), decimals) if pd.notna(v) else np.nan
    return pd.Series([out[str(r)] for r in exact.index], index=exact.index, dtype=float)


def round_frame(exact: pd.DataFrame, plan: Sequence[Step], columns: Sequence[str],
                decimals: int = 0) -> pd.DataFrame:
    """``exact`` with ``columns`` rounded by ``plan`` (other columns unchanged)."""
    out = exact.copy()
    for c in columns:
        if exact[c].isna().all():
            continue
        out[c] = round_column(exact[c].fillna(0.0), plan, decimals).where(exact[c].notna())
    return out
