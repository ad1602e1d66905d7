"""The CLI starts without its heavy libraries (issue 13): each command imports what it needs
when it runs, so ``--help`` and a light command do not pay for matplotlib, SQLAlchemy or the
forecasting methods. Each check runs a fresh interpreter and reads its ``sys.modules``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import hostile_files as H

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("matplotlib", "sqlalchemy", "statsforecast", "statsmodels", "pandas", "numpy",
         "openpyxl", "xlsxwriter", "pydantic", "yaml")


def _loaded(code: str) -> list[str]:
    """The top-level modules of :data:`HEAVY` a fresh interpreter has after running ``code``."""
    probe = (f"{code}\nimport json, sys\n"
             f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("BUDGETPROGNOS_RAISE", None)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded("import cli.main") == []


def test_building_every_command_parser_loads_no_heavy_library() -> None:
    # what `budgetprognos --help` does: every subcommand module and its parser
    assert _loaded("import cli.main\ncli.main.build_parser()") == []


@pytest.mark.parametrize("command", ["rapport", "prognos", "backtest", "scenario", "kontoplan",
                                     "prognosforandring", "prognossakerhet"])
def test_a_command_help_loads_no_heavy_library(command: str) -> None:
    code = ("import contextlib, io, cli.main\n"
            "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
            f"    cli.main.main([{command!r}, '--help'])")
    assert _loaded(code) == []


def test_a_refused_prognosforandring_loads_neither_plots_nor_methods(tmp_path: Path) -> None:
    # reads the (empty) store only: SQLAlchemy and pandas, not matplotlib or the methods
    url = f"sqlite:///{tmp_path / 'tom.db'}"
    code = ("import contextlib, io, cli.main\n"
            "with contextlib.redirect_stderr(io.StringIO()):\n"
            f"    assert cli.main.main(['prognosforandring', '--as-of', '2023-04', '--db', "
            f"{url!r}, '--out', {str(tmp_path / 'f.xlsx')!r}]) == 2")
    loaded = _loaded(code)
    assert "sqlalchemy" in loaded  # the store was really opened
    assert not {"matplotlib", "statsforecast", "statsmodels"} & set(loaded)


def test_a_scenario_typo_is_refused_before_the_forecast_methods_load(tmp_path: Path) -> None:
    scenario = H.scenario_yaml(tmp_path, "pris", "type: pris\npct_per_year: 3\n"
                                                 "categories: [Läkemedl]")
    code = ("import contextlib, io, cli.main\n"
            "err = io.StringIO()\n"
            "with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):\n"
            f"    code = cli.main.main(['scenario', 'run', {str(scenario)!r}, '--out', "
            f"{str(tmp_path / 's.xlsx')!r}])\n"
            "assert code == 2 and \"Menade du 'Läkemedel'?\" in err.getvalue(), err.getvalue()")
    loaded = _loaded(code)
    assert "pandas" in loaded  # the data was really loaded and checked
    assert not {"statsforecast", "statsmodels", "matplotlib", "sqlalchemy"} & set(loaded)
