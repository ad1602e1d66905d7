"""``--kluster``: taken by the commands that forecast, checked before any work."""

from __future__ import annotations

import pytest

from cli.main import FORECASTING, build_parser, main


def test_a_bad_cluster_address_is_refused_in_swedish_before_any_work(tmp_path, capsys) -> None:
    out = tmp_path / "p.xlsx"
    with pytest.raises(SystemExit) as exc:
        main(["prognos", "--as-of", "2023-04", "--out", str(out), "--kluster", "inte en adress"])
    assert exc.value.code == 2
    assert "klusteradressen 'inte en adress' går inte att läsa" in capsys.readouterr().err
    assert not out.exists()


def _help(name: str, capsys) -> str:
    with pytest.raises(SystemExit):
        build_parser(name).parse_args([name, "--help"])
    return capsys.readouterr().out


def test_every_forecasting_command_takes_kluster_and_kontoplan_does_not(capsys) -> None:
    for name in FORECASTING:
        assert "--kluster ADRESS" in _help(name, capsys), name
    assert "--kluster" not in _help("kontoplan", capsys)
