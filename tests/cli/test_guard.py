"""Issue 13 at the CLI: flags bounded before the work, --blad, and no traceback for a user."""

from __future__ import annotations

import argparse

import pandas as pd
import pytest

from cli import common
from cli.main import main
from forecast.engine import region
from forecast.engine.region import forecast_region
from forecast.io.limits import LimitExceeded
from forecast.ledger import schema as S
from forecast.ledger.dataset import load_default
from tests import hostile_files as H
from tests.scenario_fixtures import make_ds


def _fails(fn):
    def run(args: argparse.Namespace) -> int:
        raise fn()
    return run


def test_unexpected_error_is_one_swedish_line_and_exit_2(monkeypatch, capsys) -> None:
    monkeypatch.delenv(common.RAISE_ENV, raising=False)
    code = common.run_guarded("prognos", _fails(lambda: RuntimeError("x\ny")), argparse.Namespace())
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith("budgetprognos prognos: oväntat fel (RuntimeError: x y)")


def test_memory_error_and_interrupt_are_named(monkeypatch, capsys) -> None:
    monkeypatch.delenv(common.RAISE_ENV, raising=False)
    assert common.run_guarded("x", _fails(MemoryError), argparse.Namespace()) == 2
    assert "minnet räckte inte" in capsys.readouterr().err
    assert common.run_guarded("x", _fails(KeyboardInterrupt), argparse.Namespace()) == 130


def test_unexpected_errors_propagate_in_the_tests() -> None:
    assert common.RAISE_ENV and __import__("os").environ.get(common.RAISE_ENV)
    with pytest.raises(RuntimeError):
        common.run_guarded("x", _fails(RuntimeError), argparse.Namespace())


def test_a_limit_below_the_cli_is_refused_with_its_message(capsys) -> None:
    code = common.run_guarded("x", _fails(lambda: LimitExceeded("för många serier: 9")),
                              argparse.Namespace())
    assert code == 2 and "för många serier: 9" in capsys.readouterr().err


# --- row 6: scenario run --draws 300000000 ----------------------------------------------------


@pytest.fixture
def no_forecast(monkeypatch):
    monkeypatch.setattr(common, "load_dataset", lambda data, as_of, sheet=None: make_ds("2023-04"))

    def forbidden(*a, **k):
        raise AssertionError("the baseline forecast must not start")

    # the command imports the engine when it runs; the engine module's function is the one
    monkeypatch.setattr(region, "standard_forecast", forbidden)


@pytest.mark.parametrize(("flag", "value", "text"), [
    ("--draws", "300000000", "--draws måste vara mellan 100 och 1 000 000, fick 300 000 000"),
    ("--draws", "5", "--draws måste vara mellan 100"),
    ("--seed", "-1", "--seed måste vara mellan 0 och 4 294 967 295, fick -1"),
])
def test_scenario_flags_are_bounded_before_the_forecast(no_forecast, tmp_path, capsys, flag,
                                                        value, text) -> None:
    sc = H.scenario_yaml(tmp_path, "lon", "type: lon\npct: 3")
    out = tmp_path / "s.xlsx"
    assert main(["scenario", "run", str(sc), "--out", str(out), flag, value]) == 2
    assert text in capsys.readouterr().err and not out.exists()


def test_scenario_typo_is_refused_before_the_forecast(no_forecast, tmp_path, capsys) -> None:
    sc = H.scenario_yaml(tmp_path, "pris", "type: pris\npct_per_year: 3\n"
                                           "categories: [Läkemedl]")
    assert main(["scenario", "run", str(sc), "--out", str(tmp_path / "s.xlsx")]) == 2
    assert "Menade du 'Läkemedel'?" in capsys.readouterr().err


# --- row 7: prognos --paths 100000 ------------------------------------------------------------


def test_prognos_paths_above_the_flag_limit_are_refused_before_the_data_is_read(
        tmp_path, capsys, monkeypatch) -> None:
    def unread(*a, **k):
        raise AssertionError("the data must not be read")

    monkeypatch.setattr(common, "load_default", unread)
    out = tmp_path / "p.xlsx"
    assert main(["prognos", "--as-of", "2023-04", "--out", str(out), "--paths", "100000"]) == 2
    err = capsys.readouterr().err
    assert "--paths måste vara mellan 10 och 10 000, fick 100 000" in err
    assert not out.exists()


def test_paths_that_would_not_fit_are_refused_and_1000_fit_at_the_series_limit() -> None:
    from forecast.io.limits import MAX_SERIES, LimitExceeded, check_paths

    check_paths(1000, MAX_SERIES, 36)  # every series, 1 000 paths, any as-of month
    with pytest.raises(LimitExceeded) as exc:
        check_paths(2000, MAX_SERIES, 32)
    msg = str(exc.value)
    assert "prognosen blir för stor: 20 000 serier × 2 000 banor × 32 månader" in msg
    assert "gränsen är 720 000 000" in msg and "välj högst 1 125 banor" in msg


def test_prognos_seed_is_bounded(tmp_path, capsys) -> None:
    assert main(["prognos", "--as-of", "2023-04", "--out", str(tmp_path / "p.xlsx"),
                 "--seed", str(2**40)]) == 2
    assert "--seed måste vara mellan" in capsys.readouterr().err


# --- row 8: the engine notes a series without outcome in the as-of month ----------------------


def test_engine_notes_a_series_without_outcome_in_the_as_of_month(small_dataset,
                                                                  fake_methods) -> None:
    ds = small_dataset()
    led = ds.ledger
    drop = (led[S.UNIT] == "A1") & (led[S.ACCOUNT] == "Läkemedel") & (
        led[S.KIND] == S.UTFALL) & (led[S.PERIOD] == pd.Period("2023-04", freq="M"))
    ds = ds.with_ledger(led[~drop].reset_index(drop=True), source="t", source_hash="t")
    rf = forecast_region(ds, pd.Period("2023-04", freq="M"), n_paths=20,
                         forecaster=fake_methods, workers=1)
    noted = {f"{u}|{a}": n for u, a, n in zip(rf.keys["unit"], rf.keys["account"], rf.notes,
                                              strict=True) if "inget utfall" in n}
    assert list(noted) == ["A1|Läkemedel"]
    assert "inget utfall för 2023-04: månaden räknas som 0 tkr" in noted["A1|Läkemedel"]


def test_engine_refuses_paths_above_the_limit(small_dataset, fake_methods) -> None:
    with pytest.raises(LimitExceeded, match="mellan 1 och 10 000, fick 100 000"):
        forecast_region(small_dataset(), pd.Period("2023-04", freq="M"), n_paths=100_000,
                        forecaster=fake_methods, workers=1)


def test_engine_refuses_paths_that_would_not_fit(fake_methods) -> None:
    # (series × paths × months above MAX_PATH_CELLS: check_paths, tested above)
    with pytest.raises(LimitExceeded, match="antalet banor .* 10 000, fick 10 001"):
        forecast_region(load_default(), pd.Period("2023-04", freq="M"), n_paths=10_001,
                        forecaster=fake_methods, workers=1)


# --- row 12: --blad chooses the sheet ---------------------------------------------------------


def test_blad_flag_reaches_the_importer(tmp_path) -> None:
    path = H.second_sheet_xlsx(tmp_path)
    args = ["prognos", "--data", str(path), "--blad", "Data", "--as-of", "2023-04",
            "--out", "x.xlsx"]
    from cli.main import build_parser

    ns = build_parser().parse_args(args)
    assert ns.blad == "Data"
    ds = common.load_dataset(ns, None)
    assert len(ds.ledger) == len(H.ledger_lines(4)) - 1
    ns.blad = None
    with pytest.raises(common.CliError, match="välj det med --blad Data"):
        common.load_dataset(ns, None)


def test_scenario_and_rapport_have_blad() -> None:
    from cli.main import build_parser

    p = build_parser()
    assert p.parse_args(["rapport", "--as-of", "2023-04", "--out", "r.xlsx", "--blad", "B"]
                        ).blad == "B"
    assert p.parse_args(["scenario", "run", "f.yaml", "--out", "s.xlsx", "--blad", "B"]
                        ).blad == "B"


def test_app_pages_show_one_swedish_line_instead_of_a_traceback(monkeypatch) -> None:
    from ui import shell

    shown: list[str] = []
    monkeypatch.setattr(shell.st, "error", shown.append)
    monkeypatch.delenv(common.RAISE_ENV, raising=False)
    shell.guarded(lambda: 1 / 0)
    assert shown == ["Ett oväntat fel inträffade (ZeroDivisionError: division by zero). "
                     "Kontrollera indata, eller rapportera felet med vad du gjorde och filen "
                     "du använde."]
    monkeypatch.setenv(common.RAISE_ENV, "1")
    with pytest.raises(ZeroDivisionError):
        shell.guarded(lambda: 1 / 0)


@pytest.mark.parametrize(("flag", "value"), [("--paths", "1000000"), ("--workers", "0"),
                                             ("--seed", "-5"), ("--sample", "0"),
                                             ("--methods", "comboo")])
def test_backtest_flags_are_bounded_before_any_work(tmp_path, capsys, flag, value) -> None:
    out = tmp_path / "b.csv"
    assert main(["backtest", "--out", str(out), flag, value]) == 2
    err = capsys.readouterr().err
    assert ("måste vara mellan" in err) or ("okänd metod comboo" in err)
    assert not out.exists()


def test_engine_refuses_a_negative_seed(small_dataset, fake_methods) -> None:
    with pytest.raises(LimitExceeded, match="fröet"):
        forecast_region(small_dataset(), pd.Period("2023-04", freq="M"), n_paths=10, seed=-1,
                        forecaster=fake_methods, workers=1)
