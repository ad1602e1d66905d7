"""Issue 28: the command line speaks Swedish and never writes over its own input."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from cli.argparse_sv import translate
from cli.common import os_error_text
from cli.main import main


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("argv, expected", [
    (["prognos", "--okand"], "okända argument: --okand"),
    (["rapport"], "följande argument krävs: --as-of, --out"),
    (["nej"], "ogiltigt val: 'nej' (välj bland 'rapport'"),
    (["prognos", "--as-of", "2023-04", "--out", "x.xlsx", "--paths", "x"],
     "argument --paths: inget heltal: 'x'"),
])
def test_argparse_errors_are_swedish(argv: list[str], expected: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(argv, capsys)
    assert code == 2 and expected in err
    assert "användning: budgetprognos" in err and "usage" not in err and "error" not in err


def test_help_is_swedish(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["kontoplan", "-h"])
    out = capsys.readouterr().out
    assert out.startswith("användning:") and "flaggor:" in out
    assert "visa den här hjälpen och avsluta" in out


def test_unknown_messages_pass_through() -> None:
    assert translate("something new") == "something new"


@pytest.mark.parametrize("seed", ["-1", "4294967296"])
def test_seeds_are_bounded_in_every_command(seed: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    for cmd in (["prognos", "--as-of", "2023-04", "--out", str(tmp_path / "p.xlsx")],
                ["rapport", "--as-of", "2023-04", "--out", str(tmp_path / "r.docx")]):
        code, err = run([*cmd, "--seed", seed], capsys)
        assert code == 2 and "--seed måste vara mellan 0 och 4 294 967 295" in err


def test_a_command_never_writes_over_its_input(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "huvudbok.csv"
    data.write_text("Månad;Enhet;Konto;Typ;Belopp\n2023-01;K1;Läkemedel;utfall;1\n")
    before = data.read_bytes()
    code, err = run(["kontoplan", "--data", str(data), "--out",
                     str(tmp_path / "." / "huvudbok.csv")], capsys)
    assert code == 2 and "är samma fil som indatafilen --data" in err
    assert data.read_bytes() == before


def test_os_errors_are_explained_in_swedish() -> None:
    assert os_error_text(OSError(errno.ENOSPC, "No space left on device")) == "disken är full"
    assert os_error_text(OSError(errno.EACCES, "Permission denied")) == "behörighet saknas"
