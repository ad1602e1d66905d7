"""What callers of the store need without loading SQLAlchemy: its error type and its clock.

:mod:`forecast.store.core` (the database itself) re-exports both; a module that only raises or
catches :class:`StoreError`, or stamps a row with :func:`now`, imports them from here, so a
command that never opens the store does not pay for importing SQLAlchemy.
"""

from __future__ import annotations

from datetime import UTC, datetime


class StoreError(RuntimeError):
    """A database fault, as one Swedish line naming the (masked) URL."""


def now() -> str:
    """The current UTC time as ISO text with microseconds."""
    return datetime.now(UTC).isoformat(timespec="microseconds")
