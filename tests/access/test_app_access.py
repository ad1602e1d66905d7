"""Who may see what in the app (issue 30): single-user mode's OS user under a roles file.

The identity is the operating-system user running the server (no ``[auth]``; the server is
bound to localhost by .streamlit/config.toml). With sign-in configured it is ``st.user``'s
e-mail (test_app_signin.py); the checks after it are the same (``forecast.access``).

Every test runs on a SQLite store and on PostgreSQL when one can be started
(:mod:`tests.pg_support`): the laid forecasts, the audit trail and the shares live there.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from forecast import datasets as DS
from forecast.access import NOT_FOUND, Identity, policy
from forecast.store import schema as T
from tests.access.conftest import EVIL, app_page
from ui import state_keys as K
from ui.text import JOINER


def open_as(who: str, key: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    for var in ("LOGNAME", "USER"):
        monkeypatch.setenv(var, who)
    at = AppTest.from_function(app_page, args=("data",), default_timeout=60)
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
    plain = data_line.replace(JOINER, "")  # the joiner stops GitHub's literal autolinks
    assert r"\!\[x\]\(http\://127\.0\.0\.1\:9/p\.png\)" in plain  # shown, not fetched
    assert r"\[Logga in\]\(http\://e\.se\)" in plain and f"http{JOINER}\\:" in data_line
    assert any("granskare" in c.value for c in at.sidebar.caption)


def test_an_outsider_sees_nothing(anna_dataset, monkeypatch):
    at = open_as("eve", anna_dataset, monkeypatch)
    assert not at.exception, at.exception
    assert any("har ingen roll" in e.value for e in at.error)
    assert not at.sidebar.caption and not at.selectbox  # no data, no month, no pages



def _audit(url: str) -> list[tuple[str, str, str]]:
    from forecast.store.core import Database

    db = Database(url)
    with db.read() as conn:
        rows = conn.execute(sa.select(T.audit.c.who, T.audit.c.action, T.audit.c.what)
                            .where(T.audit.c.action == DS.SHARE_AUDIT)).all()
    return [tuple(r) for r in rows]


def test_the_owner_lists_and_shares_her_dataset_audited(anna_dataset, monkeypatch, db_url):
    """Issue 30 (c): «Mina datamängder» lists owner and groups; sharing reaches a second
    department and is written to the audit trail with who."""
    before = open_as("cecilia", anna_dataset, monkeypatch)
    assert NOT_FOUND in before.error[0].value
    assert not [d for d in before.dataframe if "Datamängd" in d.value.columns]  # nothing listed
    at = open_as("anna", anna_dataset, monkeypatch)
    assert not at.exception, at.exception
    listed = next(d.value for d in at.dataframe if "Datamängd" in d.value.columns)
    assert listed.to_dict("records") == [{
        "Datamängd": anna_dataset, "Filer": f"{EVIL}, org.csv, map.csv", "Ägare": "anna",
        "Delad med grupperna": "hsn", "Sparad": listed["Sparad"].iloc[0], "Din": "ja"}]
    assert at.selectbox(key=K.DS_CHOSEN).value == anna_dataset
    at.multiselect(key=K.DS_GROUPS + anna_dataset).set_value(["hsn", "pv"])
    at = at.button(key=K.DS_SHARE).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("delas nu med hsn, pv" in s.value for s in at.success)
    assert _audit(db_url) == [("anna", DS.SHARE_AUDIT,
                               f"{anna_dataset} (ägare anna): grupper hsn → hsn, pv")]
    after = open_as("cecilia", anna_dataset, monkeypatch)  # the second department, now shared
    assert not after.error, [e.value for e in after.error]
    assert any(c.value.startswith("Data:") for c in after.sidebar.caption)


def test_a_viewer_sees_the_list_but_may_not_share(anna_dataset, monkeypatch, db_url):
    at = open_as("bo", anna_dataset, monkeypatch)
    listed = next(d.value for d in at.dataframe if "Datamängd" in d.value.columns)
    assert listed["Ägare"].tolist() == ["anna"] and listed["Din"].tolist() == ["nej"]
    assert not [b for b in at.button if b.key == K.DS_SHARE]
    assert any("Bara ägaren" in c.value for c in at.caption)
    # nor through the core, whatever the page offers
    from forecast.access import AccessDenied
    from forecast.store.core import Database

    with pytest.raises(AccessDenied, match="får inte dela"):
        DS.share(anna_dataset, frozenset({"hsn", "pv"}), policy(Identity("bo", "t")),
                 Database(db_url))
    with pytest.raises(DS.StoreError, match=NOT_FOUND):  # another department: as missing
        DS.share(anna_dataset, frozenset({"pv"}), policy(Identity("cecilia", "t")),
                 Database(db_url))
    with pytest.raises(DS.StoreError, match="Okänd grupp 'alla'; tillåtna: hsn, pv"):
        DS.share(anna_dataset, frozenset({"alla"}), policy(Identity("anna", "t")),
                 Database(db_url))
    assert _audit(db_url) == [] and DS.info(anna_dataset).owner.groups == {"hsn"}
