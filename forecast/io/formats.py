"""The output formats the export writes, by name only (no dependencies).

The CLI's argument parsers list them in ``--help`` without importing pandas or xlsxwriter;
:mod:`forecast.io.export` re-exports them and does the writing.
"""

from __future__ import annotations

from typing import Final

ALLOWED_SUFFIXES: Final = (".xlsx", ".csv", ".zip")
"""The ``--out`` suffixes of a table export."""
CSV_FORMS: Final[tuple[str, ...]] = ("tabell", "lang")
"""CSV forms: ``tabell`` (each table as in the workbook) or ``lang`` (one row per cell)."""
