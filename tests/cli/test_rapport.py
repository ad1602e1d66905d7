"""Tests of ``budgetprognos rapport`` through the dispatcher, on a small constructed data set."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cli import common as cli_common
from cli.main import main
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import PERSONAL, OrgHierarchy, Unit, agency_account


def _small() -> Dataset:
    org = OrgHierarchy(units=(Unit(id="A1", name="a1", division="Kirurgi"),
                              Unit(id="B1", name="b1", division="Medicin")))
    rows = []
    for p in pd.period_range("2022-01", "2023-04", freq="M"):
        for u in ("A1", "B1"):
            rows += [(p, u, "Patientavgifter", S.UTFALL, 10.0),
                     (p, u, PERSONAL, S.UTFALL, -100.0),
                     (p, u, agency_account("sjuksköterskor"), S.UTFALL, -5.0)]
            if p.year == 2023:
                rows += [(p, u, "Patientavgifter", S.BUDGET, 12.0),
                         (p, u, PERSONAL, S.BUDGET, -95.0)]
    led = pd.DataFrame(rows, columns=list(S.LEDGER_COLUMNS))
    led[S.PERIOD] = pd.PeriodIndex(led[S.PERIOD], freq="M")
    return Dataset(ledger=S.validate_ledger(led), org=org, source="liten testdata",
                   source_hash="f" * 64)


@pytest.fixture(autouse=True)
def _small_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli_common, "load_default", _small)


def test_writes_xlsx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rapport.xlsx"
    assert main(["rapport", "--as-of", "2023-04", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert str(out) in said and "2023-04" in said
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Sammanfattning", "Per division", "Per kostnadsslag",
                             "Kostnadsutveckling", "Hyrpersonal", "Omställningsplan",
                             "Månadsutfall", "metadata"]
    ws = wb["Sammanfattning"]
    assert ws["A4"].value == "Intäkter"
    assert ws["E4"].value == pytest.approx(0.080)  # 2 units × 4 months × 10 tkr, in mkr
    meta = {r[0].value: r[1].value for r in wb["metadata"].iter_rows(min_row=2)}
    assert meta["Per månad"] == "2023-04"
    assert meta["Källa"] == "liten testdata"
    assert meta["Enhet"] == "mkr"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            assert all(c.data_type != "f" for c in row)


def test_writes_csv_tkr_intl(tmp_path: Path) -> None:
    out = tmp_path / "rapport.csv"
    code = main(["rapport", "--as-of", "2023-03", "--out", str(out), "--enhet", "tkr",
                 "--csv-dialect", "intl", "--csv-form", "lang"])
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0] == ["tabell", "rad", "kolumn", "värde"]
    cells = {(r[0], r[1], r[2]): r[3] for r in rows}
    assert cells[("Sammanfattning", "Intäkter", "Ack utfall")] == "60"
    assert cells[("metadata", "Enhet", "värde")] == "tkr"
    assert cells[("metadata", "Per månad", "värde")] == "2023-03"


def test_bad_month_and_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rapport", "--as-of", "2023-05", "--out", str(tmp_path / "r.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "inget utfall för 2023-05" in err and "2022-01–2023-04" in err
    assert main(["rapport", "--as-of", "april", "--out", str(tmp_path / "r.xlsx")]) == 2
    assert "ÅÅÅÅ-MM" in capsys.readouterr().err
    assert main(["rapport", "--as-of", "2023-04", "--out", str(tmp_path / "r.odt")]) == 2
    err = capsys.readouterr().err
    assert ".xlsx" in err and ".docx" in err and ".pdf" in err
    assert not any(tmp_path.iterdir())


def test_own_data_file(tmp_path: Path) -> None:
    data = tmp_path / "huvudbok.csv"
    lines = ["månad;enhet;konto;typ;belopp"]
    for m in ("2023-01", "2023-02"):
        lines += [f"{m};A1;Patientavgifter;utfall;1000,5", f"{m};A1;Personalkostnader;utfall;-20",
                  f"{m};A1;Patientavgifter;budget;900"]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "r.csv"
    assert main(["rapport", "--data", str(data), "--as-of", "2023-02", "--out", str(out),
                 "--csv-form", "lang"]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"), newline=""),
                           delimiter=";"))
    cells = {(r[0], r[1], r[2]): r[3] for r in rows}
    assert cells[("Sammanfattning", "Intäkter", "Ack utfall")] == "2,001"
    assert cells[("metadata", "Källa", "värde")] == "huvudbok.csv"


def test_bad_data_file_prints_validation_report(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "fel.csv"
    data.write_text("månad;enhet;konto;typ;belopp\n2023-13;A1;Okänt konto;prognos;abc\n",
                    encoding="utf-8")
    out = tmp_path / "r.xlsx"
    assert main(["rapport", "--data", str(data), "--as-of", "2023-04", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "fel.csv" in err and "lästes inte in" in err
    assert not out.exists()
    assert main(["rapport", "--data", str(tmp_path / "saknas.csv"), "--as-of", "2023-04",
                 "--out", str(out)]) == 2


def test_default_csv_is_one_table_file_per_table(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    from forecast.followup.tables import followup_tables
    from forecast.io.export import csv_file_name
    from forecast.ledger.dataset import load_default

    out = tmp_path / "rapport.csv"
    assert main(["rapport", "--as-of", "2023-03", "--out", str(out)]) == 0
    names = [t.name for t in followup_tables(load_default(), pd.Period("2023-03", "M"))]
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(csv_file_name(n, "rapport") for n in names)
    first = (tmp_path / csv_file_name(names[0], "rapport")).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(first, newline=""), delimiter=";"))
    assert rows[1] == ["Belopp i mkr"] and ["Per månad", "2023-03"] in rows
    assert f"{len(names)} filer" in capsys.readouterr().out
    zipped = tmp_path / "rapport.zip"
    assert main(["rapport", "--as-of", "2023-03", "--out", str(zipped)]) == 0
    import zipfile

    assert len(zipfile.ZipFile(zipped).namelist()) == len(names) + 1
