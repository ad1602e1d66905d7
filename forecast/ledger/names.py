"""Dataset names and the rule for user-given names (no dependencies: the CLI's help reads them).

:mod:`forecast.cycle.laid` re-exports the dataset names.

Laid forecasts, adjustments and scenarios are stored under a dataset's *identity*: the
embedded example's is :data:`EXAMPLE_DATASET` (shared, it is public data); a user's own
ledger's is the id of its stored dataset (:mod:`forecast.datasets`, ``ds-`` and 32
random hex digits), never a display name two uploads could share.
"""

from __future__ import annotations

import re
from typing import Final

EXAMPLE_DATASET: Final = "Exempelregionen"
"""The dataset identity laid forecasts of the embedded example are stored under."""
USER_DATASET: Final = "Egen huvudbok"
"""The display name of a user's own ledger (never a storage key: see the module docstring)."""

CONTROL: Final = re.compile(
    r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
"""Control, invisible and bidirectional-override characters (refused in names)."""


def has_control(text: str) -> bool:
    """True if ``text`` holds a control, invisible or bidi-override character."""
    return CONTROL.search(text) is not None


def name_problem(text: str, what: str, *, max_len: int = 200) -> str | None:
    """A Swedish line on what is wrong with the name ``text`` (None if it is fine).

    Allowed: 1–``max_len`` characters, not only spaces, no control, invisible or
    bidi-override characters (CR, LF, NUL, U+202E, …).
    """
    if not text.strip():
        return f"{what} får inte vara tomt"
    if len(text) > max_len:
        return f"{what} är längre än {max_len} tecken"
    m = CONTROL.search(text)
    if m:
        return (f"{what} innehåller ett otillåtet tecken (U+{ord(m.group()):04X}, tecken "
                f"{m.start() + 1}); tillåtet: synliga tecken utan styr- och riktningstecken")
    return None
