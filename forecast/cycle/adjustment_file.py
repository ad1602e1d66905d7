"""The file form of adjustments: CSV/TXT (``;`` and decimal comma, or ``,``) or XLSX.

Required columns (in any order, any case): ``enhet;konto;från_månad;till_månad;belopp_tkr;
kommentar``. Optional: ``division``, ``kostnadsslag``, ``fördelning`` (prognos, budget,
lika; default prognos), ``låg_tkr`` and ``hög_tkr`` (a range that widens the distribution),
``författare`` (default: the one laying the forecast) and ``tid``. Empty target cells match
every value, so a row with only ``division`` set spreads over that division's series.
Empty months mean the first forecast month and December of the forecast year.

The header and cells are read by the shared side-file mechanism
(:mod:`forecast.io.small_tables`), as every other side file of a dataset. Every problem is
reported with file, row and column; nothing is read if one is found.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

from forecast.cycle.adjustments import MAX_ADJUSTMENTS, SPREAD_RULES, Adjustment
from forecast.io.parsing import (
    MONTH_ALLOWED,
    NUMBER_ALLOWED,
    ParseError,
    Problem,
    ValidationFailed,
    ordinal_label,
    parse_month_cell,
    parse_number,
    show,
)
from forecast.io.small_tables import Column, SideTable, read_frame_table, read_side_table
from forecast.store.base import now

MAX_ADJUSTMENT_FILE_BYTES = 5 * 1024 * 1024
WHAT: Final = "justeringsfilen"
TABLE_WHAT: Final = "tabellen med justeringar"


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _number(v: Any) -> float:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if not isinstance(v, str):
        raise ParseError(f"Beloppet '{show(v)}' är inte ett tal")
    return parse_number(v)


def _month(v: Any) -> str:
    return ordinal_label(parse_month_cell(v))


def _rule(v: Any) -> str:
    rule = _text(v)
    if rule.casefold() not in SPREAD_RULES:
        raise ParseError(f"Okänd fördelning '{show(rule)}'", ", ".join(SPREAD_RULES))
    return rule.casefold()


def _col(field: str, aliases: tuple[str, ...], parse: Callable[[Any], Any] = _text,
         allowed: str = "text", *, required: bool = False) -> Column:
    """A column of the file; required columns must be present, their cells may be empty."""
    return Column(field, aliases, parse, allowed, required=required, empty_cells=True)


COLUMNS: Final = (
    _col("unit", ("enhet",), required=True),
    _col("account", ("konto",), required=True),
    _col("start", ("från_månad", "fran_manad", "från månad"), _month, MONTH_ALLOWED,
         required=True),
    _col("end", ("till_månad", "till_manad", "till månad"), _month, MONTH_ALLOWED,
         required=True),
    _col("amount_tkr", ("belopp_tkr", "belopp", "belopp tkr"), _number, NUMBER_ALLOWED,
         required=True),
    _col("comment", ("kommentar",), required=True),
    _col("division", ("division",)),
    _col("category", ("kostnadsslag",)),
    _col("rule", ("fördelning", "fordelning"), _rule, ", ".join(SPREAD_RULES)),
    _col("low_tkr", ("låg_tkr", "lag_tkr"), _number, NUMBER_ALLOWED),
    _col("high_tkr", ("hög_tkr", "hog_tkr"), _number, NUMBER_ALLOWED),
    _col("author", ("författare", "forfattare")),
    _col("created", ("tid",)),
)
REQUIRED = tuple(c.aliases[0] for c in COLUMNS if c.required)
OPTIONAL = tuple(c.aliases[0] for c in COLUMNS if not c.required)


def _adjustments(t: SideTable, default_author: str) -> list[Adjustment]:
    """The adjustments of a parsed table, after the rules of a whole row.

    Raises:
        ValidationFailed: With every problem of the table (file, row, column, what is allowed).
    """
    if len(t.rows) > MAX_ADJUSTMENTS:
        t.out.add(None, None, f"{len(t.rows)} justeringar", f"högst {MAX_ADJUSTMENTS}")
    for f, message, allowed in (
            ("amount_tkr", "Beloppet saknas", NUMBER_ALLOWED),
            ("comment", "Kommentaren (orsaken) saknas", "en text som förklarar justeringen")):
        if f in t.parsed:
            for r in t.rows[t.parsed[f].ok & t.parsed[f].empty]:
                t.out.add(int(r), t.headers[f], message, allowed, check=f)
    t.out.raise_if_any()
    out = []
    for i, rowno in enumerate(t.rows):
        values = {f: p.values[i] for f, p in t.parsed.items() if p.values[i] is not None}
        values["rule"] = values.get("rule") or "prognos"
        values["author"] = values.get("author") or default_author
        values["created"] = values.get("created") or now()
        out.append(Adjustment(source_row=int(rowno), **values))
    return out


def parse_adjustments(data: bytes, filename: str, *, author: str = "") -> list[Adjustment]:
    """Adjustments from a file's bytes (checked one by one; see :func:`check` for the rest).

    Raises:
        ValidationFailed: with every problem found (file, row, column, what is allowed).
    """
    if len(data) > MAX_ADJUSTMENT_FILE_BYTES:
        raise ValidationFailed([Problem(filename, None, None,
                                        f"Filen är för stor ({len(data)} byte)",
                                        f"högst {MAX_ADJUSTMENT_FILE_BYTES // 1024 // 1024} MB")])
    return _adjustments(read_side_table(data, filename, COLUMNS, what=WHAT), author)


def parse_table(frame: Any, source: str, *, author: str) -> list[Adjustment]:
    """Adjustments from a table with the file's column names (e.g. the app's edit table).

    Rows are numbered from 1; entirely empty rows are skipped.

    Raises:
        ValidationFailed: with every problem (row, column, what is allowed).
    """
    return _adjustments(read_frame_table(frame, source, COLUMNS, what=TABLE_WHAT), author)


AMOUNT_DECIMALS = 3
"""Decimals an amount keeps in the edit table (tkr: down to whole kronor), so a saved set
read back into the table and saved again is the same set."""


def show_amount(value: float) -> str:
    """An amount in tkr as the edit table shows it: Swedish, no superfluous zeros.

    ``-2500.5`` → ``"-2 500,5"``; ``-12000.0`` → ``"-12 000"`` (plain spaces as thousands
    separators, decimal comma); :func:`parse_number` reads every such text back exactly.
    """
    from forecast.io.formatting import fmt_number

    text = fmt_number(value, AMOUNT_DECIMALS).replace("\u00a0", " ")
    if "," in text:
        text = text.rstrip("0").rstrip(",")
    return "0" if text in ("-0", "") else text


def to_table(adjustments: list[Adjustment]) -> Any:
    """The adjustments as a table with the file's columns (text cells, Swedish numbers)."""
    import pandas as pd

    def num(v: float | None) -> str:
        return "" if v is None else show_amount(v)

    rows = [{"enhet": a.unit, "konto": a.account, "division": a.division,
             "kostnadsslag": a.category, "från_månad": a.start, "till_månad": a.end,
             "belopp_tkr": num(a.amount_tkr), "låg_tkr": num(a.low_tkr),
             "hög_tkr": num(a.high_tkr), "fördelning": a.rule, "kommentar": a.comment,
             "författare": a.author} for a in adjustments if a.kind == "justering"]
    cols = ["enhet", "konto", "division", "kostnadsslag", "från_månad", "till_månad",
            "belopp_tkr", "låg_tkr", "hög_tkr", "fördelning", "kommentar", "författare"]
    return pd.DataFrame(rows, columns=cols).astype(str)


def read_adjustments(path: Path, *, author: str = "") -> list[Adjustment]:
    """:func:`parse_adjustments` of a file on disk (size checked before reading)."""
    path = Path(path)
    size = path.stat().st_size
    if size > MAX_ADJUSTMENT_FILE_BYTES:
        raise ValidationFailed([Problem(path.name, None, None, f"Filen är för stor ({size} byte)",
                                        f"högst {MAX_ADJUSTMENT_FILE_BYTES // 1024 // 1024} MB")])
    return parse_adjustments(path.read_bytes(), path.name, author=author)
