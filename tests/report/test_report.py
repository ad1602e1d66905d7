"""The report model (forecast.report.builder): seed 001's figures, sentences = table cells,
totals that add up, the change section without a laid forecast, the scenario risk section."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from forecast.followup import tables as F
from forecast.io.formatting import NBSP
from forecast.ledger.dataset import load_default
from forecast.ledger.dimensions import TOTAL_GROSS_COST, TOTAL_NET_COST, TOTAL_REVENUE
from forecast.report import figures as G
from forecast.report import topics as T
from forecast.report.builder import (
    CHANGE_HEADING,
    HEADINGS,
    SUMMARY_HEADING,
    build_report,
    overview_tables,
)
from forecast.report.inputs import Comment, ForecastChange
from forecast.report.model import Paragraph, Ref, Report, UserText
from forecast.report.rounding import printed_mkr
from scenarios.files import load_scenario
from scenarios.reporting import risk_for
from tests.report.fixtures import fast_forecast, seed001
from tests.seed001 import published_table

CREATED = datetime(2023, 5, 10, 8, 0, tzinfo=UTC)
KOMBINERAT = "scenarios/examples/kombinerat.yaml"
NUMBER = re.compile(r"-?\d{1,3}(?:\u00a0\d{3})*(?:,\d+)?")
# Digits allowed in fixed text: years, the mandated "80 %", quantile names P10/P90, the
# definition "rullande 12 månader".
FIXED_OK = re.compile(r"\b(19|20)\d\d\b|80\u00a0?%|80 %|P10|P90|P50|rullande 12 månader")


@pytest.fixture(scope="module")
def seed_report() -> Report:
    ds = seed001()
    return build_report(ds, pd.Period("2023-04", "M"), fast_forecast(ds, pd.Period("2023-04", "M"), 50), created=CREATED)


@pytest.fixture(scope="module")
def region() -> tuple:
    ds = load_default()
    return ds, fast_forecast(ds, "2023-04", 100)


@pytest.fixture(scope="module")
def region_report(region) -> Report:
    ds, rf = region
    return build_report(ds, pd.Period("2023-04", "M"), rf, created=CREATED)


@pytest.fixture(scope="module")
def scenario_report(region) -> Report:
    ds, rf = region
    scenario = load_scenario(KOMBINERAT).model_copy(update={"n_draws": 2000})
    deviation = float(rf.year_total_paths().mean() - rf.annual_budget.sum())
    change = ForecastChange(
        previous_as_of=pd.Period("2023-03", "M"), previous_tkr=-400_000.0,
        current_tkr=deviation,
        components=(("Personalkostnader", -40_000.0), ("Inhyrd personal", -30_000.0),
                    ("Övrigt", deviation + 400_000.0 + 70_000.0)),
        comments=(Comment("Dygnsvilan från oktober och hyrpersonal i sommar", "Controller A"),),
        source="test")
    return build_report(ds, pd.Period("2023-04", "M"), rf, risk=risk_for(rf, scenario, ds), change=change,
                        created=CREATED)


def _number(text: str) -> float:
    return float(text.replace(NBSP, "").replace(" ", "").replace(",", "."))


def test_seed_001_table_gives_its_published_figures(seed_report: Report) -> None:
    t = seed_report.tables()
    s = t[G.KEY_SUMMARY]
    published = {  # seed 001, "Ekonomisk sammanfattning", Jan–Apr 2023, mkr
        (F.REVENUE, F.ACK_UTFALL): 548, (F.REVENUE, F.ACK_BUDGET): 492, (F.REVENUE, F.DIFF): 56,
        (F.GROSS, F.ACK_UTFALL): -1660, (F.GROSS, F.ACK_BUDGET): -1461, (F.GROSS, F.DIFF): -199,
        (F.GROSS, F.ACK_FG): -1503, (F.GROSS, F.DIFF_FG): -157,
        (F.NET, F.ACK_BUDGET): -969, (F.NET, F.DIFF): -143,
        (F.NET, F.ACK_FG): -974,
    }
    for (row, col), value in published.items():
        assert s.cell(row, col) == value, (row, col)
    # One printed figure per quantity (issue 25): the published table is not consistent with
    # its own tkr totals in three cells. Net cost −1 111 463 tkr prints −1 112 there
    # (548 − 1 660) and revenue 2022 528 646 tkr prints 528; the net diff to last year is
    # "-137,5 mkr" in the seed's text and −137 in its table. We print each total and difference
    # rounded once (half away from zero): −1 111, 529 and −138, so an mkr figure is always the
    # tkr table's figure (and the sentence's one-decimal figure) rounded.
    assert s.cell(F.NET, F.ACK_UTFALL) == -1111 and s.cell(F.REVENUE, F.ACK_FG) == 529
    assert s.cell(F.NET, F.DIFF_FG) == -138
    c = t[G.KEY_CATEGORY]
    table = published_table().set_index("konto")
    for konto, r in table.iterrows():
        assert c.cell(konto, F.ACK_UTFALL) == r["utfall_ack_tkr"]
        assert c.cell(konto, F.ACK_BUDGET) == r["budget_ack_tkr"]
        assert c.cell(konto, F.ACK_FG) == r["utfall_ack_fg_ar_tkr"]
    # the published rows are rounded: their sums differ from the published totals by ≤ 2 tkr,
    # and the printed total is the sum of the printed rows
    assert c.cell(TOTAL_REVENUE, F.ACK_UTFALL) == 548_443
    assert c.cell(TOTAL_GROSS_COST, F.ACK_UTFALL) == pytest.approx(-1_659_906, abs=2)
    assert c.cell(TOTAL_NET_COST, F.ACK_UTFALL) == pytest.approx(-1_111_463, abs=2)
    assert c.cell(TOTAL_GROSS_COST, F.ACK_UTFALL) == table.loc[
        table["typ"] == "kostnad", "utfall_ack_tkr"].sum()
    d = t[G.KEY_DEVELOPMENT]
    assert d.cell(F.NET, F.UTVECKLING) == 14.1 and d.cell(F.GROSS, F.UTVECKLING) == 10.5


def test_seed_001_sentences_read_like_the_seed(seed_report: Report) -> None:
    text = " ".join(seed_report.text_of(p) for p in seed_report.paragraphs()).replace(NBSP, " ")
    assert "Intäkterna för perioden januari–april uppgick till 548 mkr och var 56 mkr över " \
           "budget" in text
    assert "Nettokostnaden uppgick till -1 111 mkr, vilket var 143 mkr sämre än budget" in text
    # seed 001: "nettokostnadsavvikelsen jämfört med budget till -142,6 mkr ... intäktsökning om
    # 56,0 mkr och en kostnadsökning om -198,6 mkr ... personalkostnader (-72,8 mkr)"
    assert "nettokostnadsavvikelsen jämfört med budget till -142,6 mkr" in text
    assert "intäkter om 56,0 mkr och bruttokostnader om -198,6 mkr" in text
    assert "personalkostnader (-72,8 mkr), inhyrd personal (-67,9 mkr), läkemedel (-21,8 mkr)" \
        in text
    assert "samma period föregående år till -137,5 mkr" in text
    assert "intäkter om 19,8 mkr och bruttokostnader om -157,3 mkr" in text
    assert "Nettokostnadsutvecklingen för januari–april var 14,1 %" in text
    assert "Bruttokostnadsutvecklingen var 10,5 %" in text


def _check_paragraph(report: Report, p: Paragraph) -> None:
    tables = report.tables()
    for part in p.parts:
        if isinstance(part, Ref):
            t = tables[part.table]
            printed = part.render(tables)
            cell = t.cell(part.row, part.column) * part.scale
            dec = t.decimals_of(part.column) if part.decimals is None else part.decimals
            expected = abs(cell) if part.absolute else cell
            found = NUMBER.findall(printed)
            assert len(found) == 1, printed
            assert _number(found[0]) == pytest.approx(round(expected, dec), abs=1e-9), printed
            if part.scale == 1.0 and part.decimals is None:
                # the very text of the printed cell
                assert found[0].lstrip("-") == t.text(part.row, part.column).lstrip("-")
        elif isinstance(part, str):
            rest = FIXED_OK.sub("", part)
            assert not re.search(r"\d", rest), f"a number in fixed text: {part!r}"


@pytest.mark.parametrize("name", ["seed_report", "region_report", "scenario_report"])
def test_every_number_in_the_sentences_is_a_table_cell(name: str,
                                                       request: pytest.FixtureRequest) -> None:
    report = request.getfixturevalue(name)
    paragraphs = report.paragraphs()
    assert len(paragraphs) >= 12
    for p in paragraphs:
        _check_paragraph(report, p)


def test_headings_in_order(region_report: Report, scenario_report: Report) -> None:
    for r in (region_report, scenario_report):
        top = [s.heading for s in r.sections if s.level == 1]
        assert top == [SUMMARY_HEADING, *HEADINGS]
        assert [s.heading for s in r.sections if s.level == 2] == [CHANGE_HEADING]
        assert {c.kind for c in r.charts()} >= {"fan", "share", "bridge"}


def test_printed_totals_add_up(region, region_report: Report) -> None:
    """Totals and differences are rounded once; divisions add up to their printed total."""
    ds, _ = region
    exact = F.by_division(ds, pd.Period("2023-04", "M"))
    t = region_report.tables()
    s, d = t[G.KEY_SUMMARY], t[G.KEY_DIVISION]
    for col in s.frame.columns:
        for measure in (F.REVENUE, F.GROSS, F.NET):
            parts = [r for r in d.frame.index if str(r).startswith(f"{measure} – ")]
            assert d.frame.loc[parts, col].sum() == pytest.approx(d.cell(measure, col))
            assert d.cell(measure, col) == s.cell(measure, col)
            if col in exact.columns:
                assert s.cell(measure, col) == printed_mkr(exact.at[measure, col]), (measure, col)
        # separately rounded: the identity holds to within one unit
        assert abs(s.cell(F.NET, col) - s.cell(F.REVENUE, col) - s.cell(F.GROSS, col)) <= 1
    c = t[G.KEY_CATEGORY]
    rows = list(c.frame.index)
    rev = rows[:rows.index(TOTAL_REVENUE)]
    cost = [r for r in rows[rows.index(TOTAL_REVENUE) + 1:rows.index(TOTAL_GROSS_COST)]
            if not str(r).startswith("varav ")]
    for col in c.frame.columns:
        assert c.frame.loc[rev, col].sum() == pytest.approx(c.cell(TOTAL_REVENUE, col))
        assert c.frame.loc[cost, col].sum() == pytest.approx(c.cell(TOTAL_GROSS_COST, col))
    f = t[G.KEY_FORECAST]
    assert f.cell(F.NET, G.PROGNOS) == s.cell(F.NET, G.prognos_column(pd.Period("2023-04")))
    bridge = t["brygga_budget"].frame.iloc[:, 0]
    assert bridge.iloc[0] + bridge.iloc[1:-1].sum() == pytest.approx(bridge.iloc[-1])
    assert bridge.iloc[-1] == f.cell(F.NET, G.PROGNOS)


def test_forecast_range_and_balance_probability_from_paths(region, region_report) -> None:
    ds, rf = region
    f = region_report.tables()[G.KEY_FORECAST]
    tot = rf.year_total_paths()
    assert f.cell(F.NET, G.ARS_P10) == round(np.quantile(tot, 0.1) / 1000)
    assert f.cell(F.NET, G.ARS_P90) == round(np.quantile(tot, 0.9) / 1000)
    budget = rf.annual_budget.sum()
    assert f.cell(F.NET, G.PROB) == round(100 * np.mean(tot >= budget))
    text = " ".join(region_report.text_of(p) for p in region_report.paragraphs())
    assert f"med 80{NBSP}%" not in text  # fixed text uses a plain space before %
    assert "Med 80 % sannolikhet hamnar nettokostnaden mellan " in text


def test_agency_share_chart_ends_at_the_table_cell(region_report: Report) -> None:
    share = next(c for c in region_report.charts() if c.kind == "share")
    table = region_report.tables()[G.KEY_AGENCY]
    assert round(share.data["Hyrandel R12 %"].iloc[-1], 1) == table.cell("Totalt", T.R12)
    assert share.params["target_pct"] == 2.0
    fan = next(c for c in region_report.charts() if c.kind == "fan")
    f = region_report.tables()[G.KEY_FORECAST]
    assert round(fan.data["Prognos"].iloc[-1]) == f.cell(F.NET, G.PROGNOS)


def test_no_laid_forecast_is_said_plainly(region_report: Report) -> None:
    change = next(s for s in region_report.sections if s.heading == CHANGE_HEADING)
    text = region_report.text_of(change.blocks[0])
    assert text.startswith("Det finns ingen tidigare lagd prognos att jämföra med")
    assert ("Prognosförändring", "ingen tidigare lagd prognos") in region_report.provenance


def test_change_section_with_comments_as_reasons(scenario_report: Report) -> None:
    t = scenario_report.tables()[T.KEY_CHANGE]
    col = t.frame.columns[0]
    values = t.frame[col]
    assert values.iloc[0] == -400
    # the current figure is the forecast's printed deviation from budget
    assert values.iloc[-1] == scenario_report.tables()[G.KEY_FORECAST].cell(F.NET, G.AVVIKELSE)
    assert values.iloc[1:-2].sum() == values.loc[T.CHANGE_TOTAL]
    assert values.iloc[0] + values.loc[T.CHANGE_TOTAL] == values.iloc[-1]
    change = next(s for s in scenario_report.sections if s.heading == CHANGE_HEADING)
    text = " ".join(scenario_report.text_of(b) for b in change.blocks if isinstance(b, Paragraph))
    assert "sedan den lagda prognosen för mars 2023, från -400 till " in text.replace(NBSP, " ")
    assert "«Dygnsvilan från oktober och hyrpersonal i sommar» (Controller A)" in text
    assert any(isinstance(p, UserText) for b in change.blocks if isinstance(b, Paragraph)
               for p in b.parts)


def test_scenario_risk_section(region, scenario_report: Report) -> None:
    t = scenario_report.tables()
    bridge, mc = t[T.KEY_SCENARIO], t[T.KEY_SCENARIO_MC]
    col = bridge.frame.columns[0]
    v = bridge.frame[col]
    assert v.iloc[0] + v.iloc[1:-1].sum() == pytest.approx(v.iloc[-1])
    # the scenario's baseline is the report's Årsprognos
    assert v.loc["Basprognos"] == t[G.KEY_FORECAST].cell(F.NET, G.PROGNOS)
    assert 0 <= mc.cell("Scenario", G.PROB) <= 100
    risk = next(s for s in scenario_report.sections if s.heading == "Risker")
    text = " ".join(scenario_report.text_of(b) for b in risk.blocks if isinstance(b, Paragraph))
    assert "Scenariot «Kombinerat» ger en nettokostnad för 2023" in text
    assert "sannolikheten för en budget i balans är" in text
    assert ("Scenario", "Kombinerat") in scenario_report.provenance


def test_overview_tables_are_the_report_tables(region, region_report: Report) -> None:
    ds, rf = region
    s, d, c = overview_tables(ds, pd.Period("2023-04", "M"), rf)
    t = region_report.tables()
    for mine, theirs in ((s, t[G.KEY_SUMMARY]), (d, t[G.KEY_DIVISION]),
                         (c, t[G.KEY_CATEGORY])):
        pd.testing.assert_frame_equal(mine.frame, theirs.frame)
    assert "Prognos 2023" in s.display().columns


def test_august_2022(region) -> None:
    ds, _ = region
    rf = fast_forecast(ds, "2022-08", 60)
    r = build_report(ds, pd.Period("2022-08", "M"), rf, created=CREATED)
    s = r.tables()[G.KEY_SUMMARY]
    assert list(s.frame.columns[:3]) == ["Utfall aug 2022", "Budget aug 2022", "Diff aug 2022"]
    text = " ".join(r.text_of(p) for p in r.paragraphs())
    assert "januari–augusti" in text
    for p in r.paragraphs():
        _check_paragraph(r, p)


def test_rejects_a_forecast_of_another_month(region) -> None:
    ds, rf = region
    with pytest.raises(ValueError, match="Prognosen är gjord per 2023-04"):
        build_report(ds, pd.Period("2023-03", "M"), rf)
    with pytest.raises(ValueError, match="Det finns inget utfall för 2031-01"):
        build_report(ds, pd.Period("2031-01", "M"), rf)


def _reference_forecast_cells(rf, mask: np.ndarray) -> tuple[float, float, float, float]:  # noqa: ANN001
    """P10, P90, mean and P(≥ budget) of a group by row masks over every series' year
    totals: how the report computed them before it read the stored group totals."""
    tot = rf.year_total_paths(mask)
    bud = float(rf.annual_budget[mask].sum())
    return (float(np.quantile(tot, 0.1)), float(np.quantile(tot, 0.9)), float(tot.mean()),
            float(np.mean(tot >= bud) * 100.0))


def test_forecast_tables_from_group_totals_print_what_the_row_masks_printed(region) -> None:  # noqa: ANN001
    """The forecast tables read the stored group year totals (the app's year_totals source);
    every printed cell is the one the row masks gave, and P10/P90 are the app's exactly."""
    from dataclasses import replace

    from forecast.engine import hierarchy as H
    from forecast.report.rounding import round_half_away

    ds, rf = region
    rf = replace(rf, paths=np.array(rf.paths))  # a fresh forecast: nothing memoised
    p = rf.as_of
    summary, division = G.division_tables(ds, p, rf)
    table = G.forecast_table(rf, summary).frame
    masks = {F.REVENUE: rf.row_mask(account_type="intakt"),
             F.GROSS: rf.row_mask(account_type="kostnad"), F.NET: rf.row_mask()}
    for label, mask in masks.items():
        lo, hi, mean, prob = _reference_forecast_cells(rf, mask)
        bud = float(rf.annual_budget[mask].sum())
        assert table.loc[label, G.ARS_P10] == printed_mkr(lo)
        assert table.loc[label, G.ARS_P90] == printed_mkr(hi)
        assert table.loc[label, G.AVVIKELSE] == printed_mkr(mean - bud)
        assert table.loc[label, G.PROB] == round_half_away(prob)
    by_div = G.forecast_division_table(rf, division).frame
    totals = H.year_totals(rf, ("division",)).set_index("division")
    for d in by_div.index.drop("Totalt"):
        lo, hi, _, _ = _reference_forecast_cells(rf, rf.row_mask(division=d))
        assert by_div.loc[d, G.ARS_P10] == printed_mkr(lo) == printed_mkr(totals.loc[d, H.P10])
        assert by_div.loc[d, G.ARS_P90] == printed_mkr(hi) == printed_mkr(totals.loc[d, H.P90])
    lo, hi, _, _ = _reference_forecast_cells(rf, rf.row_mask())
    assert by_div.loc["Totalt", G.ARS_P10] == printed_mkr(lo)
    assert by_div.loc["Totalt", G.ARS_P90] == printed_mkr(hi)
    assert len(by_div) > 3  # several divisions
