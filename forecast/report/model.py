"""The report model: sections of tables, charts and sentences, independent of the format.

Every number shown is a cell of a :class:`ReportTable` (already rounded to what is printed).
A sentence (:class:`Paragraph`) is text interleaved with :class:`Ref` objects that point at
table cells; the text of a reference is made from the cell itself, so a number in a sentence
is always the number in its table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

import pandas as pd

from forecast.io.formatting import MISSING, NBSP, fmt_number

_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean_text(text: object) -> str:
    """User or data text made safe for any output: control characters removed, tabs kept.

    Word (XML) cannot hold most control characters; removing them never changes a number.
    """
    return _XML_ILLEGAL.sub("", str(text)).replace("\r\n", "\n").replace("\r", "\n")


MINUS = "\u2212"
WORD_JOINER = "\u2060"
_HYPHEN_MINUS = re.compile(r"(?<![\w\u2212.,])-(?=\d)")


def typeset(text: str, *, joiner: bool = False) -> str:
    """Printed text with each negative number's hyphen-minus as U+2212 MINUS SIGN.

    The minus is bound to its digits: U+2212 before a digit is a line-break prohibition in
    Unicode's line-breaking rules (Typst, LibreOffice); with ``joiner`` a WORD JOINER (U+2060)
    follows as well, for Word. Hyphens inside words and dates (``2023-04``) are kept.
    """
    return _HYPHEN_MINUS.sub(MINUS + WORD_JOINER if joiner else MINUS, text)


@dataclass(frozen=True)
class ReportTable:
    """A table as printed: values rounded to their display unit, Swedish labels.

    Attributes:
        key: identifier used by references (e.g. ``"sammanfattning"``).
        title: heading above the table.
        frame: index = row labels, columns = headings; numbers in the display unit
            (already rounded to ``decimals``) or NaN where there is none.
        row_header: heading of the label column.
        unit: display unit of the amounts, e.g. ``"mkr"``; shown in the header cell.
        decimals: digits after the decimal comma per column (default 0).
        percent_columns: columns holding percent values.
        total_rows: rows printed in bold (sums).
        note: footnote printed below the table.
        text_columns: columns holding text (user words), printed as they are.
        breaks: columns a too-wide table may be split before (its natural groups: the
            period, the previous year, the full year); empty: any column.
        row_labels: the printed label of a row whose key (the frame's index) differs, so a
            label may repeat under different group headings (``Startmånad``).
        group_rows: rows printed as a group heading: the label in bold, no cells.
        headings: the printed heading of a column whose name (the frame's column, which
            references use) is too long for a narrow column (``Ack fg år``).
    """

    key: str
    title: str
    frame: pd.DataFrame
    row_header: str
    unit: str = "mkr"
    decimals: Mapping[str, int] = field(default_factory=dict)
    percent_columns: tuple[str, ...] = ()
    total_rows: tuple[str, ...] = ()
    note: str = ""
    text_columns: tuple[str, ...] = ()
    breaks: tuple[str, ...] = ()
    row_labels: Mapping[str, str] = field(default_factory=dict)
    group_rows: tuple[str, ...] = ()
    headings: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.frame.index.is_unique:
            raise ValueError(f"tabell {self.key!r}: radetiketterna är inte unika")
        if not self.frame.columns.is_unique:
            raise ValueError(f"tabell {self.key!r}: kolumnrubrikerna är inte unika")

    def cell(self, row: str, column: str) -> float:
        """The printed value of one cell (NaN if missing)."""
        return float(self.frame.at[row, column])

    def decimals_of(self, column: str) -> int:
        """Digits after the decimal comma of ``column``."""
        return int(self.decimals.get(column, 0))

    def text(self, row: str, column: str) -> str:
        """One cell as printed (Swedish format; ``–`` where missing; empty in a group row)."""
        if row in self.group_rows:
            return ""
        if column in self.text_columns:
            value = self.frame.at[row, column]
            return clean_text(value) if isinstance(value, str) and value.strip() else MISSING
        return fmt_number(self.cell(row, column), self.decimals_of(column))

    def header(self) -> list[str]:
        """Header cells: the row header with the unit, then the column headings."""
        head = f"{self.row_header}, {self.unit}" if self.unit else self.row_header
        return [head, *(self.headings.get(str(c), str(c)) for c in self.frame.columns)]

    def break_indexes(self) -> tuple[int, ...]:
        """:attr:`breaks` as indexes of the printed row (the label column is 0)."""
        columns = [str(c) for c in self.frame.columns]
        return tuple(columns.index(b) + 1 for b in self.breaks if b in columns)

    def body(self) -> list[list[str]]:
        """Every row as printed: label, then cell texts."""
        return [[clean_text(self.row_labels.get(str(r), r)),
                 *(self.text(r, c) for c in self.frame.columns)] for r in self.frame.index]

    def bold_rows(self) -> list[bool]:
        """Per body row: printed in bold (a total or a group heading)."""
        return [r in self.total_rows or r in self.group_rows for r in self.frame.index]

    def display(self) -> pd.DataFrame:
        """The table as text (for the app), same cells as the documents."""
        body = self.body()
        out = pd.DataFrame([b[1:] for b in body], columns=[str(c) for c in self.frame.columns],
                           index=pd.Index([b[0] for b in body], name=self.row_header))
        return out


@dataclass(frozen=True)
class Ref:
    """A number in a sentence: one cell of a table.

    Attributes:
        table: key of the table.
        row: row label.
        column: column heading.
        absolute: print the magnitude (for "143 mkr sämre än budget").
        scale: factor applied to the cell before printing (``0.001`` shows tkr as mkr).
        decimals: digits after the decimal comma (default: the table's for that column).
        suffix: unit text after the number (``" mkr"``, ``" %"``).
    """

    table: str
    row: str
    column: str
    absolute: bool = False
    scale: float = 1.0
    decimals: int | None = None
    suffix: str = f"{NBSP}mkr"

    def value(self, tables: Mapping[str, ReportTable]) -> float:
        """The number this reference prints (after scale and sign)."""
        t = tables[self.table]
        v = t.cell(self.row, self.column) * self.scale
        return abs(v) if self.absolute else v

    def render(self, tables: Mapping[str, ReportTable]) -> str:
        """The reference as printed text."""
        t = tables[self.table]
        dec = t.decimals_of(self.column) if self.decimals is None else self.decimals
        v = self.value(tables)
        if math.isnan(v):
            return MISSING
        return f"{fmt_number(v, dec)}{self.suffix}"


@dataclass(frozen=True)
class UserText:
    """Text written by a user (a comment, a scenario name), printed as plain text.

    Attributes:
        text: the user's words (control characters are removed when printed).
        author: who wrote it (shown in parentheses when given).
        quoted: print within «».
    """

    text: str
    author: str = ""
    quoted: bool = False

    def render(self) -> str:
        """The user text as printed."""
        body = clean_text(self.text).strip()
        body = f"«{body}»" if self.quoted else body
        author = clean_text(self.author).strip()
        return f"{body} ({author})" if author else body


@dataclass(frozen=True)
class Paragraph:
    """A sentence or a few: fixed text, cell references and user text, in order."""

    parts: tuple[str | Ref | UserText, ...]

    def refs(self) -> list[Ref]:
        """The cell references of the paragraph."""
        return [p for p in self.parts if isinstance(p, Ref)]

    def render(self, tables: Mapping[str, ReportTable]) -> str:
        """The paragraph as printed."""
        out = []
        for p in self.parts:
            if isinstance(p, Ref):
                out.append(p.render(tables))
            elif isinstance(p, UserText):
                out.append(p.render())
            else:
                out.append(clean_text(p))
        return "".join(out)


@dataclass(frozen=True)
class Chart:
    """Data of one chart; drawn by :mod:`forecast.report.charts`.

    Attributes:
        key: identifier (also the image's file name).
        kind: ``"fan"`` (outcome vs budget with the forecast fan), ``"share"`` (agency share
            R12 against its target) or ``"bridge"`` (a waterfall).
        title: heading of the chart.
        data: the chart's values (columns depend on ``kind``; amounts in mkr).
        caption: text below the chart.
        params: extra values (e.g. the target line), by name.
    """

    key: str
    kind: str
    title: str
    data: pd.DataFrame
    caption: str = ""
    params: Mapping[str, float] = field(default_factory=dict)


Block = Paragraph | ReportTable | Chart


@dataclass(frozen=True)
class Section:
    """One heading and its blocks, in order."""

    heading: str
    blocks: tuple[Block, ...]
    level: int = 1
    boxed: bool = False
    """Printed in a shaded box (the summary that opens the report)."""


@dataclass(frozen=True)
class Report:
    """The economic section of a committee report, ready for any renderer."""

    title: str
    subtitle: str
    as_of: pd.Period
    created: datetime
    sections: tuple[Section, ...]
    provenance: tuple[tuple[str, str], ...]
    footer: str
    region: str = ""
    """The region's name (printed above the title; empty: not printed)."""
    appendix: tuple[Block, ...] = ()
    """Printed in the appendix after the provenance table: the method in words and the
    scenario's assumptions as a table (name, value, range, source)."""

    def tables(self) -> dict[str, ReportTable]:
        """Every table by key (keys are unique across the report)."""
        out: dict[str, ReportTable] = {}
        for b in self.blocks():
            if isinstance(b, ReportTable):
                if b.key in out:
                    raise ValueError(f"tabellnyckeln {b.key!r} förekommer två gånger")
                out[b.key] = b
        return out

    def blocks(self) -> Iterator[Block]:
        """Every block of every section, in order."""
        for s in self.sections:
            yield from s.blocks

    def charts(self) -> list[Chart]:
        """Every chart, in order."""
        return [b for b in self.blocks() if isinstance(b, Chart)]

    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph, in order."""
        return [b for b in self.blocks() if isinstance(b, Paragraph)]

    def text_of(self, paragraph: Paragraph) -> str:
        """A paragraph of this report as printed."""
        return paragraph.render(self.tables())
