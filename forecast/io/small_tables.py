"""Reading the dataset's small side files (organisation, kontoplan, agency FTE, measures).

Each side file is a CSV/TXT or XLSX table with its header on row 1 and a few known columns
(Swedish header aliases). :func:`read_side_table` maps the header, parses every column with
the importer's cell parsers and collects every problem with file, row and column, so each
side file's module only states its columns and its own rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from forecast.io.importer import _Collector, _parse_column, _Parsed
from forecast.io.parsing import RawTable, read_table, show


@dataclass(frozen=True)
class Column:
    """One known column of a side file.

    Attributes:
        field: Internal name.
        aliases: Accepted header names (normalised: lower case, single spaces).
        parse: Cell parser (raises ParseError with a Swedish message).
        allowed: What the column allows, in Swedish.
        required: The column must be present and its cells non-empty.
    """

    field: str
    aliases: tuple[str, ...]
    parse: Callable[[Any], Any]
    allowed: str
    required: bool = True


@dataclass
class SideTable:
    """A parsed side file: parsed columns by field, row numbers, the problems, extra columns."""

    raw: RawTable
    parsed: dict[str, _Parsed]
    headers: dict[str, str]
    rows: np.ndarray
    out: _Collector
    extra: list[tuple[int, str]]

    def ok(self) -> np.ndarray:
        """Rows whose every parsed column is fine."""
        if not self.parsed:
            return np.zeros(len(self.rows), dtype=bool)
        return np.logical_and.reduce([p.ok for p in self.parsed.values()])


def _norm(name: str) -> str:
    return " ".join(str(name).split()).casefold()


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
    aliases = {a: c for c in columns for a in c.aliases}
    raw = read_table(bytes(data), filename, known=set(aliases))
    out = _Collector(filename, {name: j for j, name in enumerate(raw.header)} | {None: -2})
    out.extend(raw.problems)
    listing = ", ".join(c.aliases[0] for c in columns)
    mapped: dict[str, tuple[int, str]] = {}
    extra: list[tuple[int, str]] = []
    for j, name in enumerate(raw.header):
        col = aliases.get(_norm(name))
        if col is None:
            if allow_extra and name:
                extra.append((j, name))
            elif name:
                out.add(1, name, f"Kolumnen '{show(name)}' känns inte igen i {what}",
                        f"kolumnerna {listing}", check="rubrik")
        elif col.field in mapped:
            out.add(1, name, f"Kolumnen '{show(name)}' betyder samma sak som "
                    f"'{mapped[col.field][1]}'", "varje kolumn en gång", check="rubrik")
        else:
            mapped[col.field] = (j, name)
    for c in columns:
        if c.required and c.field not in mapped:
            out.add(1, c.aliases[0], f"Kolumnen '{c.aliases[0]}' saknas i {what}",
                    f"en kolumn med rubriken {' eller '.join(c.aliases[:3])}", check="rubrik")
    if len(raw.rows) == 0:
        out.add(None, None, f"{what.capitalize()} har inga datarader",
                "minst en rad under rubrikraden")
    parsed: dict[str, _Parsed] = {}
    by_field = {c.field: c for c in columns}
    for f, (j, name) in mapped.items():
        c = by_field[f]
        parsed[f] = _parse_column(raw.cells[j], raw.rows, c.parse, column=name,
                                  allowed=c.allowed, out=out, check=f,
                                  optional=not c.required)
    return SideTable(raw, parsed, {f: n for f, (_, n) in mapped.items()}, raw.rows, out, extra)
