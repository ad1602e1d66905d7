"""The file form of adjustments: CSV/TXT (``;`` and decimal comma, or ``,``) or XLSX.

Required columns (in any order, any case): ``enhet;konto;från_månad;till_månad;belopp_tkr;
kommentar``. Optional: ``division``, ``kostnadsslag``, ``fördelning`` (prognos, budget,
lika; default prognos), ``låg_tkr`` and ``hög_tkr`` (a range that widens the distribution),
``författare`` (default: the one laying the forecast) and ``tid``. Empty target cells match
every value, so a row with only ``division`` set spreads over that division's series.
Empty months mean the first forecast month and December of the forecast year.

Every problem is reported with file, row and column; nothing is read if one is found.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from forecast.cycle.adjustments import MAX_ADJUSTMENTS, SPREAD_RULES, Adjustment
from forecast.io.parsing import (
    MONTH_ALLOWED,
    NUMBER_ALLOWED,
    ParseError,
    Problem,
    RawTable,
    ValidationFailed,
    has_control,
    ordinal_label,
    parse_month_cell,
    parse_number,
    read_table,
    show,
)
from forecast.store.base import now

MAX_FILE_BYTES = 5 * 1024 * 1024
REQUIRED = ("enhet", "konto", "från_månad", "till_månad", "belopp_tkr", "kommentar")
OPTIONAL = ("division", "kostnadsslag", "fördelning", "låg_tkr", "hög_tkr", "författare", "tid")
FIELDS = {"enhet": "unit", "konto": "account", "division": "division",
          "kostnadsslag": "category", "kommentar": "comment", "fördelning": "rule",
          "författare": "author", "tid": "created"}
ALIASES = {"fran_manad": "från_månad", "från månad": "från_månad", "till månad": "till_månad",
           "till_manad": "till_månad", "belopp": "belopp_tkr", "belopp tkr": "belopp_tkr",
           "lag_tkr": "låg_tkr", "hog_tkr": "hög_tkr", "fordelning": "fördelning",
           "forfattare": "författare"}


def _norm(name: str) -> str:
    n = " ".join(str(name).split()).casefold()
    return ALIASES.get(n, n)


def _header(raw: RawTable, filename: str) -> tuple[dict[str, int], list[Problem]]:
    cols: dict[str, int] = {}
    problems: list[Problem] = []
    allowed = "; ".join((*REQUIRED, *OPTIONAL))
    for j, h in enumerate(raw.header):
        n = _norm(h)
        if n in cols:
            problems.append(Problem(filename, 1, h, "Kolumnen finns två gånger", allowed))
        elif n not in REQUIRED + OPTIONAL:
            problems.append(Problem(filename, 1, h, "Kolumnen känns inte igen", allowed))
        else:
            cols[n] = j
    for r in REQUIRED:
        if r not in cols:
            problems.append(Problem(filename, 1, r, "Kolumnen saknas", "; ".join(REQUIRED)))
    return cols, problems


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    text = str(v).strip()
    if has_control(text):
        raise ParseError(f"Texten '{show(text)}' innehåller styrtecken")
    return text


def _number(v: Any) -> float | None:
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    if not isinstance(v, str):
        raise ParseError(f"Beloppet '{show(v)}' är inte ett tal")
    return parse_number(v)


def _month(v: Any) -> str:
    if v is None or (isinstance(v, str) and not v.strip()):
        return ""
    return ordinal_label(parse_month_cell(v))


def _row(cells: list[Any], cols: dict[str, int], filename: str, rowno: int,
         default_author: str, problems: list[Problem]) -> Adjustment | None:
    values: dict[str, Any] = {}
    ok = True
    parsers = {"från_månad": (_month, "start", MONTH_ALLOWED),
               "till_månad": (_month, "end", MONTH_ALLOWED),
               "belopp_tkr": (_number, "amount_tkr", NUMBER_ALLOWED),
               "låg_tkr": (_number, "low_tkr", NUMBER_ALLOWED),
               "hög_tkr": (_number, "high_tkr", NUMBER_ALLOWED)}
    for name, j in cols.items():
        parse, field, allowed = parsers.get(name, (_text, FIELDS.get(name, ""), "text"))
        try:
            values[field] = parse(cells[j])
        except ParseError as exc:
            problems.append(Problem(filename, rowno, name, str(exc), exc.allowed or allowed))
            ok = False
    if ok and values.get("amount_tkr") is None:
        problems.append(Problem(filename, rowno, "belopp_tkr", "Beloppet saknas", NUMBER_ALLOWED))
        ok = False
    if ok and not values.get("comment"):
        problems.append(Problem(filename, rowno, "kommentar", "Kommentaren (orsaken) saknas",
                                "en text som förklarar justeringen"))
        ok = False
    rule = values.get("rule") or "prognos"
    if ok and rule.casefold() not in SPREAD_RULES:
        problems.append(Problem(filename, rowno, "fördelning", f"Okänd fördelning '{rule}'",
                                ", ".join(SPREAD_RULES)))
        ok = False
    if not ok:
        return None
    values["rule"] = rule.casefold()
    values["author"] = values.get("author") or default_author
    values["created"] = values.get("created") or now()
    return Adjustment(source_row=rowno, **values)


def parse_adjustments(data: bytes, filename: str, *, author: str = "") -> list[Adjustment]:
    """Adjustments from a file's bytes (checked one by one; see :func:`check` for the rest).

    Raises:
        ValidationFailed: with every problem found (file, row, column, what is allowed).
    """
    if len(data) > MAX_FILE_BYTES:
        raise ValidationFailed([Problem(filename, None, None,
                                        f"Filen är för stor ({len(data)} byte)",
                                        f"högst {MAX_FILE_BYTES // 1024 // 1024} MB")])
    raw = read_table(data, filename, known=set(REQUIRED))
    cols, problems = _header(raw, filename)
    problems = [*raw.problems, *problems]
    if len(raw.cells) > MAX_ADJUSTMENTS:
        problems.append(Problem(filename, None, None, f"{len(raw.cells)} justeringar",
                                f"högst {MAX_ADJUSTMENTS}"))
    if problems:
        raise ValidationFailed(problems)
    records = [list(raw.cells.iloc[k]) for k in range(len(raw.cells))]
    out = _records(records, [int(r) for r in raw.rows], cols, filename, author)
    if not out:
        raise ValidationFailed([Problem(filename, None, None, "Filen har inga justeringar",
                                        "en rubrikrad och minst en rad")])
    return out


def _records(records: list[list[Any]], rownos: list[int], cols: dict[str, int], source: str,
             author: str) -> list[Adjustment]:
    problems: list[Problem] = []
    out = []
    for cells, rowno in zip(records, rownos, strict=True):
        adj = _row(cells, cols, source, rowno, author, problems)
        if adj is not None:
            out.append(adj)
    if problems:
        raise ValidationFailed(problems)
    return out


def parse_table(frame: Any, source: str, *, author: str) -> list[Adjustment]:
    """Adjustments from a table with the file's column names (e.g. the app's edit table).

    Rows are numbered from 1; entirely empty rows are skipped.

    Raises:
        ValidationFailed: with every problem (row, column, what is allowed).
    """
    cols = {_norm(c): j for j, c in enumerate(frame.columns)}
    unknown = [c for c in cols if c not in REQUIRED + OPTIONAL]
    if unknown:
        raise ValidationFailed([Problem(source, None, c, "Kolumnen känns inte igen",
                                        "; ".join((*REQUIRED, *OPTIONAL))) for c in unknown])
    records, rownos = [], []
    for k, rec in enumerate(frame.itertuples(index=False), start=1):
        cells = [None if (v is None or (isinstance(v, float) and v != v) or
                          (isinstance(v, str) and not v.strip())) else v for v in rec]
        if any(c is not None for c in cells):
            records.append(cells)
            rownos.append(k)
    if len(records) > MAX_ADJUSTMENTS:
        raise ValidationFailed([Problem(source, None, None, f"{len(records)} justeringar",
                                        f"högst {MAX_ADJUSTMENTS}")])
    return _records(records, rownos, cols, source, author)


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
    if size > MAX_FILE_BYTES:
        raise ValidationFailed([Problem(path.name, None, None, f"Filen är för stor ({size} byte)",
                                        f"högst {MAX_FILE_BYTES // 1024 // 1024} MB")])
    return parse_adjustments(path.read_bytes(), path.name, author=author)
