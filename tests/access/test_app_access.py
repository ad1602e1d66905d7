"""Who may see what in the app (issue 30): single-user mode's OS user under a roles file.

The identity is the operating-system user running the server (no ``[auth]``; the server is
bound to localhost by .streamlit/config.toml). With sign-in configured it is ``st.user``'s
e-mail; the checks after it are the same (``forecast.access``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from forecast.access import NOT_FOUND, Identity, policy
from forecast.cycle.roles import load_roles
from forecast.io import dataset_store as DS
from forecast.io.dataset_files import DatasetFiles, InputFile
from forecast.io.readers import ReadOptions
from tests.io import ledger_fixtures as X
from ui import state_keys as K

ROLES = ('[roller]\ncontroller = ["anna", "cecilia"]\ngranskare = ["bo"]\n'
         '[grupper]\nhsn = ["anna", "bo"]\npv = ["cecilia"]\n')
EVIL = "![x](http://127.0.0.1:9/p.png) [Logga in](http://e.se).csv"


def _page(key: str) -> None:
    from ui.shell import run_single

    run_single(key)


@pytest.fixture
def anna_dataset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
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


def open_as(who: str, key: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    for var in ("LOGNAME", "USER"):
        monkeypatch.setenv(var, who)
    at = AppTest.from_function(_page, args=("data",), default_timeout=60)
    at.query_params[K.DATA_PARAM] = key
    return at.run()


def test_a_url_key_alone_opens_nothing_for_another_department(anna_dataset, monkeypatch):
    at = open_as("cecilia", anna_dataset, monkeypatch)
    assert not at.exception, at.exception
    missing = open_as("cecilia", "ds-" + "0" * 32, monkeypatch)
    said = [e.value for e in at.error]
    assert said == [e.value for e in missing.error] and NOT_FOUND in said[0]
    assert all("hb" not in c.value and "Logga" not in c.value for c in at.sidebar.caption)


def test_a_viewer_of_the_group_sees_it_with_its_name_as_text(anna_dataset, monkeypatch):
    at = open_as("bo", anna_dataset, monkeypatch)
    assert not at.exception, at.exception
    data_line = next(c.value for c in at.sidebar.caption if c.value.startswith("Data:"))
    assert r"\!\[x\]\(http\://127\.0\.0\.1\:9/p\.png\)" in data_line  # shown, not fetched
    assert r"\[Logga in\]\(http\://e\.se\)" in data_line
    assert any("granskare" in c.value for c in at.sidebar.caption)


def test_an_outsider_sees_nothing(anna_dataset, monkeypatch):
    at = open_as("eve", anna_dataset, monkeypatch)
    assert not at.exception, at.exception
    assert any("har ingen roll" in e.value for e in at.error)
    assert not at.sidebar.caption and not at.selectbox  # no data, no month, no pages

