"""The dataset names laid forecasts are stored under (no dependencies: the CLI's help reads them).

:mod:`forecast.cycle.laid` re-exports both.
"""

from __future__ import annotations

from typing import Final

EXAMPLE_DATASET: Final = "Exempelregionen"
"""The dataset name laid forecasts of the embedded example are stored under."""
USER_DATASET: Final = "Egen huvudbok"
"""The default dataset name for a user's own ledger (the CLI's ``--dataset`` overrides it)."""
