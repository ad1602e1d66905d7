"""Spelling suggestions and lists of allowed values for Swedish messages.

A suggestion is given only when one allowed value is clearly the closest; when two or more are
about as close (``'Inhyrd personal'`` is as near ``'Inhyrd personal läkare'`` as ``'Inhyrd
personal övriga'``) none is given, because a wrong guess steers the user to book on the wrong
account. A list of allowed values is given in full when it is short.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Final

CUTOFF: Final = 0.75
"""Least similarity (difflib ratio on case-folded text) for a suggestion."""
MARGIN: Final = 0.08
"""How much closer the best match must be than the runner-up."""
FULL_LIST: Final = 40
"""Lists of at most this many values are given in full."""


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def suggest(value: str, spellings: Mapping[str, str] | Iterable[str]) -> str | None:
    """The one allowed value ``value`` is most likely a misspelling of, or None.

    Args:
        value: What the user wrote.
        spellings: Allowed spellings, case-folded → canonical name (or plain names).

    Returns:
        The canonical name when exactly one begins with ``value`` (four characters or more;
        several: None), or else when exactly one is clearly closest (similarity ≥ ``CUTOFF``
        and ahead of every other canonical name by ``MARGIN``); None otherwise.
    """
    table = (dict(spellings) if isinstance(spellings, Mapping)
             else {s.casefold(): s for s in spellings})
    key = " ".join(value.split()).casefold()
    if not key or len(key) > 200:
        return None
    prefixed = {name for spelled, name in table.items() if spelled.startswith(key)}
    if len(key) >= 4 and prefixed:  # a name cut short: meant only if it is the only one
        return prefixed.pop() if len(prefixed) == 1 else None
    best: dict[str, float] = {}
    for spelled, name in table.items():
        r = _ratio(key, spelled)
        if r >= CUTOFF - MARGIN:
            best[name] = max(best.get(name, 0.0), r)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    if not ranked or ranked[0][1] < CUTOFF:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < MARGIN:
        return None
    return ranked[0][0]


def listing(names: Iterable[str], limit: int = FULL_LIST) -> str:
    """``names`` joined by commas, all of them when at most ``limit`` (else cut, with the count)."""
    items = list(names)
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" … ({len(items)} st; visas inte alla)"
