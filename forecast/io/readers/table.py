"""Ledger tables (CSV/TXT/XLSX) in the shapes the finance systems export.

Raindance, Unit4/Agresso and Visma exports put a report title and blank lines above the
header, code each row by Ansvar (unit), Konto (number) with Kontotext and further dimensions
(Verksamhet, Motpart, …), give amounts in kronor, and often outcome and budget as two columns.
This reader finds the header (the title rows are reported), maps the column aliases below and
returns a :class:`~forecast.io.readers.base.LedgerRead`.

==============  ============================================================================
field           header names (any case)
==============  ============================================================================
period          period, månad (or ``år`` + ``månad`` as two columns)
unit            enhet, ansvar, kostnadsställe, kst, resultatenhet, unit
unit name       enhetsnamn, ansvarstext, kostnadsställetext, kst-text
account         konto, kontonummer, kontonr, kostnadsslag, account
account text    kontotext, kontonamn, kontobenämning
kind            typ, kind (with one amount column)
amount          belopp, belopp kr, belopp tkr, amount_tkr — or ``utfall`` and/or ``budget``
                (optionally with ``kr``/``tkr``) as amount columns of their own
division        division, område (optional)
coding          verksamhet, motpart, projekt, aktivitet, objekt, fri (and their ``…text``):
                rows differing only there are summed
==============  ============================================================================
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Final

import numpy as np
import pandas as pd

from forecast.io.collect import (
    Collector,
    Parsed,
    norm_header,
    parse_column,
    parse_kind,
    parse_text,
    parse_unit_id,
)
from forecast.io.formatting import fmt_number
from forecast.io.parsing import (
    MONTH_ALLOWED,
    ParseError,
    RawTable,
    ValidationFailed,
    column_label,
    parse_month_cell,
    read_records,
    show,
    table_from_records,
)
from forecast.io.readers import base as B
from forecast.io.xlsx_sheets import named_for
from forecast.ledger import schema as S

YEAR: Final = "year"
MONTH: Final = "month"
UNIT_NAME: Final = "unit_name"
AMOUNT_COL: Final = "amount"
UTFALL_COL: Final = "utfall_amount"
BUDGET_COL: Final = "budget_amount"
CODING_COL: Final = "coding"

_PLAIN: Final[dict[str, str]] = {
    "period": S.PERIOD, "månad": S.PERIOD, "manad": S.PERIOD, "år-månad": S.PERIOD,
    "år": YEAR, "ar": YEAR, "år/månad": S.PERIOD, "räkenskapsår": YEAR,
    "enhet": S.UNIT, "unit": S.UNIT, "ansvar": S.UNIT, "ansvarskod": S.UNIT,
    "kostnadsställe": S.UNIT, "kst": S.UNIT, "resultatenhet": S.UNIT,
    "enhetsnamn": UNIT_NAME, "ansvarstext": UNIT_NAME, "ansvarsnamn": UNIT_NAME,
    "kostnadsställetext": UNIT_NAME, "kst-text": UNIT_NAME, "kst text": UNIT_NAME,
    "konto": S.ACCOUNT, "kontonummer": S.ACCOUNT, "kontonr": S.ACCOUNT,
    "kostnadsslag": S.ACCOUNT, "account": S.ACCOUNT,
    "kontotext": B.ACCOUNT_TEXT, "kontonamn": B.ACCOUNT_TEXT, "kontobenämning": B.ACCOUNT_TEXT,
    "typ": S.KIND, "kind": S.KIND,
    "amount_tkr": AMOUNT_COL, "amount": AMOUNT_COL, "belopp_tkr": AMOUNT_COL,
    "division": S.DIVISION, "område": S.DIVISION, "omrade": S.DIVISION,
}
CODING_NAMES: Final = ("verksamhet", "motpart", "projekt", "aktivitet", "objekt", "fri",
                       "fritt", "anläggning", "produkt")
_AMOUNT_HEADER = re.compile(
    r"(belopp|utfall|budget)(?:[ _,]*(?:\(\s*)?(kr|tkr|kronor|sek)(?:\s*\))?)?")
_FIELD_OF_AMOUNT: Final = {"belopp": AMOUNT_COL, "utfall": UTFALL_COL, "budget": BUDGET_COL}
_SUM_TEXT = re.compile(r"(summa|delsumma|totalt|total|subtotal)\b", re.IGNORECASE)
HEADER_SEARCH_ROWS: Final = 30

COLUMNS_ALLOWED: Final = (
    "period/månad (eller år och månad), enhet/ansvar/kst, konto/kontonummer/kostnadsslag, "
    "belopp med typ, eller utfall och/eller budget som beloppskolumner; valfritt kontotext, "
    "enhetsnamn, division/område och kodsträngens verksamhet, motpart, projekt, aktivitet, "
    "objekt, fri"
)
SUM_ALLOWED: Final = ("rader med belopp per enhet och konto, inga summarader (de skulle "
                      "räknas två gånger); ta bort dem eller använd {summarader}")


def header_field(name: Any) -> tuple[str | None, str | None]:
    """The field a header names and the amount unit it states (``kr``/``tkr``/None)."""
    key = norm_header(name)
    if key in _PLAIN:
        return _PLAIN[key], None
    if m := _AMOUNT_HEADER.fullmatch(key):
        unit = m.group(2)
        return _FIELD_OF_AMOUNT[m.group(1)], (None if unit is None else
                                              "tkr" if unit == "tkr" else "kr")
    base = key.removesuffix("text").removesuffix("namn").strip(" -_")
    if key in CODING_NAMES or base in CODING_NAMES or base.removesuffix("s") in CODING_NAMES:
        return CODING_COL, None
    return None, None


def find_header(records: Sequence[list[Any]]) -> int:
    """Index of the header record: the first of the top rows naming two known columns."""
    for k, rec in enumerate(records[:HEADER_SEARCH_ROWS]):
        fields = {header_field(v)[0] for v in rec if isinstance(v, str) and v.strip()}
        fields.discard(None)
        if len(fields) >= 2:
            return k
    return 0


def _title_note(records: Sequence[list[Any]], k: int) -> str | None:
    if k == 0:
        return None
    texts = [str(v).strip() for rec in records[:k] for v in rec
             if v is not None and str(v).strip()]
    title = f" (titel: '{show(texts[0], 60)}')" if texts else ""
    span = "Rad 1" if k == 1 else f"Rad 1–{k}"
    return (f"{span} ovanför rubrikraden hoppades över{title}; rubrikraden är rad {k + 1}.")


def _shifted(raw: RawTable, k: int) -> RawTable:
    """The table read from ``records[k:]`` renumbered to the file's own rows."""
    if k == 0:
        return raw
    problems = [replace(p, row=None if p.row is None else p.row + k) for p in raw.problems]
    return replace(raw, rows=raw.rows + k, problems=problems)


def read_table_ledger(data: bytes, filename: str, options: B.ReadOptions) -> B.LedgerRead:
    """Read one ledger table file (CSV/TXT/XLSX) in any of the export shapes above.

    Raises:
        ValidationFailed: If the file cannot be read at all (type, size, encoding, zip).
    """
    known = {k for k in _PLAIN} | {"belopp", "utfall", "budget", *CODING_NAMES}
    records, sep, sheet_note = read_records(bytes(data), filename, known, options.sheet)
    if sheet_note and not options.controls.flags:
        sheet_note = named_for(sheet_note, options.controls.name("blad"))
    k = find_header(records)
    raw = _shifted(table_from_records(records[k:], filename, sep), k)
    out = Collector(filename, {name: j for j, name in enumerate(raw.header)} | {None: -2})
    out.extend(raw.problems)
    result = B.LedgerRead(filename, B.empty_raw())
    if note := _title_note(records, k):
        result.notes.append(note)
    mapped, units = _map_header(raw, k + 1, out)
    kronor, source = _kronor(units, _title_unit(records[:k]), options, raw, mapped, k + 1, out)
    if raw.cells.empty or len(raw.rows) == 0:
        out.add(None, None, "Filen har inga datarader", "minst en rad under rubrikraden")
    keep = _sum_rows(raw, options, out, result, mapped, kronor)
    if _complete(mapped) and keep.any():
        result.frame = _rows(raw, mapped, keep, kronor, options, out, result)
    result.problems, result.total_problems = out.items, out.total
    if sheet_note and out.total:  # which sheet was read, and how to choose another
        result.problems.insert(0, B.Problem(filename, None, None, sheet_note, ""))
    elif sheet_note:
        result.notes.append(sheet_note)
    result.notes.append(B.unit_note(kronor, source))
    result.reading.append(result.notes[-1])
    result.unit_source = source
    if options.sign is not None:
        result.notes.append(B.sign_note(options.sign == "debet")[:-1]
                            + f", valt med {options.controls.name('tecken')}.")
        result.reading.append(result.notes[-1])
    return result


def _complete(mapped: dict[str, tuple[int, str]]) -> bool:
    has_period = S.PERIOD in mapped or (YEAR in mapped and MONTH in mapped)
    has_amount = (AMOUNT_COL in mapped and S.KIND in mapped) or (
        AMOUNT_COL not in mapped and (UTFALL_COL in mapped or BUDGET_COL in mapped))
    return has_period and has_amount and S.UNIT in mapped and S.ACCOUNT in mapped


def _map_header(raw: RawTable, header_row: int, out: Collector
                ) -> tuple[dict[str, tuple[int, str]], dict[str, str]]:
    """Fields → (column index, header); amount column → stated unit. Problems reported."""
    mapped: dict[str, tuple[int, str]] = {}
    units: dict[str, str] = {}
    codings: list[tuple[int, str]] = []
    for j, name in enumerate(raw.header):
        if not name:
            if raw.cells[j].map(lambda v: v is not None and str(v).strip() != "").any():
                out.add(header_row, f"({column_label(j, raw.separator)})",
                        f"Kolumn {column_label(j, raw.separator)} har värden men ingen rubrik",
                        COLUMNS_ALLOWED, check="rubrik")
            continue
        field_, unit = header_field(name)
        if field_ == CODING_COL:
            codings.append((j, name))
            continue
        if field_ is None:
            out.add(header_row, name, f"Kolumnen '{show(name)}' känns inte igen",
                    COLUMNS_ALLOWED, check="rubrik")
            continue
        if field_ in mapped:
            out.add(header_row, name, f"Kolumnen '{show(name)}' betyder samma sak som "
                    f"'{mapped[field_][1]}'", "varje kolumn en gång", check="rubrik")
            continue
        mapped[field_] = (j, name)
        if unit:
            units[name] = unit
    if YEAR in mapped and S.PERIOD in mapped:
        if norm_header(mapped[S.PERIOD][1]) in ("månad", "manad"):  # "År" + "Månad"
            mapped[MONTH] = mapped.pop(S.PERIOD)
        else:  # a full period beside the year: the year adds nothing, kept as coding
            codings.append(mapped.pop(YEAR))
    elif YEAR in mapped:
        out.add(header_row, mapped[YEAR][1], "Kolumnen 'år' saknar en kolumn 'månad' bredvid",
                "år och månad som två kolumner, eller en kolumn period", check="rubrik")
    for j, name in codings:
        mapped[f"{CODING_COL}:{j}"] = (j, name)
    _missing_fields(mapped, header_row, out)
    return mapped, units


def _missing_fields(mapped: dict[str, tuple[int, str]], header_row: int,
                    out: Collector) -> None:
    need = {S.UNIT: ("enhet", "enhet, ansvar, kostnadsställe eller kst"),
            S.ACCOUNT: ("konto", "konto, kontonummer eller kostnadsslag")}
    for f, (label, allowed) in need.items():
        if f not in mapped:
            out.add(header_row, label, f"Kolumnen '{label}' saknas",
                    f"en kolumn med rubriken {allowed}", check="rubrik")
    if S.PERIOD not in mapped and not (YEAR in mapped and MONTH in mapped):
        out.add(header_row, "period", "Kolumnen 'period' saknas (eller 'år' och 'månad')",
                "en kolumn period/månad, eller två kolumner år och månad", check="rubrik")
    two = UTFALL_COL in mapped or BUDGET_COL in mapped
    if AMOUNT_COL in mapped and two:
        out.add(header_row, mapped[AMOUNT_COL][1], "Filen har både en beloppskolumn och "
                "kolumner för utfall/budget", "antingen belopp med typ, eller utfall och "
                "budget som två beloppskolumner", check="rubrik")
    elif AMOUNT_COL in mapped and S.KIND not in mapped:
        out.add(header_row, "typ", "Kolumnen 'typ' saknas (utfall eller budget per rad)",
                "en kolumn typ, eller utfall och budget som två beloppskolumner",
                check="rubrik")
    elif not two and AMOUNT_COL not in mapped:
        out.add(header_row, "belopp", "Kolumnen 'belopp' saknas",
                "en kolumn belopp (med typ), eller utfall och/eller budget", check="rubrik")
    elif two and S.KIND in mapped:
        out.add(header_row, mapped[S.KIND][1], "Kolumnen 'typ' behövs inte när utfall och "
                "budget står i egna kolumner", "typ bara tillsammans med en beloppskolumn",
                check="rubrik")


def _title_unit(records: Sequence[list[Any]]) -> tuple[str, str] | None:
    """(unit, text) of the first title cell above the header that states a unit."""
    for rec in records:
        for v in rec:
            if isinstance(v, str) and v.strip() and (unit := B.stated_unit(v)) is not None:
                return unit, v.strip()
    return None


def _kronor(units: dict[str, str], title: tuple[str, str] | None, options: B.ReadOptions,
            raw: RawTable, mapped: dict[str, tuple[int, str]], header_row: int,
            out: Collector) -> tuple[bool, str]:
    """Whether the amounts are kronor, and what said so (for the note).

    In order: the reading option, the amount headers (``Utfall kr``), a title row ("Belopp i
    kronor"), the amounts' typical size; when the file is silent and the size ambiguous the
    user is asked (a problem naming the control). Disagreements are problems.
    """
    ctl = options.controls
    stated = set(units.values())
    if len(stated) > 1:
        out.add(header_row, ", ".join(units), "Beloppskolumnerna anger olika enheter "
                f"({', '.join(f'{n}: {u}' for n, u in units.items())})",
                "samma enhet (kr eller tkr) i alla beloppskolumner", check="enhet")
    if title is not None:
        if title[0] == "mkr":
            out.add(None, None, f"Titelraden '{show(title[1], 60)}' anger mkr",
                    "belopp i kr eller tkr", check="enhet")
        elif stated and title[0] not in stated:
            out.add(header_row, ", ".join(units), f"Titelraden '{show(title[1], 60)}' anger "
                    f"{title[0]} men kolumnrubriken {sorted(stated)[0]}",
                    "samma enhet i titelrad och kolumnrubrik", check="enhet")
    said = (sorted(stated)[0], f"kolumnrubriken '{next(iter(units))}'") if len(stated) == 1 \
        else (title[0], f"titelraden '{show(title[1], 60)}'") if title is not None and \
        title[0] != "mkr" else None
    if options.amount_unit:
        if said is not None and options.amount_unit != said[0]:
            out.add(header_row, next(iter(units), None), f"Filen anger {said[0]} ({said[1]}) "
                    f"men {ctl.name('belopp')} är {options.amount_unit}",
                    f"{ctl.choose('belopp', said[0])}, eller en fil utan enhet", check="enhet")
        return options.amount_unit == "kr", f"valt med {ctl.name('belopp')}"
    if said is not None:
        return said[0] == "kr", said[1]
    return _kronor_by_size(raw, mapped, ctl, out)


SIZE_SAMPLE: Final = 20_000
"""Amount cells looked at to judge the unit by size (the first ones of the file)."""


def _kronor_by_size(raw: RawTable, mapped: dict[str, tuple[int, str]], ctl: B.Controls,
                    out: Collector) -> tuple[bool, str]:
    parts = []
    for col in (AMOUNT_COL, UTFALL_COL, BUDGET_COL):
        if col in mapped:
            parts.append(B.per_distinct(raw.cells[mapped[col][0]].to_numpy()[:SIZE_SAMPLE],
                                        _amount_or_nan, dtype=np.float64))
    values = np.concatenate(parts) if parts else np.zeros(0)
    values = values[~np.isnan(values)]  # cells that are no amount do not judge the size
    unit = B.unit_by_size(values)
    a = np.abs(values)
    typical = fmt_number(float(np.median(a[a > 0])), 0) if (a > 0).any() else "0"
    if unit is None:
        out.add(None, ", ".join(mapped[c][1] for c in (AMOUNT_COL, UTFALL_COL, BUDGET_COL)
                                if c in mapped) or None,
                f"Filen anger inte om beloppen är i kronor eller tkr, och storleken avgör inte "
                f"(typiskt belopp {typical})",
                f"välj {ctl.choose('belopp', 'kr')} eller {ctl.choose('belopp', 'tkr')}, "
                "eller skriv enheten i titelraden eller kolumnrubriken (t.ex. Utfall kr)",
                check="enhet")
        return False, "ingen enhet angiven"
    return unit == "kr", (f"filen anger ingen enhet; typiskt belopp {typical} tyder på "
                          f"{'kronor' if unit == 'kr' else 'tkr'}")


def _sum_rows(raw: RawTable, options: B.ReadOptions, out: Collector, result: B.LedgerRead,
              mapped: dict[str, tuple[int, str]], kronor: bool) -> np.ndarray:
    """Rows to keep; sum/subtotal rows are refused or (with the option) dropped and noted."""
    n = len(raw.rows)
    is_sum = np.zeros(n, dtype=bool)
    first_text = np.full(n, "", dtype=object)
    for j in raw.cells.columns:
        codes, uniques = pd.factorize(raw.cells[j], use_na_sentinel=True)
        hit = np.array([isinstance(v, str) and _SUM_TEXT.match(v.strip()) is not None
                        for v in uniques] + [False], dtype=bool)
        texts = np.array([str(v).strip() for v in uniques] + [""], dtype=object)
        codes = np.where(codes < 0, len(uniques), codes)
        new = hit[codes] & ~is_sum
        first_text[new] = texts[codes][new]
        is_sum |= hit[codes]
    idx = np.flatnonzero(is_sum)
    if len(idx) == 0:
        return ~is_sum
    if not options.skip_sum_rows:
        for i in idx:
            out.add(int(raw.rows[i]), None, f"Raden är en summarad ('{show(first_text[i])}')",
                    SUM_ALLOWED.format(summarader=options.controls.name("summarader")),
                    check="summa")
        return ~is_sum
    result.dropped += len(idx)
    rows = ", ".join(str(int(r)) for r in raw.rows[idx][:5])
    more = f" och {len(idx) - 5} till" if len(idx) > 5 else ""
    sums = []
    for label, col in (("belopp", AMOUNT_COL), ("utfall", UTFALL_COL), ("budget", BUDGET_COL)):
        if col in mapped:
            total = _dropped_total(raw.cells[mapped[col][0]].to_numpy()[idx])
            total = float(B.scale_and_sign(np.array([total]), kronor=kronor,
                                           debet=options.sign == "debet")[0])
            sums.append(f"{label} {fmt_number(total, 1)} tkr")
    result.notes.append(f"{len(idx)} summarader hoppades över "
                        f"({options.controls.name('summarader')}): "
                        f"rad {rows}{more}; deras summa: {', '.join(sums) or 'inga belopp'}.")
    return ~is_sum


def _dropped_total(cells: np.ndarray) -> float:
    total = 0.0
    for v in cells:
        try:
            total += _amount(v) if v is not None and str(v).strip() else 0.0
        except ParseError:
            continue  # a dropped row's unreadable amount is not part of any sum
    return total


def _amount_or_nan(v: Any) -> float:
    try:
        return _amount(v)
    except ParseError:
        return float("nan")


def _amount(v: Any) -> float:
    if isinstance(v, str):
        return B.parse_amount(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v):
        return float(v)
    raise ParseError(f"Beloppet '{show(v)}' är inte ett tal")


def _year(v: Any) -> int:
    s = parse_text(v)
    if not re.fullmatch(r"\d{4}", s) or not 1900 <= int(s) <= 2100:
        raise ParseError(f"Året '{show(v)}' känns inte igen")
    return int(s)


def _month_of_year(v: Any) -> str:
    s = parse_text(v)
    if re.fullmatch(r"\d{1,2}", s) and 1 <= int(s) <= 12:
        return f"{int(s):02d}"
    if re.fullmatch(r"\d{6}", s):  # 202304 in a month column next to År
        return s
    raise ParseError(f"Månaden '{show(v)}' känns inte igen")


_PARSERS: Final = {
    S.PERIOD: (parse_month_cell, MONTH_ALLOWED),
    YEAR: (_year, "ett år, t.ex. 2023"),
    MONTH: (_month_of_year, "ett månadsnummer 1–12 (bredvid kolumnen år)"),
    S.UNIT: (parse_unit_id, "en enhetskod (text)"),
    UNIT_NAME: (parse_text, "text"),
    S.ACCOUNT: (parse_text, "ett kontonummer eller ett kostnadsslag"),
    B.ACCOUNT_TEXT: (parse_text, "text"),
    S.KIND: (parse_kind, "utfall eller budget (stora eller små bokstäver)"),
    AMOUNT_COL: (_amount, B.AMOUNT_ALLOWED),
    UTFALL_COL: (_amount, B.AMOUNT_ALLOWED),
    BUDGET_COL: (_amount, B.AMOUNT_ALLOWED),
    S.DIVISION: (parse_text, "en division (text)"),
}
_OPTIONAL: Final = (UNIT_NAME, B.ACCOUNT_TEXT, S.DIVISION, UTFALL_COL, BUDGET_COL)


def _rows(raw: RawTable, mapped: dict[str, tuple[int, str]], keep: np.ndarray, kronor: bool,
          options: B.ReadOptions, out: Collector, result: B.LedgerRead) -> pd.DataFrame:
    """Parse the kept rows into the raw frame (one row per amount)."""
    rows = raw.rows[keep]
    parsed: dict[str, Parsed] = {}
    for f, (j, name) in mapped.items():
        if f.startswith(CODING_COL):
            continue
        parse, allowed = _PARSERS[f]
        parsed[f] = parse_column(raw.cells[j].loc[keep].reset_index(drop=True), rows, parse,
                                  column=name, allowed=allowed, out=out, check=f,
                                  optional=f in _OPTIONAL, grouped=f in (S.KIND, S.ACCOUNT))
    period = _periods(parsed, mapped, rows, out)
    coding = _coding(raw, mapped, keep)
    base_ok = np.logical_and.reduce([parsed[f].ok for f in (S.UNIT, S.ACCOUNT)] + [
        period[1]])
    parts = []
    for kind, col in _amount_columns(mapped):
        p = parsed[col]
        if col == AMOUNT_COL:
            take = base_ok & p.ok & parsed[S.KIND].ok
            kinds = parsed[S.KIND].values
        else:
            take = base_ok & p.ok & ~p.empty
            kinds = np.full(len(rows), kind, dtype=object)
        parts.append((take, kinds, p.values))
    if UTFALL_COL in parsed or BUDGET_COL in parsed:
        _no_amount(parsed, rows, mapped, out)
    _fill_names(parsed, result)
    frames = []
    for take, kinds, values in parts:
        amounts = B.scale_and_sign(values[take].astype(np.float64), kronor=kronor,
                                   debet=options.sign == "debet")
        frames.append(pd.DataFrame({
            B.FILE: result.filename, B.ROW: rows[take], S.PERIOD: period[0][take],
            S.UNIT: parsed[S.UNIT].values[take], S.ACCOUNT: parsed[S.ACCOUNT].values[take],
            B.ACCOUNT_TEXT: (parsed[B.ACCOUNT_TEXT].values[take] if B.ACCOUNT_TEXT in parsed
                             else None),
            S.KIND: kinds[take], S.AMOUNT: amounts,
            S.DIVISION: parsed[S.DIVISION].values[take] if S.DIVISION in parsed else None,
            B.CODING: coding[take],
        }))
    frame = pd.concat(frames, ignore_index=True) if frames else B.empty_raw()
    frame[S.PERIOD] = frame[S.PERIOD].astype(np.int64)
    return frame[list(B.RAW_COLUMNS)]


def _amount_columns(mapped: dict[str, tuple[int, str]]) -> list[tuple[str, str]]:
    if AMOUNT_COL in mapped:
        return [("", AMOUNT_COL)]
    return [(k, c) for k, c in ((S.UTFALL, UTFALL_COL), (S.BUDGET, BUDGET_COL)) if c in mapped]


def _periods(parsed: dict[str, Parsed], mapped: dict[str, tuple[int, str]], rows: np.ndarray,
             out: Collector) -> tuple[np.ndarray, np.ndarray]:
    if S.PERIOD in parsed:
        p = parsed[S.PERIOD]
        vals = np.where(p.ok, p.values, 0).astype(np.int64)
        return vals, p.ok
    y, m = parsed[YEAR], parsed[MONTH]
    ok = y.ok & m.ok
    vals = np.zeros(len(rows), dtype=np.int64)
    for i in np.flatnonzero(ok):
        text = m.values[i] if len(m.values[i]) == 6 else f"{y.values[i]}-{m.values[i]}"
        try:
            vals[i] = parse_month_cell(text)
        except ParseError as exc:
            ok[i] = False
            out.add(int(rows[i]), mapped[MONTH][1], str(exc), MONTH_ALLOWED, check=MONTH)
            continue
        if len(m.values[i]) == 6 and int(m.values[i][:4]) != y.values[i]:
            ok[i] = False
            out.add(int(rows[i]), mapped[MONTH][1], f"Månaden '{m.values[i]}' hör inte till "
                    f"året {y.values[i]}", "en månad i radens år", check=MONTH)
    return vals, ok


def _coding(raw: RawTable, mapped: dict[str, tuple[int, str]], keep: np.ndarray) -> np.ndarray:
    cols = [j for f, (j, _) in mapped.items() if f.startswith(CODING_COL)]
    n = int(keep.sum())
    if not cols:
        return np.full(n, "", dtype=object)
    parts = [raw.cells[j].loc[keep].map(lambda v: "" if v is None else str(v).strip())
             .to_numpy(dtype=object) for j in cols]
    return np.array(["\x1f".join(t) for t in zip(*parts, strict=True)], dtype=object)


def _no_amount(parsed: dict[str, Parsed], rows: np.ndarray,
               mapped: dict[str, tuple[int, str]], out: Collector) -> None:
    empties = [parsed[c].empty & parsed[c].ok for c in (UTFALL_COL, BUDGET_COL) if c in parsed]
    none = np.logical_and.reduce(empties)
    names = " och ".join(mapped[c][1] for c in (UTFALL_COL, BUDGET_COL) if c in mapped)
    for r in rows[none]:
        out.add(int(r), names, "Raden har inget belopp", "ett belopp i " + names,
                check="inget belopp")


def _fill_names(parsed: dict[str, Parsed], result: B.LedgerRead) -> None:
    for key, name_col, target in ((S.UNIT, UNIT_NAME, result.unit_names),
                                  (S.ACCOUNT, B.ACCOUNT_TEXT, result.account_texts)):
        if name_col not in parsed:
            continue
        ok = parsed[key].ok & parsed[name_col].ok & ~parsed[name_col].empty
        for k, v in zip(parsed[key].values[ok], parsed[name_col].values[ok], strict=True):
            target.setdefault(k, v)


__all__ = ["ValidationFailed", "find_header", "header_field", "read_table_ledger"]
