"""The one place that reads openpyxl internals: a read-only sheet's rows as openpyxl parses them.

openpyxl's public ``iter_rows`` pads every row to the sheet's stated width, so a sheet whose
dimension claims column XFD (16 384) would cost that much per row before any bound applies.
Its own streaming parser (``openpyxl.worksheet._reader.WorkSheetParser``, fed by the
worksheet's ``_get_source``) yields each row's cells as written, so :func:`bounded_rows
<forecast.io.xlsx_sheets.bounded_rows>` can refuse a wide row before building it. The names
are private to openpyxl; ``tests/io/test_openpyxl_stream.py`` fails when they change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Cell = dict[str, Any]
"""One parsed cell: ``column`` (1-based), ``value`` and openpyxl's other keys."""


def can_stream(ws: Any) -> bool:
    """Whether ``ws`` is a read-only worksheet that can be streamed (not a chartsheet)."""
    return hasattr(ws, "_get_source")


@contextmanager
def sheet_rows(ws: Any) -> Iterator[Iterator[tuple[int, list[Cell]]]]:
    """(row number, its cells as written) for each row of the read-only worksheet ``ws``."""
    from openpyxl.worksheet._reader import WorkSheetParser

    wb = ws.parent
    with ws._get_source() as src:
        parser = WorkSheetParser(src, ws._shared_strings, data_only=wb.data_only,
                                 epoch=wb.epoch, date_formats=wb._date_formats,
                                 timedelta_formats=wb._timedelta_formats)
        yield parser.parse()
