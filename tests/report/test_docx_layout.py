"""The tables' layout (forecast/report/docx_layout.py): sizes, widths, parts, long words."""

from __future__ import annotations

import pytest

from forecast.report.docx_layout import (
    MIN_PT,
    ZWSP,
    _words,
    breakable,
    em_width,
    fit_columns,
    parts,
    two_line_em,
)
from forecast.report.model import typeset

WIDE = "\u22121\u00a0659\u00a0906"  # a bold 7-digit total, as printed


def _rows(n_figures: int, label: str = "Summa verksamhetens nettokostnader") -> list[list[str]]:
    header = ["Kostnadsslag, tkr", *(f"Kolumn {j}" for j in range(n_figures))]
    return [header, [label, *([WIDE] * n_figures)], ["Patientavgifter", *(["38 106"] * n_figures)]]


def test_a_table_that_fits_is_one_part_at_its_preferred_size() -> None:
    rows = _rows(4)
    (cols, layout), = parts(rows, 470.0, 7.5, 6.0)
    assert cols == list(range(5))
    assert layout.size_pt == 7.5
    assert sum(layout.widths_pt) == pytest.approx(470.0)


def test_a_too_wide_table_is_split_with_the_label_column_in_every_part() -> None:
    rows = _rows(10)
    assert fit_columns(rows, 425.0, 7.0, 10.8).size_pt < MIN_PT  # one table would be tiny
    out = parts(rows, 425.0, 7.0, 10.8)
    assert len(out) >= 2
    assert all(cols[0] == 0 for cols, _ in out)
    assert sorted(j for cols, _ in out for j in cols[1:]) == list(range(1, 11))  # each once
    assert all(layout.size_pt >= MIN_PT for _, layout in out)
    for cols, layout in out:  # every word fits its column at the chosen size
        for j, w in zip(cols, layout.widths_pt, strict=True):
            longest = max(em_width(word) for r in rows for word in _words(r[j]))
            assert w >= layout.size_pt * longest + 10.8 - 1e-6


def test_a_split_follows_the_tables_own_groups() -> None:
    rows = _rows(8)
    out = parts(rows, 425.0, 7.0, 10.8, breaks=(6,))
    assert [cols for cols, _ in out] == [[0, 1, 2, 3, 4, 5], [0, 6, 7, 8]]


def test_the_body_is_given_room_before_the_header() -> None:
    rows = [["Division, mkr", "Ack utfall fg år", "Budget 2023"],
            ["Bruttokostnader – Nära vård", "−1 543", "−1 872"]]
    layout = fit_columns(rows, 240.0, 7.5, 6.0)
    # the row label stays on one line (a header may wrap)
    assert layout.widths_pt[0] >= 7.5 * em_width(rows[1][0]) + 6.0 - 1e-6


def _greedy_lines(text: str, width_em: float) -> int:
    """Lines a greedy breaker (Word, Typst) makes of ``text`` in ``width_em``."""
    lines, line = 1, ""
    for word in _words(text):
        trial = f"{line} {word}" if line else word
        if line and em_width(trial) > width_em:
            lines, line = lines + 1, word
        else:
            line = trial
    return lines


def test_headers_get_two_lines_before_any_column_gets_one() -> None:
    header = ["Intäkter och kostnader, mkr", "Utfall apr 2023", "Budget apr 2023",
              "Diff apr 2023", "Ack utfall", "Ack budget", "Diff", "Ack utfall fg år",
              "Diff fg år", "Budget 2023", "Prognos 2023"]
    rows = [header, ["Nettokostnader", "−284", "−245", "−39", "−1 111", "−969", "−143", "−974",
                     "−138", "−2 895", "−3 452"]]
    layout = fit_columns(rows, 16.6 / 2.54 * 72, 7.0, 6.0)
    for text, width in zip(header, layout.widths_pt, strict=True):
        assert _greedy_lines(text, (width - 6.0) / layout.size_pt) <= 2, text
    assert two_line_em("Ack utfall fg år") == pytest.approx(em_width("Ack utfall"))
    assert two_line_em("Diff") == pytest.approx(em_width("Diff"))


def test_a_long_hash_may_wrap_and_a_number_never() -> None:
    digest = "0f036652fbd3be14c0bc6e5915aca281b5ee1b784f65b9bfd7d069e81c80d7f1"
    text = breakable(f"sha256 {digest}")
    assert text.replace(ZWSP, "") == f"sha256 {digest}"
    assert max(len(w) for w in _words(text)) <= 16
    number = typeset("-1 659 906".replace(" ", "\u00a0"), joiner=True)
    assert breakable(number) == number and _words(number) == [number]
