"""The prognosförändring decomposition: exact on every row, every kind of change."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.change import PARTS, ChangeError, adjustment_table, decompose, sentence
from forecast.cycle.laid import build_laid
from tests.scenario_fixtures import make_rf


def lay(as_of, adjs, seed):
    rf = make_rf(as_of, n_paths=100, seed=seed)
    return build_laid(apply_adjustments(rf, adjs), dataset="D", author="Anna", comment=as_of,
                      method="test")


KEEP = Adjustment(comment="löneöversyn", amount_tkr=-600.0, category="Personalkostnader",
                  start="2023-09", rule="lika")
GONE = Adjustment(comment="statsbidrag", amount_tkr=400.0, unit="M1",
                  account="Erhållna bidrag", start="2023-09", end="2023-09")
NEW = Adjustment(comment="dygnsvila från oktober", amount_tkr=-900.0, division="Kirurgi",
                 start="2023-10", rule="prognos")
SCEN = Adjustment(comment="Scenario: hyrpersonal mot 2 %", amount_tkr=300.0, unit="N1",
                  account="Inhyrd personal läkare", kind="scenario", start="2023-10")


@pytest.fixture(scope="module")
def fc():
    prev = lay("2023-08", [KEEP, GONE], seed=1)
    cur = lay("2023-09", [replace(KEEP, amount_tkr=-500.0, start="2023-10"), NEW, SCEN], 2)
    return decompose(prev, cur)


def test_parts_add_up_exactly_on_every_series_and_total(fc):
    s = fc.series
    assert np.abs(s[list(PARTS)].sum(axis=1) - s["change"]).max() < 1e-6
    t = fc.totals()
    diff = fc.current.summary()["deviation"] - fc.previous.summary()["deviation"]
    assert sum(t[p] for p in PARTS) == pytest.approx(diff, abs=1e-6)
    assert t["change"] == pytest.approx(diff, abs=1e-6)


def test_each_adjustment_has_status_effect_and_comment(fc):
    a = adjustment_table(fc).set_index("Kommentar")
    assert a.loc["löneöversyn", "Status"] == "ändrad"
    assert a.loc["statsbidrag", "Status"] == "borttagen"
    assert a.loc["dygnsvila från oktober", "Status"] == "tillagd"
    # the removed grant covered only September (now outcome): it leaves (c) untouched and
    # its September part is in (a), as what the previous forecast expected
    assert a.loc["statsbidrag", "Effekt på förändringen"] == pytest.approx(0.0, abs=1e-9)
    # old wage adjustment: -600 over Sep–Dec = -450 in Oct–Dec; new -500 over Oct–Dec
    assert a.loc["löneöversyn", "Effekt på förändringen"] == pytest.approx(-50.0)
    assert a.loc["dygnsvila från oktober", "Effekt på förändringen"] == pytest.approx(-900.0)
    t = fc.totals()
    assert t["adjustments"] == pytest.approx(-950.0)
    assert t["scenario"] == pytest.approx(300.0)
    assert t["budget"] == pytest.approx(0.0)


def test_sentence_names_the_largest_cause_in_the_seed_words(fc):
    text = sentence(fc)
    verb = "försämrats" if fc.totals()["change"] < 0 else "förbättrats"
    assert text.startswith(f"Prognosen har {verb} från föregående månad från ")
    assert "\u00a0mkr på helår, främst på grund av dygnsvila från oktober (-0,9\u00a0mkr)" in text
    assert "löneöversyn" not in text  # -50 tkr is below 5 % of the change


def test_budget_revision_is_its_own_bar():
    prev = lay("2023-08", [], seed=1)
    cur = lay("2023-09", [], seed=2)
    s = cur.series.copy()
    s.loc[0, "annual_budget"] += 1000.0
    cur = replace(cur, series=s)
    fc = decompose(prev, cur)
    assert fc.totals()["budget"] == pytest.approx(-1000.0)
    assert np.abs(fc.series[list(PARTS)].sum(axis=1) - fc.series["change"]).max() < 1e-6


def test_refuses_other_years_and_wrong_order():
    a, b = lay("2022-11", [], 1), lay("2023-08", [], 2)
    with pytest.raises(ChangeError, match="olika år"):
        decompose(a, b)
    with pytest.raises(ChangeError, match="måste ligga före"):
        decompose(b, b)
