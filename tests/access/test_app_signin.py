"""Sign-in (issue 30, deliverable 1): with ``[auth]`` the identity is the OIDC sign-in's.

The README's ``.streamlit/secrets.toml`` example for a region's identity provider is the
configuration used: it is read from the README itself, handed to Streamlit as its secrets
file, and must pass Streamlit's own check of ``st.login``'s settings (this Streamlit
version, Authlib installed through ``streamlit[auth]``). The signed-in user is what
``AppTest.user`` seeds as ``st.user`` (the claims the provider's ID token carries); the
operating-system user running the server is set to a controller, to show it counts for
nothing once sign-in is configured. Runs on SQLite and on PostgreSQL when available.
"""

from __future__ import annotations

import re
import textwrap
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.runtime.secrets import secrets_singleton
from streamlit.testing.v1 import AppTest

from forecast.access import NOT_FOUND
from tests.access.conftest import ROLES, app_page
from ui import state_keys as K
from ui.text import JOINER

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_secrets() -> str:
    """The ``[auth]`` TOML block of the README's section on deploying for a department."""
    section = README.read_text(encoding="utf-8").split("## Deployment for a department", 1)[1]
    blocks = re.findall(r"```toml\n(.*?)```", section, flags=re.S)
    auth = [textwrap.dedent(b) for b in blocks if "[auth]" in b]
    assert len(auth) == 1, "the README shows one [auth] example"
    return auth[0]


@pytest.fixture
def signin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """The README's secrets as Streamlit's secrets file (restored afterwards)."""
    path = tmp_path / "secrets.toml"
    path.write_text(readme_secrets(), encoding="utf-8")
    before = st_config.get_option("secrets.files")
    st_config.set_option("secrets.files", [str(path)])
    secrets_singleton._reset()
    try:
        yield tomllib.loads(path.read_text(encoding="utf-8"))
    finally:
        st_config.set_option("secrets.files", before)
        secrets_singleton._reset()


def signed_in(user: dict, key: str | None, monkeypatch: pytest.MonkeyPatch,
              page: str = "data") -> AppTest:
    """A run with ``st.user`` = ``user``; the OS user is anna, a controller (ignored)."""
    for var in ("LOGNAME", "USER"):
        monkeypatch.setenv(var, "anna")
    at = AppTest.from_function(app_page, args=(page,), default_timeout=60)
    at.user = user
    if key:
        at.query_params[K.DATA_PARAM] = key
    return at.run()


def oidc(email: str) -> dict:
    """The claims Streamlit exposes after an OIDC sign-in (scope ``openid profile email``)."""
    return {"is_logged_in": True, "email": email, "sub": f"sub-{email}", "name": email}


def with_emails(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The roles file of test_app_access with e-mail identities beside the OS users'."""
    roles = ROLES.replace('"bo"]', '"bo", "bo.berg@region.se"]').replace(
        '["anna", "bo"]', '["anna", "bo", "bo.berg@region.se"]').replace(
        '["cecilia"]', '["cecilia", "cecilia@region2.se"]')
    roles = roles.replace('controller = ["anna", "cecilia"]',
                          'controller = ["anna", "cecilia", "cecilia@region2.se"]')
    path = tmp_path / "roller-epost.toml"
    path.write_text(roles, encoding="utf-8")
    monkeypatch.setenv("BUDGETPROGNOS_ROLES", str(path))


def test_the_readme_configuration_is_what_st_login_accepts(signin) -> None:
    from streamlit.auth_util import is_authlib_installed, validate_auth_credentials

    assert is_authlib_installed()  # streamlit[auth] in pyproject.toml
    validate_auth_credentials("default")  # raises StreamlitAuthError on a missing setting
    auth = signin["auth"]
    assert auth["redirect_uri"].endswith("/oauth2callback")
    assert auth["server_metadata_url"].endswith("/.well-known/openid-configuration")


def test_not_signed_in_sees_only_the_sign_in(signin, anna_dataset, monkeypatch) -> None:
    at = signed_in({"is_logged_in": False}, anna_dataset, monkeypatch)
    assert not at.exception, at.exception
    assert [b.label for b in at.button] == ["Logga in"]
    assert not at.sidebar.caption and not at.dataframe and not at.selectbox
    at = at.button[0].click().run()  # st.login: a redirect to the provider, no fault
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])


def test_the_identity_is_the_sign_in_not_the_os_user(signin, anna_dataset, monkeypatch,
                                                     tmp_path) -> None:
    with_emails(monkeypatch, tmp_path)
    at = signed_in(oidc("Bo.Berg@region.se"), anna_dataset, monkeypatch)
    assert not at.exception, at.exception
    who = [c.value for c in at.sidebar.caption if c.value.startswith("Inloggad som")]
    assert who == [rf"Inloggad som Bo\.Berg\@{JOINER}region\.se (granskare)"]
    assert [b.label for b in at.sidebar.button] == ["Logga ut"]
    assert any(c.value.startswith("Data:") for c in at.sidebar.caption)  # group hsn
    assert not [b for b in at.button if b.key == K.DS_SHARE]  # a viewer, though the OS
    assert not [b for b in at.button if b.key == K.DATA_LOAD and not b.disabled]  # user is anna


def test_a_second_department_and_an_outsider_signed_in(signin, anna_dataset, monkeypatch,
                                                       tmp_path) -> None:
    with_emails(monkeypatch, tmp_path)
    at = signed_in(oidc("cecilia@region2.se"), anna_dataset, monkeypatch)
    assert not at.exception, at.exception
    assert NOT_FOUND in at.error[0].value  # as if missing
    assert any("(controller)" in c.value for c in at.sidebar.caption)
    at = signed_in(oidc("eve@example.org"), anna_dataset, monkeypatch)
    assert any("har ingen roll" in e.value for e in at.error)
    assert not at.sidebar.caption and not at.selectbox


def test_a_misconfigured_sign_in_is_one_swedish_line(signin, tmp_path, monkeypatch) -> None:
    broken = tmp_path / "trasig.toml"
    broken.write_text(readme_secrets().replace("cookie_secret", "# cookie_secret"),
                      encoding="utf-8")
    st_config.set_option("secrets.files", [str(broken)])
    secrets_singleton._reset()
    at = signed_in({"is_logged_in": False}, None, monkeypatch)
    at = at.button[0].click().run()
    assert not at.exception, at.exception
    assert "Inloggningen kan inte startas" in at.error[0].value
    assert "cookie" in at.error[0].value
