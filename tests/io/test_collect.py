"""Tests of the ledger import on the path the app and CLI use.

A ledger file read by :func:`forecast.io.dataset_files.load_dataset` over the shared cell
parsers and problem list of :mod:`forecast.io.collect` and the file parsing of
:mod:`forecast.io.parsing`.
"""

from __future__ import annotations

import datetime as dt
import io
import time
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.io import parsing
from forecast.io.dataset_files import DatasetFiles, InputFile, LoadedDataset, load_dataset
from forecast.io.parsing import (
    MAX_UPLOAD_BYTES,
    ParseError,
    Problem,
    ValidationFailed,
    parse_month_cell,
    parse_number,
)
from forecast.io.readers import ReadOptions
from forecast.ledger import schema as S
from forecast.ledger.dimensions import AccountHierarchy, Unit

DATA = Path(__file__).resolve().parents[1] / "data" / "import"
HEADER = "Månad;Enhet;Konto;Typ;Belopp"
UNITS = (
    Unit(id="K01", name="Kirurgkliniken", division="Kirurgi"),
    Unit(id="K02", name="Ortopedkliniken", division="Kirurgi"),
    Unit(id="M01", name="Medicinkliniken", division="Medicin"),
    Unit(id="1010", name="Vårdcentral Norr", division="Primärvård"),
)


LEAVES = AccountHierarchy().leaves


def by_key(ledger: pd.DataFrame) -> pd.DataFrame:
    """The ledger in key order (the load aggregates, so its row order is its own)."""
    return ledger.sort_values([S.PERIOD, S.UNIT, S.ACCOUNT, S.KIND]).reset_index(drop=True)


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return "\n".join([header, *lines, ""]).encode(encoding)


ORG = "\n".join(["enhet;namn;division", *(f"{u.id};{u.name};{u.division}" for u in UNITS),
                 ""]).encode("utf-8")


def load(data: bytes, filename: str = "fil.csv", *, as_of: str | pd.Period | None = None,
         sheet: str | None = None, org: bool = True) -> LoadedDataset:
    """One ledger file (with the four units' organisation file unless ``org`` is False)."""
    files = DatasetFiles((InputFile(filename, data),),
                         organisation=InputFile("org.csv", ORG) if org else None)
    month = pd.Period(as_of, "M") if isinstance(as_of, str) else as_of
    return load_dataset(files, ReadOptions(sheet=sheet), as_of=month)


def ledger_of(data: bytes, filename: str = "fil.csv", **kw) -> pd.DataFrame:
    return load(data, filename, **kw).dataset.ledger


def problems_of(data: bytes, filename: str = "fil.csv", **kw) -> list[Problem]:
    with pytest.raises(ValidationFailed) as info:
        load(data, filename, **kw)
    return info.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


# --- happy paths ------------------------------------------------------------------------------


def test_swedish_dialect_csv_round_trip() -> None:
    text = (
        "\ufeff Månad ;ENHET;Kostnadsslag;Typ;Belopp_tkr\r\n"
        "2023-01;K01;Läkemedel;Utfall;\u22121\u00a0234,5\r\n"
        "2023-02;K01;Läkemedel;utfall;\u22121\u202f234\u00a0567,25\r\n"
        "2023-01;K01;Läkemedel;BUDGET;\u20131 000\r\n"
        "2023-01;M01;Statsbidrag;utfall;12,5\r\n"
        "2023-01;M01;Hyrläkare;utfall;-7\r\n"
        "\r\n\r\n"
    )
    result = load(text.encode("utf-8"), "export.csv").dataset
    expected = pd.DataFrame({
        S.PERIOD: pd.PeriodIndex(["2023-01", "2023-02", "2023-01", "2023-01", "2023-01"],
                                 freq="M"),
        S.UNIT: ["K01", "K01", "K01", "M01", "M01"],
        S.ACCOUNT: ["Läkemedel", "Läkemedel", "Läkemedel", "Erhållna bidrag",
                    "Inhyrd personal läkare"],
        S.KIND: ["utfall", "utfall", "budget", "utfall", "utfall"],
        S.AMOUNT: [-1234.5, -1234567.25, -1000.0, 12.5, -7.0],
    })
    pd.testing.assert_frame_equal(by_key(result.ledger), by_key(expected))
    S.validate_ledger(result.ledger)
    assert result.org.unit_ids == [u.id for u in UNITS]


def test_cp1252_encoded_file() -> None:
    data = csv_bytes("2023-01;K01;Läkemedel;utfall;-1,5", encoding="cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    ledger = ledger_of(data, "ansi.csv")
    assert ledger[S.ACCOUNT].tolist() == ["Läkemedel"]
    assert ledger[S.AMOUNT].tolist() == [-1.5]


def test_utf16_tab_separated_unicode_text() -> None:
    text = "Månad\tEnhet\tKonto\tTyp\tBelopp\r\n2023-01\tK01\tLäkemedel\tutfall\t-1 234,5\r\n"
    ledger = ledger_of(text.encode("utf-16"), "unicode.txt")
    assert ledger[S.AMOUNT].tolist() == [-1234.5]


def test_comma_separator_with_quoted_decimal_comma() -> None:
    data = ('period,unit,account,kind,amount_tkr\n'
            '2023-01,K01,Läkemedel,utfall,"-1 234,5"\n'
            '2023-02,K01,Läkemedel,utfall,-12.25\n').encode()
    ledger = ledger_of(data, "komma.csv")
    assert ledger[S.AMOUNT].tolist() == [-1234.5, -12.25]


def test_comma_separator_unquoted_decimal_comma_is_a_ragged_row() -> None:
    data = b"period,unit,account,kind,amount_tkr\n2023-01,K01,L\xc3\xa4kemedel,utfall,-1234,5\n"
    p = only(problems_of(data, "komma.csv"))
    assert p.row == 2
    assert "6 fält men rubrikraden 5" in p.message
    assert "citattecken" in p.message


@pytest.mark.parametrize(("text", "month"), [
    ("2023-04", "2023-04"), ("202304", "2023-04"), ("2023-4", "2023-04"),
    ("2023-04-30", "2023-04"), ("2023-04-30 00:00:00", "2023-04"), ("apr 2023", "2023-04"),
    ("april 2023", "2023-04"), ("April 2023", "2023-04"), ("APR 2023", "2023-04"),
    ("Apr. 2023", "2023-04"), ("maj 2023", "2023-05"), ("okt 2023", "2023-10"),
    ("mars 2023", "2023-03"), ("december 2023", "2023-12"), (" 2023-12 ", "2023-12"),
    ("2023-02-28", "2023-02"), ("2024-02-29", "2024-02"),
])
def test_month_formats(text: str, month: str) -> None:
    assert parse_month_cell(text) == pd.Period(month, freq="M").ordinal


def test_month_formats_in_a_file() -> None:
    lines = [f"{m};K01;Läkemedel;utfall;1" for m in
             ("2023-01", "202302", "2023-3", "2023-04-30", "maj 2023", "Juni 2023")]
    ledger = ledger_of(csv_bytes(*lines), "m.csv")
    assert ledger[S.PERIOD].astype(str).tolist() == [
        "2023-01", "2023-02", "2023-03", "2023-04", "2023-05", "2023-06"]


_SV_ABBR = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
_SV_FULL = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
            "september", "oktober", "november", "december"]


@settings(max_examples=200)
@given(year=st.integers(1900, 2100), month=st.integers(1, 12), day=st.integers(1, 28),
       style=st.sampled_from(["iso", "short", "compact", "date", "abbr", "full"]),
       upper=st.booleans())
def test_month_parser_round_trips(year: int, month: int, day: int, style: str,
                                  upper: bool) -> None:
    text = {
        "iso": f"{year}-{month:02d}", "short": f"{year}-{month}", "compact": f"{year}{month:02d}",
        "date": f"{year}-{month:02d}-{day:02d}", "abbr": f"{_SV_ABBR[month - 1]} {year}",
        "full": f"{_SV_FULL[month - 1]} {year}",
    }[style]
    text = text.upper() if upper else text
    assert parse_month_cell(text) == pd.Period(year=year, month=month, freq="M").ordinal


def test_month_from_excel_values() -> None:
    assert parse_month_cell(dt.datetime(2023, 4, 30, 12)) == pd.Period("2023-04", "M").ordinal
    assert parse_month_cell(dt.date(2023, 4, 1)) == pd.Period("2023-04", "M").ordinal
    assert parse_month_cell(202304) == pd.Period("2023-04", "M").ordinal
    assert parse_month_cell(202304.0) == pd.Period("2023-04", "M").ordinal


@pytest.mark.parametrize(("text", "fragment"), [
    ("2023-13", "finns inte (månad 13)"), ("202300", "månad 0"),
    ("2023-02-30", "Datumet '2023-02-30' finns inte"), ("13/2023", "känns inte igen"),
    ("foo 2023", "känns inte igen"), ("april", "känns inte igen"), ("23-04", "känns inte igen"),
    ("1850-01", "utanför"), ("2023-04-31", "finns inte"),
])
def test_bad_months(text: str, fragment: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_month_cell(text)
    assert fragment in str(info.value)


@pytest.mark.parametrize(("text", "value"), [
    ("0", 0.0), ("-0,5", -0.5), ("1234", 1234.0), ("1 234", 1234.0), ("1\u00a0234,75", 1234.75),
    ("\u22121\u202f234", -1234.0), ("\u201312", -12.0), ("+3.5", 3.5), ("12 345 678,9", 12345678.9),
    (" 7 ", 7.0), ("1,234", 1.234),
])
def test_parse_number_accepts(text: str, value: float) -> None:
    assert parse_number(text) == pytest.approx(value)


@pytest.mark.parametrize("text", [
    "12,3x", "1,234.5", "1.234,5", "1 23", "12 tkr", "1e3", "nan", "inf", "", "-", ",5", "1..2",
    "- 12", "12-", "1 2345", "SANT",
])
def test_parse_number_rejects(text: str) -> None:
    with pytest.raises(ParseError, match="inte ett tal"):
        parse_number(text)


def _swedish(x: float, group: str, minus: str, decimals: int) -> str:
    s = f"{abs(x):,.{decimals}f}".replace(",", group).replace(".", ",")
    return (minus if x < 0 else "") + s


@settings(max_examples=300)
@given(
    x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    group=st.sampled_from(["", " ", "\u00a0", "\u202f"]),
    minus=st.sampled_from(["-", "\u2212", "\u2013"]),
    decimals=st.integers(min_value=0, max_value=4),
)
def test_number_parser_round_trips_swedish_formatting(x: float, group: str, minus: str,
                                                      decimals: int) -> None:
    text = _swedish(x, group, minus, decimals)
    expected = float(f"{x:.{decimals}f}")
    assert parse_number(text) == pytest.approx(expected, rel=1e-12, abs=1e-9)


# --- XLSX -------------------------------------------------------------------------------------


def _xlsx(path: Path, rows: list[list], *, sheets: tuple[str, ...] = ("Blad1",),
          target: str | None = None) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = sheets[0]
    for name in sheets[1:]:
        wb.create_sheet(name)
    ws = wb[target or sheets[0]]
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_openpyxl_uses_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


def test_xlsx_values_dates_and_numbers(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "huvudbok.xlsx", [
        ["Period", "Enhet", "Konto", "Typ", "Belopp"],
        [dt.datetime(2023, 1, 31), "K01", "Läkemedel", "utfall", -1234.5],
        [dt.date(2023, 2, 1), 1010, "Läkemedel", "Utfall", 7],
        [dt.date(2023, 2, 1), "K01", "Läkemedel", "Utfall", 7.0],
        ["2023-03", "K01", "Läkemedel", "utfall", "\u22121\u00a0000,5"],
        [202304, "K01", "Läkemedel", "budget", 12.0],
    ])
    led = by_key(ledger_of(InputFile.from_path(path).data, path.name))
    assert led[S.PERIOD].astype(str).tolist() == ["2023-01", "2023-02", "2023-02", "2023-03",
                                                   "2023-04"]
    assert led[S.UNIT].tolist() == ["K01", "1010", "K01", "K01", "K01"]
    assert led[S.AMOUNT].tolist() == [-1234.5, 7.0, 7.0, -1000.5, 12.0]


def test_xlsx_prefers_sheet_named_huvudbok(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "b.xlsx", [
        ["månad", "enhet", "konto", "typ", "belopp"], ["2023-01", "K01", "Läkemedel", "utfall", 1],
    ], sheets=("Info", "Huvudbok"), target="Huvudbok")
    assert len(ledger_of(InputFile.from_path(path).data, path.name)) == 1


def test_xlsx_problem_rows_and_types(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "fel.xlsx", [
        ["månad", "enhet", "konto", "typ", "belopp"],
        ["2023-01", "K01", "Läkemedel", "utfall", True],
        ["2023-02", "K01", "Läkemedel", "utfall", dt.datetime(2023, 1, 1)],
        [dt.time(12, 0), "K01", "Läkemedel", "utfall", 1],
    ])
    with pytest.raises(ValidationFailed) as info:
        ledger_of(InputFile.from_path(path).data, path.name)
    got = {(p.row, p.column): p.message for p in info.value.problems}
    assert "'SANT' är inte ett tal" in got[(2, "belopp")]
    assert "inte ett tal" in got[(3, "belopp")]
    assert "känns inte igen" in got[(4, "månad")]


def test_xlsx_formula_without_cached_value(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "formel.xlsx", [
        ["månad", "enhet", "konto", "typ", "belopp"],
        ["2023-01", "K01", "Läkemedel", "utfall", 5],
        ["2023-02", "K01", "Läkemedel", "utfall", "=E2*2"],
    ])
    with pytest.raises(ValidationFailed) as info:
        ledger_of(InputFile.from_path(path).data, path.name)
    p = only(info.value.problems)
    assert (p.file, p.row, p.column) == ("formel.xlsx", 3, "belopp")
    assert "formel utan värde" in p.message


def test_xlsx_formula_pass_only_when_sheet_has_formulas(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    original = parsing._mark_formulas
    monkeypatch.setattr(parsing, "_mark_formulas",
                        lambda *a: calls.append(1) or original(*a))
    rows = [["månad", "enhet", "konto", "typ", "belopp"],
            ["2023-01", "K01", "Läkemedel", "utfall", None]]
    with pytest.raises(ValidationFailed, match="Cellen är tom"):
        ledger_of(InputFile.from_path(_xlsx(tmp_path / "a.xlsx", rows)).data, Path(_xlsx(tmp_path / "a.xlsx", rows)).name)
    assert calls == []
    rows.append(["2023-02", "K01", "Läkemedel", "utfall", "=1+1"])
    with pytest.raises(ValidationFailed, match="formel utan värde"):
        ledger_of(InputFile.from_path(_xlsx(tmp_path / "b.xlsx", rows)).data, Path(_xlsx(tmp_path / "b.xlsx", rows)).name)
    assert calls == [1]


def test_xlsx_formula_with_cached_value_is_read_not_evaluated() -> None:
    # A workbook as Excel saves it: the formula <f> and its cached value <v>.
    data = (DATA / "cached_formula.xlsx").read_bytes()
    ledger = ledger_of(data, "cached_formula.xlsx")
    assert ledger[S.AMOUNT].tolist() == [5.0, 10.0]


@pytest.mark.parametrize("name", ["makro.xlsm", "gammal.xls", "binar.xlsb"])
def test_macro_and_old_excel_refused(name: str) -> None:
    p = only(problems_of(b"PK\x03\x04whatever", name))
    assert p.row is None
    assert "tas inte emot" in p.message
    assert ".xlsx" in p.allowed


@pytest.mark.parametrize("name", ["data.json", "data", "data.ods"])
def test_unknown_extension(name: str) -> None:
    p = only(problems_of(b"x", name))
    assert "känns inte igen" in p.message
    assert p.allowed == ".csv, .txt eller .xlsx"


def _zip(entries: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in entries.items():
            zf.writestr(name, content)
    return buf.getvalue()


def test_zip_bomb_like_xlsx_refused() -> None:
    data = _zip({"[Content_Types].xml": b"<x/>",
                 "xl/worksheets/sheet1.xml": b"<row/>" * 2_000_000})  # 12 MB → ~12 kB
    assert len(data) < 100_000
    p = only(problems_of(data, "bomb.xlsx"))
    assert "zip-bomb" in p.message
    assert "100:1" in p.allowed


def test_zip_with_too_many_entries_refused() -> None:
    data = _zip({f"x/{i}.xml": b"" for i in range(10_001)})
    p = only(problems_of(data, "manga.xlsx"))
    assert "för många delar (10001)" in p.message


def test_zip_uncompressed_total_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parsing, "MAX_ZIP_UNCOMPRESSED", 1000)
    data = _zip({"a.xml": bytes(range(256)) * 8})
    p = only(problems_of(data, "stor.xlsx"))
    assert "för stor uppackad" in p.message


def test_xlsx_with_macro_part_refused() -> None:
    p = only(problems_of(_zip({"xl/vbaProject.bin": b"\x00" * 10}), "forklädd.xlsx"))
    assert "makron" in p.message


def test_not_a_zip_named_xlsx() -> None:
    p = only(problems_of(b"Manad;Enhet\n", "text.xlsx"))
    assert "ingen giltig .xlsx" in p.message


def test_xlsx_named_csv() -> None:
    p = only(problems_of(_zip({"a": b"b"}), "fel.csv"))
    assert ".xlsx" in p.allowed


def test_size_limit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    data = csv_bytes("2023-01;K01;Läkemedel;utfall;1")
    monkeypatch.setattr(parsing, "MAX_UPLOAD_BYTES", 20)
    p = only(problems_of(data, org=False))
    assert "för stor" in p.message
    monkeypatch.setattr("forecast.io.dataset_files.MAX_UPLOAD_BYTES", 20)
    (tmp_path / "s.csv").write_bytes(data)
    with pytest.raises(ValidationFailed, match="för stor"):
        ledger_of(InputFile.from_path(tmp_path / "s.csv").data, Path(tmp_path / "s.csv").name)


def test_xlsx_empty_cell_is_not_a_formula(tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "tom.xlsx", [
        ["månad", "enhet", "konto", "typ", "belopp"],
        ["2023-01", None, "Läkemedel", "utfall", 5],
        [],
        ["2023-02", "K01", "Läkemedel", "utfall", 1],
        [None, None, None, None, None],
    ])
    with pytest.raises(ValidationFailed) as info:
        ledger_of(InputFile.from_path(path).data, path.name)
    assert [(p.row, p.column, p.message) for p in info.value.problems] == [
        (3, None, "Raden är tom"), (2, "enhet", "Cellen är tom")]


def test_problem_text() -> None:
    assert str(Problem("a.csv", None, None, "Filen är tom.", "")) == "a.csv: Filen är tom"
    assert str(Problem("a.csv", 3, None, "Fel", "x")) == "a.csv, rad 3: Fel. Tillåtet: x"
    exc = ValidationFailed([Problem("a.csv", 1, "k", "Fel", "x")])
    assert exc.report() == "Filen 'a.csv' lästes inte in: 1 problem hittades.\n" \
                           "- a.csv, rad 1, kolumn 'k': Fel. Tillåtet: x"
    assert str(exc) == exc.report()


# --- one test per class of bad input ----------------------------------------------------------


def test_missing_column() -> None:
    p = only(problems_of(csv_bytes("2023-01;K01;Läkemedel;utfall",
                                   header="Månad;Enhet;Konto;Typ")))
    assert (p.row, p.column) == (1, "belopp")
    assert "saknas" in p.message
    assert p.allowed == "en kolumn belopp (med typ), eller utfall och/eller budget"


def test_unknown_and_doubled_columns() -> None:
    probs = problems_of(csv_bytes("2023-01;K01;Läkemedel;Läkemedel;utfall;1;x",
                                  header="Månad;Enhet;Konto;Kostnadsslag;Typ;Belopp;Kommentar"))
    by_col = {p.column: p for p in probs}
    assert set(by_col) == {"Kostnadsslag", "Kommentar"}
    assert "samma sak som 'Konto'" in by_col["Kostnadsslag"].message
    assert "'Kommentar' känns inte igen" in by_col["Kommentar"].message
    assert all(p.row == 1 for p in probs)


def test_header_below_a_title_row_is_found_and_noted() -> None:
    data = csv_bytes(HEADER, "2023-01;K01;Läkemedel;utfall;1", header="Huvudbok 2023")
    loaded = load(data)
    assert len(loaded.dataset.ledger) == 1
    assert loaded.report.notes[0] == ("fil.csv: Rad 1 ovanför rubrikraden hoppades över "
                                      "(titel: 'Huvudbok 2023'); rubrikraden är rad 2.")


def test_values_without_header() -> None:
    p = only(problems_of(csv_bytes("2023-01;x;K01;Läkemedel;utfall;1",
                                   header="Månad;;Enhet;Konto;Typ;Belopp")))
    assert (p.row, p.column) == (1, "(nr 2)")
    assert p.message == "Kolumn nr 2 har värden men ingen rubrik"
    p = only(problems_of(csv_bytes("2023-01;K01;Läkemedel;utfall;1;extra",
                                   header=HEADER + ";")))
    assert (p.row, p.message) == (2, "Raden har 6 fält men rubrikraden 5")
    # An empty column without header (a trailing separator everywhere) is fine.
    load(csv_bytes("2023-01;K01;Läkemedel;utfall;1;", header=HEADER + ";"), "f.csv")


def test_non_numeric_amount() -> None:
    p = only(problems_of(csv_bytes("2023-01;K01;Läkemedel;utfall;1",
                                   "2023-02;K01;Läkemedel;utfall;12,3x")))
    assert (p.file, p.row, p.column) == ("fil.csv", 3, "Belopp")
    assert p.message == "Beloppet '12,3x' är inte ett tal"
    assert "-1 234,5" in p.allowed
    assert str(p).startswith("fil.csv, rad 3, kolumn 'Belopp': Beloppet '12,3x' är inte ett tal."
                             " Tillåtet: ett tal")


def test_empty_cells_and_row_with_some_cells() -> None:
    probs = problems_of(csv_bytes("2023-01;;Läkemedel;utfall;1", "2023-02;K01"))
    assert [(p.row, p.column, p.message) for p in probs] == [
        (2, "Enhet", "Cellen är tom"), (3, "Konto", "Cellen är tom"),
        (3, "Typ", "Cellen är tom"), (3, "Belopp", "Cellen är tom")]


def test_blank_row_in_the_middle_but_not_at_the_end() -> None:
    data = csv_bytes("2023-01;K01;Läkemedel;utfall;1", "", "2023-02;K01;Läkemedel;utfall;1",
                     "", ";;;;", "")
    p = only(problems_of(data))
    assert (p.row, p.message) == (3, "Raden är tom")


def test_unknown_kind_grouped_with_rows() -> None:
    p = only(problems_of(csv_bytes(*(f"2023-0{m};K01;Läkemedel;prognos;1" for m in (1, 2, 3)))))
    assert (p.row, p.column) == (2, "Typ")
    assert p.message == "Typen 'prognos' känns inte igen (rad 2, 3, 4)"
    assert p.allowed.startswith("utfall eller budget")


def test_the_same_row_twice_names_both_rows_and_bookings_of_one_key_are_summed() -> None:
    p = only(problems_of(csv_bytes("2023-01;K01;Läkemedel;utfall;1",
                                   "2023-01;K01;Läkemedel;utfall;1")))
    assert (p.row, p.column) == (3, None)
    assert p.message == ("Raden upprepar rad 2: samma månad, enhet, konto och typ "
                         "(2023-01, K01 / Läkemedel / utfall)")
    led = by_key(ledger_of(csv_bytes("2023-01;K01;Läkemedel;utfall;1",
                                     "2023-02;K01;Läkemedel;utfall;1",
                                     "2023-01;K01;läkemedel;Utfall;2",
                                     "2023-01;M01;Hyrläkare;utfall;2",
                                     "jan 2023;M01;Inhyrd personal läkare;utfall;2")))
    assert led[S.AMOUNT].tolist() == [3.0, 4.0, 1.0]


def test_outcome_after_as_of_but_budget_may_run_on() -> None:
    lines = [f"2023-{m:02d};K01;Läkemedel;{k};1" for k in ("utfall", "budget")
             for m in range(1, 7)]
    probs = problems_of(csv_bytes(*lines), as_of=pd.Period("2023-04", freq="M"))
    assert [(p.row, p.column) for p in probs] == [(6, "period"), (7, "period")]
    assert probs[0].message == "Utfall för 2023-05 ligger efter prognosmånaden 2023-04 (1 rader)"
    assert "till och med 2023-04" in probs[0].allowed
    assert len(ledger_of(csv_bytes(*lines), "f.csv", as_of="2023-06")) == 12


def test_gap_in_a_series() -> None:
    lines = [f"2023-{m:02d};K01;Läkemedel;utfall;1" for m in (1, 2, 5, 6)]
    lines += [f"2023-{m:02d};M01;Läkemedel;utfall;1" for m in range(1, 7)]
    p = only(problems_of(csv_bytes(*lines)))
    assert (p.row, p.column) == (None, "period")
    assert p.message == ("Enhet K01, konto Läkemedel (utfall) saknar 2023-03, 2023-04 (mellan "
                         "2023-01 och 2023-06); en saknad månad läses inte som 0")
    # a month missing in the whole set is warned of, not a problem of one series
    lines = [f"2023-{m:02d};K01;Läkemedel;utfall;1" for m in (1, 2, 5, 6)]
    assert "(mars–april 2023)" in " ".join(load(csv_bytes(*lines)).report.warnings)


def test_account_outside_the_chart_names_its_rows_and_amount() -> None:
    p = only(problems_of(csv_bytes("2023-01;K01;Läkemdel;utfall;1")))
    assert (p.row, p.column) == (2, "konto")
    assert p.message == "Kontot Läkemdel finns inte i någon kontoplan (rad 2; summa 1,0 tkr)"
    assert p.allowed.startswith("ett kostnadsslag i kontoplanen, eller kontonummer med "
                                "--kontoplan FIL")


def test_unit_outside_the_organisation_file() -> None:
    p = only(problems_of(csv_bytes("2023-01;X99;Läkemedel;utfall;1",
                                   "2023-02;X99;Läkemedel;utfall;1")))
    assert (p.row, p.column) == (2, "enhet")
    assert p.message == "Enheten 'X99' finns inte i organisationsfilen 'org.csv' (rad 2, 3)"
    assert p.allowed == "en enhet som står i organisationsfilen; lägg till den där"


@pytest.mark.parametrize(("cell", "shown"), [('"K0\r1"', "K0\\r1"), ("K0\t1", "K0\\t1"),
                                             ('"Läke\nmedel"', "Läke\\nmedel"),
                                             ("K01\ufeff", "K01\\ufeff"),
                                             ("K0\u200b1", "K0\\u200b1")])
def test_control_characters_rejected(cell: str, shown: str) -> None:
    line = (f"2023-01;{cell};Läkemedel;utfall;1" if "K0" in cell
            else f"2023-01;K01;{cell};utfall;1")
    p = only(problems_of(csv_bytes(line)))
    assert p.row == 2
    assert shown in p.message and "styrtecken" in p.message


def test_excel_error_values() -> None:
    p = only(problems_of(csv_bytes("2023-01;K01;Läkemedel;utfall;#DIV/0!")))
    assert (p.row, p.column) == (2, "Belopp")
    assert p.message == "Cellen har Excel-felet '#DIV/0!'"


def test_broken_quotes() -> None:
    p = only(problems_of(csv_bytes('2023-01;"K01"x";Läkemedel;utfall;1')))
    assert p.row == 2
    assert "fält" in p.message


def test_empty_file_and_header_only() -> None:
    assert "tom" in only(problems_of(b"  \n", "tom.csv")).message
    p = only(problems_of(csv_bytes()))
    assert p.message == "Filen har inga datarader"
    loaded = load(b"\n" + csv_bytes("2023-01;K01;Läkemedel;utfall;1"))
    assert loaded.report.notes[0] == ("fil.csv: Rad 1 ovanför rubrikraden hoppades över; "
                                      "rubrikraden är rad 2.")


def test_undecodable_bytes() -> None:
    p = only(problems_of(HEADER.encode() + b"\n2023-01;K\x81;L\xc3;utfall;1\n"))
    assert "Teckenkodningen" in p.message
    assert "Windows-1252" in p.allowed


def test_all_problems_of_a_file_come_together() -> None:
    data = csv_bytes(
        "2023-01;K01;Läkemedel;utfall;1",
        "2023-13;K01;Läkemedel;utfall;1",       # bad month
        "2023-02;X1;Läkemedel;utfall;1",        # unknown unit
        "2023-03;K01;Läkemdel;utfall;1",        # unknown account
        "2023-04;K01;Läkemedel;prognos;1",      # unknown kind
        "2023-05;K01;Läkemedel;utfall;abc",     # bad amount
        "2023-06;K01;Läkemedel;utfall;",        # empty cell
        "2023-01;K01;Läkemedel;utfall;2",       # duplicate of row 2
        header=HEADER + ";Extra",
    )
    with pytest.raises(ValidationFailed) as info:
        load(data, "allt.csv")
    exc = info.value
    assert exc.total == len(exc.problems) >= 8
    rows = [p.row for p in exc.problems]
    assert {1, 3, 4, 5, 6, 7, 8, 9} <= set(rows)
    report = exc.report()
    assert report.splitlines()[0] == f"Filen 'allt.csv' lästes inte in: {exc.total} problem hittades."
    assert len(report.splitlines()) == exc.total + 1


def test_report_is_capped() -> None:
    lines = [f"{2000 + m // 12}-{m % 12 + 1:02d};K01;Läkemedel;utfall;x" for m in range(300)]
    with pytest.raises(ValidationFailed) as info:
        load(csv_bytes(*lines), "manga.csv")
    exc = info.value
    assert exc.total == 300
    report = exc.report().splitlines()
    assert len(report) == 1 + 200 + 1
    assert report[-1] == "… och 100 till."


# --- the unit rule ----------------------------------------------------------------------------


DIV_HEADER = HEADER + ";Division"


def test_without_an_organisation_file_units_and_divisions_come_from_the_ledger() -> None:
    data = csv_bytes("2023-01;N01;Läkemedel;utfall;1;Nya divisionen",
                     "2023-02;N01;Läkemedel;utfall;1;Nya divisionen",
                     "2023-01;N02;Läkemedel;utfall;1;kirurgi",
                     "2023-01;K01;Läkemedel;utfall;1;",
                     "2023-02;K01;Läkemedel;utfall;1;Kirurgi", header=DIV_HEADER)
    org = load(data, "nya.csv", org=False).dataset.org
    assert org.unit_ids == ["N01", "N02", "K01"]
    assert org.division_of() == {"N01": "Nya divisionen", "N02": "kirurgi", "K01": "Kirurgi"}


def test_a_unit_with_two_divisions_is_a_problem() -> None:
    p = only(problems_of(csv_bytes("2023-01;N01;Läkemedel;utfall;1;A",
                                   "2023-02;N01;Läkemedel;utfall;1;B",
                                   "2023-01;N02;Läkemedel;utfall;1;A",
                                   "2023-02;N02;Läkemedel;utfall;1;",
                                   header=DIV_HEADER), org=False))
    assert (p.row, p.column) == (3, "division")
    assert p.message == "Enheten 'N01' har olika divisioner: 'A' och 'B'"


def test_unit_with_pipe_rejected() -> None:
    p = only(problems_of(csv_bytes("2023-01;N|1;Läkemedel;utfall;1;A", header=DIV_HEADER),
                         org=False))
    assert (p.row, p.column) == (2, "Enhet")
    assert "'|'" in p.message


# --- the loaded dataset -----------------------------------------------------------------------


def test_bytes_and_the_file_on_disk_give_the_same_dataset(tmp_path: Path) -> None:
    data = csv_bytes("2023-01;K01;Läkemedel;utfall;-5")
    (tmp_path / "mina.csv").write_bytes(data)
    from_bytes = load(data, "mina.csv").dataset
    from_disk = load(InputFile.from_path(tmp_path / "mina.csv").data, "mina.csv").dataset
    assert from_bytes.ledger[S.AMOUNT].tolist() == [-5.0]
    assert from_bytes.source == from_disk.source == "mina.csv, org.csv"
    assert from_bytes.source_hash == from_disk.source_hash
    assert from_bytes.source_hash != load(data + b"\n", "mina.csv").dataset.source_hash


def test_fixture_file_in_swedish_export_dialect() -> None:
    led = ledger_of(InputFile.from_path(DATA / "huvudbok_sv.csv").data, "huvudbok_sv.csv")
    assert len(led) == 6
    assert led[S.AMOUNT].sum() == pytest.approx(-1234.5 * 2 - 2_000_000 + 350.25 + 900 + 1000)


# --- performance ------------------------------------------------------------------------------


def test_100k_rows_parse_in_seconds() -> None:
    units = tuple(Unit(id=f"E{i:03d}", name=f"E{i:03d}", division="D") for i in range(100))
    accounts = LEAVES
    months = pd.period_range("2019-01", periods=56, freq="M").strftime("%Y-%m")
    rng = np.random.default_rng(0)
    grid = pd.MultiIndex.from_product([months, [u.id for u in units], accounts, ["utfall"]])
    frame = grid.to_frame(index=False)
    frame["b"] = [f"{v:.2f}".replace(".", ",") for v in rng.normal(-1000, 300, len(frame))]
    data = ("Månad;Enhet;Konto;Typ;Belopp\n"
            + frame.to_csv(sep=";", header=False, index=False)).encode()
    assert len(frame) >= 100_000
    start = time.process_time()  # CPU time: other processes on a busy machine do not count
    led = ledger_of(data, "stor.csv", org=False)
    elapsed = time.process_time() - start
    assert len(led) == len(frame)
    assert elapsed < 8, f"{len(frame)} rows took {elapsed:.1f} s"
