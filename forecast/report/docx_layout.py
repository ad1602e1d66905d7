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
from itertools import combinations

from fontTools.ttLib import TTFont

from forecast.report.fonts import font_dir

MEASURE_FACE = "DejaVuSans-Bold.ttf"
SAFETY = 1.06
"""Measured widths are taken 6 % wider (kerning, a wider template font, Word's rounding)."""
MIN_PT = 7.0
"""The smallest table text that is printed: a table that needs less is split (:func:`parts`)."""
FLOOR_PT = 5.5
"""Below :data:`MIN_PT` only when even a split table cannot fit (a one-column table part)."""
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
    # numbers hold no-break spaces (thousands) and a word joiner after the minus: one word;
    # a zero-width space is a break opportunity (long hashes, :func:`breakable`)
    return [w for w in cell.replace(ZWSP, " ").split(" ") if w] or [""]


ZWSP = "\u200b"
LONG_WORD = 24


def breakable(text: str, every: int = 16) -> str:
    """``text`` with a zero-width space every ``every`` characters in its long words.

    A word longer than :data:`LONG_WORD` (an input hash) may then wrap instead of shrinking
    its table's text.
    """
    return " ".join(ZWSP.join(w[i:i + every] for i in range(0, len(w), every))
                    if len(w) > LONG_WORD else w for w in text.split(" "))


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
    word_em = _word_em(rows)
    size = preferred_pt
    while size > FLOOR_PT and size * sum(word_em) + n * pad_pt > width_pt:
        size -= STEP_PT
    size = max(size, FLOOR_PT)
    widths = [size * w + pad_pt for w in word_em]
    room = width_pt - sum(widths)
    # the body's lines first (a wrapped row label makes every row taller), then the header
    # in at most two lines ("Utfall / apr 2023", "Ack utfall / fg år"), then in one
    lines = [[max(em_width(r[j]) for r in rows[1:] or rows) for j in range(n)],
             [two_line_em(rows[0][j]) for j in range(n)],
             [max(em_width(r[j]) for r in rows) for j in range(n)]]
    for line in lines:
        want = [max(0.0, size * line[j] - (widths[j] - pad_pt)) for j in range(n)]
        widths, room = _share(widths, want, room)
    if room > 0:  # everything fits on one line: spread what is left over the figures' columns
        share = room / max(1, n - 1) if n > 1 else room
        widths = [w + (share if j > 0 or n == 1 else 0.0) for j, w in enumerate(widths)]
    scale = width_pt / sum(widths) if sum(widths) > width_pt else 1.0
    return Layout(size, tuple(w * scale for w in widths))


def two_line_em(cell: str) -> float:
    """The width (em) ``cell`` needs to wrap into at most two lines at its spaces.

    A greedy line breaker (Word, Typst) given this width puts the words into two lines: the
    first takes at least the words of the best split, the rest fit the second.
    """
    words = _words(cell)
    if len(words) < 2:
        return em_width(cell)
    return min(max(em_width(" ".join(words[:k])), em_width(" ".join(words[k:])))
               for k in range(1, len(words)))


def _word_em(rows: list[list[str]]) -> list[float]:
    return [max(em_width(w) for r in rows for w in _words(r[j])) for j in range(len(rows[0]))]


def _share(widths: list[float], want: list[float], room: float) -> tuple[list[float], float]:
    """Give ``room`` to the columns in proportion to what each still wants."""
    while room > 1e-6 and any(w > 1e-6 for w in want):
        total = sum(w for w in want if w > 1e-6)
        given = [min(w, room * w / total) if w > 1e-6 else 0.0 for w in want]
        widths = [a + b for a, b in zip(widths, given, strict=True)]
        want = [a - b for a, b in zip(want, given, strict=True)]
        room -= sum(given)
    return widths, room


def _largest_size(word_em: list[float], columns: list[int], width_pt: float,
                  pad_pt: float) -> float:
    return (width_pt - len(columns) * pad_pt) / sum(word_em[j] for j in columns)


def parts(rows: list[list[str]], width_pt: float, preferred_pt: float, pad_pt: float,
          breaks: tuple[int, ...] = ()) -> list[tuple[list[int], Layout]]:
    """A table as one or more printed parts, each at least :data:`MIN_PT` where possible.

    A table whose words do not fit ``width_pt`` at :data:`MIN_PT` is split by columns into
    two (or three) tables, each repeating the label column (column 0), so no figure is
    printed smaller than 7 pt.

    Args:
        rows: every row's cell texts as printed, header first.
        width_pt: the text width.
        preferred_pt: the text size when everything fits.
        pad_pt: left plus right cell margin of one cell.
        breaks: column indexes a part may start at (the table's natural groups); empty:
            any column.

    Returns:
        Per part: the column indexes (0 first) and its :class:`Layout`.
    """
    n = len(rows[0])
    word_em = _word_em(rows)
    groups = [list(range(n))]
    if n > 2 and _largest_size(word_em, groups[0], width_pt, pad_pt) < MIN_PT:
        groups = _split(word_em, width_pt, pad_pt, breaks or tuple(range(2, n)))
    return [(cols, fit_columns([[r[j] for j in cols] for r in rows], width_pt, preferred_pt,
                               pad_pt)) for cols in groups]


def _split(word_em: list[float], width_pt: float, pad_pt: float,
           breaks: tuple[int, ...]) -> list[list[int]]:
    """The column groups, each with the label column first.

    Two parts if two reach :data:`MIN_PT`, else three; among those that do, the most even;
    if none does, the one with the largest size.
    """
    n = len(word_em)
    cuts = sorted(b for b in set(breaks) if 1 < b < n)
    best: list[list[int]] = [list(range(n))]
    for k in (1, 2):
        options = []
        for chosen in combinations(cuts, k):
            edges = [1, *chosen, n]
            groups = [[0, *range(a, b)] for a, b in zip(edges, edges[1:], strict=False)]
            size = min(_largest_size(word_em, g, width_pt, pad_pt) for g in groups)
            options.append(((size >= MIN_PT, -max(len(g) for g in groups), size), groups))
        if options:
            key, best = max(options, key=lambda o: o[0])
            if key[0]:
                break
    return best
