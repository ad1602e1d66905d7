"""CSV records as columns (forecast.io.csv_columns) against Python's csv reader, the reference.

The column reader replaces a Python list per record; it must give the very records the strict
``csv`` reader gives (or hand the text back to it), and the table made from the columns must
be the table made from the lists, problems included.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.io import parsing as P
from forecast.io.csv_columns import CsvRecords, plain_counts, quoted_counts, read_columns


def _reference(text: str, sep: str = ";") -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"',
                           strict=True))


def _columns(text: str, sep: str = ";") -> CsvRecords | None:
    counts = plain_counts(text, sep)
    if counts is None:
        counts, _ = quoted_counts(text, sep, 50, 10**6)
    return read_columns(text, sep, counts)


PIECES = st.sampled_from(["a", "K101", ";", "\r\n", "\n", "\r", " ", "å", "−1 234,5", "",
                          '"', '""', '"x;y"', "\t"])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(PIECES, min_size=1, max_size=30).map("".join))
def test_same_records_as_the_csv_reader(text: str) -> None:
    try:
        ref = _reference(text)
    except csv.Error:
        return  # refused by the strict reader, which csv_records then uses for the message
    recs = _columns(text)
    if recs is None:
        return  # handed back to the csv reader
    assert len(recs) == len(ref)
    assert [recs[i] for i in range(len(recs))] == ref
    assert list(recs[1:3]) == ref[1:3]


def test_plain_counts_follow_the_line_ends() -> None:
    assert list(plain_counts("a;b\r\n\r\nc\rd;e;f\n", ";")) == [2, 0, 1, 3]
    assert plain_counts('a;"b"', ";") is None


TEXTS = [
    "Period;Enhet;Konto;Belopp\n2023-01;K1;Läkemedel;-1,5\n\n2023-02;K1;Läkemedel;-2\n\n",
    "Period;Enhet;Konto;Belopp;\n2023-01;K1;X;1;;\n2023-01;K2;X;1;9;extra\n2023-03;K3\n",
    'a,b\n"1,5",2\n3,4,5\n',
]


@pytest.mark.parametrize("text", TEXTS)
def test_the_table_is_the_one_made_from_lists(text: str) -> None:
    sep = P.sniff_separator(text)
    lists = P._table_from_records(_reference(text, sep), "f.csv", sep)
    recs = _columns(text, sep)
    assert recs is not None
    cols = P._table_from_records(recs, "f.csv", sep)
    assert cols.header == lists.header
    pd.testing.assert_frame_equal(cols.cells, lists.cells)
    np.testing.assert_array_equal(cols.rows, lists.rows)
    assert sorted(map(str, cols.problems)) == sorted(map(str, lists.problems))
    assert cols.preview == lists.preview


def test_a_broken_quote_is_still_refused_with_its_row() -> None:
    data = b'Period;Enhet\n2023-01;"K1"x\n'
    with pytest.raises(P.ValidationFailed) as e:
        P.csv_records(data, "f.csv")
    assert e.value.problems[0].row == 2
    assert "kan inte delas upp i fält" in e.value.problems[0].message


def test_too_many_columns_is_refused_with_its_row() -> None:
    data = ("a;b\n1;2\n" + ";" * 60 + "\n").encode()
    with pytest.raises(P.ValidationFailed) as e:
        P.csv_records(data, "f.csv")
    assert e.value.problems[0].row == 3 and "för många kolumner: 61" in \
        e.value.problems[0].message
