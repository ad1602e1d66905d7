"""The narrative form of the Export page (ui.narrative_form), driven with AppTest.

AppTest types into the text areas and presses «Spara berättelsen»; it cannot type into an
``st.data_editor`` cell, so the tables are tested by opening the form on a stored narrative
and saving it unchanged (its rows go through the editors and the core's reader and come back
equal, in mkr and in tkr); the reader's messages are tested in
``tests/report/test_narrative_versions.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from forecast.ledger.month import month_of
from forecast.report.narrative import parse_narrative
from forecast.report.narrative_store import NarrativeStore
from ui import state_keys as K

APRIL = month_of(2023, 4)

STORED = {"sammanfattning": "Nämnden redovisar ett underskott.",
          "divisioner": {"Div A": "Ambulanshelikoptern."},
          "atgarder": [{"atgard": "Minskad hyrpersonal", "ansvarig": "Divisionschef",
                        "planerad_effekt_mkr": 37, "effekt_hittills_mkr": 4,
                        "prognos_mkr": 9.5}],
          "risker": [{"text": "Dygnsvila", "typ": "risk", "belopp_min_mkr": -20,
                      "belopp_max_mkr": -10, "sannolikhet": "hög"}],
          "antaganden": [{"namn": "Löneöversyn", "varde": "4,1 %", "kalla": "Märket"}]}


def _form_app(url: str, author: str) -> None:
    from forecast.ledger.month import month_of
    from forecast.report.narrative_store import NarrativeStore
    from ui.narrative_form import narrative_form

    store = NarrativeStore(url)
    narrative_form(store.latest("D", month_of(2023, 4)), ["Div A", "Div B"],
                   lambda n: store.save(n, dataset="D", as_of=month_of(2023, 4), author=author))


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'n.db'}"


def _app(url: str, author: str = "Anna") -> AppTest:
    return AppTest.from_function(_form_app, args=(url, author), default_timeout=60).run()


def test_typing_the_summary_and_a_comment_saves_a_version(url: str) -> None:
    at = _app(url)
    assert not at.exception, at.exception
    labels = [t.label for t in at.text_area]
    assert labels == ["Sammanfattning (inleder rapporten)", "Kommentar, Div A",
                      "Kommentar, Div B"]
    at.text_area[0].input("Resultatet är −12 mkr.")
    at.text_area[2].input("Hyrpersonal minskar.")
    at.button[0].click().run()
    assert not at.exception, at.exception
    saved = NarrativeStore(url).latest("D", APRIL)
    assert saved is not None and saved.version == 1 and saved.author == "Anna"
    assert saved.summary == "Resultatet är −12 mkr."
    assert saved.divisions == (("Div B", "Hyrpersonal minskar."),)
    assert any("sparades som version 1 av Anna" in s.value for s in at.success)


@pytest.mark.parametrize("unit", ["mkr", "tkr"])
def test_the_tables_open_on_the_stored_version_and_save_back_equal(url: str, unit: str) -> None:
    store = NarrativeStore(url)
    first = store.save(parse_narrative(STORED), dataset="D", as_of=APRIL, author="Bo")
    at = _app(url)
    at.radio(key=K.NARR_UNIT).set_value(unit).run()
    assert at.text_area[0].value == STORED["sammanfattning"]
    at.button[0].click().run()
    assert not at.exception, at.exception
    second = store.latest("D", APRIL)
    assert second is not None and second.version == 2 and second.author == "Anna"
    assert second.to_payload() == first.to_payload()


def test_a_save_that_fails_is_said_in_swedish_and_nothing_is_stored(url: str) -> None:
    at = _app(url, author=" ")
    at.text_area[0].input("Text.")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert any(e.value.startswith("Berättelsen sparades inte: ange vem som sparar")
               for e in at.error)
    assert NarrativeStore(url).latest("D", APRIL) is None
