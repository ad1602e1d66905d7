"""The one month type of the program and the as-of month parser.

A month is a monthly :class:`pandas.Period` (:data:`Month`) everywhere in the core; as a plain
integer it is that period's ordinal (months since 1970-01, :func:`month_code`), the code the
importer and the scenario engine use in arrays.

Text becomes a month only at the edges (UI, CLI, file readers, store); inside the core a function
given a month assumes a Period. :func:`month_text` and :func:`month_from_text` are the two
directions of a store key, JSON field or validated model field; :func:`month_of` builds a month
from numbers. Two parsers, one per purpose:

- :func:`parse_as_of`: the as-of month a user chooses (a flag, a scenario file, the app):
  strictly ``ÅÅÅÅ-MM``.
- :func:`forecast.io.parsing.parse_month_cell`: a period cell of an imported ledger file,
  which may be a date, ``apr 2023``, ``202304`` … (lenient, returns a month code).
"""

from __future__ import annotations

import re
from typing import TypeAlias

import pandas as pd

Month: TypeAlias = pd.Period
"""A monthly period (``freq="M"``)."""

_AS_OF = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def parse_as_of(value: pd.Period | str) -> Month:
    """An as-of month given as a Period or ``ÅÅÅÅ-MM`` text, as a monthly Period.

    Raises:
        ValueError: (Swedish message) for anything else, e.g. ``april`` or ``2023-4-1``.
    """
    if isinstance(value, pd.Period):
        return value.asfreq("M")
    text = str(value).strip()
    if not _AS_OF.fullmatch(text):
        raise ValueError(f"Ogiltig månad {value!r}; ange den som ÅÅÅÅ-MM, t.ex. 2023-04.")
    return pd.Period(text, freq="M")


def month_of(year: int, month: int) -> Month:
    """The monthly Period of ``year`` and ``month`` (1–12)."""
    return pd.Period(year=year, month=month, freq="M")


def month_text(month: Month) -> str:
    """``ÅÅÅÅ-MM`` of a month: the one text form a store key, a JSON field or a file name holds."""
    return f"{month.year:04d}-{month.month:02d}"


def month_from_text(text: str) -> Month:
    """A month held as ``ÅÅÅÅ-MM`` text (a store row, a JSON field, a validated model field)."""
    return parse_as_of(text)


def month_code(year: int, month: int) -> int:
    """The integer code of a month: the monthly Period's ordinal (months since 1970-01)."""
    return (year - 1970) * 12 + month - 1


def code_label(code: int) -> str:
    """``ÅÅÅÅ-MM`` of a month code."""
    year, month0 = divmod(int(code), 12)
    return f"{1970 + year:04d}-{month0 + 1:02d}"

