"""The committee report's economic section: one report model, rendered to Word and PDF.

:mod:`forecast.report.builder` turns a data set, its forecast and optional scenario and
forecast-change inputs into a :class:`~forecast.report.model.Report` (sections of tables,
chart data and sentences). :mod:`forecast.report.docx_writer` and
:mod:`forecast.report.pdf_writer` render that one model; :mod:`forecast.report.charts` draws
its charts.
"""

from typing import Final

DEFAULT_CEILING_PCT: Final = 2.2
"""The net cost growth ceiling (%) the report measures against unless told otherwise; here, not
in the builder, so the CLI's help names it without importing the report's dependencies."""
