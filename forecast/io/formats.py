"""The output formats the export writes, by name only (no dependencies).

The CLI's argument parsers list them in ``--help`` without importing pandas or xlsxwriter;
:mod:`forecast.io.export` re-exports them and does the writing.
"""

from __future__ import annotations

from typing import Final

ALLOWED_SUFFIXES: Final = (".xlsx", ".csv", ".zip")
"""The ``--out`` suffixes of a table export."""
XLSX_MIME: Final = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""Media type of an Excel workbook (a download's ``mime``)."""
DOCX_MIME: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
"""Media type of a Word document."""
PDF_MIME: Final = "application/pdf"
"""Media type of a PDF document."""
CSV_FORMS: Final[tuple[str, ...]] = ("tabell", "lang")
"""CSV forms: ``tabell`` (each table as in the workbook) or ``lang`` (one row per cell)."""
