"""Who may see and change what, on the command line (issue 30), on SQLite and PostgreSQL.

Four people: anna (controller, department hsn), bo (granskare, hsn), cecilia (controller,
another department) and eve (no role: an outsider). The identity is the operating-system user
(``USER``/``LOGNAME``), never a flag.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from cli import main as cli
from forecast.access import NOT_FOUND
from forecast.cycle.laid_store import LaidStore
from forecast.store import schema as T
from tests.io import ledger_fixtures as X

ROLES = """
[roller]
controller = ["anna", "cecilia"]
granskare = ["bo"]
[grupper]
hsn = ["anna", "bo"]
pv = ["cecilia"]
[visningsnamn]
anna = ["Anna Andersson"]
"""
FAST = ["--metod", "three_year_profile", "--paths", "100", "--as-of", "2023-04"]


@pytest.fixture
def env(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    roles = tmp_path / "roller.toml"
    roles.write_text(ROLES, encoding="utf-8")
    monkeypatch.setenv("BUDGETPROGNOS_ROLES", str(roles))
    monkeypatch.setenv("BUDGETPROGNOS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", db_url)
    files = {}
    for who, seed in (("anna", 3), ("cecilia", 11)):
        d = tmp_path / who
        d.mkdir()
        files[who] = ["--data", str(X.write_raindance(d / "hb.csv", X.known_amounts(seed))),
                      "--organisation", str(X.write_org(d / "org.csv")),
                      "--kontoplan", str(X.write_map(d / "map.csv")), "--belopp", "kr"]
    return {"roles": roles, "files": files, "url": db_url, "mp": monkeypatch}


def as_user(env: dict[str, object], who: str) -> None:
    mp: pytest.MonkeyPatch = env["mp"]  # type: ignore[assignment]
    for var in ("USER", "LOGNAME", "LNAME", "USERNAME"):
        mp.setenv(var, who)


def run(env: dict[str, object], who: str, argv: list[str],
        capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    as_user(env, who)
    rc = cli.main(argv)
    out = capsys.readouterr()
    return rc, out.out + out.err


def lay(env: dict[str, object], who: str, data: str, capsys: pytest.CaptureFixture[str],
        *extra: str) -> tuple[int, str]:
    files: dict[str, list[str]] = env["files"]  # type: ignore[assignment]
    return run(env, who, ["prognos", *files[data], *FAST, "--lagg", "--kommentar", "April",
                          *extra], capsys)


def dataset_of(text: str) -> str:
    m = re.search(r"i dataset '(ds-[0-9a-f]{32})'", text)
    assert m, text
    return m.group(1)


def test_each_department_sees_only_its_own(env, capsys) -> None:
    rc, out = lay(env, "anna", "anna", capsys)
    assert rc == 0, out
    anna_ds = dataset_of(out)
    rc, out = lay(env, "cecilia", "cecilia", capsys)
    assert rc == 0, out
    cecilia_ds = dataset_of(out)
    assert anna_ds != cecilia_ds
    # bo (same group) reads anna's; cecilia and eve get "finns inte" exactly as for a missing one
    rc, out = run(env, "bo", ["prognos", "lista", "--dataset", anna_ds], capsys)
    assert rc == 0 and "anna" in out and "April" in out
    missing = "ds-" + "0" * 32
    for who in ("cecilia", "eve"):
        rc, hidden = run(env, who, ["prognos", "lista", "--dataset", anna_ds], capsys)
        rc2, gone = run(env, who, ["prognos", "lista", "--dataset", missing], capsys)
        assert rc == rc2 == 2 and NOT_FOUND in hidden
        assert hidden.replace(anna_ds, "X") == gone.replace(missing, "X")
    # the laid versions are stored under each dataset's identity, never a shared name
    datasets = set(LaidStore(env["url"]).list()["Dataset"])
    assert datasets == {anna_ds, cecilia_ds}


def test_roles_hold_on_the_command_line(env, capsys) -> None:
    rc, out = lay(env, "bo", "anna", capsys)  # a viewer may not lay
    assert rc == 2 and "får inte lägga prognoser" in out and "granskare" in out
    rc, out = lay(env, "eve", "anna", capsys)  # an outsider may do nothing
    assert rc == 2 and "ingen roll" in out
    rc, out = lay(env, "bo", "anna", capsys, "--forfattare", "ANNA")  # a flag is no identity
    assert rc == 2
    rc, out = lay(env, "anna", "anna", capsys, "--forfattare", "Bo Berg")  # not her name
    assert rc == 2 and "får inte signera som 'Bo Berg'" in out
    rc, out = lay(env, "anna", "anna", capsys, "--forfattare", "Anna Andersson")
    assert rc == 0 and "av Anna Andersson" in out
    ds = dataset_of(out)
    rc, out = run(env, "bo", ["prognos", "faststall", "--dataset", ds, "--as-of", "2023-04"],
                  capsys)
    assert rc == 2 and "får inte fastställa" in out
    rc, out = run(env, "anna", ["prognos", "faststall", "--dataset", ds, "--as-of", "2023-04"],
                  capsys)
    assert rc == 0, out


def test_scenario_delete_is_soft_audited_and_for_controllers(env, capsys, tmp_path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("name: Lönerevision\nauthor: Någon annan\nassumptions: []\n", encoding="utf-8")
    rc, out = run(env, "bo", ["scenario", "save", str(f)], capsys)
    assert rc == 2 and "får inte spara scenarier" in out
    rc, out = run(env, "anna", ["scenario", "save", str(f)], capsys)
    assert rc == 0, out
    rc, out = run(env, "cecilia", ["scenario", "list"], capsys)  # the example is shared
    assert rc == 0 and "Lönerevision" in out
    rc, out = run(env, "bo", ["scenario", "delete", "Lönerevision", "--ja"], capsys)
    assert rc == 2 and "får inte radera scenarier" in out
    rc, out = run(env, "anna", ["scenario", "delete", "Lönerevision", "--ja"], capsys)
    assert rc == 0, out
    rc, out = run(env, "anna", ["scenario", "list"], capsys)
    assert "Inga sparade scenarier" in out
    eng = sa.create_engine(str(env["url"]))
    with eng.connect() as conn:
        kept = conn.execute(sa.select(T.scenarios.c.author)).scalars().all()
        gone = conn.execute(sa.select(T.scenario_deletions.c.who)).scalars().all()
        trail = conn.execute(sa.select(T.audit.c.who, T.audit.c.action)).all()
    eng.dispose()
    assert kept == ["anna"]  # the saver is the user, not the file's author field
    assert gone == ["anna"] and ("anna", "radera scenario") in trail


def test_a_role_change_is_audited(env, capsys) -> None:
    assert run(env, "bo", ["prognos", "lista"], capsys)[0] == 0
    assert run(env, "bo", ["prognos", "lista"], capsys)[0] == 0  # unchanged: no new row
    roles: Path = env["roles"]  # type: ignore[assignment]
    roles.write_text(ROLES.replace('granskare = ["bo"]', 'granskare = ["bo", "dan"]'),
                     encoding="utf-8")
    assert run(env, "dan", ["prognos", "lista"], capsys)[0] == 0
    eng = sa.create_engine(str(env["url"]))
    with eng.connect() as conn:
        rows = conn.execute(sa.select(T.audit.c.who, T.audit.c.what)
                            .where(T.audit.c.action == "roller").order_by(T.audit.c.id)).all()
    eng.dispose()
    assert [r.who for r in rows] == ["bo", "dan"] and '"dan"' in rows[1].what


def test_scenario_names_with_control_or_bidi_characters_are_refused(env, capsys, tmp_path):
    for bad in ("A\\u202eB", "A\\u0000B", "A\\rB"):
        f = tmp_path / "s.yaml"
        f.write_text(f'name: "{bad}"\nassumptions: []\n', encoding="utf-8")
        rc, out = run(env, "anna", ["scenario", "save", str(f)], capsys)
        assert rc == 2 and "otillåtet tecken" in out, out


def test_datasets_listed_and_shared_on_the_command_line(env, capsys) -> None:
    """Issue 30 (c) on the command line: only the owner or a controller shares, audited."""
    rc, out = lay(env, "anna", "anna", capsys)
    ds = dataset_of(out)
    rc, out = run(env, "cecilia", ["datamangd", "lista"], capsys)
    assert rc == 0 and ds not in out and "0 datamängder" in out  # another department
    rc, out = run(env, "eve", ["datamangd", "lista"], capsys)
    assert rc == 2 and "ingen roll" in out and ds not in out  # an outsider
    rc, out = run(env, "bo", ["datamangd", "lista"], capsys)
    assert rc == 0 and f"{ds}\tägare anna\tgrupper hsn" in out  # a viewer of the group
    rc, out = run(env, "bo", ["datamangd", "dela", ds, "--grupp", "pv"], capsys)
    assert rc == 2 and "får inte dela" in out
    rc, out = run(env, "cecilia", ["datamangd", "dela", ds, "--grupp", "pv"], capsys)
    assert rc == 2 and NOT_FOUND in out  # not visible to her: as missing
    rc, out = run(env, "anna", ["datamangd", "dela", ds, "--grupp", "ekonomi"], capsys)
    assert rc == 2 and "Okänd grupp 'ekonomi'; tillåtna: hsn, pv" in out
    rc, out = run(env, "anna", ["datamangd", "dela", ds, "--grupp", "hsn", "--grupp", "PV"],
                  capsys)
    assert rc == 0 and "delas nu med hsn, pv" in out, out
    rc, out = run(env, "cecilia", ["datamangd", "lista"], capsys)
    assert rc == 0 and f"{ds}\tägare anna\tgrupper hsn, pv" in out  # shared: now she sees it
    rc, out = run(env, "cecilia", ["prognos", "lista", "--dataset", ds], capsys)
    assert rc == 0 and "anna" in out, out  # and its laid forecasts
    with LaidStore(env["url"]).db.read() as conn:  # type: ignore[arg-type]
        rows = conn.execute(sa.select(T.audit.c.who, T.audit.c.what)
                            .where(T.audit.c.action == "dela datamängd")).all()
    assert [tuple(r) for r in rows] == [("anna", f"{ds} (ägare anna): grupper hsn → hsn, pv")]


def test_only_a_controller_saves_the_narrative(env, capsys, tmp_path) -> None:
    """Issue 25: ``berattelse spara`` needs the controller's role; a granskare may fetch."""
    f = tmp_path / "b.yaml"
    f.write_text("sammanfattning: Kort.\n", encoding="utf-8")
    rc, out = run(env, "bo", ["berattelse", "spara", str(f), "--as-of", "2023-04"], capsys)
    assert rc == 2 and "spara rapportens berättelse" in out, out
    rc, out = run(env, "anna", ["berattelse", "spara", str(f), "--as-of", "2023-04"], capsys)
    assert rc == 0 and "version 1 av anna" in out, out
    rc, out = run(env, "bo", ["berattelse", "hamta", str(tmp_path / "ut.yaml"), "--as-of",
                              "2023-04"], capsys)
    assert rc == 0 and (tmp_path / "ut.yaml").read_text(encoding="utf-8").count("Kort.") == 1
