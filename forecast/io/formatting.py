"""Swedish number and month display for the UI and CLI text (pure functions).

Conventions (chosen once, used everywhere):

- thousands separator: U+00A0 NO-BREAK SPACE (``NBSP``), so "1 234" never wraps across lines;
- decimal comma: ``1 234,5``;
- negatives with the ordinary hyphen-minus ``-`` (not U+2212), so text pasted into Excel or a
  Swedish spreadsheet is still read as a number;
- the unit is separated by an NBSP as well: ``-2 895 mkr``, ``14,1 %``;
- a missing value (``None`` or NaN) is shown as an en dash ``–``;
- a value that rounds to zero is shown without sign (never ``-0``).

Amounts in the engine are tkr; :func:`fmt_mkr` divides by 1 000.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import SupportsFloat

import pandas as pd

NBSP = "\u00a0"
MISSING = "–"

MONTHS_SHORT = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTHS_LONG = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
               "september", "oktober", "november", "december")


def _is_missing(x: object) -> bool:
    """None, NaN, NaT or pandas' NA (callers test ``is None`` themselves so mypy narrows)."""
    if x is None:
        return True
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def fmt_number(x: SupportsFloat | None, decimals: int = 0) -> str:
    """A number in Swedish display form, e.g. ``-1 234,5``.

    Args:
        x: the value; ``None`` or NaN gives ``–``.
        decimals: digits after the decimal comma (≥ 0).

    Returns:
        Text with NBSP thousands separators, decimal comma and hyphen-minus for negatives.
    """
    if x is None or _is_missing(x):
        return MISSING
    if decimals < 0:
        raise ValueError("decimals must be ≥ 0")
    value = float(x)
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    text = f"{abs(value):,.{decimals}f}"
    negative = value < 0 and any(ch not in "0.," for ch in text)
    text = text.replace(",", NBSP).replace(".", ",")
    return f"-{text}" if negative else text


def fmt_tkr(tkr: SupportsFloat | None, decimals: int = 0) -> str:
    """An amount in tkr with its unit, e.g. ``-1 111 463 tkr``."""
    text = fmt_number(tkr, decimals)
    return text if text == MISSING else f"{text}{NBSP}tkr"


def fmt_mkr(tkr: SupportsFloat | None, decimals: int = 0) -> str:
    """An amount given in tkr, shown in mkr, e.g. ``fmt_mkr(-2_895_000)`` → ``-2 895 mkr``."""
    if tkr is None or _is_missing(tkr):
        return MISSING
    return f"{fmt_number(float(tkr) / 1000.0, decimals)}{NBSP}mkr"


def fmt_pct(x: SupportsFloat | None, decimals: int = 1) -> str:
    """A percent value (14.1 means 14,1 %) as ``14,1 %``."""
    text = fmt_number(x, decimals)
    return text if text == MISSING else f"{text}{NBSP}%"


def month_label(p: pd.Period, *, long: bool = False) -> str:
    """A month as in the reports' headings: ``apr 2023`` (or ``april 2023`` with ``long``)."""
    names = MONTHS_LONG if long else MONTHS_SHORT
    return f"{names[p.month - 1]} {p.year}"


def ytd_label(p: pd.Period) -> str:
    """The year-to-date span ending at ``p``: ``jan–apr 2023`` (``jan 2023`` in January)."""
    if p.month == 1:
        return f"jan {p.year}"
    return f"jan–{MONTHS_SHORT[p.month - 1]} {p.year}"


LOCAL_TIMEZONE = "Europe/Stockholm"


def _local(value: str | datetime | pd.Timestamp | None, tz: str) -> pd.Timestamp | None:
    if value is None or (isinstance(value, str) and not value.strip()) or _is_missing(value):
        return None
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert(tz)


def fmt_timestamp(value: str | datetime | pd.Timestamp | None,
                  tz: str = LOCAL_TIMEZONE) -> str:
    """A stored time (ISO 8601, UTC) as Swedish local time to the minute: ``2026-12-01 21:40``.

    The one way the program shows a time to a person (app, exports, reports, command line);
    stored times stay UTC. A time without zone is taken as UTC; ``None``/empty gives ``–``.
    """
    ts = _local(value, tz)
    return MISSING if ts is None else ts.strftime("%Y-%m-%d %H:%M")


def fmt_date(value: str | datetime | pd.Timestamp | None, tz: str = LOCAL_TIMEZONE) -> str:
    """The local date of a stored time, as :func:`fmt_timestamp` reads it: ``2026-12-01``."""
    ts = _local(value, tz)
    return MISSING if ts is None else ts.strftime("%Y-%m-%d")


def span_label(months: list[pd.Period] | tuple[pd.Period, ...]) -> str:
    """``maj–december 2022``, ``december 2022–mars 2023`` or ``april 2023`` (contiguous)."""
    first, last = months[0], months[-1]
    if first == last:
        return month_label(first, long=True)
    if first.year == last.year:
        return f"{month_label(first, long=True).split()[0]}–{month_label(last, long=True)}"
    return f"{month_label(first, long=True)}–{month_label(last, long=True)}"


def runs_of(months: list[pd.Period]) -> list[list[pd.Period]]:
    """Contiguous runs of sorted months."""
    runs: list[list[pd.Period]] = []
    for m in months:
        if runs and (m - runs[-1][-1]).n == 1:
            runs[-1].append(m)
        else:
            runs.append([m])
    return runs
