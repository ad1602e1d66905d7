"""The one table export: Excel workbook or tidy CSV, used by every command and the UI.

A caller builds a list of :class:`ExportTable` (a frame with Swedish headings, amounts in tkr)
and one :class:`ExportMetadata`, then calls :func:`tables_to_xlsx_bytes`,
:func:`tables_to_csv_bytes`, :func:`table_to_csv_bytes`, :func:`tables_to_csv_zip_bytes` or
:func:`write_tables`.

CSV comes in two forms (:data:`CSV_FORMS`): ``tabell`` (the default) is each table as it looks
in the workbook – title, unit line, the heading row, one line per row, the note – followed by
the metadata, one file per table (several files or one zip); ``lang`` is the tidy long form,
one line per cell (``tabell;rad;kolumn;värde``), all tables in one file.

Safety (OWASP CSV/formula injection): every text cell (row labels, headings, text values,
metadata) passes through :func:`neutralise`; numbers are written as numeric cells and never
as text. The workbook is written with ``strings_to_formulas`` and ``strings_to_urls`` off, so
no cell is ever a formula or hyperlink. CSV text has control characters replaced by spaces
(Python 3.11.7's csv writer leaves a bare CR unquoted), so every file parses back.

Amounts (``amount_columns``) are tkr in the frame; ``unit="mkr"`` divides them by 1 000.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TypeGuard

import pandas as pd
import xlsxwriter

from forecast.io.formats import ALLOWED_SUFFIXES, CSV_FORMS
from forecast.io.formatting import fmt_timestamp

Unit = Literal["mkr", "tkr"]
Dialect = Literal["sv", "intl"]
CsvForm = Literal["tabell", "lang"]

METADATA_SHEET = "metadata"
CSV_COLUMNS = ("tabell", "rad", "kolumn", "värde")

_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r", "\n",
                    # full-width and small-form twins, which spreadsheet programs may map to
                    # the ASCII signs (issue 13)
                    "\uff1d", "\uff0b", "\uff0d", "\uff20", "\ufe66", "\ufe62", "\ufe63",
                    "\ufe6b")
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

XLSX_FORMATS = {"mkr": "#,##0.0", "tkr": "#,##0"}
PERCENT_FORMAT = '0.0" %"'
CSV_DECIMALS = {"mkr": 3, "tkr": 1}
_OTHER_DECIMALS = 3


@dataclass(frozen=True)
class ExportTable:
    """One table to export.

    Attributes:
        name: id, ≤ 31 characters, Excel-sheet-safe; the sheet name and the CSV ``table`` value.
        title: Swedish heading shown above the table in Excel.
        frame: index = row labels (its name is the row header, e.g. "Kostnadsslag"); columns
            = Swedish column headings; values numbers or text.
        amount_columns: numeric columns in tkr, scaled to mkr when ``unit="mkr"``.
        percent_columns: numeric columns holding percent values (14.1 means 14,1 %).
        note: optional footnote shown below the table in Excel.
    """

    name: str
    title: str
    frame: pd.DataFrame
    amount_columns: tuple[str, ...] = ()
    percent_columns: tuple[str, ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if not self.name or len(self.name) > 31 or _SHEET_FORBIDDEN.search(self.name) \
                or self.name.startswith("'") or self.name.endswith("'"):
            raise ValueError(
                f"tabellnamnet {self.name!r} duger inte som bladnamn: 1–31 tecken, "
                "inga []:*?/\\ och ingen apostrof först eller sist"
            )
        if self.name.casefold() == METADATA_SHEET:
            raise ValueError(f"tabellnamnet {METADATA_SHEET!r} är reserverat")
        cols = [str(c) for c in self.frame.columns]
        unknown = [c for c in (*self.amount_columns, *self.percent_columns) if c not in cols]
        if unknown:
            raise ValueError(f"tabell {self.name!r}: okända kolumner {unknown}")
        both = set(self.amount_columns) & set(self.percent_columns)
        if both:
            raise ValueError(f"tabell {self.name!r}: {sorted(both)} både belopp och procent")


@dataclass(frozen=True)
class ExportMetadata:
    """Provenance written with every export (sheet ``metadata`` / CSV ``table=metadata``)."""

    as_of: str
    input_hash: str
    source: str
    method: str
    program_version: str
    created: datetime
    parameters: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.created.tzinfo is None or self.created.utcoffset() is None:
            raise ValueError("ExportMetadata.created måste ha tidszon")

    def rows(self) -> list[tuple[str, str]]:
        """Label/value pairs in Swedish, fixed rows first, then the parameters in order."""
        out = [
            ("Per månad", self.as_of),
            ("Indata-hash", self.input_hash),
            ("Källa", self.source),
            ("Metod", self.method),
            ("Programversion", self.program_version),
            ("Skapad", fmt_timestamp(self.created)),
        ]
        out.extend((str(k), str(v)) for k, v in self.parameters.items())
        return out


def neutralise(text: str) -> str:
    """Make user text safe in a spreadsheet cell (OWASP CSV injection).

    Text beginning with ``= + - @`` (or their full-width ``＝ ＋ － ＠`` and small-form
    twins), tab, CR or LF gets a leading apostrophe. Numbers are
    never passed through this function; they are written as numbers.
    """
    text = str(text)
    if text.startswith(_DANGEROUS_START):
        return "'" + text
    return text


def _xl_text(v: object) -> str:
    """Neutralised text for a workbook cell, line breaks normalised to LF."""
    return neutralise(str(v)).replace("\r\n", "\n").replace("\r", "\n")


def _is_number(v: object) -> TypeGuard[numbers.Real]:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _is_missing(v: object) -> bool:
    if v is None:
        return True
    if _is_number(v):
        return math.isnan(float(v))
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _check_unique(tables: Sequence[ExportTable]) -> None:
    seen: set[str] = set()
    for t in tables:
        key = t.name.casefold()
        if key in seen:
            raise ValueError(f"tabellnamnet {t.name!r} förekommer två gånger")
        seen.add(key)


def _check_unit(unit: str) -> None:
    if unit not in XLSX_FORMATS:
        raise ValueError(f"okänd enhet {unit!r}; tillåtna: mkr, tkr")


def _scaled(table: ExportTable, unit: Unit) -> pd.DataFrame:
    """The frame with amount columns in ``unit`` (object dtype, column labels as str)."""
    frame = table.frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    if unit == "mkr":
        for c in table.amount_columns:
            frame[c] = frame[c].map(lambda v: v / 1000.0 if _is_number(v) else v)
    return frame


def _meta_rows(meta: ExportMetadata, unit: Unit) -> list[tuple[str, str]]:
    return [*meta.rows(), ("Enhet", unit)]


# --------------------------------------------------------------------------- xlsx


def tables_to_xlsx_bytes(tables: Sequence[ExportTable], meta: ExportMetadata, *,
                         unit: Unit = "mkr") -> bytes:
    """An Excel workbook: one sheet per table plus a ``metadata`` sheet.

    Each table sheet has the title (row 1), the unit line (row 2), bold headings (row 3,
    frozen together with the label column), then the rows; the note below. Amounts are numeric
    cells formatted ``#,##0.0`` (mkr) or ``#,##0`` (tkr), percent values ``0.0" %"``.

    Raises:
        ValueError: on an unknown unit or duplicate table names.
    """
    _check_unit(unit)
    _check_unique(tables)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_urls": False, "strings_to_numbers": False})
    created = meta.created.astimezone(UTC).replace(tzinfo=None)
    wb.set_properties({"created": created, "title": "budgetprognos",
                       "comments": f"budgetprognos {meta.program_version}"})
    fmt_title = wb.add_format({"bold": True, "font_size": 13})
    fmt_head = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "bottom"})
    fmt_head_num = wb.add_format({"bold": True, "bottom": 1, "text_wrap": True,
                                  "align": "right", "valign": "bottom"})
    fmt_amount = wb.add_format({"num_format": XLSX_FORMATS[unit]})
    fmt_pct = wb.add_format({"num_format": PERCENT_FORMAT})
    fmt_int = wb.add_format({"num_format": "#,##0"})
    fmt_dec = wb.add_format({"num_format": "#,##0.0"})
    fmt_italic = wb.add_format({"italic": True})
    fmt_label = wb.add_format({})

    for table in tables:
        _write_sheet(wb, table, unit, fmt_title=fmt_title, fmt_head=fmt_head,
                     fmt_head_num=fmt_head_num, fmt_amount=fmt_amount, fmt_pct=fmt_pct,
                     fmt_int=fmt_int, fmt_dec=fmt_dec, fmt_italic=fmt_italic,
                     fmt_label=fmt_label)

    ws = wb.add_worksheet(METADATA_SHEET)
    ws.write_string(0, 0, "Uppgift", fmt_head)
    ws.write_string(0, 1, "Värde", fmt_head)
    rows = _meta_rows(meta, unit)
    for i, (label, value) in enumerate(rows, start=1):
        ws.write_string(i, 0, _xl_text(label))
        ws.write_string(i, 1, _xl_text(value))
    ws.set_column(0, 0, max(12, *(len(r[0]) for r in rows)) + 2)
    ws.set_column(1, 1, min(80, max(12, *(len(r[1]) for r in rows)) + 2))
    ws.freeze_panes(1, 0)
    wb.close()
    return buf.getvalue()


def _write_sheet(wb: xlsxwriter.Workbook, table: ExportTable, unit: Unit, **fmt: object) -> None:
    frame = _scaled(table, unit)
    ws = wb.add_worksheet(table.name)
    ws.write_string(0, 0, _xl_text(table.title), fmt["fmt_title"])
    if table.amount_columns:
        ws.write_string(1, 0, f"Belopp i {unit}", fmt["fmt_italic"])
    head_row, first = 2, 3
    header = str(table.frame.index.name or "")
    ws.write_string(head_row, 0, _xl_text(header), fmt["fmt_head"])
    widths = [max(len(header), 10)]
    col_formats = []
    for j, col in enumerate(frame.columns, start=1):
        values = frame[col].tolist()
        nums = [v for v in values if _is_number(v) and not _is_missing(v)]
        if col in table.amount_columns:
            cf = fmt["fmt_amount"]
        elif col in table.percent_columns:
            cf = fmt["fmt_pct"]
        elif nums and all(float(v).is_integer() for v in nums):
            cf = fmt["fmt_int"]
        else:
            cf = fmt["fmt_dec"]
        col_formats.append(cf)
        numeric = bool(nums) and len(nums) >= len(values) / 2
        ws.write_string(head_row, j, _xl_text(col),
                        fmt["fmt_head_num"] if numeric else fmt["fmt_head"])
        longest = max([len(_display_guess(v)) for v in values] or [0])
        widths.append(max(10, min(14, len(col) + 2), longest + 2))
    for i, (label, row) in enumerate(zip(frame.index, frame.itertuples(index=False),
                                         strict=True)):
        r = first + i
        text = _xl_text("" if _is_missing(label) else str(label))
        ws.write_string(r, 0, text, fmt["fmt_label"])
        widths[0] = max(widths[0], len(text))
        for j, v in enumerate(row, start=1):
            if _is_missing(v):
                ws.write_blank(r, j, None, col_formats[j - 1])
            elif _is_number(v):
                ws.write_number(r, j, float(v), col_formats[j - 1])
            else:
                ws.write_string(r, j, _xl_text(str(v)))
    if table.note:
        ws.write_string(first + len(frame) + 1, 0, _xl_text(table.note), fmt["fmt_italic"])
    ws.set_column(0, 0, min(widths[0] + 2, 60))
    for j, w in enumerate(widths[1:], start=1):
        ws.set_column(j, j, min(w, 40))
    ws.freeze_panes(first, 1)


def _display_guess(v: object) -> str:
    if _is_missing(v):
        return ""
    if _is_number(v):
        return f"{float(v):,.1f}"
    return str(v)


# --------------------------------------------------------------------------- csv


def _csv_text(v: object) -> str:
    """Neutralised text with control characters replaced by spaces."""
    return _CONTROL.sub(" ", neutralise(str(v)))


def _csv_number(v: float, decimals: int, dialect: Dialect) -> str:
    if math.isinf(v):
        text = "inf" if v > 0 else "-inf"
    else:
        text = f"{round(v, decimals):.{decimals}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
    return text.replace(".", ",") if dialect == "sv" else text


def _csv_cells(table: ExportTable, unit: Unit, dialect: Dialect) -> pd.DataFrame:
    """The table's cells as CSV text: numbers rounded per column kind, text neutralised."""
    frame = _scaled(table, unit)
    for col in frame.columns:
        if col in table.amount_columns:
            dec = CSV_DECIMALS[unit]
        elif col in table.percent_columns:
            dec = 2
        else:
            dec = _OTHER_DECIMALS
        frame[col] = frame[col].map(
            lambda v, d=dec: "" if _is_missing(v) else (
                _csv_number(float(v), d, dialect) if _is_number(v) else _csv_text(v)))
    return frame


def _check_dialect(dialect: str) -> None:
    if dialect not in ("sv", "intl"):
        raise ValueError(f"okänd CSV-dialekt {dialect!r}; tillåtna: sv, intl")


def _csv_writer(sio: io.StringIO, dialect: Dialect) -> Any:
    return csv.writer(sio, delimiter=";" if dialect == "sv" else ",", lineterminator="\r\n",
                      quoting=csv.QUOTE_MINIMAL)


def _csv_encode(text: str, dialect: Dialect) -> bytes:
    return text.encode("utf-8-sig") if dialect == "sv" else text.encode("utf-8")


def _write_table_block(w: Any, table: ExportTable, unit: Unit, dialect: Dialect) -> None:
    """Title, unit line, heading row, the rows and the note, as on the table's sheet."""
    frame = _csv_cells(table, unit, dialect)
    w.writerow([_csv_text(table.title)])
    if table.amount_columns:
        w.writerow([f"Belopp i {unit}"])
    w.writerow([_csv_text(table.frame.index.name or ""), *(_csv_text(c) for c in frame.columns)])
    for label, row in zip(frame.index, frame.itertuples(index=False), strict=True):
        w.writerow(["" if _is_missing(label) else _csv_text(label), *row])
    if table.note:
        w.writerow([_csv_text(table.note)])


def _write_meta_block(w: Any, meta: ExportMetadata, unit: Unit) -> None:
    w.writerow(["Uppgift", "Värde"])
    for label, value in _meta_rows(meta, unit):
        w.writerow([_csv_text(label), _csv_text(value)])


def table_to_csv_bytes(table: ExportTable, meta: ExportMetadata, *, unit: Unit = "mkr",
                       dialect: Dialect = "sv") -> bytes:
    """One table as it looks in the workbook, then a blank line and the metadata.

    Amounts are numbers (decimal comma in ``sv``), rounded as in :func:`tables_to_csv_bytes`;
    text is neutralised against formula injection.

    Raises:
        ValueError: on an unknown unit or dialect.
    """
    _check_unit(unit)
    _check_dialect(dialect)
    sio = io.StringIO(newline="")
    w = _csv_writer(sio, dialect)
    _write_table_block(w, table, unit, dialect)
    w.writerow([])
    _write_meta_block(w, meta, unit)
    return _csv_encode(sio.getvalue(), dialect)


def metadata_to_csv_bytes(meta: ExportMetadata, *, unit: Unit = "mkr",
                          dialect: Dialect = "sv") -> bytes:
    """The metadata alone, as on the workbook's ``metadata`` sheet."""
    _check_unit(unit)
    _check_dialect(dialect)
    sio = io.StringIO(newline="")
    _write_meta_block(_csv_writer(sio, dialect), meta, unit)
    return _csv_encode(sio.getvalue(), dialect)


def csv_file_name(table_name: str, stem: str = "") -> str:
    """A table's CSV file name: ``<stem>_<name>.csv`` with spaces as underscores."""
    safe = re.sub(r"[\s,;]+", "_", table_name.strip())
    return f"{stem}_{safe}.csv" if stem else f"{safe}.csv"


ZIP_FIXED_TIME = (2000, 1, 1, 0, 0, 0)


def tables_to_csv_zip_bytes(tables: Sequence[ExportTable], meta: ExportMetadata, *,
                            unit: Unit = "mkr", dialect: Dialect = "sv") -> bytes:
    """A zip holding one CSV per table (:func:`table_to_csv_bytes`) and ``metadata.csv``.

    Raises:
        ValueError: on an unknown unit or dialect, or duplicate table names.
    """
    _check_unique(tables)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for t in tables:
            info = zipfile.ZipInfo(csv_file_name(t.name), date_time=ZIP_FIXED_TIME)
            z.writestr(info, table_to_csv_bytes(t, meta, unit=unit, dialect=dialect),
                       compress_type=zipfile.ZIP_DEFLATED)
        info = zipfile.ZipInfo(f"{METADATA_SHEET}.csv", date_time=ZIP_FIXED_TIME)
        z.writestr(info, metadata_to_csv_bytes(meta, unit=unit, dialect=dialect),
                   compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def tables_to_csv_bytes(tables: Sequence[ExportTable], meta: ExportMetadata, *,
                        unit: Unit = "mkr", dialect: Dialect = "sv") -> bytes:
    """The long CSV form: columns ``tabell;rad;kolumn;värde``, one line per cell.

    Metadata come first as lines with ``tabell=metadata``, ``rad`` = label, ``kolumn`` =
    ``värde`` (including ``Enhet`` = mkr/tkr). Amounts are rounded to 3 decimals in mkr and 1
    in tkr, other numbers to 3; missing values are empty.

    Args:
        tables: the tables.
        meta: provenance.
        unit: ``mkr`` or ``tkr``.
        dialect: ``sv`` = ``;`` separator, decimal comma, UTF-8 with BOM, CRLF line ends (what
            Swedish Excel opens directly); ``intl`` = ``,`` and ``.``, UTF-8 without BOM, CRLF.

    Raises:
        ValueError: on an unknown unit or dialect, or duplicate table names.
    """
    _check_unit(unit)
    _check_unique(tables)
    _check_dialect(dialect)
    sio = io.StringIO(newline="")
    w = _csv_writer(sio, dialect)
    w.writerow(CSV_COLUMNS)
    for label, value in _meta_rows(meta, unit):
        w.writerow((METADATA_SHEET, _csv_text(label), "värde", _csv_text(value)))
    for table in tables:
        frame = _csv_cells(table, unit, dialect)
        name = _csv_text(table.name)
        heads = [_csv_text(c) for c in frame.columns]
        for label, row in zip(frame.index, frame.itertuples(index=False), strict=True):
            row_label = "" if _is_missing(label) else _csv_text(label)
            for head, v in zip(heads, row, strict=True):
                w.writerow((name, row_label, head, v))
    return _csv_encode(sio.getvalue(), dialect)


def write_tables(tables: Sequence[ExportTable], meta: ExportMetadata, out: Path, *,
                 unit: Unit = "mkr", dialect: Dialect = "sv", form: CsvForm = "tabell"
                 ) -> list[Path]:
    """Write the tables to ``out``, format by suffix; returns the files written.

    - ``.xlsx``: the workbook;
    - ``.zip``: one CSV per table as in the workbook, and ``metadata.csv``;
    - ``.csv`` with ``form="tabell"``: one table → ``out``; several → one file per table
      beside it, ``<stem>_<table>.csv`` (each with the metadata below the table);
    - ``.csv`` with ``form="lang"``: every table in ``out``, one line per cell.

    Raises:
        ValueError: if the suffix is not one of :data:`ALLOWED_SUFFIXES` or the form unknown.
    """
    out = Path(out)
    suffix = out.suffix.lower()
    if form not in CSV_FORMS:
        raise ValueError(f"okänd CSV-form {form!r}; tillåtna: {', '.join(CSV_FORMS)}")
    if suffix == ".xlsx":
        out.write_bytes(tables_to_xlsx_bytes(tables, meta, unit=unit))
    elif suffix == ".zip":
        out.write_bytes(tables_to_csv_zip_bytes(tables, meta, unit=unit, dialect=dialect))
    elif suffix == ".csv" and form == "lang":
        out.write_bytes(tables_to_csv_bytes(tables, meta, unit=unit, dialect=dialect))
    elif suffix == ".csv" and len(tables) == 1:
        out.write_bytes(table_to_csv_bytes(tables[0], meta, unit=unit, dialect=dialect))
    elif suffix == ".csv":
        _check_unique(tables)
        files = [out.with_name(csv_file_name(t.name, out.stem)) for t in tables]
        for t, f in zip(tables, files, strict=True):
            f.write_bytes(table_to_csv_bytes(t, meta, unit=unit, dialect=dialect))
        return files
    else:
        raise ValueError(
            f"okänt filformat {out.suffix or '(inget)'!r} för {out.name}; "
            f"tillåtna: {', '.join(ALLOWED_SUFFIXES)}"
        )
    return [out]
