"""The shared half of every reader: cell parsers, the per-column parse and the problem list.

Every input (the ledger's table and SIE readers, the organisation, kontoplan and side files)
parses its cells with the parsers here, parses a column over its distinct values with
:func:`parse_column` and collects its problems in a :class:`Collector`, so a file's problems
are reported together, each naming file, row and column, and capped per check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import pandas as pd

from forecast.io.parsing import (
    FORMULA_NO_VALUE,
    ParseError,
    Problem,
    ValidationFailed,
    has_control,
    show,
)
from forecast.ledger import schema as S

__all__ = [
    "Collector",
    "Parsed",
    "norm_header",
    "parse_column",
    "parse_kind",
    "parse_text",
    "parse_unit_id",
    "rows_text",
]

PER_CHECK_STORED: Final = 1000
CONTROL_ALLOWED: Final = "text utan radbrytningar, tabbar och andra styrtecken"
FORMULA_ALLOWED: Final = ("ett sparat värde: räkna om och spara arbetsboken i Excel, "
                          "eller klistra in formlerna som värden")
EXCEL_ERRORS: Final = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                                 "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!"})


def norm_header(name: Any) -> str:
    """A header as the alias tables write it: single spaces, case folded."""
    return " ".join(str(name).split()).casefold()


class Collector:
    """Problems of one file; stores at most ``PER_CHECK_STORED`` per check, counts all."""

    def __init__(self, filename: str, order: dict[str | None, int], note: str = "") -> None:
        """Start an empty list for ``filename``; ``order`` sorts problems by column."""
        self.filename = filename
        self.order = order
        self.note = note
        self.items: list[Problem] = []
        self.total = 0
        self._per_check: dict[str, int] = {}

    def add(self, row: int | None, column: str | None, message: str, allowed: str,
            check: str = "") -> None:
        """Count one problem; store it unless its check has stored enough."""
        self.total += 1
        n = self._per_check.get(check, 0)
        self._per_check[check] = n + 1
        if n < PER_CHECK_STORED:
            self.items.append(Problem(self.filename, row, column, message, allowed))

    def extend(self, problems: list[Problem]) -> None:
        """Add problems found while reading the file's structure."""
        for p in problems:
            self.add(p.row, p.column, p.message, p.allowed, check="struktur")

    def raise_if_any(self) -> None:
        """Raise every problem so far, sorted by row and column (and the sheet note last)."""
        if self.total:
            if self.note:  # which sheet was read, and how to choose another
                self.items.append(Problem(self.filename, None, None, self.note, ""))
                self.note = ""
            items = sorted(self.items, key=lambda p: (
                p.row is not None, p.row or 0, self.order.get(p.column, -1)))
            raise ValidationFailed(items, self.total)


def rows_text(rows: np.ndarray, shown: int = 5) -> str:
    """``rad 2, 3, 4`` (the first ``shown`` rows and how many more)."""
    head = ", ".join(str(int(r)) for r in rows[:shown])
    more = len(rows) - shown
    return f"rad {head}" + (f" och {more} rader till" if more > 0 else "")


# --- cell parsers (one value → typed value; ParseError otherwise) ----------------------------


def parse_text(v: Any) -> str:
    """A text cell, stripped (a whole number read as a number gives its digits)."""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    raise ParseError(f"Värdet '{show(v)}' är inte text")


def parse_kind(v: Any) -> str:
    """``utfall`` or ``budget``, any case."""
    s = parse_text(v).casefold()
    if s not in S.KINDS:
        raise ParseError(f"Typen '{show(v)}' känns inte igen")
    return s


def parse_unit_id(v: Any) -> str:
    """A unit code: text without ``|`` (the separator of the series keys)."""
    s = parse_text(v)
    if "|" in s:
        raise ParseError(f"Enhetskoden '{show(s)}' innehåller tecknet '|'",
                         "en enhetskod utan tecknet '|'")
    return s


@dataclass
class Parsed:
    """One parsed column."""

    values: np.ndarray  # object; None where bad or empty
    ok: np.ndarray  # bool; True where the cell parsed (or is an allowed empty)
    empty: np.ndarray  # bool; True where the cell is empty


def _cell_error(u: Any, parse: Callable[[Any], Any], allowed: str, values: np.ndarray, i: int
                ) -> tuple[str, str] | None | bool:
    """Parse one distinct value into ``values[i]``: an error, True when empty, else None."""
    if u is FORMULA_NO_VALUE:
        return ("Cellen har en formel utan sparat värde (formel utan värde)", FORMULA_ALLOWED)
    if isinstance(u, str) and not u.strip() and not has_control(u):
        return True
    if isinstance(u, str) and u.strip().upper() in EXCEL_ERRORS:
        return (f"Cellen har Excel-felet '{u.strip()}'",
                "ett värde; rätta formeln i Excel innan filen sparas")
    if isinstance(u, str) and has_control(u):
        return (f"Texten '{show(u)}' innehåller ett styrtecken "
                "(radbrytning, tabb eller liknande)", CONTROL_ALLOWED)
    try:
        values[i] = parse(u)
    except ParseError as exc:
        return (str(exc), exc.allowed or allowed)
    return None


def parse_column(col: pd.Series, rows: np.ndarray, parse: Callable[[Any], Any], *,
                 column: str, allowed: str, out: Collector, check: str,
                 optional: bool = False, grouped: bool = False) -> Parsed:
    """Parse one column over its distinct values and report every bad cell.

    Args:
        col: The column's cells.
        rows: The spreadsheet row of each cell.
        parse: The cell parser (raises ParseError).
        column: The header as written (problems name it).
        allowed: What the column allows, in Swedish.
        out: Where problems go.
        check: The check's name (the per-check cap).
        optional: Empty cells are allowed.
        grouped: One problem per distinct bad value, naming its rows.
    """
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    n_u = len(uniques)
    values = np.empty(n_u + 1, dtype=object)  # last slot: NA (code −1)
    errors: dict[int, tuple[str, str]] = {}  # distinct value → (problem, what is allowed)
    empty_u = np.zeros(n_u + 1, dtype=bool)
    empty_u[n_u] = True
    for i, u in enumerate(uniques):
        res = _cell_error(u, parse, allowed, values, i)
        if res is True:
            empty_u[i] = True
        elif isinstance(res, tuple):
            errors[i] = res
    if not optional:
        for i in np.flatnonzero(empty_u).tolist():
            errors[i] = ("Cellen är tom", allowed)
    codes = np.where(codes < 0, n_u, codes)
    bad_u = np.array([i in errors for i in range(n_u + 1)], dtype=bool)
    bad = bad_u[codes]
    if bad.any():
        _report(errors, codes, rows, bad, bad_u, column=column, out=out, check=check,
                grouped=grouped)
    return Parsed(values[codes], ~bad, empty_u[codes])


def _report(errors: dict[int, tuple[str, str]], codes: np.ndarray, rows: np.ndarray,
            bad: np.ndarray, bad_u: np.ndarray, *, column: str, out: Collector, check: str,
            grouped: bool) -> None:
    if grouped:
        for i, where in rows_by_code(codes, rows, bad_u):
            msg, allow = errors[i]
            if len(where) > 1:
                msg = f"{msg} ({rows_text(where)})"
            out.add(int(where[0]), column, msg, allow, check=check)
    else:
        for r, c in zip(rows[bad], codes[bad], strict=True):
            msg, allow = errors[int(c)]
            out.add(int(r), column, msg, allow, check=check)


def groups(codes: np.ndarray, sel: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(code, positions in order) for the positions ``sel``, in order of first appearance.

    One stable sort: linear-logarithmic in the rows, where a loop of masks per distinct value
    would be quadratic (60 000 distinct units took 267 s).
    """
    if sel.size == 0:
        return []
    order = sel[np.argsort(codes[sel], kind="stable")]
    cuts = np.flatnonzero(np.diff(codes[order])) + 1
    found = [(int(codes[g[0]]), g) for g in np.split(order, cuts)]
    return sorted(found, key=lambda cg: int(cg[1][0]))


def rows_by_code(codes: np.ndarray, rows: np.ndarray, wanted: np.ndarray
                 ) -> list[tuple[int, np.ndarray]]:
    """(code, its rows in order) for every code with ``wanted[code]``."""
    return [(c, rows[g]) for c, g in groups(codes, np.flatnonzero(wanted[codes]))]
