"""Access fixtures: ``db_url`` runs a test on SQLite and on PostgreSQL (see tests.pg_support);
``anna_dataset``: a dataset stored by anna (controller, group hsn) under a roles file of four
people (anna and cecilia controllers in departments hsn and pv, bo granskare in hsn)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from forecast import datasets as DS
from forecast.access import Identity, policy
from forecast.cycle.roles import load_roles
from forecast.io.dataset_files import DatasetFiles, InputFile
from forecast.io.readers import ReadOptions
from tests.e2e_support import chromium
from tests.io import ledger_fixtures as X
from tests.pg_support import db_url, pg_server  # noqa: F401

ROLES = ('[roller]\ncontroller = ["anna", "cecilia"]\ngranskare = ["bo"]\n'
         '[grupper]\nhsn = ["anna", "bo"]\npv = ["cecilia"]\n')
EVIL = "![x](http://127.0.0.1:9/p.png) [Logga in](http://e.se).csv"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Chromium for each browser test module here, closed at its end (before
    tests/ui's session browser starts: Playwright's sync API allows one at a time)."""
    with chromium() as b:
        yield b


def app_page(key: str) -> None:
    """The AppTest script: one page of the app, as the shell draws it."""
    from ui.shell import run_single

    run_single(key)


@pytest.fixture
def anna_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str) -> str:  # noqa: F811
    """The id of anna's stored dataset (its ledger file named :data:`EVIL`)."""
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", db_url)
    roles = tmp_path / "roller.toml"
    roles.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv("BUDGETPROGNOS_ROLES", str(roles))
    monkeypatch.setenv("BUDGETPROGNOS_DATA_DIR", str(tmp_path / "data"))
    for var in ("LOGNAME", "USER"):
        monkeypatch.setenv(var, "anna")
    files = DatasetFiles(
        ledgers=(InputFile(EVIL, X.write_raindance(tmp_path / "hb.csv",
                                                   X.known_amounts()).read_bytes()),),
        organisation=InputFile.from_path(X.write_org(tmp_path / "org.csv")),
        kontoplan=InputFile.from_path(X.write_map(tmp_path / "map.csv")))
    owner = policy(Identity("anna", "test"), load_roles()).new_owner()
    return DS.save(files, ReadOptions(amount_unit="kr"), owner)
