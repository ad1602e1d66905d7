"""Reading the dataset's small side files (organisation, kontoplan, agency FTE, measures).

Each side file is a CSV/TXT or XLSX table with its header on row 1 and a few known columns
(Swedish header aliases). :func:`read_side_table` maps the header, parses every column with
the shared cell parsers of :mod:`forecast.io.collect` and collects every problem with file,
row and column, so each side file's module only states its columns and its own rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecast.io.collect import Collector, Parsed, norm_header, parse_column
from forecast.io.parsing import RawTable, read_table, show


@dataclass(frozen=True)
class Column:
    """One known column of a side file.

    Attributes:
        field: Internal name.
        aliases: Accepted header names (normalised: lower case, single spaces).
        parse: Cell parser (raises ParseError with a Swedish message).
        allowed: What the column allows, in Swedish.
        required: The column must be present and (unless ``empty_cells``) its cells non-empty.
        empty_cells: A required column's cells may be empty (an optional column's always may).
    """

    field: str
    aliases: tuple[str, ...]
    parse: Callable[[Any], Any]
    allowed: str
    required: bool = True
    empty_cells: bool = False


@dataclass
class SideTable:
    """A parsed side file: parsed columns by field, row numbers, the problems, extra columns."""

    raw: RawTable
    parsed: dict[str, Parsed]
    headers: dict[str, str]
    rows: np.ndarray
    out: Collector
    extra: list[tuple[int, str]]

    def ok(self) -> np.ndarray:
        """Rows whose every parsed column is fine."""
        if not self.parsed:
            return np.zeros(len(self.rows), dtype=bool)
        return np.logical_and.reduce([p.ok for p in self.parsed.values()])


def read_side_table(data: bytes, filename: str, columns: tuple[Column, ...], *, what: str,
                    allow_extra: bool = False) -> SideTable:
    """Read and parse a side file; problems are collected, not raised.

    Args:
        data: The file's bytes.
        filename: The name as the user gave it.
        columns: The known columns.
        what: What the file is, for messages (e.g. ``organisationsfilen``).
        allow_extra: Keep unknown columns (returned in ``extra``) instead of refusing them.

    Raises:
        ValidationFailed: If the file cannot be read at all (type, size, encoding, zip).
    """
    raw = read_table(bytes(data), filename, known={a for c in columns for a in c.aliases})
    t = side_table(raw, filename, columns, what=what, allow_extra=allow_extra)
    if len(raw.rows) == 0:
        t.out.add(None, None, f"{what.capitalize()} har inga datarader",
                  "minst en rad under rubrikraden")
    return t


def read_frame_table(frame: pd.DataFrame, source: str, columns: tuple[Column, ...], *,
                     what: str) -> SideTable:
    """Parse an in-memory table (e.g. an edit table) as a side file; problems are collected.

    Rows are numbered from 1 (the table's first row); entirely empty rows are skipped (no
    rows is no problem); header problems name no row.
    """
    records, rownos = [], []
    for k, rec in enumerate(frame.itertuples(index=False), start=1):
        cells = [None if (v is None or (isinstance(v, float) and v != v) or
                          (isinstance(v, str) and not v.strip())) else v for v in rec]
        if any(c is not None for c in cells):
            records.append(cells)
            rownos.append(k)
    header = [str(c) for c in frame.columns]
    cells = pd.DataFrame(records, columns=range(len(header)), dtype=object)
    raw = RawTable(header, cells, np.array(rownos, dtype=np.int64))
    return side_table(raw, source, columns, what=what, header_row=None)


def side_table(raw: RawTable, filename: str, columns: tuple[Column, ...], *, what: str,
               allow_extra: bool = False, header_row: int | None = 1) -> SideTable:
    """Map the header of a read table and parse its columns; problems are collected.

    The part of :func:`read_side_table` after reading (and of :func:`read_frame_table`);
    ``header_row`` is the row number header problems name (None: the header is no row).
    """
    aliases = {a: c for c in columns for a in c.aliases}
    out = Collector(filename, {name: j for j, name in enumerate(raw.header)} | {None: -2})
    out.extend(raw.problems)
    listing = ", ".join(c.aliases[0] for c in columns)
    mapped: dict[str, tuple[int, str]] = {}
    extra: list[tuple[int, str]] = []
    for j, name in enumerate(raw.header):
        col = aliases.get(norm_header(name))
        if col is None:
            if allow_extra and name:
                extra.append((j, name))
            elif name:
                out.add(header_row, name, f"Kolumnen '{show(name)}' känns inte igen i {what}",
                        f"kolumnerna {listing}", check="rubrik")
        elif col.field in mapped:
            out.add(header_row, name, f"Kolumnen '{show(name)}' betyder samma sak som "
                    f"'{mapped[col.field][1]}'", "varje kolumn en gång", check="rubrik")
        else:
            mapped[col.field] = (j, name)
    for c in columns:
        if c.required and c.field not in mapped:
            out.add(header_row, c.aliases[0], f"Kolumnen '{c.aliases[0]}' saknas i {what}",
                    f"en kolumn med rubriken {' eller '.join(c.aliases[:3])}", check="rubrik")
    parsed: dict[str, Parsed] = {}
    by_field = {c.field: c for c in columns}
    for f, (j, name) in mapped.items():
        c = by_field[f]
        parsed[f] = parse_column(raw.cells[j], raw.rows, c.parse, column=name,
                                  allowed=c.allowed, out=out, check=f,
                                  optional=not c.required or c.empty_cells)
    return SideTable(raw, parsed, {f: n for f, (_, n) in mapped.items()}, raw.rows, out, extra)
