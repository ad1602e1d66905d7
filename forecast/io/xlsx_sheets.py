"""Choosing the sheet of an XLSX workbook and reading its rows within bounds.

Sheet rule (:data:`SHEET_RULE`): the sheet the user names (``--blad NAMN``); else a sheet
named *Ledger* or *Huvudbok* (any case); else the first sheet. The choice and the rule are
reported with every problem of a workbook with more than one sheet, so a user whose data is
on sheet 2 is told which sheet was read and how to choose another.

Rows are read from openpyxl's streaming parser directly, so a cell far to the right (column
XFD) is refused by :data:`~forecast.io.limits.MAX_COLUMNS` *before* the row is padded out to
16 384 values (openpyxl's ``iter_rows`` pads every row to its last cell).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser

from forecast.io.limits import MAX_COLUMNS, fmt_int

SHEET_NAMES: Final = ("ledger", "huvudbok")
SHEET_RULE: Final = ("bladet som anges med --blad NAMN; annars ett blad som heter Ledger eller "
                     "Huvudbok; annars det första bladet")


class SheetError(ValueError):
    """The sheet cannot be chosen or read within bounds; ``message``/``allowed`` are Swedish.

    Attributes:
        row: Spreadsheet row of the problem, if any.
    """

    def __init__(self, message: str, allowed: str, row: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.allowed = allowed
        self.row = row


@dataclass(frozen=True)
class SheetChoice:
    """Which sheet was read and why.

    Attributes:
        name: The sheet's name as written in the workbook.
        reason: Swedish: why this sheet (named by the user, by its name, or the first).
        others: The workbook's other sheets, in order.
    """

    name: str
    reason: str
    others: tuple[str, ...]

    def note(self, hint: str = "") -> str:
        """A sentence for the problem report; empty for a workbook with one sheet."""
        if not self.others:
            return ""
        others = ", ".join(f"'{o}'" for o in self.others)
        return (f"Bladet '{self.name}' lästes ({self.reason}; regeln: {SHEET_RULE}). "
                f"Arbetsboken har också {others}{hint}")


def choose_sheet(names: list[str], wanted: str | None) -> SheetChoice:
    """The sheet to read among ``names`` by :data:`SHEET_RULE`.

    Raises:
        SheetError: ``wanted`` is not a sheet of the workbook, or there are no sheets.
    """
    if not names:
        raise SheetError("Arbetsboken har inga blad", "ett blad med huvudboken")
    folded = {n.strip().casefold(): n for n in names}
    if wanted is not None:
        name = folded.get(wanted.strip().casefold())
        if name is None:
            listed = ", ".join(f"'{n}'" for n in names)
            raise SheetError(f"Arbetsboken har inget blad som heter '{wanted}'",
                             f"ett av bladen {listed}")
        reason = "valt med --blad"
    else:
        name = next((folded[s] for s in SHEET_NAMES if s in folded), None)
        reason = f"bladet heter '{name}'" if name is not None else "det första bladet"
        name = name if name is not None else names[0]
    return SheetChoice(name, reason, tuple(n for n in names if n != name))


def bounded_rows(ws: Any, max_row: int | None = None) -> Iterator[list[Any]]:
    """Rows of a read-only worksheet as value lists; missing rows as empty lists.

    Raises:
        SheetError: a cell lies beyond column ``MAX_COLUMNS`` (names the cell).
    """
    wb = ws.parent
    with ws._get_source() as src:  # openpyxl's own streaming source of the sheet XML
        parser = WorkSheetParser(src, ws._shared_strings, data_only=wb.data_only,
                                 epoch=wb.epoch, date_formats=wb._date_formats,
                                 timedelta_formats=wb._timedelta_formats)
        expected = 1
        for idx, cells in parser.parse():
            if max_row is not None and idx > max_row:
                break
            for _ in range(expected, idx):
                yield []
            width = max((c["column"] for c in cells), default=0)
            if width > MAX_COLUMNS:
                raise SheetError(
                    f"Bladet har en cell i kolumn {get_column_letter(width)} (cell "
                    f"{get_column_letter(width)}{idx}): för många kolumner, {fmt_int(width)} "
                    f"(gränsen är {MAX_COLUMNS})",
                    f"högst {MAX_COLUMNS} kolumner; ta bort cellerna till höger om "
                    "huvudboken", row=idx)
            row: list[Any] = [None] * width
            for c in cells:
                row[c["column"] - 1] = c["value"]
            yield row
            expected = idx + 1


def header_sheets(wb: Any, names: tuple[str, ...], is_header: Callable[[list[Any]], bool]
                  ) -> list[str]:
    """The sheets among ``names`` whose first row ``is_header`` accepts (reads one row each)."""
    found = []
    for name in names:
        ws = wb[name]
        if not hasattr(ws, "_get_source"):
            continue
        try:
            first = next(bounded_rows(ws, max_row=1), [])
        except SheetError:
            continue
        if is_header(first):
            found.append(name)
    return found
