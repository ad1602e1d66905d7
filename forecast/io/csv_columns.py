"""A CSV file's records held as columns: pandas' C reader instead of a Python list per row.

:func:`forecast.io.parsing.csv_records` used to build one Python list per record (and the
table one more frame from them): ~3 s of CPU for 300 000 rows. Here the decoded text is split
by pandas' C tokenizer into one categorical column per field position (each distinct text is
one object, so 300 000 rows of five fields hold a few thousand strings), and the number of
fields of every record — which the checks need (ragged rows, the column limit) — is counted
from the text: the separators of each line when the text has no quote character, else by
Python's ``csv`` reader (strict, so a broken quote is still refused with its row).

:class:`CsvRecords` behaves as the list of records it replaces (``len``, an index gives the
record's fields as written, a slice gives records again), so the header search and the title
rows read it as before; the table is made from its columns (:meth:`CsvRecords.cells`).
"""

from __future__ import annotations

import csv
import io
import warnings
from collections.abc import Iterator, Sequence
from typing import Any, overload

import numpy as np
import pandas as pd


class CsvRecords(Sequence[list[Any]]):
    """Records of a CSV text: categorical columns ``0..n-1`` and each record's field count.

    Record ``i`` is ``[frame[0][i], …, frame[counts[i] - 1][i]]`` (texts, ``''`` for an empty
    field), as Python's ``csv`` reader gives it.
    """

    def __init__(self, frame: pd.DataFrame, counts: np.ndarray) -> None:
        self.frame = frame
        self.counts = counts

    def __len__(self) -> int:
        return len(self.counts)

    @overload
    def __getitem__(self, i: int) -> list[Any]: ...

    @overload
    def __getitem__(self, i: slice) -> CsvRecords: ...

    def __getitem__(self, i: int | slice) -> list[Any] | CsvRecords:
        if isinstance(i, slice):
            return CsvRecords(self.frame.iloc[i], self.counts[i])
        n = int(self.counts[i])
        return [str(v) for v in self.frame.iloc[i, :n].tolist()]

    def __iter__(self) -> Iterator[list[Any]]:
        for i in range(len(self)):
            yield self[i]

    def _filled(self, j: int) -> np.ndarray:
        """Whether each record's field ``j`` exists and is not blank."""
        col = self.frame.iloc[:, j]
        cats = col.cat.categories
        blank = np.fromiter((not str(c).strip() for c in cats), dtype=bool, count=len(cats))
        codes = col.cat.codes.to_numpy()
        inside = self.counts > j
        blank_or_missing = np.concatenate((blank, np.ones(1, dtype=bool)))
        return inside & (codes >= 0) & ~blank_or_missing[codes]

    def blank(self) -> np.ndarray:
        """Whether each record is blank (no field, or only empty or white-space fields)."""
        filled = np.zeros(len(self), dtype=bool)
        for j in range(self.frame.shape[1]):
            filled |= self._filled(j)
        return ~filled

    def filled_beyond(self, width: int) -> np.ndarray:
        """Whether each record has a non-blank field at position ``width`` or later."""
        out = np.zeros(len(self), dtype=bool)
        for j in range(width, self.frame.shape[1]):
            out |= self._filled(j)
        return out

    def cells(self, rows: np.ndarray, width: int) -> pd.DataFrame:
        """Records ``rows`` cut or padded to ``width`` fields: object cells, None past the end."""
        out: dict[int, np.ndarray] = {}
        counts = self.counts[rows]
        for j in range(width):
            if j >= self.frame.shape[1]:
                out[j] = np.full(len(rows), None, dtype=object)
                continue
            col = self.frame.iloc[:, j]
            texts = np.concatenate((np.asarray(col.cat.categories, dtype=object),
                                    np.full(1, None, dtype=object)))
            vals = texts[col.cat.codes.to_numpy()[rows]]
            vals[counts <= j] = None
            out[j] = vals
        return pd.DataFrame(out, columns=range(width), dtype=object)


def plain_counts(text: str, sep: str) -> np.ndarray | None:
    """Fields per record of a text without quote characters (None if it has any).

    Without quotes a record is a line (ended by CR LF, LF or CR, as Python's ``csv`` reader
    ends them), its fields its separators + 1; an empty line has none (``csv`` gives ``[]``).
    Counted with numpy on the UTF-8 bytes (the separators and line ends are ASCII, which
    UTF-8 never uses inside another character).
    """
    if '"' in text:
        return None
    buf = np.frombuffer(text.encode("utf-8"), dtype=np.uint8)
    lf = buf == 10
    lone_cr = buf == 13
    lone_cr[:-1] &= ~lf[1:]  # CR LF ends a line once, at the LF
    ends = np.flatnonzero(lf | lone_cr)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(buf)]))
    if stops[-1] == starts[-1]:  # nothing after the last line end
        starts, stops = starts[:-1], stops[:-1]
    seps = np.searchsorted(stops, np.flatnonzero(buf == ord(sep)))
    counts = np.bincount(seps, minlength=len(stops)).astype(np.int64) + 1
    counts[stops == starts] = 0
    # a CR of CR LF sits before the LF: its line is empty only if nothing else is on it
    counts[(stops - starts == 1) & (buf[np.minimum(starts, len(buf) - 1)] == 13)] = 0
    return counts


def quoted_counts(text: str, sep: str, max_columns: int, max_records: int
                  ) -> tuple[np.ndarray, int | None]:
    """Fields per record by Python's strict ``csv`` reader, stopping at the limits.

    Returns:
        The counts so far, and the 1-based record that is wider than ``max_columns`` (None
        if none); stops after ``max_records`` records.

    Raises:
        csv.Error: a record that cannot be split (the caller names its row:
            ``len(counts) + 1`` of the counts read before it).
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"',
                        strict=True)
    counts: list[int] = []
    for rec in reader:
        counts.append(len(rec))
        if len(rec) > max_columns:
            return np.asarray(counts, dtype=np.int64), len(counts)
        if len(counts) > max_records:
            break
    return np.asarray(counts, dtype=np.int64), None


def read_columns(text: str, sep: str, counts: np.ndarray) -> CsvRecords | None:
    """The records of ``text`` as :class:`CsvRecords` (None if pandas splits them otherwise).

    ``counts`` are the records' field counts (:func:`plain_counts`, :func:`quoted_counts`);
    a reading with another number of records, or a tokenizer error, gives None and the caller
    reads the text with Python's ``csv`` reader instead.
    """
    width = max(int(counts.max()) if len(counts) else 1, 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", pd.errors.ParserWarning)
            frame = pd.read_csv(io.StringIO(text, newline=""), sep=sep, header=None,
                                names=list(range(width)), dtype="category", engine="c",
                                keep_default_na=False, na_filter=False,
                                skip_blank_lines=False, quotechar='"', doublequote=True,
                                index_col=False)
    except (pd.errors.ParserError, pd.errors.ParserWarning, ValueError):
        return None
    if len(frame) != len(counts):
        return None
    return CsvRecords(frame, counts)
