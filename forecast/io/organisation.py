"""The organisation file: the region's units and their hierarchy.

A CSV/TXT or XLSX table ``enhet;namn;division`` (header aliases: enhet/ansvar/kst/
kostnadsställe, namn/enhetsnamn; ``område`` stands for the division when there is no
division column), one row per unit. Further columns are
further levels, kept in order as written (e.g. ``område`` above the division, ``verksamhet``
below) and shown with the organisation. A unit without a name is shown by its code alone.
"""

from __future__ import annotations

from typing import Final

import numpy as np

from forecast.io.collect import Collector, parse_text, parse_unit_id
from forecast.io.parsing import Problem, ValidationFailed, show
from forecast.io.small_tables import Column, read_side_table
from forecast.ledger.dimensions import OrgHierarchy, Unit

WHAT: Final = "organisationsfilen"
COLUMNS: Final = (
    Column("unit", ("enhet", "ansvar", "kst", "kostnadsställe", "unit", "enhetskod"),
           parse_unit_id, "en enhetskod (text, utan tecknet '|')"),
    Column("name", ("namn", "enhetsnamn", "benämning", "name", "unit_name"), parse_text, "text",
           required=False),
    Column("division", ("division",), parse_text, "en division (text)"),
)
AREA_AS_DIVISION: Final = (*COLUMNS[:2], Column("division", ("område", "omrade"), parse_text,
                                                "en division (text)"))


def read_organisation(data: bytes, filename: str, region: str | None = None) -> OrgHierarchy:
    """Read an organisation file into an :class:`OrgHierarchy`.

    Args:
        data: The file's bytes.
        filename: The name as the user gave it.
        region: The region's name (default: the hierarchy's default).

    Raises:
        ValidationFailed: With every problem of the file (duplicate units, empty division, …).
    """
    t = read_side_table(data, filename, COLUMNS, what=WHAT, allow_extra=True)
    if "division" not in t.headers and any(n.strip().casefold() in ("område", "omrade")
                                           for _, n in t.extra):
        # no division column: område is the level under the region (as the importer reads it)
        t = read_side_table(data, filename, AREA_AS_DIVISION, what=WHAT, allow_extra=True)
    ok = t.ok()
    if "unit" in t.parsed:
        _duplicates(t.parsed["unit"].values, t.rows, ok, t.headers["unit"], t.out)
    t.out.raise_if_any()
    extra = [(name, t.raw.cells[j].to_numpy()) for j, name in t.extra]
    units = []
    names = t.parsed["name"] if "name" in t.parsed else None
    for i in range(len(t.rows)):
        unit = t.parsed["unit"].values[i]
        name = names.values[i] if names is not None and not names.empty[i] else unit
        levels = tuple((level, "" if vals[i] is None else str(vals[i]).strip())
                       for level, vals in extra)
        units.append(Unit(id=unit, name=name, division=t.parsed["division"].values[i],
                          levels=levels))
    kwargs = {"region": region} if region else {}
    return OrgHierarchy(units=tuple(units), **kwargs)


def _duplicates(units: np.ndarray, rows: np.ndarray, ok: np.ndarray, column: str,
                out: Collector) -> None:
    first: dict[str, int] = {}
    for u, r, good in zip(units, rows, ok, strict=True):
        if not good:
            continue
        if u in first:
            out.add(int(r), column, f"Enheten '{show(u)}' står redan på rad {first[u]}",
                    "en rad per enhet", check="dubblett")
        else:
            first[u] = int(r)


def unknown_units(org: OrgHierarchy, used: dict[str, list[int]], filename: str,
                  column: str, org_file: str) -> list[Problem]:
    """Problems for units of a ledger file that the organisation file does not have."""
    known = set(org.unit_ids)
    problems = []
    for unit, rows in used.items():
        if unit in known:
            continue
        shown = ", ".join(str(r) for r in rows[:5]) + (
            f" och {len(rows) - 5} rader till" if len(rows) > 5 else "")
        problems.append(Problem(filename, rows[0], column,
                                f"Enheten '{show(unit)}' finns inte i organisationsfilen "
                                f"'{org_file}' (rad {shown})",
                                "en enhet som står i organisationsfilen; lägg till den där"))
    return problems


__all__ = ["ValidationFailed", "read_organisation", "unknown_units"]
