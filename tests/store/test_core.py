"""The shared store: migrations, concurrent lays, interrupted lays (SQLite and PostgreSQL),
and every database fault as one Swedish line with the masked URL (issue 13)."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import subprocess
import sys
import time

import pandas as pd
import pytest
import sqlalchemy as sa

from forecast.cycle import laid_store as LS
from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.laid import build_laid
from forecast.cycle.laid_store import LaidStore
from forecast.store import core as C
from forecast.store import schema as T
from forecast.store.core import StoreError
from scenarios import assumptions as A
from scenarios.store import ScenarioStore
from tests.scenario_fixtures import make_rf


def draft(as_of="2023-08", amount=-1000.0, comment="test", n_paths=50):
    rf = make_rf(as_of, n_paths=n_paths)
    adj = [Adjustment(comment="dygnsvila", amount_tkr=amount, unit="K1",
                      account="Personalkostnader", author="Anna")]
    return build_laid(apply_adjustments(rf, adj), dataset="D", author="Anna", comment=comment,
                      method="test")


def test_a_laid_forecast_records_the_level_correction_it_was_made_with() -> None:
    from dataclasses import replace

    from forecast.engine.level import LEVEL_LABEL
    from forecast.engine.totals_width import WIDTH_LABEL

    rf = make_rf("2023-08", n_paths=20)
    plain = build_laid(apply_adjustments(rf, []), dataset="D", author="Anna", comment="c",
                       method="test", parameters={"Banor": "20"})
    assert plain.parameters == {"Banor": "20", LEVEL_LABEL: "ingen", WIDTH_LABEL: "ingen"}
    levelled = replace(rf, level_correction=(("kostnad", -0.8, 4),),
                       totals_width=(("Medicin", 1.25), ("Regionen", 1.1)))
    lf = build_laid(apply_adjustments(levelled, []), dataset="D", author="Anna", comment="c",
                    method="test")
    assert lf.parameters[LEVEL_LABEL] == "kostnader -0,8\u00a0% (4 tidigare år)"
    assert lf.parameters[WIDTH_LABEL] == "Medicin ×1,25, Regionen ×1,10"


# --------------------------------------------------------------------------- both backends


def test_lay_versions_lock_and_roundtrip(db_url):
    st = LaidStore(db_url)
    a = st.lay(draft(comment="första"))
    b = st.lay(draft(amount=-2000.0, comment="andra"))
    assert (a.version, b.version) == (1, 2)
    got = st.load("D", pd.Period("2023-08", "M"), 1)
    assert got.comment == "första" and got.adjustments[0].amount_tkr == -1000.0
    assert got.series["final_year"].sum() == pytest.approx(a.series["final_year"].sum())
    assert st.load("D", pd.Period("2023-08", "M")).version == 2  # latest when none is locked
    st.lock("D", pd.Period("2023-08", "M"), author="Anna", version=1)
    assert st.load("D", pd.Period("2023-08", "M")).version == 1 and st.load("D", pd.Period("2023-08", "M")).locked
    c = st.lay(draft(comment="efter fastställd"))  # a new version beside the locked one
    assert c.version == 3 and st.load("D", pd.Period("2023-08", "M")).version == 1
    with pytest.raises(LS.LaidError, match="redan fastställd"):
        st.lock("D", pd.Period("2023-08", "M"), author="Anna", version=3)
    lst = st.list("D")
    assert list(lst["Version"]) == [1, 2, 3] and list(lst["Fastställd"]) == ["ja", "", ""]
    trail = st.audit_trail()
    assert list(trail["Händelse"]) == ["lägg prognos"] * 2 + ["fastställ prognos",
                                                                "lägg prognos"]
    assert set(trail["Vem"]) == {"Anna"}
    newest = st.audit_trail(limit=2, newest_first=True)
    assert list(newest["Händelse"]) == ["lägg prognos", "fastställ prognos"]
    assert list(newest["Tid"]) == list(trail["Tid"].iloc[::-1].iloc[:2])


def test_lock_info_says_who_and_when_and_times_are_shown_local(db_url):
    from forecast.io.formatting import fmt_timestamp

    st = LaidStore(db_url)
    st.lay(draft(comment="första"))
    st.lay(draft(comment="andra"))
    assert st.lock_info("D", pd.Period("2023-08", "M")) is None
    st.lock("D", pd.Period("2023-08", "M"), author="Bo", version=1)
    info = st.lock_info("D", pd.Period("2023-08", "M"))
    assert info is not None and (info.version, info.author) == (1, "Bo")
    assert info.created.endswith("+00:00")  # stored UTC
    assert st.lock_info("D", pd.Period("2023-07", "M")) is None and st.lock_info("E", pd.Period("2023-08", "M")) is None
    lst = st.list("D")
    assert list(lst["Lagd"]) == [fmt_timestamp(st.load("D", pd.Period("2023-08", "M"), v).created)
                                 for v in (1, 2)]
    with pytest.raises(LS.LaidError, match=fmt_timestamp(info.created)):
        st.lock("D", pd.Period("2023-08", "M"), author="Anna", version=2)


def test_interrupted_lay_leaves_previous_version(db_url, monkeypatch):
    st = LaidStore(db_url)
    st.lay(draft(comment="hel"))
    real = LS._insert_laid

    def crash_after_insert(conn, lf):
        out = real(conn, lf)
        conn.execute(T.laid_series.insert().values(laid_id=out[0], payload="{}"))
        raise RuntimeError("strömavbrott")

    monkeypatch.setattr(LS, "_insert_laid", crash_after_insert)
    with pytest.raises(RuntimeError, match="strömavbrott"):
        st.lay(draft(comment="halv"))
    monkeypatch.undo()
    assert list(st.list("D")["Version"]) == [1]
    assert st.load("D", pd.Period("2023-08", "M")).comment == "hel"
    assert st.lay(draft(comment="ny")).version == 2


def _lay_many(url, who, n):
    st = LaidStore(url)
    for i in range(n):
        st.lay(draft(comment=f"{who}-{i}", n_paths=20))


def test_concurrent_lays_from_several_processes(db_url):
    LaidStore(db_url)
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_lay_many, args=(db_url, w, 6)) for w in "abc"]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0]
    lst = LaidStore(db_url).list("D")
    assert sorted(lst["Version"]) == list(range(1, 19))
    assert set(lst["Kommentar"]) == {f"{w}-{i}" for w in "abc" for i in range(6)}


def test_migrates_a_version_1_scenario_database(db_url):
    """A database made before laid forecasts (only the scenarios table) is upgraded in place
    and keeps its scenarios."""
    eng = sa.create_engine(db_url)
    T.scenarios.create(eng)
    with eng.begin() as conn:
        conn.execute(T.scenarios.insert().values(
            name="gammal", version=1, description="", author="", created="2024-01-01",
            updated="2024-01-01", parameters=A.Scenario(name="gammal").model_dump_json(),
            input_hash="", program_version="0.1.0", schema_version=1))
    eng.dispose()
    st = LaidStore(db_url)
    with st.db.read() as conn:
        assert st.db.schema_version(conn) == T.STORE_VERSION
        assert set(sa.inspect(conn).get_table_names()) >= set(T.metadata.tables)
    assert ScenarioStore(db_url).load("gammal").name == "gammal"
    assert st.lay(draft()).version == 1


def test_newer_store_format_is_refused(db_url):
    st = LaidStore(db_url)
    st.db.write(lambda conn: conn.execute(
        T.store_meta.update().where(T.store_meta.c.key == "schema_version").values(value="9")))
    with pytest.raises(StoreError, match="formatversion 9, nyare än programmets"):
        LaidStore(db_url)


def test_broken_stored_rows_get_a_message_not_about_ja(db_url):
    st = LaidStore(db_url)
    rec = st.lay(draft())
    st.db.write(lambda conn: conn.execute(
        T.laid_series.update().where(T.laid_series.c.laid_id == rec.id).values(payload="{")))
    with pytest.raises(StoreError, match="2023-08 version 1 kan inte läsas") as exc:
        st.load("D", pd.Period("2023-08", "M"))
    assert "--ja" not in str(exc.value)
    ScenarioStore(db_url).save(A.Scenario(name="s"))
    st.db.write(lambda conn: conn.execute(T.scenarios.update().values(parameters="{oj")))
    with pytest.raises(StoreError, match="inte giltig JSON") as exc:
        ScenarioStore(db_url).load("s")
    assert "--ja" not in str(exc.value)


# --------------------------------------------------------------------------- SQLite faults


def test_read_never_waits_for_a_writers_lock(tmp_path):
    url = f"sqlite:///{tmp_path / 's.db'}"
    ScenarioStore(url).save(A.Scenario(name="x"))
    holder = sqlite3.connect(tmp_path / "s.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO audit(time, who, action, what) VALUES ('t','w','a','b')")
    try:
        t0 = time.perf_counter()
        st = ScenarioStore(url)  # opening is a read: the schema is current
        assert list(st.list_scenarios()["name"]) == ["x"]
        assert LaidStore(url).list().empty
        assert time.perf_counter() - t0 < 2.0
        slow = ScenarioStore(url, lock_timeout_s=0.3)
        with pytest.raises(StoreError, match="låst av en annan process"):
            slow.save(A.Scenario(name="y"))
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_corrupt_file(tmp_path):
    p = tmp_path / "trasig.db"
    p.write_bytes(b"inte en databas " * 200)
    with pytest.raises(StoreError, match="skadad eller inte en SQLite-databas") as exc:
        LaidStore(f"sqlite:///{p}")
    assert str(p) in str(exc.value)


def test_missing_directory(tmp_path):
    with pytest.raises(StoreError, match="katalogen .* finns inte"):
        ScenarioStore(f"sqlite:///{tmp_path / 'saknas' / 'x.db'}")


def test_unknown_driver_and_masked_password():
    with pytest.raises(StoreError, match="okänd databasdrivrutin") as exc:
        LaidStore("oracle+nope://anna:hemligt@server/db")
    assert "hemligt" not in str(exc.value) and "***" in str(exc.value)


def test_unreachable_server_masks_password():
    url = "postgresql+psycopg://anna:hemligt@127.0.0.1:9/db"  # port 9: nothing listens
    with pytest.raises(StoreError, match="databasservern kan inte nås") as exc:
        LaidStore(url)
    assert "hemligt" not in str(exc.value) and "anna:***@127.0.0.1:9" in str(exc.value)


@pytest.mark.parametrize("url_kind", ["corrupt", "missing", "driver"])
def test_cli_database_fault_is_one_line_exit_2(tmp_path, url_kind):
    corrupt = tmp_path / "c.db"
    corrupt.write_bytes(b"x" * 4096)
    url = {"corrupt": f"sqlite:///{corrupt}",
           "missing": f"sqlite:///{tmp_path / 'nej' / 'x.db'}",
           "driver": "mysql+okand://u:pw@h/db"}[url_kind]
    for argv in (["prognos", "lista"], ["scenario", "list"]):
        res = subprocess.run([sys.executable, "-m", "cli.main", *argv],
                             env={**__import__("os").environ, C.ENV_URL: url},
                             capture_output=True, text=True, timeout=120)
        assert res.returncode == 2, res.stderr
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and "Traceback" not in res.stderr
        assert lines[0].startswith("budgetprognos ") and "databasen " in lines[0]
        assert "pw@" not in lines[0]
