"""Tests of forecast.io.export: no formulas ever, neutralised text, dialects, metadata."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from forecast.io.export import (
    ExportMetadata,
    ExportTable,
    neutralise,
    tables_to_csv_bytes,
    tables_to_xlsx_bytes,
    write_tables,
)

EVIL = ["=1+2", "@SUM(A1)", "+cmd", "-2+3", "\tx", "\rfoo", "\nbar", "=HYPERLINK(\"http://x\")"]
FULL_WIDTH = ["\uff1d1+2", "\uff0bcmd", "\uff0d2+3", "\uff20SUM(A1)"]  # ＝ ＋ － ＠ (issue 13)
EVIL += FULL_WIDTH


def _meta(**params: str) -> ExportMetadata:
    return ExportMetadata(
        as_of="2023-04", input_hash="abc123", source="test.csv", method="uppföljning",
        program_version="1.2.3", created=datetime(2023, 5, 10, 8, 30, tzinfo=UTC),
        parameters=params,
    )


def _table() -> ExportTable:
    frame = pd.DataFrame(
        {"Ack utfall": [548443.0, -1659906.0], "Andel": [14.1, float("nan")],
         "Kommentar": ["ok", "=1+2"]},
        index=pd.Index(["Intäkter", "Bruttokostnader"], name="Rad"),
    )
    return ExportTable(name="sammanfattning", title="Sammanfattning", frame=frame,
                       amount_columns=("Ack utfall",), percent_columns=("Andel",), note="Not.")


def _evil_table() -> ExportTable:
    frame = pd.DataFrame(
        {"=cmd|' /C calc'!A0": [1.0] * len(EVIL), "Konto": EVIL},
        index=pd.Index(EVIL, name="@enhet"),
    )
    return ExportTable(name="elak", title="=title()", frame=frame,
                       amount_columns=("=cmd|' /C calc'!A0",), note="+note")


def test_neutralise() -> None:
    for s in EVIL:
        assert neutralise(s) == "'" + s
    assert neutralise("Kirurgi") == "Kirurgi"
    assert neutralise("") == ""
    assert neutralise("1-2") == "1-2"


def test_xlsx_has_no_formula_even_for_evil_text() -> None:
    data = tables_to_xlsx_bytes([_table(), _evil_table()], _meta(**{"=x": "@y"}))
    wb = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value.replace("\r", "\n"))  # XML may normalise CR
    for s in EVIL:
        assert "'" + s.replace("\r", "\n") in texts
    assert not any(t.startswith(("=", "+", "-", "@", *(f[0] for f in FULL_WIDTH)))
                   for t in texts)
    ws = wb["elak"]
    assert ws["A1"].value == "'=title()"
    # amounts stay numbers (scaled to mkr by default)
    assert ws["B4"].value == pytest.approx(0.001)


def test_xlsx_layout_and_formats() -> None:
    data = tables_to_xlsx_bytes([_table()], _meta(Scenario="Bas"), unit="mkr")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["sammanfattning", "metadata"]
    ws = wb["sammanfattning"]
    assert ws["A1"].value == "Sammanfattning"
    assert ws["A2"].value == "Belopp i mkr"
    assert [c.value for c in ws[3]] == ["Rad", "Ack utfall", "Andel", "Kommentar"]
    assert ws["A3"].font.b and ws["B3"].font.b
    assert ws.freeze_panes == "B4"
    assert ws["A4"].value == "Intäkter"
    assert ws["B4"].value == pytest.approx(548.443)
    assert ws["B4"].number_format == "#,##0.0"
    assert ws["C4"].value == pytest.approx(14.1)
    assert ws["C4"].number_format == '0.0" %"'
    assert ws["C5"].value is None
    assert ws["D5"].value == "'=1+2"
    assert ws["A7"].value == "Not."
    assert ws.column_dimensions["A"].width >= 15

    data = tables_to_xlsx_bytes([_table()], _meta(), unit="tkr")
    ws = openpyxl.load_workbook(io.BytesIO(data))["sammanfattning"]
    assert ws["B5"].value == pytest.approx(-1659906.0)
    assert ws["B5"].number_format == "#,##0"
    assert ws["A2"].value == "Belopp i tkr"


def test_xlsx_metadata_sheet_and_created_property() -> None:
    meta = _meta(Scenario="Bas", Löneökning="3,4 %")
    data = tables_to_xlsx_bytes([_table()], meta)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    rows = [(r[0].value, r[1].value) for r in wb["metadata"].iter_rows(min_row=2)]
    assert rows == [
        ("Per månad", "2023-04"), ("Indata-hash", "abc123"), ("Källa", "test.csv"),
        ("Metod", "uppföljning"), ("Programversion", "1.2.3"),
        ("Skapad", "2023-05-10 10:30"), ("Scenario", "Bas"),  # local time
        ("Löneökning", "3,4 %"), ("Enhet", "mkr"),
    ]
    assert wb.properties.created == datetime(2023, 5, 10, 8, 30)
    # deterministic bytes for a fixed created date
    assert tables_to_xlsx_bytes([_table()], meta) == data


def _read_sv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))


def test_csv_sv_dialect_parses_back() -> None:
    data = tables_to_csv_bytes([_table()], _meta(Scenario="Bas"), unit="mkr", dialect="sv")
    rows = _read_sv(data)
    assert rows[0] == ["tabell", "rad", "kolumn", "värde"]
    meta = {r[1]: r[3] for r in rows if r[0] == "metadata"}
    assert meta["Enhet"] == "mkr" and meta["Per månad"] == "2023-04"
    assert meta["Scenario"] == "Bas"
    assert all(r[2] == "värde" for r in rows if r[0] == "metadata")
    cells = {(r[1], r[2]): r[3] for r in rows if r[0] == "sammanfattning"}
    assert cells[("Intäkter", "Ack utfall")] == "548,443"
    assert cells[("Bruttokostnader", "Ack utfall")] == "-1659,906"
    assert cells[("Intäkter", "Andel")] == "14,1"
    assert cells[("Bruttokostnader", "Andel")] == ""
    assert cells[("Bruttokostnader", "Kommentar")] == "'=1+2"
    assert len(cells) == 6

    df = pd.read_csv(io.BytesIO(data), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(df.columns) == ["tabell", "rad", "kolumn", "värde"]


def test_csv_intl_dialect_and_tkr() -> None:
    data = tables_to_csv_bytes([_table()], _meta(), unit="tkr", dialect="intl")
    assert not data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    cells = {(r[1], r[2]): r[3] for r in rows if r[0] == "sammanfattning"}
    assert cells[("Bruttokostnader", "Ack utfall")] == "-1659906"
    assert cells[("Intäkter", "Andel")] == "14.1"
    assert {r[1]: r[3] for r in rows if r[0] == "metadata"}["Enhet"] == "tkr"


def test_csv_neutralises_text_and_control_characters() -> None:
    data = tables_to_csv_bytes([_evil_table()], _meta(), dialect="sv")
    rows = _read_sv(data)
    assert all(len(r) == 4 for r in rows)
    body = [r for r in rows[1:] if r[0] == "elak"]
    assert len(body) == 2 * len(EVIL)
    for r in body:
        for field in r[1:3]:
            assert not field.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))
            assert "\r" not in field and "\n" not in field
        if r[2] == "'Konto":
            pass
    labels = {r[1] for r in body}
    assert "'=1+2" in labels and "'-2+3" in labels and "'@SUM(A1)" in labels
    konto = [r[3] for r in body if r[2] == "Konto"]
    assert "'+cmd" in konto
    amounts = [r[3] for r in body if r[2] != "Konto"]
    assert amounts == ["0,001"] * len(EVIL)


def test_write_tables_by_suffix(tmp_path: Path) -> None:
    write_tables([_table()], _meta(), tmp_path / "a.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes()[:2] == b"PK"
    write_tables([_table()], _meta(), tmp_path / "a.CSV", dialect="intl", form="lang")
    assert (tmp_path / "a.CSV").read_bytes().startswith("tabell,rad,kolumn,värde".encode())
    with pytest.raises(ValueError, match=r"\.xlsx.*\.csv.*\.zip"):
        write_tables([_table()], _meta(), tmp_path / "a.txt")


def test_validation_of_names_and_metadata() -> None:
    frame = pd.DataFrame({"x": [1.0]})
    with pytest.raises(ValueError):
        ExportTable(name="a" * 32, title="t", frame=frame)
    with pytest.raises(ValueError):
        ExportTable(name="a/b", title="t", frame=frame)
    with pytest.raises(ValueError):
        ExportTable(name="metadata", title="t", frame=frame)
    with pytest.raises(ValueError):
        ExportTable(name="ok", title="t", frame=frame, amount_columns=("y",))
    with pytest.raises(ValueError):
        tables_to_xlsx_bytes([ExportTable("a", "t", frame), ExportTable("A", "t", frame)],
                             _meta())
    with pytest.raises(ValueError):
        ExportMetadata(as_of="2023-04", input_hash="", source="", method="",
                       program_version="", created=datetime(2023, 1, 1))


# --------------------------------------------------------------------------- CSV as tables


def _sv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_table_csv_looks_like_the_sheet_then_metadata() -> None:
    from forecast.io.export import table_to_csv_bytes

    rows = _sv_rows(table_to_csv_bytes(_table(), _meta(Scenario="Bas"), unit="mkr"))
    assert rows[0] == ["Sammanfattning"]
    assert rows[1] == ["Belopp i mkr"]
    assert rows[2] == ["Rad", "Ack utfall", "Andel", "Kommentar"]
    assert rows[3] == ["Intäkter", "548,443", "14,1", "ok"]
    assert rows[4] == ["Bruttokostnader", "-1659,906", "", "'=1+2"]
    assert rows[5] == ["Not."]
    assert rows[6] == []
    assert rows[7] == ["Uppgift", "Värde"]
    meta = dict(r for r in rows[8:])
    assert meta["Per månad"] == "2023-04" and meta["Enhet"] == "mkr"
    assert meta["Indata-hash"] == "abc123" and meta["Scenario"] == "Bas"
    # the table block reads back as the frame (what Excel shows)
    df = pd.read_csv(io.BytesIO(table_to_csv_bytes(_table(), _meta(), unit="tkr")), sep=";",
                     decimal=",", encoding="utf-8-sig", skiprows=2, nrows=2, index_col=0)
    assert df.loc["Bruttokostnader", "Ack utfall"] == -1659906.0


def test_table_csv_is_safe_against_formulas() -> None:
    from forecast.io.export import table_to_csv_bytes

    rows = _sv_rows(table_to_csv_bytes(_evil_table(), _meta(), unit="tkr"))
    for r in rows:
        for cell in r:
            if cell and not cell.lstrip("-").replace(",", "").isdigit():
                assert not cell.startswith(("=", "+", "@", "\t", "\r", "\n")), cell
                assert "\r" not in cell and "\n" not in cell


def test_zip_holds_one_csv_per_table_and_metadata() -> None:
    import zipfile

    from forecast.io.export import csv_file_name, table_to_csv_bytes, tables_to_csv_zip_bytes

    two = ExportTable("Per division", "Per division", pd.DataFrame({"Belopp": [1.0]},
                      index=pd.Index(["A"], name="Division")), amount_columns=("Belopp",))
    data = tables_to_csv_zip_bytes([_table(), two], _meta(), unit="tkr")
    assert data == tables_to_csv_zip_bytes([_table(), two], _meta(), unit="tkr")  # stable
    z = zipfile.ZipFile(io.BytesIO(data))
    assert z.namelist() == ["sammanfattning.csv", "Per_division.csv", "metadata.csv"]
    assert csv_file_name("Per division", "r") == "r_Per_division.csv"
    assert z.read("Per_division.csv") == table_to_csv_bytes(two, _meta(), unit="tkr")
    meta = _sv_rows(z.read("metadata.csv"))
    assert meta[0] == ["Uppgift", "Värde"] and ["Enhet", "tkr"] in meta


def test_write_tables_csv_forms(tmp_path: Path) -> None:
    two = ExportTable("andra", "Andra", pd.DataFrame({"x": [1.0]}))
    one = write_tables([_table()], _meta(), tmp_path / "en.csv")
    assert one == [tmp_path / "en.csv"]
    assert _sv_rows(one[0].read_bytes())[0] == ["Sammanfattning"]
    many = write_tables([_table(), two], _meta(), tmp_path / "r.csv")
    assert many == [tmp_path / "r_sammanfattning.csv", tmp_path / "r_andra.csv"]
    assert not (tmp_path / "r.csv").exists()
    assert _sv_rows(many[1].read_bytes())[0] == ["Andra"]
    assert write_tables([_table(), two], _meta(), tmp_path / "r.zip") == [tmp_path / "r.zip"]
    long = write_tables([_table(), two], _meta(), tmp_path / "l.csv", form="lang")
    assert _sv_rows(long[0].read_bytes())[0] == ["tabell", "rad", "kolumn", "värde"]
    with pytest.raises(ValueError, match="CSV-form"):
        write_tables([_table()], _meta(), tmp_path / "x.csv", form="bred")  # type: ignore[arg-type]
