"""Column widths of the Word tables from their content and the page's text width (pure).

Word lays a fixed-layout table by the widths it is given and breaks a cell's text where it
does not fit, so a bold 7-digit total in a narrow column wraps mid-figure ("−1 659 9/06").
Here every word of every cell is measured in DejaVu Sans Bold (wider than the fonts regions'
templates use: Arial, Calibri, Times, Garamond), with a safety margin, so a column is always
at least as wide as its longest word in any of those fonts; when the words of all columns do
not fit the text width the font size steps down (to :data:`MIN_PT`), and the width left over
goes to the columns whose lines are longer than their longest word, in proportion to how much
longer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fontTools.ttLib import TTFont

from forecast.report.fonts import font_dir

MEASURE_FACE = "DejaVuSans-Bold.ttf"
SAFETY = 1.06
"""Measured widths are taken 6 % wider (kerning, a wider template font, Word's rounding)."""
MIN_PT = 5.5
STEP_PT = 0.5


@cache
def _advances() -> tuple[dict[int, int], int, int]:
    font = TTFont(str(font_dir() / MEASURE_FACE), lazy=True)
    cmap = font.getBestCmap()
    hmtx = font["hmtx"].metrics
    per_char = {code: hmtx[name][0] for code, name in cmap.items()}
    return per_char, int(font["head"].unitsPerEm), int(hmtx[cmap[ord("M")]][0])


def em_width(text: str) -> float:
    """The width of ``text`` in em (DejaVu Sans Bold, times :data:`SAFETY`).

    A character the font lacks counts as wide as an M; a zero-width one (word joiner) as 0.
    """
    per_char, upem, wide = _advances()
    units = sum(0 if ch in "\u2060\u200b" else per_char.get(ord(ch), wide) for ch in text)
    return units / upem * SAFETY


def _words(cell: str) -> list[str]:
    # numbers hold no-break spaces (thousands) and a word joiner after the minus: one word
    return [w for w in cell.split(" ") if w] or [""]


@dataclass(frozen=True)
class Layout:
    """A table's text size (pt) and column widths (pt, summing to the text width)."""

    size_pt: float
    widths_pt: tuple[float, ...]


def fit_columns(rows: list[list[str]], width_pt: float, preferred_pt: float,
                pad_pt: float) -> Layout:
    """Text size and column widths for ``rows`` (header first) within ``width_pt``.

    Args:
        rows: every row's cell texts as printed (the same number of cells each).
        width_pt: the text width of the page or the template.
        preferred_pt: the table's text size when everything fits.
        pad_pt: left plus right cell margin of one cell.

    Every column gets at least its longest word at the chosen size; the size is the largest
    of ``preferred_pt``, ``preferred_pt − 0,5`` … :data:`MIN_PT` at which that fits.
    """
    n = len(rows[0])
    word_em = [max(em_width(w) for r in rows for w in _words(r[j])) for j in range(n)]
    line_em = [max(em_width(r[j]) for r in rows) for j in range(n)]
    size = preferred_pt
    while size > MIN_PT and size * sum(word_em) + n * pad_pt > width_pt:
        size -= STEP_PT
    size = max(size, MIN_PT)
    widths = [size * w + pad_pt for w in word_em]
    want = [size * (line_em[j] - word_em[j]) for j in range(n)]
    room = width_pt - sum(widths)
    while room > 1e-6 and any(w > 1e-6 for w in want):  # share in proportion to what is wanted
        total = sum(w for w in want if w > 1e-6)
        given = [min(w, room * w / total) if w > 1e-6 else 0.0 for w in want]
        widths = [a + b for a, b in zip(widths, given, strict=True)]
        want = [a - b for a, b in zip(want, given, strict=True)]
        room -= sum(given)
    if room > 0:  # everything fits on one line: spread what is left over the figures' columns
        share = room / max(1, n - 1) if n > 1 else room
        widths = [w + (share if j > 0 or n == 1 else 0.0) for j, w in enumerate(widths)]
    scale = width_pt / sum(widths) if sum(widths) > width_pt else 1.0
    return Layout(size, tuple(w * scale for w in widths))
