"""The one place that reaches under python-docx's objects to their XML elements.

python-docx has no public API for fields, repeated header rows, cell shading or a picture's
alt text, and its documentation points to the underlying ``oxml`` elements for them. Those
sit behind underscore attributes (``Paragraph._p``, ``_Row._tr``, ``_Cell._tc``,
``InlineShape._inline``, ``Table._tbl``, a header's or footer's ``_element``, a plain
part's ``_blob``); this module names them once,
and ``tests/report/test_docx_xml.py`` fails when python-docx changes them.
"""

from __future__ import annotations

from typing import Any


def paragraph_element(paragraph: Any) -> Any:
    """The ``w:p`` element of a paragraph."""
    return paragraph._p


def row_element(row: Any) -> Any:
    """The ``w:tr`` element of a table row."""
    return row._tr


def cell_element(cell: Any) -> Any:
    """The ``w:tc`` element of a table cell."""
    return cell._tc


def inline_element(shape: Any) -> Any:
    """The ``wp:inline`` element of an inline picture."""
    return shape._inline


def part_element(part: Any) -> Any:
    """The root element of a header or footer (``w:hdr``/``w:ftr``)."""
    return part._element


def table_element(table: Any) -> Any:
    """The ``w:tbl`` element of a table."""
    return table._tbl


def set_part_blob(part: Any, blob: bytes) -> None:
    """Replace the bytes of a plain (non-XML) part such as ``word/fontTable.xml`` read raw."""
    part._blob = blob
