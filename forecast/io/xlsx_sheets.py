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

import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Final

import defusedxml.ElementTree as DefusedET

from forecast.io.limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_STYLES,
    MAX_XLSX_ROWS,
    fmt_int,
)
from forecast.io.openpyxl_stream import can_stream, sheet_rows

SHEET_NAMES: Final = ("ledger", "huvudbok")
SHEET_RULE: Final = ("bladet som anges med --blad NAMN; annars ett blad som heter Ledger eller "
                     "Huvudbok; annars det första bladet")


def named_for(text: str, control: str) -> str:
    """A sheet note with the command line's ``--blad`` replaced by the app's ``control``.

    The notes are written with the flag (:data:`SHEET_RULE`, :meth:`SheetChoice.note`, the
    hint of the sheet that has the headers); in the app every message names the page's own
    field instead, e.g. ``fältet «Blad i XLSX-filen»``.
    """
    text = text.replace("bladet som anges med --blad NAMN", f"bladet som anges i {control}")
    text = text.replace("valt med --blad", f"valt i {control}")
    return re.sub(r": välj det med --blad .*?\.$", f": välj det i {control}.", text,
                  flags=re.DOTALL)


def column_letter(n: int) -> str:
    """The spreadsheet name of the n-th column (1-based): ``A``, ``XFD``.

    openpyxl is imported here, when a column is named, not with this module: importing it
    costs a third of a second, which a CSV import would pay for nothing.
    """
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))


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
    with sheet_rows(ws) as parsed:
        expected = 1
        for idx, cells in parsed:
            if max_row is not None and idx > max_row:
                break
            for _ in range(expected, idx):
                yield []
            width = max((c["column"] for c in cells), default=0)
            if width > MAX_COLUMNS:
                raise SheetError(
                    f"Bladet har en cell i kolumn {column_letter(width)} (cell "
                    f"{column_letter(width)}{idx}): för många kolumner, {fmt_int(width)} "
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
        if not can_stream(ws):
            continue
        try:
            first = next(bounded_rows(ws, max_row=1), [])
        except SheetError:
            continue
        if is_header(first):
            found.append(name)
    return found


# --- a fast width check on the raw sheet XML, before openpyxl parses anything ----------------

_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
_CHUNK = 1 << 20


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → zip part of its XML, from ``xl/workbook.xml`` and its relationships.

    Returns an empty dict when the workbook does not follow the usual layout (then only the
    slower row-by-row bound of :func:`bounded_rows` applies).
    """
    try:
        wb = DefusedET.fromstring(zf.read("xl/workbook.xml"))
        rels = DefusedET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, DefusedET.ParseError, ValueError, zipfile.BadZipFile, zlib.error,
            EOFError, OSError, RuntimeError, NotImplementedError):
        return {}  # a broken part is reported by the scan that inflates every part
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    out: dict[str, str] = {}
    for el in wb.iter():
        if el.tag.endswith("}sheet") and el.get("name") is not None:
            target = targets.get(el.get(f"{{{_REL_NS}}}id"), "")
            out[str(el.get("name"))] = (target.lstrip("/") if target.startswith("/")
                                        else "xl/" + target)
    return out


def _col_index(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_ROW_NUM = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br="([0-9]{1,9})"')
_SI_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s>/]")
_XF_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?xf[\s>/]")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_TAIL = 256


@dataclass
class SheetScan:
    """What the raw XML of the chosen sheet says of its size (see :func:`scan_workbook`).

    Attributes:
        width: Column number of the right-most cell; ``ref`` its reference (``XFD7``).
        rows: ``<row>`` elements; ``last_row`` the highest row number named.
    """

    width: int = 0
    ref: str = ""
    rows: int = 0
    last_row: int = 0


def _count(pattern: re.Pattern[bytes], buf: bytes, tail: int) -> int:
    """Matches in ``buf`` not lying wholly in its first ``tail`` bytes (counted before)."""
    return sum(1 for m in pattern.finditer(buf) if m.end() > tail)


def _scan_sheet(buf: bytes, tail: int, scan: SheetScan) -> None:
    for m in _CELL_REF.finditer(buf):
        col = _col_index(m.group(1))
        if col > scan.width:
            scan.width, scan.ref = col, (m.group(1) + m.group(2)).decode()
        scan.last_row = max(scan.last_row, int(m.group(2)))
    for m in _ROW_NUM.finditer(buf):
        scan.last_row = max(scan.last_row, int(m.group(1)))
    scan.rows += _count(_ROW_TAG, buf, tail)


def _stream_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, sheet: str | None,
                 scan: SheetScan) -> int:
    """Inflate one part (its CRC is checked at the end); count what its kind may overflow.

    Returns the ``<si>`` (shared strings) or ``<xf>`` (styles) count, else 0.

    Raises:
        SheetError: a DTD in an XML part, or a count above its limit while streaming.
    """
    name = info.filename
    kind = ("sheet" if name == sheet else "si" if name == "xl/sharedStrings.xml"
            else "xf" if name == "xl/styles.xml" else "")
    found, tail = 0, b""
    with zf.open(info) as fh:
        first = True
        while chunk := fh.read(_CHUNK):
            if first and name.endswith((".xml", ".rels", ".vml")) and _DTD.search(chunk[:4096]):
                raise SheetError(f"Arbetsbokens del {name} innehåller en DTD (<!DOCTYPE> eller "
                                 "<!ENTITY>), som en vanlig arbetsbok aldrig har",
                                 "en vanlig .xlsx-arbetsbok sparad från Excel eller LibreOffice")
            first = False
            buf = tail + chunk
            if kind == "sheet":
                _scan_sheet(buf, len(tail), scan)
                _check_rows(scan)
            elif kind:
                found += _count(_SI_TAG if kind == "si" else _XF_TAG, buf, len(tail))
                _check_count(kind, found)
            tail = buf[-_TAIL:]
    return found


def _check_rows(scan: SheetScan) -> None:
    n = max(scan.rows, scan.last_row)
    if n > MAX_XLSX_ROWS:
        raise SheetError(f"Bladet har för många rader: minst {fmt_int(n)} (gränsen är "
                         f"{fmt_int(MAX_XLSX_ROWS)} för .xlsx)",
                         f"högst {fmt_int(MAX_XLSX_ROWS)} rader i en .xlsx-fil; spara större "
                         f"huvudböcker som CSV (högst {fmt_int(MAX_ROWS)} rader)")


def _check_count(kind: str, n: int) -> None:
    limit, what = ((MAX_SHARED_STRINGS, "delade texter (sharedStrings)") if kind == "si"
                   else (MAX_STYLES, "cellformat (styles)"))
    if n > limit:
        raise SheetError(f"Arbetsboken har för många {what}: minst {fmt_int(n)} (gränsen är "
                         f"{fmt_int(limit)})", f"högst {fmt_int(limit)} {what}; spara "
                         "huvudboken som CSV, eller rensa formaten i Excel")


def scan_workbook(zf: zipfile.ZipFile, wanted: str | None) -> SheetScan:
    """Check the workbook from its zip parts before openpyxl builds anything.

    Every part is inflated once as a stream (so a broken or lying zip is found here, with
    its CRC); the chosen sheet's XML gives its width and row count, ``sharedStrings.xml``
    its ``<si>`` count and ``styles.xml`` its ``<xf>`` count, each refused at its limit
    (:data:`~forecast.io.limits.MAX_COLUMNS`, ``MAX_XLSX_ROWS``, ``MAX_SHARED_STRINGS``,
    ``MAX_STYLES``) while streaming; an XML part with a DTD is refused.

    Raises:
        SheetError: naming the part, the count or the cell, and the limit; or the zip is
            broken (Swedish).
    """
    scan = SheetScan()
    try:
        part = _chosen_part(zf, wanted)
        for info in zf.infolist():
            if not info.is_dir():
                _stream_part(zf, info, part, scan)
    except SheetError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError,
            NotImplementedError) as exc:
        raise SheetError(f"Arbetsboken är skadad: en del kan inte packas upp ({_zip_reason(exc)})",
                         "en vanlig .xlsx-arbetsbok sparad från Excel eller LibreOffice; "
                         "spara om den") from None
    if scan.width > MAX_COLUMNS:
        row = int(re.sub(r"^[A-Z]+", "", scan.ref))
        raise SheetError(
            f"Bladet har en cell i kolumn {column_letter(scan.width)} (cell "
            f"{scan.ref}): för många kolumner, {fmt_int(scan.width)} (gränsen är "
            f"{MAX_COLUMNS})",
            f"högst {MAX_COLUMNS} kolumner; ta bort cellerna till höger om huvudboken",
            row=row)
    return scan


def _zip_reason(exc: BaseException) -> str:
    text = str(exc).lower()
    if "crc" in text:
        return "kontrollsumman stämmer inte"
    if "magic" in text or "bad zip" in text or "truncated" in text or isinstance(exc, EOFError):
        return "filen är avkortad eller förvanskad"
    if "encrypt" in text or "password" in text:
        return "delen är krypterad"
    if "compression" in text:
        return "okänd packningsmetod"
    return "ogiltiga packade data"


def _chosen_part(zf: zipfile.ZipFile, wanted: str | None) -> str | None:
    parts = sheet_parts(zf)
    if not parts:
        return None
    try:
        choice = choose_sheet(list(parts), wanted)
    except SheetError:
        return None  # reported with the full list of sheets when openpyxl opens the workbook
    return parts[choice.name]


def check_width(zf: zipfile.ZipFile, wanted: str | None) -> None:
    """Refuse the workbook by :func:`scan_workbook` (width, rows, strings, styles, zip).

    Raises:
        SheetError: naming the cell or count and the limit.
    """
    scan_workbook(zf, wanted)
