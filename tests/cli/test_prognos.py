"""The ``budgetprognos prognos`` command end to end (small data set; embedded data, few paths)."""

from __future__ import annotations

import csv
import io
import zipfile

import pandas as pd
import pytest

from cli import common as cli_common
from cli import main as cli
from forecast.ledger.dataset import load_default
from tests.fakes import small_dataset

SHEETS = ("Per enhet och kostnadsslag", "Per division", "Per kostnadsslag", "Region totalt",
          "Hyrpersonal", "Omställningsplan", "Metoder")


@pytest.fixture
def small(monkeypatch):
    ds = small_dataset()
    monkeypatch.setattr(cli_common, "load_default", lambda: ds)
    return ds


def _read_csv(path, dialect="sv"):
    text = path.read_text(encoding="utf-8-sig")
    delim = ";" if dialect == "sv" else ","
    return list(csv.DictReader(io.StringIO(text), delimiter=delim))


def test_writes_xlsx(small, tmp_path, capsys):
    out = tmp_path / "p.xlsx"
    rc = cli.main(["prognos", "--as-of", "2023-04", "--out", str(out), "--paths", "50",
                   "--metod", "three_year_profile"])
    assert rc == 0, capsys.readouterr().err
    with zipfile.ZipFile(out) as z:
        wb = z.read("xl/workbook.xml").decode()
    for s in (*SHEETS, "metadata"):
        assert f'name="{s}"' in wb
    assert "20 serier × 50 banor" in capsys.readouterr().out


def test_writes_csv_with_metadata_and_every_unit(small, tmp_path):
    out = tmp_path / "p.csv"
    rc = cli.main(["prognos", "--as-of", "2022-08", "--out", str(out), "--paths", "30",
                   "--metod", "three_year_profile", "--csv-dialect", "intl", "--enhet", "tkr",
                   "--seed", "5"])
    assert rc == 0
    rows = _read_csv(out, "intl")
    tables = {r["table"] for r in rows}
    assert set(SHEETS) <= tables and "metadata" in tables
    meta = {r["row"]: r["value"] for r in rows if r["table"] == "metadata"}
    assert meta["Slumpfrö"] == "5" and meta["Banor per serie"] == "30"
    assert meta["Indata-hash"] == "abc123"
    assert "three_year_profile" in meta["Metod"]
    units = {r["value"] for r in rows
             if r["table"] == "Per enhet och kostnadsslag" and r["column"] == "Enhet"}
    assert units == {"A1 Enhet A1", "A2 Enhet A2", "B1 Enhet B1", "B2 Enhet B2"}


def test_as_of_after_last_outcome(small, tmp_path, capsys):
    rc = cli.main(["prognos", "--as-of", "2023-05", "--out", str(tmp_path / "p.xlsx")])
    assert rc == 2
    err = capsys.readouterr().err
    assert "efter sista månaden med utfall (2023-04)" in err
    assert not (tmp_path / "p.xlsx").exists()


def test_bad_month_and_suffix(small, tmp_path, capsys):
    assert cli.main(["prognos", "--as-of", "april", "--out", str(tmp_path / "p.xlsx")]) == 2
    assert "ÅÅÅÅ-MM" in capsys.readouterr().err
    assert cli.main(["prognos", "--as-of", "2023-04", "--out", str(tmp_path / "p.pdf")]) == 2


def test_invalid_data_prints_report(small, tmp_path, capsys):
    bad = tmp_path / "huvudbok.csv"
    bad.write_text("period;enhet;konto;typ;belopp\n2023-13;A1;Okänt konto;utfall;abc\n",
                   encoding="utf-8")
    rc = cli.main(["prognos", "--data", str(bad), "--as-of", "2023-04",
                   "--out", str(tmp_path / "p.xlsx")])
    assert rc == 2
    err = capsys.readouterr().err
    assert err.strip() and not (tmp_path / "p.xlsx").exists()


@pytest.mark.parametrize("as_of", ["2023-04", "2022-08"])
def test_embedded_tables_complete(tmp_path, as_of):
    ds = load_default()
    out = tmp_path / "p.csv"
    rc = cli.main(["prognos", "--as-of", as_of, "--out", str(out), "--paths", "20",
                   "--metod", "three_year_profile"])
    assert rc == 0
    rows = pd.DataFrame(_read_csv(out))
    uc = rows[rows["table"] == "Per enhet och kostnadsslag"]
    led = ds.ledger[ds.ledger["period"] <= pd.Period(as_of, "M")]
    assert set(uc.loc[uc["column"] == "Enhet", "value"].str.split(" ").str[0]) \
        == set(led["unit"])
    cats = set(uc.loc[uc["column"] == "Kostnadsslag", "value"])
    expected = {ds.accounts.category_of()[a] for a in led["account"].unique()}
    assert expected <= cats
    pc = rows[rows["table"] == "Per kostnadsslag"]
    assert expected <= set(pc["row"])
    div = rows[rows["table"] == "Per division"]
    assert set(ds.org.divisions) | {"Region totalt"} == set(div["row"])
