"""The report's one look, shared by the Word and the PDF writer (and the charts' colours).

Font, sizes, colours, spacing, margins and the table style are defined once here: the Typst
template reads them from the payload (:func:`typst_style`), the Word writer applies them to
its styles. A region's Word template keeps its own styles instead.
"""

from __future__ import annotations

from typing import Any

from forecast.report.fonts import FONT_FAMILY

FONT = FONT_FAMILY
BODY_PT = 9.5
TITLE_PT = 18.0
SUBTITLE_PT = 11.0
REGION_PT = 10.0
HEADING_PT = {1: 14.0, 2: 11.5}
HEADING_ABOVE_PT = {1: 18.0, 2: 12.0}
HEADING_BELOW_PT = {1: 8.0, 2: 6.0}
PARAGRAPH_AFTER_PT = 7.0
TABLE_PT = 7.5
"""Table text; wide tables step down (:func:`table_pt`)."""
NOTE_PT = 7.0
CAPTION_PT = 7.5
FOOTER_PT = 7.5

INK = "000000"
HEADING_COLOUR = "1F4E79"
"""Dark blue, the charts' outcome colour."""
MUTED = "555555"
"""Region line, footer."""
GRID = "999999"
GRID_PT = 0.5
TABLE_HEADER_FILL = "E8EEF5"
BOX_FILL = "EEF3F8"
BOX_BORDER = "9FB6CF"
BOX_PAD_PT = 9.0
CELL_PAD_X_PT = 3.0
CELL_PAD_Y_PT = 2.0

MARGIN_X_CM = 2.2
MARGIN_TOP_CM = 2.0
MARGIN_BOTTOM_CM = 2.2
PAGE_CM = (21.0, 29.7)
TEXT_WIDTH_CM = PAGE_CM[0] - 2 * MARGIN_X_CM


def table_pt(n_columns: int) -> float:
    """The table text size by the number of columns (the label column included)."""
    return 7.0 if n_columns > 7 else TABLE_PT


def typst_style() -> dict[str, Any]:
    """The look as the Typst template reads it (sizes in pt, colours as ``#rrggbb``)."""
    return {
        "font": FONT, "body": BODY_PT, "title": TITLE_PT, "subtitle": SUBTITLE_PT,
        "region": REGION_PT, "h1": HEADING_PT[1], "h2": HEADING_PT[2],
        "h1_above": HEADING_ABOVE_PT[1], "h2_above": HEADING_ABOVE_PT[2],
        "h1_below": HEADING_BELOW_PT[1], "h2_below": HEADING_BELOW_PT[2],
        "par_after": PARAGRAPH_AFTER_PT, "note": NOTE_PT, "caption": CAPTION_PT,
        "footer": FOOTER_PT, "ink": f"#{INK}", "heading_colour": f"#{HEADING_COLOUR}",
        "muted": f"#{MUTED}", "grid": f"#{GRID}", "grid_pt": GRID_PT,
        "header_fill": f"#{TABLE_HEADER_FILL}", "box_fill": f"#{BOX_FILL}",
        "box_border": f"#{BOX_BORDER}", "box_pad": BOX_PAD_PT, "pad_x": CELL_PAD_X_PT,
        "pad_y": CELL_PAD_Y_PT,
        "margin_x": MARGIN_X_CM, "margin_top": MARGIN_TOP_CM,
        "margin_bottom": MARGIN_BOTTOM_CM, "text_width": TEXT_WIDTH_CM,
    }
