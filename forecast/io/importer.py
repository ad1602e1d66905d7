"""Import of a user's own ledger from CSV/TXT or XLSX, with validation.

The file holds one long table with the ledger's columns (Swedish header aliases accepted):

=============  =====================================================
column         header names (any case, surrounding spaces ignored)
=============  =====================================================
period         månad, manad, period
unit           enhet, unit
account        konto, kostnadsslag, account
kind           typ, kind (values utfall / budget, any case)
amount_tkr     belopp, belopp_tkr, belopp tkr, amount_tkr, amount
division       division, område, omrade (optional; see the unit rule)
=============  =====================================================

Every problem of a file is collected and reported together (:class:`ValidationFailed`), each
naming the file, spreadsheet row (header = row 1), column and what is allowed. Nothing is
dropped or coerced silently: a rejected file changes nothing.

Unit rule: a unit missing from the base org is a problem unless the file has a division column
that gives the unit's division on every row of it, the same each time; then the unit is added.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Final

import numpy as np
import pandas as pd

from forecast.io.limits import MAX_ABS_AMOUNT_TKR, MAX_ACCOUNTS, MAX_UNITS, fmt_int, too_many
from forecast.io.parsing import (
    FORMULA_NO_VALUE,
    MAX_UPLOAD_BYTES,
    MONTH_ALLOWED,
    NUMBER_ALLOWED,
    ParseError,
    Problem,
    RawTable,
    ValidationFailed,
    column_label,
    has_control,
    ordinal_label,
    parse_month_cell,
    parse_number,
    period_of_ordinals,
    read_table,
    show,
)
from forecast.io.suggest import listing, suggest
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import AccountHierarchy, Unit

__all__ = [
    "MAX_UPLOAD_BYTES",
    "ImportResult",
    "Problem",
    "ValidationFailed",
    "load_user_data",
    "read_ledger",
    "read_ledger_file",
]

HEADER_ALIASES: Final[dict[str, str]] = {
    "period": S.PERIOD, "månad": S.PERIOD, "manad": S.PERIOD,
    "enhet": S.UNIT, "unit": S.UNIT,
    "konto": S.ACCOUNT, "kostnadsslag": S.ACCOUNT, "account": S.ACCOUNT,
    "typ": S.KIND, "kind": S.KIND,
    "belopp": S.AMOUNT, "belopp_tkr": S.AMOUNT, "belopp tkr": S.AMOUNT,
    "belopp (tkr)": S.AMOUNT, "amount_tkr": S.AMOUNT, "amount": S.AMOUNT,
    "division": S.DIVISION, "område": S.DIVISION, "omrade": S.DIVISION,
}
REQUIRED: Final = (S.PERIOD, S.UNIT, S.ACCOUNT, S.KIND, S.AMOUNT)
SWEDISH_NAME: Final = {S.PERIOD: "period", S.UNIT: "enhet", S.ACCOUNT: "konto", S.KIND: "typ",
                       S.AMOUNT: "belopp", S.DIVISION: "division"}
_HEADER_ALLOWED: Final = {
    S.PERIOD: "rubriken period eller månad",
    S.UNIT: "rubriken enhet eller unit",
    S.ACCOUNT: "rubriken konto, kostnadsslag eller account",
    S.KIND: "rubriken typ eller kind",
    S.AMOUNT: "rubriken belopp, belopp_tkr, amount_tkr eller amount",
    S.DIVISION: "rubriken division eller område",
}
COLUMNS_ALLOWED: Final = ("period/månad, enhet, konto/kostnadsslag, typ, belopp/belopp_tkr "
                          "och valfritt division/område")
KIND_ALLOWED: Final = "utfall eller budget (stora eller små bokstäver)"
TEXT_ALLOWED: Final = "text"
CONTROL_ALLOWED: Final = "text utan radbrytningar, tabbar och andra styrtecken"
FORMULA_ALLOWED: Final = ("ett sparat värde: räkna om och spara arbetsboken i Excel, "
                          "eller klistra in formlerna som värden")
PER_CHECK_STORED: Final = 1000
EXCEL_ERRORS: Final = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!",
                                 "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!"})


@dataclass(frozen=True)
class ImportResult:
    """A validated import.

    Attributes:
        ledger: Canonical ledger frame (``schema.validate_ledger`` passes).
        new_units: Units added under the unit rule, in order of first appearance.
        source_hash: SHA-256 (hex) of the file's bytes.
    """

    ledger: pd.DataFrame
    new_units: tuple[Unit, ...]
    source_hash: str


def _norm(name: str) -> str:
    return " ".join(str(name).split()).casefold()


class _Collector:
    """Problems of one file; stores at most ``PER_CHECK_STORED`` per check, counts all."""

    def __init__(self, filename: str, order: dict[str | None, int], note: str = "") -> None:
        self.filename = filename
        self.order = order
        self.note = note
        self.items: list[Problem] = []
        self.total = 0
        self._per_check: dict[str, int] = {}

    def add(self, row: int | None, column: str | None, message: str, allowed: str,
            check: str = "") -> None:
        self.total += 1
        n = self._per_check.get(check, 0)
        self._per_check[check] = n + 1
        if n < PER_CHECK_STORED:
            self.items.append(Problem(self.filename, row, column, message, allowed))

    def extend(self, problems: list[Problem]) -> None:
        for p in problems:
            self.add(p.row, p.column, p.message, p.allowed, check="struktur")

    def raise_if_any(self) -> None:
        if self.total:
            if self.note:  # which sheet was read, and how to choose another
                self.items.append(Problem(self.filename, None, None, self.note, ""))
                self.note = ""
            items = sorted(self.items, key=lambda p: (
                p.row is not None, p.row or 0, self.order.get(p.column, -1)))
            raise ValidationFailed(items, self.total)


def _rows_text(rows: np.ndarray, shown: int = 5) -> str:
    head = ", ".join(str(int(r)) for r in rows[:shown])
    more = len(rows) - shown
    return f"rad {head}" + (f" och {more} rader till" if more > 0 else "")


def _shortlist(names: list[str], width: int = 110) -> str:
    out: list[str] = []
    for n in names:
        if out and len(", ".join([*out, n])) > width:
            return ", ".join(out) + f", … ({len(names)} st)"
        out.append(n)
    return ", ".join(out)


# --- cell parsers (one value → typed value; ParseError otherwise) ----------------------------


def _text(v: Any) -> str:
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    raise ParseError(f"Värdet '{show(v)}' är inte text")


def _amount(v: Any) -> float:
    if isinstance(v, str):
        x = parse_number(v)
    elif isinstance(v, (int, float)) and np.isfinite(v):
        x = float(v)
    else:
        raise ParseError(f"Beloppet '{show(v)}' är inte ett tal")
    if abs(x) > MAX_ABS_AMOUNT_TKR:
        raise ParseError(f"Beloppet '{show(v)}' är orimligt stort (över "
                         f"{fmt_int(MAX_ABS_AMOUNT_TKR)} tkr = 1 000 000 mkr)",
                         "ett belopp i tkr, högst 1 000 000 000 till beloppet")
    return x


def _kind(v: Any) -> str:
    s = _text(v).casefold()
    if s not in S.KINDS:
        raise ParseError(f"Typen '{show(v)}' känns inte igen")
    return s


def _unit_id(v: Any) -> str:
    s = _text(v)
    if "|" in s:
        raise ParseError(f"Enhetskoden '{show(s)}' innehåller tecknet '|'",
                         "en enhetskod utan tecknet '|'")
    return s


def _account_parser(accounts: AccountHierarchy) -> Callable[[Any], str]:
    names = accounts.leaves
    allowed = f"ett konto i kontoplanen: {listing(names)}"
    spellings = {a.name.casefold(): a.name for a in accounts.accounts}
    spellings |= {x.casefold(): a.name for a in accounts.accounts for x in a.aliases}
    split = {c.casefold(): [a for a in names if accounts.category_of()[a] == c]
             for c in accounts.categories}
    split = {c: leaves for c, leaves in split.items() if c not in spellings}

    def parse(v: Any) -> str:
        s = _text(v)
        name = accounts.resolve(s)
        if name is not None:
            return name
        leaves = split.get(" ".join(s.split()).casefold())
        if leaves:
            raise ParseError(
                f"'{show(s)}' är ett kostnadsslag som delas upp på kontona "
                f"{', '.join(leaves)}; ange kontot på varje rad", allowed)
        hint = suggest(s, spellings)
        raise ParseError(f"Kontot '{show(s)}' finns inte i kontoplanen",
                         (f"menade du '{hint}'? Annars " if hint else "") + allowed)

    return parse


@dataclass
class _Parsed:
    values: np.ndarray  # object; None where bad or empty
    ok: np.ndarray  # bool; True where the cell parsed (or is an allowed empty)
    empty: np.ndarray  # bool; True where the cell is empty


def _parse_column(col: pd.Series, rows: np.ndarray, parse: Callable[[Any], Any], *,
                  column: str, allowed: str, out: _Collector, check: str,
                  optional: bool = False, grouped: bool = False) -> _Parsed:
    """Parse one column over its distinct values and report every bad cell."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    n_u = len(uniques)
    values = np.empty(n_u + 1, dtype=object)  # last slot: NA (code −1)
    errors: dict[int, tuple[str, str]] = {}  # distinct value → (problem, what is allowed)
    empty_u = np.zeros(n_u + 1, dtype=bool)
    empty_u[n_u] = True
    for i, u in enumerate(uniques):
        if u is FORMULA_NO_VALUE:
            errors[i] = ("Cellen har en formel utan sparat värde (formel utan värde)",
                         FORMULA_ALLOWED)
        elif isinstance(u, str) and not u.strip() and not has_control(u):
            empty_u[i] = True
        elif isinstance(u, str) and u.strip().upper() in EXCEL_ERRORS:
            errors[i] = (f"Cellen har Excel-felet '{u.strip()}'",
                         "ett värde; rätta formeln i Excel innan filen sparas")
        elif isinstance(u, str) and has_control(u):
            errors[i] = (f"Texten '{show(u)}' innehåller ett styrtecken "
                         "(radbrytning, tabb eller liknande)", CONTROL_ALLOWED)
        else:
            try:
                values[i] = parse(u)
            except ParseError as exc:
                errors[i] = (str(exc), exc.allowed or allowed)
    if not optional:
        for i in np.flatnonzero(empty_u).tolist():
            errors[i] = ("Cellen är tom", allowed)
    codes = np.where(codes < 0, n_u, codes)
    bad_u = np.array([i in errors for i in range(n_u + 1)], dtype=bool)
    bad = bad_u[codes]
    if bad.any():
        if grouped:
            for i, where in _rows_by_code(codes, rows, bad_u):
                msg, allow = errors[i]
                if len(where) > 1:
                    msg = f"{msg} ({_rows_text(where)})"
                out.add(int(where[0]), column, msg, allow, check=check)
        else:
            for r, c in zip(rows[bad], codes[bad], strict=True):
                msg, allow = errors[int(c)]
                out.add(int(r), column, msg, allow, check=check)
    return _Parsed(values[codes], ~bad, empty_u[codes])


def _groups(codes: np.ndarray, sel: np.ndarray) -> list[tuple[int, np.ndarray]]:
    """(code, positions in order) for the positions ``sel``, in order of first appearance.

    One stable sort: linear-logarithmic in the rows, where a loop of masks per distinct value
    would be quadratic (60 000 distinct units took 267 s).
    """
    if sel.size == 0:
        return []
    order = sel[np.argsort(codes[sel], kind="stable")]
    cuts = np.flatnonzero(np.diff(codes[order])) + 1
    groups = [(int(codes[g[0]]), g) for g in np.split(order, cuts)]
    return sorted(groups, key=lambda cg: int(cg[1][0]))


def _rows_by_code(codes: np.ndarray, rows: np.ndarray, wanted: np.ndarray
                  ) -> list[tuple[int, np.ndarray]]:
    """(code, its rows in order) for every code with ``wanted[code]``."""
    return [(c, rows[g]) for c, g in _groups(codes, np.flatnonzero(wanted[codes]))]


def _check_distinct(raw: RawTable, mapped: dict[str, tuple[int, str]], out: _Collector) -> bool:
    """Refuse a file with more distinct units or accounts than the limits, before parsing.

    Returns:
        True if the file is within the limits.
    """
    ok = True
    for f, limit, what in ((S.UNIT, MAX_UNITS, "enheter"), (S.ACCOUNT, MAX_ACCOUNTS,
                                                            "olika konton")):
        if f not in mapped:
            continue
        j, name = mapped[f]
        n = raw.cells[j].nunique(dropna=True)
        if n > limit:
            out.add(None, name, f"Filen har {too_many(what, n, limit)}",
                    f"högst {fmt_int(limit)} {what} i en fil", check="gräns")
            ok = False
    return ok


# --- the reader -------------------------------------------------------------------------------


def _map_header(raw: RawTable, out: _Collector) -> dict[str, tuple[int, str]]:
    """Map fields to (column index, header as written); report unknown/missing/doubled."""
    mapped: dict[str, tuple[int, str]] = {}
    for j, name in enumerate(raw.header):
        if not name:
            if raw.cells[j].map(lambda v: v is not None and str(v).strip() != "").any():
                out.add(1, f"({column_label(j, raw.separator)})",
                        f"Kolumn {column_label(j, raw.separator)} har värden men ingen rubrik",
                        COLUMNS_ALLOWED, check="rubrik")
            continue
        field_ = HEADER_ALIASES.get(_norm(name))
        if field_ is None:
            out.add(1, name, f"Kolumnen '{show(name)}' känns inte igen", COLUMNS_ALLOWED,
                    check="rubrik")
        elif field_ in mapped:
            out.add(1, name, f"Kolumnen '{show(name)}' betyder samma sak som "
                    f"'{mapped[field_][1]}'", "varje kolumn en gång", check="rubrik")
        else:
            mapped[field_] = (j, name)
    if not mapped:
        _look_for_header_below(raw, out)
    for f in REQUIRED:
        if f not in mapped:
            out.add(1, SWEDISH_NAME[f], f"Kolumnen '{SWEDISH_NAME[f]}' saknas",
                    f"en kolumn med {_HEADER_ALLOWED[f]}", check="rubrik")
    return mapped


def _look_for_header_below(raw: RawTable, out: _Collector) -> None:
    """Row 1 has no known column: say so if a header row appears a little further down."""
    for k, rec in enumerate(raw.preview):
        hits = sum(1 for v in rec if isinstance(v, str) and _norm(v) in HEADER_ALIASES)
        if hits >= 3:
            out.add(1, None, f"Rubrikraden ska stå på rad 1, men rubrikerna står på rad "
                    f"{k + 2}", "rubrikraden på rad 1; ta bort raderna ovanför",
                    check="rubrik")
            return


def read_ledger(data: bytes, filename: str, *, base: Dataset,
                as_of: pd.Period | str | None = None, sheet: str | None = None
                ) -> ImportResult:
    """Read and validate a user's ledger file.

    Args:
        data: The file's bytes (CSV/TXT or XLSX; at most ``MAX_UPLOAD_BYTES``).
        filename: The file name as the user gave it; its extension picks the reader.
        base: The data set whose org and account hierarchies the file is checked against.
        as_of: The forecast month; outcome (utfall) after it is a problem, and so is a series
            with outcome in the twelve months before it but none in it. None: no check.
        sheet: The XLSX sheet to read (None: by the sheet rule of ``forecast.io.xlsx_sheets``).

    Returns:
        The canonical ledger, the units added under the unit rule, and the file's hash.

    Raises:
        ValidationFailed: With every problem found in the file.
    """
    raw = read_table(bytes(data), filename, known=set(HEADER_ALIASES), sheet=sheet)
    order: dict[str | None, int] = {name: j for j, name in enumerate(raw.header)}
    order |= {SWEDISH_NAME[f]: -1 for f in REQUIRED} | {None: -2}
    out = _Collector(filename, order, raw.sheet_note)
    out.extend(raw.problems)
    mapped = _map_header(raw, out)
    if not _check_distinct(raw, mapped, out):
        out.raise_if_any()
    if raw.cells.empty or len(raw.rows) == 0:
        out.add(None, None, "Filen har inga datarader", "minst en rad under rubrikraden")
    rows = raw.rows
    parsed = _parse_columns(raw, mapped, base, out)
    new_units: tuple[Unit, ...] = ()
    if S.UNIT in parsed:
        new_units = _unit_rule(parsed, mapped, rows, base, out)
    if all(f in parsed for f in REQUIRED) and len(rows):
        _check_keys(parsed, mapped, rows, as_of, out)
    out.raise_if_any()
    ledger = pd.DataFrame({
        S.PERIOD: period_of_ordinals(parsed[S.PERIOD].values.astype(np.int64)),
        S.UNIT: parsed[S.UNIT].values,
        S.ACCOUNT: parsed[S.ACCOUNT].values,
        S.KIND: parsed[S.KIND].values,
        S.AMOUNT: parsed[S.AMOUNT].values.astype(np.float64),
    })
    return ImportResult(S.validate_ledger(ledger), new_units, hashlib.sha256(data).hexdigest())


def _parse_columns(raw: RawTable, mapped: dict[str, tuple[int, str]], base: Dataset,
                   out: _Collector) -> dict[str, _Parsed]:
    """Every mapped column parsed by its field's parser; bad cells go to ``out``."""
    parsers: dict[str, tuple[Callable[[Any], Any], str]] = {
        S.PERIOD: (parse_month_cell, MONTH_ALLOWED),
        S.UNIT: (_unit_id, "en enhetskod (text)"),
        S.ACCOUNT: (_account_parser(base.accounts), "ett konto i kontoplanen"),
        S.KIND: (_kind, KIND_ALLOWED),
        S.AMOUNT: (_amount, NUMBER_ALLOWED),
        S.DIVISION: (_text, "en division (text)"),
    }
    parsed: dict[str, _Parsed] = {}
    for f, (j, name) in mapped.items():
        parse, allowed = parsers[f]
        parsed[f] = _parse_column(raw.cells[j], raw.rows, parse, column=name, allowed=allowed,
                                  out=out, check=f, optional=f == S.DIVISION,
                                  grouped=f in (S.ACCOUNT, S.KIND))
    return parsed


def _check_keys(parsed: dict[str, _Parsed], mapped: dict[str, tuple[int, str]],
                rows: np.ndarray, as_of: pd.Period | str | None, out: _Collector) -> None:
    """Duplicates, gaps and (with ``as_of``) late or missing outcome, over the valid rows."""
    ok = np.logical_and.reduce([parsed[f].ok for f in S.KEY_COLUMNS])  # amount not needed
    keys = pd.DataFrame({f: parsed[f].values[ok] for f in S.KEY_COLUMNS[1:]})
    keys[S.PERIOD] = parsed[S.PERIOD].values[ok].astype(np.int64)
    keys["_row"] = rows[ok]
    _check_duplicates(keys, mapped, out)
    _check_gaps(keys, mapped, out)
    if as_of is not None:
        _check_as_of(keys, pd.Period(as_of, freq="M"), mapped, out)
        _check_last_month(keys, pd.Period(as_of, freq="M"), mapped, out)


def _unit_rule(parsed: dict[str, _Parsed], mapped: dict[str, tuple[int, str]], rows: np.ndarray,
               base: Dataset, out: _Collector) -> tuple[Unit, ...]:
    """Check units against the org; return the new units the division column defines."""
    unit_col = mapped[S.UNIT][1]
    units = pd.Series(parsed[S.UNIT].values)
    ok = parsed[S.UNIT].ok
    known = base.org.division_of()
    unknown = ok & ~units.isin(list(known)).to_numpy()
    div = parsed.get(S.DIVISION)
    div_col = mapped[S.DIVISION][1] if S.DIVISION in mapped else S.DIVISION
    short = _shortlist(base.org.unit_ids, 60)
    new: list[Unit] = []
    existing_div = {d.casefold(): d for d in base.org.divisions}
    if unknown.any():
        codes, uniques = pd.factorize(units)
        for code, idx in _groups(codes, np.flatnonzero(unknown)):
            unit = uniques[code]
            where = rows[idx]
            if div is None:
                out.add(int(where[0]), unit_col,
                        f"Enheten '{show(unit)}' finns inte i organisationen"
                        + (f" ({_rows_text(where)})" if len(where) > 1 else ""),
                        f"en enhet i organisationen ({short}) eller en ny enhet om filen har "
                        "en kolumn 'division' som anger enhetens division på varje rad",
                        check="enhet")
                continue
            empty = idx[div.ok[idx] & div.empty[idx]]
            for r in rows[empty]:
                out.add(int(r), div_col, f"Den nya enheten '{show(unit)}' saknar division",
                        "divisionen för en enhet som inte finns i organisationen",
                        check="division")
            given = idx[div.ok[idx] & ~div.empty[idx]]
            spellings: dict[str, tuple[str, int]] = {}
            for r, d in zip(rows[given], div.values[given], strict=True):
                spellings.setdefault(d.casefold(), (d, int(r)))
            if len(spellings) > 1:
                listed = ", ".join(f"'{show(d)}' (rad {r})" for d, r in spellings.values())
                second_row = sorted(r for _, r in spellings.values())[1]
                out.add(second_row, div_col,
                        f"Den nya enheten '{show(unit)}' har olika divisioner: {listed}",
                        "samma division på alla rader för en enhet", check="division")
            elif len(spellings) == 1 and not empty.size and div.ok[idx].all():
                key, (spelled, _) = next(iter(spellings.items()))
                new.append(Unit(id=unit, name=unit, division=existing_div.get(key, spelled)))
    if div is not None:
        has_div = ok & ~unknown & div.ok & ~div.empty
        if has_div.any():
            frame = pd.DataFrame({"u": units[has_div].to_numpy(),
                                  "d": div.values[has_div], "r": rows[has_div]})
            frame["want"] = frame["u"].map(known)
            bad = frame[frame["d"].str.casefold() != frame["want"].str.casefold()]
            for (u, d), grp in bad.groupby(["u", "d"], sort=False):
                where = grp["r"].to_numpy()
                out.add(int(where[0]), div_col,
                        f"Enheten '{show(u)}' hör till divisionen '{known[u]}' i organisationen, "
                        f"men filen anger '{show(d)}'"
                        + (f" ({_rows_text(where)})" if len(where) > 1 else ""),
                        f"'{known[u]}' eller en tom cell", check="division")
    return tuple(new)


def _series_label(unit: str, account: str, kind: str) -> str:
    return f"{unit} / {account} / {kind}"


def _check_duplicates(keys: pd.DataFrame, mapped: dict[str, tuple[int, str]],
                      out: _Collector) -> None:
    cols = [S.PERIOD, S.UNIT, S.ACCOUNT, S.KIND]
    dup = keys[keys.duplicated(cols, keep=False)]
    for key, grp in dup.groupby(cols, sort=False):
        period, unit, account, kind = key
        first, *later = grp["_row"].tolist()
        for r in later:
            out.add(int(r), None,
                    f"Raden upprepar rad {first}: samma månad, enhet, konto och typ "
                    f"({ordinal_label(period)}, {_series_label(unit, account, kind)})",
                    "en rad per månad, enhet, konto och typ", check="dubblett")


def _check_gaps(keys: pd.DataFrame, mapped: dict[str, tuple[int, str]], out: _Collector) -> None:
    cols = [S.UNIT, S.ACCOUNT, S.KIND]
    uniq = keys.drop_duplicates([*cols, S.PERIOD])
    stats = uniq.groupby(cols, sort=False)[S.PERIOD].agg(["min", "max", "count"])
    gappy = stats[stats["max"] - stats["min"] + 1 > stats["count"]]
    if gappy.empty:
        return
    column = mapped[S.PERIOD][1]
    present = uniq.set_index(cols)[S.PERIOD]
    for key, st in gappy.iterrows():
        have = set(present.loc[[key]].tolist())
        missing = [m for m in range(int(st["min"]), int(st["max"]) + 1) if m not in have]
        shown = ", ".join(ordinal_label(m) for m in missing[:6])
        if len(missing) > 6:
            shown += f" och {len(missing) - 6} till"
        out.add(None, column,
                f"Serien {_series_label(*key)} saknar {len(missing)} "
                f"{'månad' if len(missing) == 1 else 'månader'}: {shown} (mellan "
                f"{ordinal_label(st['min'])} och {ordinal_label(st['max'])})",
                "alla månader från seriens första till dess sista månad", check="lucka")


def _check_as_of(keys: pd.DataFrame, as_of: pd.Period, mapped: dict[str, tuple[int, str]],
                 out: _Collector) -> None:
    late = keys[(keys[S.KIND] == S.UTFALL) & (keys[S.PERIOD] > as_of.ordinal)]
    column = mapped[S.PERIOD][1]
    for period, grp in late.groupby(S.PERIOD, sort=True):
        where = grp["_row"].to_numpy()
        out.add(int(where[0]), column,
                f"Utfall för {ordinal_label(period)} ligger efter prognosmånaden {as_of}"
                + (f" ({_rows_text(where)})" if len(where) > 1 else ""),
                f"utfall till och med {as_of}; budget får gälla senare månader", check="as_of")


def _check_last_month(keys: pd.DataFrame, as_of: pd.Period,
                      mapped: dict[str, tuple[int, str]], out: _Collector) -> None:
    """A series with outcome in the year before the as-of month but none in it is a problem.

    Without it the forecast would read the missing month as 0 tkr.
    """
    utf = keys[keys[S.KIND] == S.UTFALL]
    if utf.empty:
        return
    ref = as_of.ordinal
    recent = utf[(utf[S.PERIOD] <= ref) & (utf[S.PERIOD] > ref - 12)]
    last = recent.groupby([S.UNIT, S.ACCOUNT], sort=False)[S.PERIOD].max()
    short = last[last < ref]
    column = mapped[S.PERIOD][1]
    for (unit, account), m in short.items():
        out.add(None, column,
                f"Serien {_series_label(unit, account, S.UTFALL)} saknar utfall för "
                f"{ordinal_label(ref)} (sista utfall {ordinal_label(m)}); en saknad månad "
                "räknas inte som 0",
                f"utfall för varje serie till och med {ordinal_label(ref)}; skriv 0 om "
                "utfallet verkligen är 0", check="sista_månad")


def _read_path(path: Path, filename: str) -> bytes:
    size = path.stat().st_size
    if size > MAX_UPLOAD_BYTES:
        raise ValidationFailed([Problem(
            filename, None, None, f"Filen är för stor ({size / 1024 / 1024:.1f} MB)",
            f"högst {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")])
    return path.read_bytes()


def read_ledger_file(path: Path, *, base: Dataset, as_of: pd.Period | str | None = None,
                     sheet: str | None = None) -> ImportResult:
    """:func:`read_ledger` on a file on disk (size checked before reading)."""
    path = Path(path)
    return read_ledger(_read_path(path, path.name), path.name, base=base, as_of=as_of,
                       sheet=sheet)


def load_user_data(path_or_bytes: Path | str | bytes | bytearray | memoryview | BinaryIO,
                   filename: str | None = None, *, base: Dataset,
                   as_of: pd.Period | str | None = None, sheet: str | None = None) -> Dataset:
    """Import a user's ledger into a new Dataset; ``base`` is left unchanged.

    Args:
        path_or_bytes: A path, the file's bytes, or a binary file object (e.g. Streamlit's
            ``UploadedFile``).
        filename: The name as the user gave it (required unless a path is given).
        base: The current data set; the result keeps its dimensions and extras.
        as_of: The forecast month (outcome after it is a problem), or None.
        sheet: The XLSX sheet to read, or None for the sheet rule.

    Returns:
        ``base.with_ledger(...)`` with the imported ledger and the org extended by any new
        units.

    Raises:
        ValidationFailed: With every problem of the file.
        ValueError: If bytes or a file object are given without a filename.
    """
    if isinstance(path_or_bytes, (str, Path)):
        path = Path(path_or_bytes)
        filename = filename or path.name
        data = _read_path(path, filename)
    else:
        if filename is None:
            raise ValueError("filename is required when passing bytes or a file object")
        if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
            data = bytes(path_or_bytes)
        elif hasattr(path_or_bytes, "getvalue"):
            data = bytes(path_or_bytes.getvalue())
        else:
            data = path_or_bytes.read(MAX_UPLOAD_BYTES + 1)
    result = read_ledger(data, filename, base=base, as_of=as_of, sheet=sheet)
    org = base.org.with_units(result.new_units) if result.new_units else None
    return base.with_ledger(result.ledger, source=filename, source_hash=result.source_hash,
                            org=org)
