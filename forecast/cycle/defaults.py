"""The one set of defaults of the forecast of record, for every consumer alike.

The app, ``prognos``, ``rapport``, ``scenario run`` and the report use these paths and seed, so
the same data and month give the same number everywhere (:mod:`forecast.cycle.record`). Kept
apart so a command can name them in its help without loading the store.
"""

from __future__ import annotations

DEFAULT_PATHS = 1000
"""Paths per series of the statistical forecast."""
DEFAULT_SEED = 0
"""Seed of the statistical forecast."""
