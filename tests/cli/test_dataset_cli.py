"""The dataset flags on the commands, the ``kontoplan`` template and issue 9's done-when."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from cli.main import build_parser, main
from tests.io import ledger_fixtures as X

FLAGS = ("--data", "--organisation", "--kontoplan", "--hyrpersonal-fte", "--atgarder",
         "--atgardseffekter", "--belopp", "--tecken", "--hoppa-over-summarader")


def _sheets(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}


def _same(a: list[list[object]], b: list[list[object]]) -> bool:
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b, strict=True):
        for x, y in zip(ra, rb, strict=True):
            if isinstance(x, float) and isinstance(y, float):
                if abs(x - y) > 1e-9 * max(1.0, abs(x)):
                    return False
            elif x != y:
                return False
    return True


def test_raindance_export_and_sie4_give_the_same_report(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    amounts = X.known_amounts()
    export = X.write_raindance(tmp_path / "export.csv", amounts)
    sie = X.write_sie4(tmp_path / "export.se", amounts)
    org, kp = X.write_org(tmp_path / "org.csv"), X.write_map(tmp_path / "map.csv")
    reports = []
    for data in (export, sie):
        out = tmp_path / f"r_{data.suffix[1:]}.xlsx"
        assert main(["rapport", "--data", str(data), "--organisation", str(org), "--kontoplan",
                     str(kp), "--belopp", "kr", "--as-of", "2023-04", "--out", str(out)]) == 0
        said = capsys.readouterr().out
        assert "delades med 1 000 till tkr" in said  # the output says kr were divided
        reports.append(_sheets(out))
    a, b = reports
    assert sorted(a) == sorted(b)
    for name in a:
        if name != "metadata":
            assert _same(a[name], b[name]), name
    # and the figures are the known amounts: net result Jan–Apr 2023, in mkr
    ytd = amounts[(amounts["kind"] == "utfall") & (amounts["period"] >= "2023-01")]["kr"].sum()
    summary = {row[0]: row for row in a["Sammanfattning"] if row[0]}
    assert summary["Nettokostnader"][4] == pytest.approx(ytd / 1e6, rel=1e-9)
    meta = {r[0]: r[1] for r in a["metadata"][1:]}
    assert meta["Källa"] == "export.csv, org.csv, map.csv"
    assert any("delades med 1 000" in str(v) for k, v in meta.items()
               if str(k).startswith("Inläsning"))
    divisions = [r[0] for r in a["Per division"] if r[0] and str(r[0]).startswith("Intäkter –")]
    assert divisions == ["Intäkter – Medicin", "Intäkter – Kirurgi", "Intäkter – Nära vård"]


def test_every_data_command_takes_the_dataset_flags() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    commands = {"rapport": sub.choices["rapport"], "prognos": sub.choices["prognos"],
                "kontoplan": sub.choices["kontoplan"], "backtest": sub.choices["backtest"],
                "prognossakerhet": sub.choices["prognossakerhet"]}
    scen = sub.choices["scenario"]
    commands["scenario run"] = next(a for a in scen._actions if a.dest == "action").choices["run"]
    for name, p in commands.items():
        have = {s for a in p._actions for s in a.option_strings}
        assert set(FLAGS) <= have, (name, set(FLAGS) - have)


def test_side_file_without_data_is_refused(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    org = X.write_org(tmp_path / "org.csv")
    assert main(["rapport", "--organisation", str(org), "--as-of", "2023-04",
                 "--out", str(tmp_path / "r.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "--organisation kräver --data" in err and "blandas aldrig" in err
    assert main(["rapport", "--data", str(tmp_path / "saknas.se"), "--as-of", "2023-04",
                 "--out", str(tmp_path / "r.xlsx")]) == 2
    assert "finns inte" in capsys.readouterr().err


def test_rejected_set_prints_every_problem_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    amounts = X.known_amounts()
    export = X.write_raindance(tmp_path / "export.csv", amounts, sum_rows=True)
    out = tmp_path / "r.xlsx"
    args = ["rapport", "--data", str(export), "--organisation",
            str(X.write_org(tmp_path / "org.csv")), "--belopp", "kr", "--as-of", "2023-04",
            "--out", str(out)]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "Raden är en summarad ('Summa totalt')" in err
    assert "Kontot 3111 (Patientavgifter öppenvård) finns inte i någon kontoplan" in err
    assert "Traceback" not in err and not out.exists()
    kp = X.write_map(tmp_path / "map.csv")
    assert main([*args, "--kontoplan", str(kp), "--hoppa-over-summarader"]) == 0
    said = capsys.readouterr().out
    assert "1 summarader hoppades över" in said and "deras summa: utfall" in said


def test_kontoplan_template_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sie = X.write_sie3(tmp_path / "hb.si", X.known_amounts())
    out = tmp_path / "mall.csv"
    assert main(["kontoplan", "--data", str(sie), "--out", str(out)]) == 0
    assert "8 konton (8 utan kostnadsslag att fylla i)" in capsys.readouterr().out
    t = pd.read_csv(out, sep=";", dtype=str, encoding="utf-8-sig").fillna("")
    assert t["konto_från"].tolist() == [a for a, _, _ in X.ACCOUNTS]
    assert t.loc[t["konto_från"] == "6410", "kontotext"].item() == "Läkemedel öppenvård"
    assert main(["kontoplan", "--out", str(out)]) == 2
    assert "ange huvudboken med --data" in capsys.readouterr().err
    assert main(["kontoplan", "--data", str(sie), "--out", str(tmp_path / "m.xlsx")]) == 2


def test_backtest_reads_the_users_dataset(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    export = X.write_raindance(tmp_path / "export.csv", X.known_amounts())
    org, kp = X.write_org(tmp_path / "org.csv"), X.write_map(tmp_path / "map.csv")
    out = tmp_path / "bt.csv"
    # the user's ledger (two years) is too short for a year-end case; the embedded example
    # would give cases, so "no cases" shows the user's data was read and nothing else
    assert main(["backtest", "--data", str(export), "--organisation", str(org), "--kontoplan",
                 str(kp), "--belopp", "kr", "--methods", "run_rate", "--workers", "1",
                 "--out", str(out)]) == 1
    assert "Inga fall" in capsys.readouterr().err
    assert main(["backtest", "--bench", str(export), "--data", str(export),
                 "--out", str(out)]) == 2
    assert "inte båda" in capsys.readouterr().err
