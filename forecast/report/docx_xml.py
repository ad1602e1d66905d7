"""The one place that reaches under python-docx's objects to their XML elements.

python-docx has no public API for fields, repeated header rows, cell shading or a picture's
alt text, and its documentation points to the underlying ``oxml`` elements for them. Those
sit behind underscore attributes (``Paragraph._p``, ``_Row._tr``, ``_Cell._tc``,
``InlineShape._inline``, ``Table._tbl``, a header's or footer's ``_element``, a plain
part's ``_blob``); this module names them once,
and ``tests/report/test_docx_xml.py`` fails when python-docx changes them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def _under(attribute: str, what: str) -> Callable[[Any], Any]:
    """The accessor of the XML element python-docx keeps in ``attribute``."""
    def element(obj: Any) -> Any:
        return getattr(obj, attribute)
    element.__doc__ = f"The {what}."
    return element


paragraph_element = _under("_p", "``w:p`` element of a paragraph")
row_element = _under("_tr", "``w:tr`` element of a table row")
cell_element = _under("_tc", "``w:tc`` element of a table cell")
inline_element = _under("_inline", "``wp:inline`` element of an inline picture")
part_element = _under("_element", "root element of a header or footer (``w:hdr``/``w:ftr``)")
table_element = _under("_tbl", "``w:tbl`` element of a table")


def set_part_blob(part: Any, blob: bytes) -> None:
    """Replace the bytes of a plain (non-XML) part such as ``word/fontTable.xml`` read raw."""
    part._blob = blob
