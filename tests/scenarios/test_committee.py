"""The committee's view, the document rules and the comparison's exports (synthetic base)."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pytest

from forecast.io.export import tables_to_xlsx_bytes
from scenarios import assumptions as A
from scenarios.committee import committee_view, pert_quantile
from scenarios.comparison import comparison_metadata, comparison_tables, sheet
from scenarios.document import MAX_NAME_CHARS, UNNAMED, decode, encode, save_check
from scenarios.engine import apply
from scenarios.montecarlo import pert, simulate
from tests.scenario_fixtures import make_ds, make_rf

PLAN = A.Omstallningsplan(measures=[], realisation_pct=A.PctRange(low=40, likely=60, high=80),
                          added=[A.PlanMeasure(name="Plan", account="Personalkostnader",
                                               planned_annual_tkr=100_000, start="2023-01",
                                               year=2023)])


@pytest.fixture(scope="module")
def views():
    rf, ds = make_rf(), make_ds()
    out = {}
    for name, ass in {"dygn": [A.Dygnsvila()], "hyr": [A.Hyrpersonal()], "plan": [PLAN],
                      "alla": [A.Dygnsvila(), A.Hyrpersonal(), PLAN]}.items():
        sc = A.Scenario(name=name, assumptions=ass)
        res = apply(rf, sc, ds=ds)
        out[name] = (res, committee_view(rf, res, simulate(rf, sc, ds=ds, n_draws=2000), ds,
                                         base="bas"))
    return out


def test_printed_bars_add_to_printed_total_and_are_sorted(views) -> None:
    for res, v in views.values():
        assert sum(b.printed_mkr for b in v.bridge) == pytest.approx(v.printed_difference_mkr)
        sizes = [abs(b.exact_tkr) for b in v.bridge]
        assert sizes == sorted(sizes, reverse=True)
        assert v.printed_scenario_mkr == pytest.approx(
            v.printed_baseline_mkr + v.printed_difference_mkr)
        assert v.scenario_tkr == pytest.approx(res.year_result())


def test_plan_of_100_mkr_at_60_percent_shows_its_shortfall(views) -> None:
    _, v = views["plan"]
    (p,) = v.plan
    # the whole plan year lies in the data here: 8 of 12 months remain after 2023-08 … the
    # planned effect of the forecast months is 100 000 × 4/12 at 100 %
    assert p.planned_tkr == pytest.approx(100_000 * 4 / 12)
    assert p.expected_tkr == pytest.approx(0.6 * p.planned_tkr)
    assert p.shortfall_tkr == pytest.approx(0.4 * p.planned_tkr)


def test_tornado_swing_is_the_pert_p10_to_p90_of_each_range(views) -> None:
    res, v = views["plan"]
    (s,) = v.swings
    r = A.PctRange(low=40, likely=60, high=80)
    draws = pert(np.random.default_rng(1), r, 200_000)
    assert s.value_low == pytest.approx(np.quantile(draws, 0.1), abs=0.1)
    assert s.value_high == pytest.approx(pert_quantile(r, 0.9))
    planned = v.plan[0].planned_tkr
    assert s.result_low_tkr == pytest.approx(planned * (s.value_low - 60) / 100)


def test_fte_of_dygnsvila_splits_the_need(views) -> None:
    _, v = views["dygn"]
    need, own, ot, ag = v.fte
    assert own.likely == pytest.approx(need.likely * 0.6)
    assert ot.likely + ag.likely + own.likely == pytest.approx(need.likely)
    assert need.low < need.likely < need.high
    _, h = views["hyr"]
    assert h.fte and h.fte[0].likely > 0


def test_plan_years_without_budget_in_data_are_missing(views) -> None:
    _, v = views["alla"]
    assert v.years[0].budget_tkr is not None
    assert v.years[1].budget_tkr is None and v.years[1].deviation_tkr is None


def test_comparison_excel_has_swedish_sheets_and_numbers(views) -> None:
    pair = [("plan v1", views["plan"][1]), ("alla v1", views["alla"][1])]
    meta = comparison_metadata(pair, as_of="2023-08", input_hash="h", source="test")
    wb = openpyxl.load_workbook(io.BytesIO(tables_to_xlsx_bytes(
        comparison_tables(pair), meta, unit="tkr")))
    assert {"resultat", "antaganden", "brygga", "kanslighet", "arsarbetare",
            "planar"} <= set(wb.sheetnames)
    values = [c.value for row in wb["resultat"].iter_rows() for c in row]
    assert any(isinstance(x, float) and x == pytest.approx(pair[0][1].scenario_tkr)
               for x in values)
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str))
    for english in ("agency_multiplier", "extra_need", "realisation_pct", "bridge"):
        assert english not in text


def test_one_page_sheet_in_word_and_pdf(views) -> None:
    import docx
    import pypdf

    from scenarios.sheet import sheet_to_docx, sheet_to_pdf

    pair = [("plan v1", views["plan"][1]), ("alla v1", views["alla"][1])]
    s = sheet(pair, comparison_metadata(pair, as_of="2023-08", input_hash="h", source="t"))
    pdf = pypdf.PdfReader(io.BytesIO(sheet_to_pdf(s)))
    assert len(pdf.pages) == 1
    text = pdf.pages[0].extract_text()
    assert "Sannolikhet budget i balans" in text and "Underskott mot plan" in text.title() \
        or "underskott mot plan" in text
    word = docx.Document(io.BytesIO(sheet_to_docx(s)))
    cells = [c.text for t in word.tables for r in t.rows for c in r.cells]
    v = pair[1][1]
    assert f"{v.printed_difference_mkr:.1f}".replace(".", ",").replace("-", "-") in " ".join(
        cells)


def test_draft_token_round_trips_and_refuses_damage() -> None:
    sc = A.Scenario(name="x", assumptions=[A.Dygnsvila(), PLAN])
    token = encode(sc)
    assert token is not None and decode(token) == sc
    with pytest.raises(ValueError, match="skadat|scenarioformatet"):
        decode(token[:-5] + "AAAAA")
    with pytest.raises(ValueError, match="längre än"):
        decode("A" * 9000)


def test_save_rules() -> None:
    assert save_check("  ", None, None).verdict == "refused"
    long = save_check("x" * (MAX_NAME_CHARS + 1), None, None)
    assert long.verdict == "refused" and str(MAX_NAME_CHARS) in long.message
    assert save_check("Ny", None, None).verdict == "ok"
    clash = save_check("Dygnsvila", None, 2)
    assert clash.verdict == "confirm" and "redan" in clash.message and clash.next_version == 3
    stale = save_check("D", ("D", 2), 4)
    assert stale.verdict == "confirm" and "version 2" in stale.message and "4" in stale.message
    assert save_check("D", ("D", 4), 4).verdict == "ok"
    assert UNNAMED


def test_sheet_of_four_scenarios_fits_one_page(views) -> None:
    import pypdf

    from scenarios.sheet import sheet_to_pdf

    four = [(f"{n} v1", views[n][1]) for n in ("dygn", "hyr", "plan", "alla")]
    s = sheet(four, comparison_metadata(four, as_of="2023-08", input_hash="h", source="t"))
    assert len(pypdf.PdfReader(io.BytesIO(sheet_to_pdf(s))).pages) == 1


def test_agency_cut_fte_has_one_source() -> None:
    """The own staff to recruit are the agency FTE that go: one figure, from the data if any."""
    from scenarios.committee import replaced_agency_fte

    m = A.Multiplier(low=1.5, likely=2.5, high=3.0)
    low, likely, high, basis = replaced_agency_fte(500.0, 2000.0, 159.0, m, 650.0)
    assert low == likely == high == pytest.approx(159.0 * 500.0 / 2000.0)
    assert "159 inhyrda" in basis
    low, likely, high, basis = replaced_agency_fte(500.0, 2000.0, None, m, 650.0)
    assert (low, likely, high) == pytest.approx(
        (6000.0 / 3.0 / 650.0, 6000.0 / 2.5 / 650.0, 6000.0 / 1.5 / 650.0))
    assert "saknar" in basis


def test_agency_cut_fte_in_the_view_is_the_data_share(views) -> None:
    """With the data's agency FTE the view shows that FTE × the share removed, once."""
    import dataclasses

    import pandas as pd

    from forecast.ledger import schema as S
    from scenarios.committee import replaced_agency_fte

    rf, ds = make_rf(), make_ds()
    units = sorted(set(ds.ledger[S.UNIT].astype(str)))
    fte = pd.DataFrame({S.PERIOD: [rf.as_of] * len(units), S.UNIT: units,
                        "category": ["Inhyrd personal"] * len(units), S.FTE: 10.0})
    ds = dataclasses.replace(ds, agency_fte=fte)
    sc = A.Scenario(name="hyr", assumptions=[A.Hyrpersonal()])
    res = apply(rf, sc, ds=ds)
    v = committee_view(rf, res, simulate(rf, sc, ds=ds, n_draws=200), ds)
    (line,) = [f for f in v.fte if "Hyrpersonal" in f.assumption]
    assert line.low == line.likely == line.high > 0
    _, no_data = views["hyr"]
    (old,) = no_data.fte
    assert old.low < old.likely < old.high  # the cost-based figure has the multiplier's range
    assert replaced_agency_fte(1.0, 2.0, 10.0 * len(units), A.Multiplier(low=2, likely=2,
                                                                          high=2), 650.0)[0] \
        == pytest.approx(5.0 * len(units))


def test_plan_year_budget_from_the_data_when_the_year_is_whole() -> None:
    """Deliverable 6: a plan year's budget is the data's when all 12 months are there; a part
    of a year is missing (and said so), as is a year without budget rows."""
    import dataclasses

    import pandas as pd

    from forecast.ledger import schema as S
    from scenarios.committee import budget_notes, budget_of_year, year_lines

    rf, ds = make_rf(), make_ds()
    years = sorted({int(y) for y in np.asarray(rf.months.year)})
    plan_years = [y for y in years if y != rf.as_of.year]
    assert plan_years
    whole, part = plan_years[0], plan_years[-1] if len(plan_years) > 1 else None
    rows = [{S.PERIOD: pd.Period(f"{whole}-{m:02d}", "M"), S.UNIT: "K1",
             S.ACCOUNT: "Personalkostnader", S.KIND: S.BUDGET, S.AMOUNT: -1_000.0}
            for m in range(1, 13)]
    if part is not None:
        rows += [{S.PERIOD: pd.Period(f"{part}-0{m}", "M"), S.UNIT: "K1",
                  S.ACCOUNT: "Personalkostnader", S.KIND: S.BUDGET, S.AMOUNT: -1_000.0}
                 for m in (1, 2, 3)]
    ledger = pd.concat([ds.ledger, pd.DataFrame(rows)], ignore_index=True)
    ds2 = dataclasses.replace(ds, ledger=ledger)
    assert budget_of_year(ds2, whole) == pytest.approx(-12_000.0)
    assert budget_of_year(ds, whole) is None
    sc = A.Scenario(name="plan", assumptions=[PLAN])
    lines = {y.year: y for y in year_lines(apply(rf, sc, ds=ds2), ds2)}
    assert lines[whole].budget_tkr == pytest.approx(-12_000.0)
    assert lines[whole].deviation_tkr == pytest.approx(lines[whole].scenario_tkr + 12_000.0)
    if part is not None:
        assert budget_of_year(ds2, part) is None
        assert budget_notes(ds2, [part]) == (
            f"Budget {part} finns bara för 3 av 12 månader i data och visas därför som "
            "saknad.",)


def test_a_range_nothing_depends_on_has_no_swing() -> None:
    """A 100 mkr measure at a certain 60 %: the plan's shared rate moves nothing, so the
    tornado has no bar for it (it showed 0,0 / 0,0)."""
    rf, ds = make_rf(), make_ds()
    own = PLAN.model_copy(update={"added": [PLAN.added[0].model_copy(
        update={"realisation_pct": A.ShareRange(low=60, likely=60, high=60)})]})
    sc = A.Scenario(name="plan", assumptions=[own])
    res = apply(rf, sc, ds=ds)
    v = committee_view(rf, res, simulate(rf, sc, ds=ds, n_draws=200), ds)
    assert v.swings == ()
    (p,) = v.plan
    assert p.shortfall_tkr == pytest.approx(0.4 * p.planned_tkr)
