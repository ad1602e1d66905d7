"""Reading a user's file into a raw table, and the parsers of single cells.

This is the lower half of the import (the readers in ``forecast.io.readers`` over
:mod:`forecast.io.collect` are the upper half): bytes → a
:class:`RawTable` of untyped cells with their spreadsheet row numbers, plus the problems found
on the way (encoding, zip safety, blank rows, ragged rows, formulas without values). The cell
parsers (:func:`parse_number`, :func:`parse_month_cell`) are pure and raise :class:`ParseError`
with a Swedish message.

Swedish exports are the norm: ``;`` separator, decimal comma, space / no-break space thousands
separators, the Unicode minus, UTF-8 with BOM or Windows-1252.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import pandas as pd

from forecast.io.csv_columns import CsvRecords, plain_counts, quoted_counts, read_columns
from forecast.io.limits import (
    MAX_COLUMNS,
    MAX_LINE_BYTES,
    MAX_ROWS,
    MAX_XLSX_ROWS,
    fmt_int,
    line_stats,
)
from forecast.io.openpyxl_stream import can_stream
from forecast.io.xlsx_sheets import (
    SHEET_NAMES,  # noqa: F401 - re-exported
    SHEET_RULE,  # noqa: F401 - re-exported
    SheetChoice,
    SheetError,
    bounded_rows,
    check_width,
    choose_sheet,
    column_letter,
    header_sheets,
)
from forecast.ledger.month import code_label, month_code

Records = Sequence[list[Any]]
"""A file's records before the header is chosen: lists, or a CSV's columns (``CsvRecords``)."""

MAX_UPLOAD_BYTES: Final = 50 * 1024 * 1024
MAX_ZIP_ENTRIES: Final = 10_000
MAX_ZIP_UNCOMPRESSED: Final = 200 * 1024 * 1024
MAX_ZIP_RATIO: Final = 100

CSV_EXTENSIONS: Final = (".csv", ".txt")
XLSX_EXTENSIONS: Final = (".xlsx",)
ALLOWED_EXTENSIONS_TEXT: Final = ".csv, .txt eller .xlsx"
MACRO_PARTS: Final = ("xl/macrosheets/", "xl/dialogsheets/")

NUMBER_ALLOWED: Final = (
    "ett tal, t.ex. -1 234,5 eller 1234.5 (decimalkomma eller decimalpunkt; mellanslag som "
    "tusentalsavgränsare; inga enheter eller andra tecken)"
)
MONTH_ALLOWED: Final = (
    "en månad, t.ex. 2023-04, 2023-4, 202304, 2023-04-30, apr 2023 eller april 2023"
)

# Control characters, and invisible format characters that would make 'K01' a different unit.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
_NUMBER = re.compile(
    r"([+-]?)(\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+|\d+)(?:[.,](\d+))?"
)
_GROUP_SEP = re.compile(r"[ \u00a0\u202f\u2009]")

_MONTHS: Final = {
    "jan": 1, "januari": 1, "feb": 2, "februari": 2, "mar": 3, "mars": 3, "apr": 4, "april": 4,
    "maj": 5, "jun": 6, "juni": 6, "jul": 7, "juli": 7, "aug": 8, "augusti": 8, "sep": 9,
    "sept": 9, "september": 9, "okt": 10, "oktober": 10, "nov": 11, "november": 11, "dec": 12,
    "december": 12,
}
_YM = re.compile(r"(\d{4})-(\d{1,2})")
_YYYYMM = re.compile(r"(\d{4})(\d{2})")
_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_NAMED = re.compile(r"([a-zåäö]+)\.?[ \u00a0-]*(\d{4})")
_MIN_YEAR, _MAX_YEAR = 1900, 2100


@dataclass(frozen=True)
class Problem:
    """One validation problem of an imported file.

    Attributes:
        file: The file name as the user gave it.
        row: Spreadsheet row (header = 1, first data row = 2); None for the whole file.
        column: The column as written in the file's header, or the expected name if missing.
        message: What is wrong, in Swedish.
        allowed: What is allowed instead, in Swedish.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    allowed: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column is not None:
            where.append(f"kolumn '{self.column}'")
        text = f"{', '.join(where)}: {self.message.rstrip('.')}"
        if self.allowed:
            text += f". Tillåtet: {self.allowed}"
        return text


class ValidationFailed(Exception):
    """A file was rejected; ``problems`` lists why (all of them, up to a storage cap).

    Attributes:
        problems: The problems, sorted by row (whole-file problems first).
        total: The number of problems found, which may exceed ``len(problems)``.
    """

    LISTED: Final = 200

    def __init__(self, problems: list[Problem], total: int | None = None) -> None:
        self.problems = list(problems)
        self.total = max(total or 0, len(self.problems))
        super().__init__(self.report())

    def report(self, limit: int | None = None) -> str:
        """All problems, one per line, under a Swedish header with the count.

        Args:
            limit: At most this many lines are listed (default ``LISTED``, 200); the rest are
                summarised as "… och N till".
        """
        limit = self.LISTED if limit is None else limit
        files = sorted({p.file for p in self.problems})
        n = self.total
        if len(files) > 1:
            head = (f"Filerna {', '.join(repr(f) for f in files)} lästes inte in: {n} problem "
                    "hittades.")
        else:
            name = f"'{files[0]}'" if files else ""
            head = f"Filen {name} lästes inte in: {n} problem hittades."
        lines = [head, *(f"- {p}" for p in self.problems[:limit])]
        if n > limit:
            lines.append(f"… och {n - limit} till.")
        return "\n".join(lines)


class ParseError(ValueError):
    """A cell could not be parsed; the message is Swedish and names the value.

    Attributes:
        allowed: What is allowed instead, when it differs from the column's usual text.
    """

    def __init__(self, message: str, allowed: str | None = None) -> None:
        super().__init__(message)
        self.allowed = allowed


class FormulaWithoutValue:
    """Marker for an XLSX cell holding a formula with no cached value."""

    _instance: FormulaWithoutValue | None = None

    def __new__(cls) -> FormulaWithoutValue:  # noqa: D102 - singleton
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "<formel utan värde>"


FORMULA_NO_VALUE: Final = FormulaWithoutValue()


@dataclass
class RawTable:
    """Untyped cells of one sheet or CSV file.

    Attributes:
        header: Header cells as written (stripped), one per column.
        cells: Data cells, object dtype, columns 0..len(header)-1; values are ``None``
            (empty), ``str`` (CSV and XLSX text) or Excel values (numbers, datetimes,
            :data:`FORMULA_NO_VALUE`).
        rows: Spreadsheet row number of each row of ``cells``.
        problems: Structural problems found while reading (blank or ragged rows).
        separator: The CSV separator used, or None for XLSX.
        preview: The first records below the header as read (not cut to the header's width).
        sheet_note: For a workbook with several sheets: which sheet was read, by which rule,
            the other sheets and (if row 1 lacks the headers) which sheet has them.
    """

    header: list[str]
    cells: pd.DataFrame
    rows: np.ndarray
    problems: list[Problem] = field(default_factory=list)
    separator: str | None = None
    preview: list[list[Any]] = field(default_factory=list)
    sheet_note: str = ""


def _visible(ch: str) -> str:
    esc = repr(ch)[1:-1]
    return esc if esc != ch else f"\\u{ord(ch):04x}"


def show(value: Any, limit: int = 40) -> str:
    """A cell value for a message: control characters made visible, long text shortened."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    text = _CONTROL.sub(lambda m: _visible(m.group()), text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def has_control(text: str) -> bool:
    """True if ``text`` holds a control character (CR, LF, tab, NUL, …) or an invisible one."""
    return _CONTROL.search(text) is not None


def parse_number(text: str) -> float:
    """Parse an amount written Swedish- or English-style, strictly.

    Accepts an optional sign (``-``, ``+``, U+2212 minus, en dash), digits optionally grouped
    by three with space, no-break space (U+00A0), narrow no-break space (U+202F) or thin space,
    and a decimal comma or point. Nothing else: no units, no exponent, no ``1,234.5``.

    Raises:
        ParseError: If ``text`` is not such a number.
    """
    s = text.strip().translate(_MINUS)
    m = _NUMBER.fullmatch(s)
    if m is None:
        raise ParseError(f"Beloppet '{show(text)}' är inte ett tal")
    sign, whole, frac = m.groups()
    value = float(f"{sign}{_GROUP_SEP.sub('', whole)}.{frac or '0'}")
    if not np.isfinite(value):
        raise ParseError(f"Beloppet '{show(text)}' är för stort")
    return value


def _month_ordinal(year: int, month: int, text: str) -> int:
    if not 1 <= month <= 12:
        raise ParseError(f"Månaden '{show(text)}' finns inte (månad {month})")
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        raise ParseError(f"Året i '{show(text)}' ligger utanför {_MIN_YEAR}–{_MAX_YEAR}")
    return month_code(year, month)


def parse_month_cell(value: Any) -> int:
    """Parse a ledger file's period cell into a month code (the Period[M] ordinal).

    Text forms: ``2023-04``, ``2023-4``, ``202304``, a date ``2023-04-30`` (optionally with a
    time), ``apr 2023`` / ``april 2023`` (Swedish names, any case). Excel values: a date or
    datetime (its month) or an integer ``202304``.

    Raises:
        ParseError: If ``value`` is not a month in one of these forms.
    """
    if isinstance(value, (dt.datetime, dt.date)):
        return _month_ordinal(value.year, value.month, str(value))
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ParseError(f"Månaden '{show(value)}' känns inte igen")
    s = value.strip()
    if m := _YM.fullmatch(s) or _YYYYMM.fullmatch(s):
        return _month_ordinal(int(m.group(1)), int(m.group(2)), s)
    if m := _DATE.fullmatch(s):
        y, mo, d = (int(g) for g in m.groups())
        ordinal = _month_ordinal(y, mo, s)
        try:
            dt.date(y, mo, d)
        except ValueError:
            raise ParseError(f"Datumet '{show(s)}' finns inte") from None
        return ordinal
    if (m := _NAMED.fullmatch(s.casefold())) and m.group(1) in _MONTHS:
        return _month_ordinal(int(m.group(2)), _MONTHS[m.group(1)], s)
    raise ParseError(f"Månaden '{show(value)}' känns inte igen")


def ordinal_label(ordinal: int) -> str:
    """``YYYY-MM`` of a month ordinal."""
    return code_label(ordinal)


# ---------------------------------------------------------------------------------------------
# Files


def _fail(filename: str, message: str, allowed: str, row: int | None = None) -> ValidationFailed:
    return ValidationFailed([Problem(filename, row, None, message, allowed)])


def extension_of(filename: str) -> str:
    """Lower-case extension including the dot ('' if none)."""
    name = filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def read_table(data: bytes, filename: str, known: set[str] | None = None,
               sheet: str | None = None) -> RawTable:
    """Read a CSV/TXT or XLSX file's bytes into a :class:`RawTable`.

    Args:
        data: The file's bytes.
        filename: The name as the user gave it (its extension picks the reader).
        known: Normalised header names, to help pick a CSV separator and an XLSX sheet.
        sheet: The XLSX sheet to read (None: by :data:`SHEET_RULE`); ignored for CSV.

    Raises:
        ValidationFailed: For problems that stop reading the file at all (size, type,
            encoding, unsafe or broken zip).
    """
    records, sep, note = _records(data, filename, known, sheet)
    table = _table_from_records(records, filename, sep)
    if note is not None:
        table.sheet_note = note
    return table


def read_records(data: bytes, filename: str, known: set[str] | None = None,
                 sheet: str | None = None
                 ) -> tuple[Records, str | None, str | None]:
    """A file's records before any header is chosen (row i of the list is row i + 1).

    For readers that find the header below title rows themselves; the checks are those of
    :func:`read_table`.

    Returns:
        The records, the CSV separator (None for XLSX) and the XLSX sheet note (which sheet
        was read and how to choose another; None for CSV).
    """
    return _records(data, filename, known, sheet)


def table_from_records(records: Records, filename: str, sep: str | None) -> RawTable:
    """Header (the first record) and data rows of records, as :func:`read_table` makes them."""
    return _table_from_records(records, filename, sep)


def _records(data: bytes, filename: str, known: set[str] | None, sheet: str | None
             ) -> tuple[Records, str | None, str | None]:
    if len(data) > MAX_UPLOAD_BYTES:
        raise _fail(filename, f"Filen är för stor ({len(data) / 1024 / 1024:.1f} MB)",
                    f"högst {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    ext = extension_of(filename)
    if ext in (".xlsm", ".xltm", ".xlsb", ".xls", ".xlam"):
        raise _fail(filename, f"Filtypen {ext} tas inte emot (makron eller gammalt Excel-format)",
                    f"{ALLOWED_EXTENSIONS_TEXT}; spara om arbetsboken som .xlsx utan makron")
    if ext not in CSV_EXTENSIONS + XLSX_EXTENSIONS:
        raise _fail(filename, f"Filtypen '{ext or '(ingen filändelse)'}' känns inte igen",
                    ALLOWED_EXTENSIONS_TEXT)
    if not data.strip():
        raise _fail(filename, "Filen är tom", "en rubrikrad och minst en datarad")
    if ext in XLSX_EXTENSIONS:
        rows, note = xlsx_records(data, filename, sheet, known)
        return rows, None, note
    if data.startswith(b"PK\x03\x04"):
        raise _fail(filename, "Filen ser ut att vara en Excel-arbetsbok, inte text",
                    "byt filändelsen till .xlsx, eller spara som CSV")
    check_lines(data, filename)
    records, sep = csv_records(data, filename, known)
    return records, sep, None


def check_lines(data: bytes, filename: str, max_rows: int = MAX_ROWS,
                what: str = "huvudboken") -> None:
    """Refuse a text file with more lines than ``max_rows`` or a line above ``MAX_LINE_BYTES``.

    Counted on the bytes before anything is decoded or split (:func:`line_stats`), so a
    file of millions of lines or one endless line is refused in milliseconds.

    Raises:
        ValidationFailed: naming the count or the line, and the limit.
    """
    breaks, longest, line = line_stats(data)
    if breaks > max_rows:
        raise _fail(filename, f"Filen har för många rader: {fmt_int(breaks)} radbrytningar "
                    f"(gränsen är {fmt_int(max_rows)})",
                    f"högst {fmt_int(max_rows)} rader; dela upp {what} i flera filer "
                    "(t.ex. utfall och budget, eller ett år per fil)")
    if longest > MAX_LINE_BYTES:
        start = 0 if line == 1 else _nth_line_start(data, line)
        seg = data[start:start + longest]
        fields = max(seg.count(b";"), seg.count(b"\t"), seg.count(b",")) + 1
        if fields > MAX_COLUMNS:
            raise _too_wide(filename, fields, line)
        raise _fail(filename, f"Raden är för lång: {fmt_int(longest)} byte (gränsen är "
                    f"{fmt_int(MAX_LINE_BYTES)})", "rader på högst "
                    f"{fmt_int(MAX_LINE_BYTES)} byte; en huvudboksrad har några få fält",
                    row=line)


def _nth_line_start(data: bytes, line: int) -> int:
    """Byte offset where line ``line`` (1-based) starts."""
    import numpy as np

    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    return int(ends[line - 2]) + 1 if len(ends) >= line - 1 else 0


_UTF8_LETTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _line_text(data: bytes, offset: int, encoding: str) -> str:
    """The text of the line holding byte ``offset``, decoded as ``encoding``, for a message."""
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    return show(data[start:end if end >= 0 else len(data)].decode(encoding, "replace").strip())


def utf8_line(data: bytes) -> tuple[int, str] | None:
    """(line, its text read as UTF-8) of the first UTF-8 encoded letter (å, ä, ö, é …), if any.

    For formats with a fixed 8-bit encoding (SIE's CP437), where such byte pairs are
    otherwise box-drawing characters no real text has.
    """
    m = _UTF8_LETTER.search(data)
    if m is None:
        return None
    return _line_of(data, m.start()), _line_text(data, m.start(), "utf-8")


def mixed_encoding(data: bytes, filename: str) -> ValidationFailed | None:
    """A problem if ``data`` is not UTF-8 but holds UTF-8 letters too (halves in two encodings).

    Names the first UTF-8 line and the first line that is not UTF-8, with their text.
    """
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as exc:
        bad = exc.start
    m = _UTF8_LETTER.search(data)
    if m is None:
        return None
    start, end = data.rfind(b"\n", 0, bad) + 1, data.find(b"\n", bad)
    try:
        data[start:end if end >= 0 else len(data)].decode("cp1252")
        other = "Windows-1252"
    except UnicodeDecodeError:
        other = "varken UTF-8 eller Windows-1252"
    seen = sorted([(_line_of(data, m.start()), m.start(), "UTF-8", "utf-8"),
                   (_line_of(data, bad), bad, other, "cp1252")])
    (first, at1, name1, enc1), (differs, at2, name2, enc2) = seen
    return _fail(
        filename, f"Teckenkodningen blandas i filen: rad {first} är {name1} "
        f"('{_line_text(data, at1, enc1)}') men rad {differs} är {name2} "
        f"('{_line_text(data, at2, enc2)}')",
        "en teckenkodning i hela filen (UTF-8, UTF-16 med BOM eller Windows-1252); spara om "
        "den som CSV UTF-8", row=differs)


def decode(data: bytes, filename: str) -> str:
    """Decode text: UTF-16 with BOM, UTF-8 (with or without BOM), else Windows-1252.

    Raises:
        ValidationFailed: If none of these decodes the bytes.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" in data[:4096]:
        guess = _utf16_without_bom(data[:4096])
        raise _fail(filename, "Teckenkodningen känns inte igen: filen innehåller NUL-tecken"
                    + (f" och ser ut att vara {guess} utan BOM (byte order mark)" if guess
                       else ""),
                    "UTF-8 (med eller utan BOM), UTF-16 med BOM eller Windows-1252; spara "
                    "om filen som CSV UTF-8")
    else:
        if (mixed := mixed_encoding(data, filename)) is not None:
            raise mixed
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise _fail(filename, "Teckenkodningen känns inte igen",
                "UTF-8 (med eller utan BOM), UTF-16 med BOM eller Windows-1252")


def _utf16_without_bom(head: bytes) -> str | None:
    """'UTF-16 LE' or 'UTF-16 BE' if every other byte of ``head`` is NUL, else None."""
    n = len(head) // 2 * 2
    even, odd = head[0:n:2], head[1:n:2]
    if n and odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
        return "UTF-16 LE"
    if n and even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "UTF-16 BE"
    return None


def sniff_separator(text: str, known: set[str] | None = None) -> str:
    """The separator of a CSV text, judged from its first lines.

    Among ``;``, tab and ``,``, the one whose split of the first ten lines gives the most names
    in ``known`` (normalised header aliases) wins (the header should be line 1, but a title
    line above it must not hide the separator); ties go to the most fields on line 1, then to
    that order.
    """
    lines = text[:100_000].splitlines()[:10] or [""]
    best, best_key = ";", (-1, -1)
    for sep in (";", "\t", ","):
        rows = list(csv.reader(lines, delimiter=sep))
        hits = sum(1 for fields in rows for f in fields
                   if known and " ".join(f.split()).casefold() in known)
        key = (hits, len(rows[0]) if rows else 0)
        if key > best_key:
            best, best_key = sep, key
    return best


def read_csv(data: bytes, filename: str, known: set[str] | None = None) -> RawTable:
    """Read CSV/TXT bytes: decode, sniff the separator, split records (quotes honoured)."""
    records, sep = csv_records(data, filename, known)
    return _table_from_records(records, filename, sep)


def csv_records(data: bytes, filename: str,
                known: set[str] | None = None) -> tuple[Records, str]:
    """CSV/TXT bytes as records and the sniffed separator.

    The records are columns read by pandas' C reader (:mod:`forecast.io.csv_columns`);
    where it would split the text otherwise than Python's ``csv`` reader, that reader's lists.
    """
    text = decode(data, filename)
    sep = sniff_separator(text, known)
    counts = plain_counts(text, sep)
    if counts is None:
        try:
            counts, wide = quoted_counts(text, sep, MAX_COLUMNS, MAX_ROWS + 1)
        except csv.Error:
            return _python_records(text, sep, filename)  # names the row that cannot be split
    else:
        over = np.flatnonzero(counts > MAX_COLUMNS)
        wide = int(over[0]) + 1 if len(over) else None
    if wide is not None:
        raise _too_wide(filename, int(counts[wide - 1]), wide)
    if len(counts) > MAX_ROWS + 1:  # the header and MAX_ROWS rows below it
        raise _fail(filename, f"Filen har fler än {fmt_int(MAX_ROWS)} rader",
                    f"högst {fmt_int(MAX_ROWS)}")
    records = read_columns(text, sep, counts)
    return (records, sep) if records is not None else _python_records(text, sep, filename)


def _python_records(text: str, sep: str, filename: str) -> tuple[list[list[Any]], str]:
    """The records of ``text`` by Python's strict ``csv`` reader, as lists."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, quotechar='"', strict=True)
    records: list[list[Any]] = []
    try:
        same: dict[str, str] = {}  # one object per distinct cell text: months, units, …
        for rec in reader:
            if len(rec) > MAX_COLUMNS:
                raise _too_wide(filename, len(rec), len(records) + 1)
            records.append([same.setdefault(v, v) for v in rec])
            if len(records) > MAX_ROWS + 1:  # the header and MAX_ROWS rows below it
                raise _fail(filename, f"Filen har fler än {fmt_int(MAX_ROWS)} rader",
                            f"högst {fmt_int(MAX_ROWS)}")
    except csv.Error as exc:
        raise _fail(filename, f"Raden kan inte delas upp i fält ({exc})",
                    'fält åtskilda av avgränsaren; citattecken (") runt fält som innehåller '
                    "avgränsaren, och dubblerade citattecken inuti",
                    row=len(records) + 1) from None
    return records, sep


def _too_wide(filename: str, width: int, row: int) -> ValidationFailed:
    return _fail(filename, f"Raden har för många kolumner: {fmt_int(width)} (gränsen är "
                 f"{MAX_COLUMNS})", f"högst {MAX_COLUMNS} kolumner; huvudboken behöver 5–6",
                 row=row)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and (not v or v.isspace()))


def _row_blank(rec: list[Any]) -> bool:
    for v in rec:
        if not _blank(v):
            return False
    return True


def _table_from_records(records: Records, filename: str, sep: str | None) -> RawTable:
    """Header + data rows from records (row i of the list is spreadsheet row i + 1)."""
    problems: list[Problem] = []
    if not len(records) or _row_blank(records[0]):
        raise _fail(filename, "Rad 1 är tom; rubrikraden ska stå på rad 1",
                    "en rubrikrad med period, enhet, konto, typ och belopp", row=1)
    header = ["" if v is None else str(v).strip() for v in records[0]]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    if isinstance(records, CsvRecords):
        return _table_from_columns(records, header, filename, sep)
    blank = [_row_blank(rec) for rec in records]
    nonblank = [i for i in range(1, len(records)) if not blank[i]]
    last = nonblank[-1] if nonblank else 0
    for i in range(1, last):
        if blank[i]:
            problems.append(Problem(filename, i + 1, None, "Raden är tom",
                                    "inga tomma rader mellan data (tomma rader i slutet går bra)"))
    body = [records[i] for i in nonblank]
    for k, rec in enumerate(body):
        if len(rec) == width:
            continue
        if len(rec) > width:
            if not _row_blank(rec[width:]):
                problems.append(_ragged(filename, nonblank[k] + 1, len(rec), width, sep))
            body[k] = rec[:width]
        else:
            body[k] = [*rec, *([None] * (width - len(rec)))]
    if body:
        cells = pd.DataFrame(body, columns=range(width), dtype=object)
    else:
        cells = pd.DataFrame({j: pd.Series([], dtype=object) for j in range(width)})
    return RawTable(header, cells, np.asarray(nonblank, dtype=np.int64) + 1, problems, sep,
                    preview=[list(r) for r in records[1:11]])


def _ragged(filename: str, row: int, fields: int, width: int, sep: str | None) -> Problem:
    hint = ""
    if sep == ",":
        hint = ("; med ',' som avgränsare måste tal med decimalkomma stå inom "
                'citattecken, t.ex. "-1234,5"')
    return Problem(filename, row, None, f"Raden har {fields} fält men rubrikraden {width}{hint}",
                   "lika många fält som rubrikraden")


def _table_from_columns(records: CsvRecords, header: list[str], filename: str,
                        sep: str | None) -> RawTable:
    """:func:`_table_from_records` of column records: the same table and problems, vectorised."""
    width = len(header)
    blank = records.blank()
    blank[0] = False  # the header (not blank: checked by the caller)
    nonblank = np.flatnonzero(~blank[1:]) + 1
    last = int(nonblank[-1]) if len(nonblank) else 0
    problems = [Problem(filename, int(i) + 1, None, "Raden är tom",
                        "inga tomma rader mellan data (tomma rader i slutet går bra)")
                for i in np.flatnonzero(blank[1:last]) + 1]
    wide = nonblank[records.filled_beyond(width)[nonblank]]
    problems += [_ragged(filename, int(i) + 1, int(records.counts[i]), width, sep)
                 for i in wide]
    problems.sort(key=lambda p: p.row or 0)
    return RawTable(header, records.cells(nonblank, width), nonblank.astype(np.int64) + 1,
                    problems, sep, preview=[list(r) for r in records[1:11]])


# ---------------------------------------------------------------------------------------------
# XLSX


def check_zip(data: bytes, filename: str) -> None:
    """Refuse an XLSX whose zip is broken, holds macros or could be a decompression bomb.

    Limits: at most ``MAX_ZIP_ENTRIES`` entries, ``MAX_ZIP_UNCOMPRESSED`` bytes uncompressed
    in total, and a compression ratio of at most ``MAX_ZIP_RATIO`` (in total and for any entry
    above 1 MB). The declared sizes bound what ``zipfile`` will actually inflate.

    Raises:
        ValidationFailed: If any limit is broken.
    """
    allowed = "en vanlig .xlsx-arbetsbok sparad från Excel eller LibreOffice"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise _fail(filename, "Filen är ingen giltig .xlsx-arbetsbok (kan inte öppnas som zip)",
                    allowed) from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise _fail(filename, f"Arbetsboken innehåller för många delar ({len(infos)})",
                    f"högst {MAX_ZIP_ENTRIES} delar")
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise _fail(filename, f"Arbetsboken är för stor uppackad ({total / 1024 / 1024:.0f} MB)",
                    f"högst {MAX_ZIP_UNCOMPRESSED // (1024 * 1024)} MB uppackat")
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos
                 if i.file_size > 1024 * 1024), default=0.0)
    ratio = total / max(packed, 1)
    if max(worst, ratio if total > 1024 * 1024 else 0.0) > MAX_ZIP_RATIO:
        raise _fail(filename, "Arbetsboken är misstänkt hårt packad (möjlig zip-bomb)",
                    f"en packningsgrad på högst {MAX_ZIP_RATIO}:1")
    macro = next((i.filename for i in infos if i.filename.lower().endswith("vbaproject.bin")
                  or i.filename.lower().startswith(MACRO_PARTS)), None)
    if macro is not None:
        raise _fail(filename, f"Arbetsboken innehåller makron ({macro})",
                    "en .xlsx-arbetsbok utan makron, makroblad (Excel 4.0) eller dialogblad")


def _excel_cell(v: Any) -> Any:
    if isinstance(v, str):
        return v
    if isinstance(v, bool):  # before int: True == 1 would merge with the number 1
        return "SANT" if v else "FALSKT"
    if isinstance(v, dt.time) or (v is not None and not isinstance(
            v, (int, float, dt.datetime, dt.date))):
        return str(v)
    return v


def xlsx_records(data: bytes, filename: str, sheet: str | None = None,
                 known: set[str] | None = None) -> tuple[list[list[Any]], str | None]:
    """The chosen sheet's records (formulas without values marked) and its sheet note.

    Raises:
        ValidationFailed: As :func:`read_xlsx`.
    """
    import openpyxl  # here, not at the top: a CSV import never needs it

    if not openpyxl.DEFUSEDXML:  # pragma: no cover - defusedxml is a dependency
        raise RuntimeError("defusedxml must be installed for safe XLSX parsing")
    check_zip(data, filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            check_width(zf, sheet)
    except SheetError as exc:
        raise _fail(filename, exc.message, exc.allowed, row=exc.row) from None
    records, note = _xlsx_records(data, filename, data_only=True, sheet=sheet, known=known)
    empty_rows = {i + 1 for i, rec in enumerate(records) if any(v is None for v in rec)}
    if empty_rows and _has_formulas(data):
        _mark_formulas(data, filename, records, max(empty_rows), sheet)
    return records, note


def _known_header(known: set[str] | None) -> Callable[[list[Any]], bool]:
    def is_header(row: list[Any]) -> bool:
        if not known:
            return False
        return sum(1 for v in row if isinstance(v, str)
                   and " ".join(v.split()).casefold() in known) >= 3
    return is_header


def _open_sheet(data: bytes, filename: str, data_only: bool, sheet: str | None
                ) -> tuple[Any, Any, SheetChoice]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only,
                                    keep_links=False)
    except Exception as exc:  # any parse failure is the user's file
        raise _fail(filename, f"Arbetsboken kan inte läsas ({type(exc).__name__})",
                    "en vanlig .xlsx-arbetsbok sparad från Excel eller LibreOffice") from None
    try:
        choice = choose_sheet(list(wb.sheetnames), sheet)
    except SheetError as exc:
        wb.close()
        raise _fail(filename, exc.message, exc.allowed) from None
    return wb, wb[choice.name], choice


def _xlsx_records(data: bytes, filename: str, data_only: bool, max_row: int | None = None,
                  sheet: str | None = None, known: set[str] | None = None
                  ) -> tuple[list[list[Any]], str]:
    """The chosen sheet's rows and the note naming it (see :meth:`SheetChoice.note`)."""
    wb, ws, choice = _open_sheet(data, filename, data_only, sheet)
    try:
        if not can_stream(ws):
            raise _fail(filename, f"Bladet '{choice.name}' är inget kalkylblad",
                        "ett kalkylblad med huvudboken")
        records: list[list[Any]] = []
        for row in bounded_rows(ws, max_row=max_row):
            records.append([_excel_cell(v) for v in row] if data_only else row)
            if len(records) > MAX_XLSX_ROWS:
                raise _fail(filename, f"Bladet har fler än {fmt_int(MAX_XLSX_ROWS)} rader",
                            f"högst {fmt_int(MAX_XLSX_ROWS)} rader i en .xlsx-fil; spara "
                            "större huvudböcker som CSV")
        hint = "."
        is_header = _known_header(known)
        if known and choice.others and not (records and is_header(records[0])):
            found = header_sheets(wb, choice.others, is_header)
            if found:
                hint = (f"; bladet '{found[0]}' har huvudbokens rubriker på rad 1: välj det "
                        f"med --blad {found[0]}.")
        return records, choice.note(hint)
    except ValidationFailed:
        raise
    except SheetError as exc:
        raise _fail(filename, exc.message, exc.allowed, row=exc.row) from None
    except Exception as exc:  # any parse failure is the user's file
        raise _fail(filename, f"Bladet kan inte läsas ({type(exc).__name__})",
                    "en vanlig .xlsx-arbetsbok sparad från Excel eller LibreOffice") from None
    finally:
        wb.close()


_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _has_formulas(data: bytes) -> bool:
    """True if any worksheet of the (already size-checked) zip holds a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for info in zf.infolist():
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                if _FORMULA_TAG.search(zf.read(info)):
                    return True
    return False


def _mark_formulas(data: bytes, filename: str, records: list[list[Any]], upto: int,
                   sheet: str | None = None) -> None:
    """Replace empty cached values of formula cells by :data:`FORMULA_NO_VALUE` (in place)."""
    formulas, _ = _xlsx_records(data, filename, data_only=False, max_row=upto, sheet=sheet)
    for i, frow in enumerate(formulas[: len(records)]):
        rec = records[i]
        for j, fv in enumerate(frow):
            is_formula = (isinstance(fv, str) and fv.startswith("=")) or (
                fv is not None and not isinstance(fv, (str, int, float, dt.date, dt.time)))
            if is_formula and (j >= len(rec) or rec[j] is None):
                if j >= len(rec):
                    rec.extend([None] * (j + 1 - len(rec)))
                rec[j] = FORMULA_NO_VALUE


def column_label(j: int, sep: str | None) -> str:
    """How to name the j-th column (0-based) when it has no header: 'F' or 'nr 6'."""
    return column_letter(j + 1) if sep is None else f"nr {j + 1}"
