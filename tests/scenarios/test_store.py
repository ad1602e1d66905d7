import json
import multiprocessing as mp

import pandas as pd
import pytest
import sqlalchemy as sa

from forecast.store import schema as T
from scenarios import assumptions as A
from scenarios import store as St
from scenarios.store import ScenarioStore
from tests.scenario_fixtures import make_rf


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'scen.db'}"


def scen(name="Dygnsvila", need=2.5, description=""):
    return A.Scenario(name=name, description=description, author="Anna",
                      assumptions=[A.Dygnsvila(extra_need=need)])


def test_save_makes_new_versions_nothing_overwritten(url):
    st = ScenarioStore(url)
    r1 = st.save(scen(need=2.0), input_hash="abc")
    r2 = st.save(scen(need=3.0, description="ändrad"))
    assert (r1.version, r2.version) == (1, 2)
    assert r2.created == r1.created and r2.updated >= r1.updated
    assert st.load("Dygnsvila", 1).assumptions[0].extra_need.likely == 2.0
    assert st.load("Dygnsvila").assumptions[0].extra_need.likely == 3.0
    v = st.versions("Dygnsvila")
    assert list(v["version"]) == [1, 2] and v["input_hash"].iloc[0] == "abc"
    lst = st.list_scenarios()
    assert list(lst["name"]) == ["Dygnsvila"] and lst["n_versions"].iloc[0] == 2
    assert lst["version"].iloc[0] == 2 and lst["program_version"].iloc[0]
    assert st.record("Dygnsvila").scenario == scen(need=3.0, description="ändrad")


def test_load_missing_raises(url):
    st = ScenarioStore(url)
    with pytest.raises(KeyError, match="finns inte"):
        st.load("nope")
    st.save(scen())
    with pytest.raises(KeyError):
        st.load("Dygnsvila", 9)


def test_interrupted_save_leaves_previous_version(url, monkeypatch):
    st = ScenarioStore(url)
    st.save(scen(need=2.0))
    real_insert = St._insert

    def insert_then_crash(conn, row):
        real_insert(conn, row)  # the row is written inside the transaction …
        raise RuntimeError("strömavbrott")  # … and the save dies before commit

    monkeypatch.setattr(St, "_insert", insert_then_crash)
    with pytest.raises(RuntimeError, match="strömavbrott"):
        st.save(scen(need=9.0))
    monkeypatch.undo()
    assert list(st.versions("Dygnsvila")["version"]) == [1]
    assert st.load("Dygnsvila").assumptions[0].extra_need.likely == 2.0
    assert st.save(scen(need=4.0)).version == 2


def _save_many(url, who, n):
    st = ScenarioStore(url)
    for i in range(n):
        st.save(A.Scenario(name="delad", description=f"{who}-{i}"))


def test_two_processes_saving_at_once(url):
    ScenarioStore(url)  # create the schema first
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_save_many, args=(url, w, 20)) for w in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0, 0]
    v = ScenarioStore(url).versions("delad")
    assert list(v["version"]) == list(range(1, 41))
    desc = set(v["description"])
    assert desc == {f"{w}-{i}" for w in "ab" for i in range(20)}


def test_delete_needs_confirmation(url):
    st = ScenarioStore(url)
    st.save(scen())
    st.save(scen())
    with pytest.raises(ValueError, match="confirm=True"):
        st.delete("Dygnsvila")
    assert len(st.versions("Dygnsvila")) == 2
    with pytest.raises(ValueError, match="vem som raderar"):
        st.delete("Dygnsvila", confirm=True)
    assert st.delete("Dygnsvila", confirm=True, who="anna") == 2
    assert st.list_scenarios().empty
    with pytest.raises(KeyError):
        st.delete("Dygnsvila", confirm=True, who="anna")
    # a soft delete: the rows stay, the audit trail names the deleter; a new save is v3
    with st.db.read() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(T.scenarios)).scalar() == 2
        trail = conn.execute(sa.select(T.audit.c.who, T.audit.c.action)).all()
    assert ("anna", "radera scenario") in trail
    assert st.save(scen()).version == 3 and len(st.versions("Dygnsvila")) == 1


def test_scenarios_belong_to_their_dataset(url):
    a, b = ScenarioStore(url, dataset="ds-" + "a" * 32), ScenarioStore(url, dataset="ds-" + "b" * 32)
    a.save(scen())
    assert b.list_scenarios().empty and b.save(scen()).version == 1  # names per dataset
    with pytest.raises(KeyError):
        b.record_by_id(int(a.list_scenarios()["id"].iloc[0]))
    b.delete("Dygnsvila", confirm=True, who="bo")
    assert a.load("Dygnsvila").name == "Dygnsvila"  # the other dataset's is untouched


def test_compare_side_by_side_with_results(url):
    st = ScenarioStore(url)
    st.save(scen(name="A", need=2.0))
    st.save(scen(name="B", need=4.0))
    st.save(scen(name="B", need=1.0))
    rf = make_rf(n_paths=20)
    df = st.compare(["A", ("B", 1), "B"], rf=rf)
    assert list(df.columns) == ["A v1", "B v1", "B v2"]
    y = rf.as_of.year + 1
    diff = df.loc[f"Skillnad mot basprognos {y} (tkr)"]
    assert diff["B v1"] == pytest.approx(2 * diff["A v1"]) and diff["A v1"] < 0
    assert st.compare([1]).loc["Version"].iloc[0] == 1


def test_compare_results_are_the_table_as_records_keyed_by_codes(url):
    from scenarios.store import amount_rows

    st = ScenarioStore(url)
    st.save(scen(name="A", need=2.0))
    st.save(scen(name="B", need=4.0))
    rf = make_rf(n_paths=20)
    table = st.compare(["A", "B"], rf=rf)
    rec = st.compare_results(["A", "B"], rf=rf)
    assert list(rec["scenario"].unique()) == ["A v1", "B v1"]
    assert set(rec["year"]) == {rf.as_of.year, rf.as_of.year + 1, rf.as_of.year + 2}
    for r in rec.itertuples():
        assert r.result_tkr == pytest.approx(table.loc[f"Resultat {r.year} (tkr)", r.scenario])
        assert r.difference_tkr == pytest.approx(
            table.loc[f"Skillnad mot basprognos {r.year} (tkr)", r.scenario])
    amounts = amount_rows(table)
    assert f"Avvikelse mot budget {rf.as_of.year} (tkr)" in amounts
    assert "Version" not in amounts and "Antaganden" not in amounts


V1_ROW = {
    "name": "gammal", "version": 1, "description": "sparad med formatversion 1",
    "author": "", "created": "2024-01-01T00:00:00+00:00",
    "updated": "2024-01-01T00:00:00+00:00", "input_hash": "", "program_version": "0.1.0",
    "schema_version": 1,
    "parameters": json.dumps({
        "name": "gammal", "description": "sparad med formatversion 1", "author": "",
        "as_of": "2023-08", "seed": 3, "n_draws": 1000,
        "assumptions": [
            {"type": "dygnsvila", "start": "2023-10", "extra_need": {"low": 1, "likely": 2,
                                                                     "high": 3}},
            {"type": "hyrpersonal", "target_share_pct": 2.0, "target_month": "2023-12"},
            {"type": "lon", "pct": {"low": 4.1, "likely": 4.1, "high": 4.1},
             "month": "2023-04"},
        ]}),
}


def test_old_schema_versions_keep_loading(url):
    st = ScenarioStore(url)
    with st.engine.begin() as conn:
        conn.execute(St.scenarios_table.insert().values(**V1_ROW))
    s = st.load("gammal")
    assert s.seed == 3 and [a.type for a in s.assumptions] == ["dygnsvila", "hyrpersonal", "lon"]


def test_newer_schema_is_refused_clearly(url):
    st = ScenarioStore(url)
    with st.engine.begin() as conn:
        conn.execute(St.scenarios_table.insert().values(**{**V1_ROW, "schema_version": 99}))
    with pytest.raises(St.StoreError, match="formatversion 99") as exc:
        st.load("gammal")
    assert "--ja" not in str(exc.value) and "'gammal' version 1" in str(exc.value)


def test_sqlite_pragmas_and_env_url(url, monkeypatch, tmp_path):
    st = ScenarioStore(url)
    with st.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    other = f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.setenv(St.ENV_URL, other)
    assert ScenarioStore().url == other
    assert isinstance(sa.inspect(ScenarioStore().engine).get_table_names(), list)
    assert isinstance(st.list_scenarios(), pd.DataFrame)
