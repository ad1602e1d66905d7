"""Issue 25 (1): the narrative kept per dataset and month, frozen with the laid forecast.

Lay → edit → the laid version's narrative is unchanged; the report of a laid version uses the
frozen narrative; authors and times are in the audit trail; the form's cells are read the
Swedish way with every problem named; the file written out reads back.
"""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from forecast.cycle.adjustments import apply_adjustments
from forecast.cycle.laid import build_laid
from forecast.cycle.laid_store import LaidStore
from forecast.cycle.record import Spec, resolve
from forecast.report import narrative_form as NF
from forecast.report.narrative import (
    Narrative,
    load_narrative_bytes,
    narrative_to_yaml,
    parse_narrative,
)
from forecast.report.narrative_store import NarrativeStore
from forecast.report.of_record import report_of_record
from forecast.store import schema as T
from forecast.store.statistical import StatisticalStore
from tests.cycle.test_record import Counting
from tests.fakes import small_dataset

AS_OF = pd.Period("2023-04", freq="M")
DIVS = ["Div A", "Div B"]


@pytest.fixture(scope="module")
def ds():
    return small_dataset()


@pytest.fixture
def stores(store_url):
    return NarrativeStore(store_url), LaidStore(store_url), StatisticalStore(store_url)


def _record(ds, laid, stat):
    return resolve(ds, AS_OF, dataset="D", laid=laid, store=stat, spec=Spec(n_paths=30, seed=1),
                   compute=Counting())


def _lay(ds, laid, stat, who="Bo"):
    rec = _record(ds, laid, stat)
    return laid.lay(build_laid(apply_adjustments(rec.statistical, []), dataset="D", author=who,
                               comment="april", method="test", stat_forecast_id=rec.stat_id))


def _save(narr, ds, text, who="Anna"):
    return narr.save(parse_narrative({"sammanfattning": text,
                                      "divisioner": {"Div A": f"{text} (Div A)"}}),
                     dataset="D", as_of=AS_OF, author=who, input_hash=ds.source_hash)


def test_lay_then_edit_keeps_the_laid_versions_narrative(ds, stores) -> None:
    narr, laid, stat = stores
    _save(narr, ds, "Första texten.")
    v1 = _lay(ds, laid, stat)
    _save(narr, ds, "Andra texten, skriven efter läggningen.")
    frozen = narr.for_report("D", AS_OF, ds.source_hash, v1.id)
    assert frozen is not None and frozen.summary == "Första texten." and frozen.version == 1
    assert frozen.author == "Anna" and frozen.created
    draft = narr.for_report("D", AS_OF, ds.source_hash, None)
    assert draft is not None and draft.version == 2 and draft.summary.startswith("Andra")
    # a new lay freezes the draft in force then; the first laid version still has its own
    v2 = _lay(ds, laid, stat)
    assert narr.for_report("D", AS_OF, ds.source_hash, v2.id).version == 2
    assert narr.for_report("D", AS_OF, ds.source_hash, v1.id).summary == "Första texten."


def test_a_version_laid_without_narrative_keeps_none(ds, stores) -> None:
    narr, laid, stat = stores
    v1 = _lay(ds, laid, stat)
    _save(narr, ds, "Skriven efteråt.")
    assert narr.frozen(v1.id) == (True, None)
    assert narr.for_report("D", AS_OF, ds.source_hash, v1.id) is None


def test_the_report_of_a_laid_version_uses_its_frozen_narrative(ds, stores) -> None:
    narr, laid, stat = stores
    _save(narr, ds, "Nämnden redovisar det frysta.")
    _lay(ds, laid, stat)
    _save(narr, ds, "Ett senare utkast.")
    rec = _record(ds, laid, stat)
    assert rec.laid is not None
    words = narr.for_report("D", AS_OF, ds.source_hash, rec.laid.id)
    report = report_of_record(ds, rec, narrative=words)
    first = [report.text_of(b) for b in report.sections[0].blocks]
    assert first[0] == "Nämnden redovisar det frysta."
    text = " ".join(report.text_of(b) for s in report.sections for b in s.blocks
                    if hasattr(b, "parts"))
    assert "Ett senare utkast" not in text and "Nämnden redovisar det frysta. (Div A)" in text
    who = dict(report.provenance)["Kommentarer och åtgärder"]
    assert who.startswith("version 1 av Anna, sparad ")
    assert who.endswith("; fryst med lagd prognos april 2023 version 1")


def test_the_appendix_names_a_draft_narrative_of_a_month_not_laid(ds, stores) -> None:
    narr, laid, stat = stores
    _save(narr, ds, "Ett utkast.")
    _save(narr, ds, "Ett senare utkast.", who="Cecilia")
    rec = _record(ds, laid, stat)
    assert rec.laid is None
    report = report_of_record(ds, rec, narrative=narr.for_report("D", AS_OF, ds.source_hash,
                                                                 None))
    who = dict(report.provenance)["Kommentarer och åtgärder"]
    assert who.startswith("version 2 av Cecilia, sparad ")
    assert who.endswith("; utkast (prognosen är inte lagd)")


def test_audit_trail_has_author_and_time_of_saves_and_the_freeze(ds, stores) -> None:
    narr, laid, stat = stores
    _save(narr, ds, "Text.", who="Anna")
    _lay(ds, laid, stat, who="Bo")
    _save(narr, ds, "Ny text.", who="Cecilia")
    trail = laid.audit_trail()
    rows = trail[trail["Händelse"].isin(["spara berättelse", "lägg prognos"])]
    assert list(zip(rows["Vem"], rows["Händelse"], strict=True)) == [
        ("Anna", "spara berättelse"), ("Bo", "lägg prognos"), ("Cecilia", "spara berättelse")]
    assert "berättelse version 1 fryst" in rows["Vad"].iloc[1]
    assert "D 2023-04 version 2" in rows["Vad"].iloc[2]
    times = pd.to_datetime(rows["Tid"], utc=True)
    assert times.notna().all() and times.is_monotonic_increasing


def test_a_version_6_store_migrates_and_old_laid_versions_take_the_latest(tmp_path, ds) -> None:
    url = f"sqlite:///{tmp_path / 'v6.db'}"
    narr, laid, stat = NarrativeStore(url), LaidStore(url), StatisticalStore(url)
    v1 = _lay(ds, laid, stat)
    _save(narr, ds, "Utkast.")
    engine = sa.create_engine(url)
    with engine.begin() as conn:  # as a format-6 store had it: no freeze was recorded
        conn.execute(sa.text("DROP TABLE laid_narratives"))
        conn.execute(sa.text("UPDATE store_meta SET value = '6' WHERE key = 'schema_version'"))
    engine.dispose()
    again = NarrativeStore(url)
    with again.db.read() as conn:
        assert again.db.schema_version(conn) == T.STORE_VERSION >= 7
    assert again.frozen(v1.id) == (False, None)
    assert again.for_report("D", AS_OF, ds.source_hash, v1.id).summary == "Utkast."


# ----------------------------------------------------------------- the form's cells

MEASURE = {"Åtgärd": "Minskad hyrpersonal", "Ansvarig": "Divisionschef", "Planerad effekt": "2,5",
           "Effekt hittills": "1", "Prognos": "−1,5"}
RISK = {"Risk eller möjlighet": "Dygnsvila", "Typ": "risk", "Belopp från": "-20",
        "Belopp till": "-10", "Sannolikhet": "hög"}
ASSUMPTION = {"Antagande": "Löneöversyn", "Värde": "4,1 % från april", "Intervall": "",
              "Källa": "Märket 2023"}


def test_form_reads_swedish_amounts_in_mkr_and_tkr() -> None:
    empty = dict.fromkeys(NF.MEASURE_COLUMNS)
    form = NF.NarrativeForm(summary=" Sammanfattning. ", comments={"Div B": "Kommentar."},
                            measures=[MEASURE, empty], risks=[RISK], assumptions=[ASSUMPTION])
    n = NF.narrative_from_form(form, DIVS)
    m = n.measures[0]
    assert (m.planned_mkr, m.done_mkr, m.forecast_mkr) == (2.5, 1.0, -1.5)
    assert len(n.measures) == 1  # the wholly empty row is no row
    assert n.summary == "Sammanfattning." and n.divisions == (("Div B", "Kommentar."),)
    assert (n.risks[0].low_mkr, n.risks[0].high_mkr, n.risks[0].probability) == (-20, -10, "hög")
    tkr = NF.NarrativeForm(measures=[{**MEASURE, "Planerad effekt": "2 500",
                                      "Effekt hittills": "1\u00a0000", "Prognos": "-1500"}],
                           unit="tkr")
    assert NF.narrative_from_form(tkr, DIVS).measures[0] == m
    # the form opened on a narrative gives it back, in either unit
    for unit in NF.UNITS:
        assert NF.narrative_from_form(NF.form_of(n, unit), DIVS) == n


def test_form_names_every_problem_with_table_row_and_column() -> None:
    form = NF.NarrativeForm(
        measures=[MEASURE, {**MEASURE, "Åtgärd": "", "Planerad effekt": "tio"},
                  {**MEASURE, "Prognos": "2,55"}],
        risks=[{**RISK, "Belopp från": "-5", "Belopp till": "-10", "Sannolikhet": "kanske"}],
        assumptions=[{**ASSUMPTION, "Värde": ""}],
        comments={"Okänd": "x"})
    with pytest.raises(NF.NarrativeFormError) as err:
        NF.narrative_from_form(form, DIVS)
    problems = err.value.problems
    assert "Åtgärder, rad 2, Åtgärd: får inte vara tom." in problems
    assert any(p.startswith("Åtgärder, rad 2, Planerad effekt: «tio» är inget belopp")
               for p in problems)
    assert "Åtgärder, rad 3, Prognos: högst en decimal i mkr (här 2,55)." in problems
    assert any(p.startswith("Risker och möjligheter, rad 1: Belopp från (-5) är större")
               for p in problems)
    assert any(p.startswith("Risker och möjligheter, rad 1, Sannolikhet: «kanske» duger inte")
               for p in problems)
    assert "Antaganden, rad 1, Värde: får inte vara tom." in problems
    assert any(p.startswith("Kommentar per division: 'Okänd' finns inte") for p in problems)
    assert len(problems) == 7
    tkr = NF.NarrativeForm(measures=[{**MEASURE, "Planerad effekt": "2 550"}], unit="tkr")
    with pytest.raises(NF.NarrativeFormError, match="rad 1, Planerad effekt: 2 550 tkr går "
                                                    "inte att visa i mkr"):
        NF.narrative_from_form(tkr, DIVS)
    too_many = NF.NarrativeForm(assumptions=[ASSUMPTION] * 51)
    with pytest.raises(NF.NarrativeFormError, match="Antaganden: högst 50 rader"):
        NF.narrative_from_form(too_many, DIVS)


def test_the_file_written_out_reads_back() -> None:
    n = NF.narrative_from_form(NF.NarrativeForm(
        summary="Sammanfattning: «citat» och\nny rad.", comments={"Div A": "A."},
        measures=[MEASURE], risks=[RISK], assumptions=[ASSUMPTION]), DIVS)
    data = narrative_to_yaml(n)
    assert data.decode("utf-8").startswith("# Berättelse till rapporten")
    assert load_narrative_bytes(data, "b.yaml", DIVS) == n
    assert load_narrative_bytes(narrative_to_yaml(Narrative()), "t.yaml").is_empty()
