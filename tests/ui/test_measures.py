"""The omställningsplan's own measures as typed in the page (ui.measures_editor fields)."""

from __future__ import annotations

from scenarios import assumptions as A
from ui import scenario_form as F
from ui.measures_editor import FIELDS, WHOLE_REGION, measure_text

ROW = {"Namn": "Plan 100 mkr", "Belopp, mkr per år": "100", "Start": "2023-05",
       "Enhet": WHOLE_REGION, "Konto": "Personalkostnader", "Realisering låg": "60",
       "Realisering trolig": "60", "Realisering hög": "60"}


def test_a_100_mkr_measure_at_60_percent_is_read() -> None:
    assert set(FIELDS) == set(F.MEASURE_COLUMNS)
    (m,), errors = F.measures_from_rows([ROW], whole_region=WHOLE_REGION)
    assert errors == []
    assert m.planned_annual_tkr == 100_000.0 and m.unit == "" and m.start == "2023-05"
    assert (m.realisation_pct.low, m.realisation_pct.likely, m.realisation_pct.high) == \
        (60.0, 60.0, 60.0)
    text = measure_text(m)
    assert "100,0" in text and "maj 2023" in text and "60,0 / 60,0 / 60,0 %" in text


def test_swedish_numbers_and_messages_naming_the_field() -> None:
    (m,), _ = F.measures_from_rows([{**ROW, "Belopp, mkr per år": "12,5",
                                     "Realisering låg": "", "Realisering trolig": "",
                                     "Realisering hög": ""}], whole_region=WHOLE_REGION)
    assert m.planned_annual_tkr == 12_500.0 and m.realisation_pct is None
    _, errors = F.measures_from_rows([{**ROW, "Belopp, mkr per år": "mycket"}],
                                     whole_region=WHOLE_REGION)
    assert errors and "Belopp" in errors[0]
    _, errors = F.measures_from_rows([{**ROW, "Realisering hög": ""}],
                                     whole_region=WHOLE_REGION)
    assert errors == ["Åtgärd rad 1: ange realisering låg, trolig och hög, eller ingen"]
    _, errors = F.measures_from_rows([{**ROW, "Realisering låg": "70"}],
                                     whole_region=WHOLE_REGION)
    assert errors  # low above likely is refused, not reordered


def test_user_text_in_a_measure_is_shown_as_text() -> None:
    m = A.PlanMeasure(name="[klicka](https://x.se)", account="Läkemedel",
                      planned_annual_tkr=1.0, start="2023-05")
    assert "\\[klicka\\]" in measure_text(m)
