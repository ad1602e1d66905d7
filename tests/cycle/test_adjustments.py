"""Adjustments: allocation, spread rules, range widening, validation, file form."""

from __future__ import annotations

import io

import numpy as np
import openpyxl
import pytest

from forecast.cycle.adjustment_file import parse_adjustments
from forecast.cycle.adjustments import Adjustment, AdjustmentError, apply_adjustments
from forecast.engine.hierarchy import series_year_paths
from forecast.io.parsing import ValidationFailed
from tests.scenario_fixtures import byte_reader, make_rf, stored_rf


@pytest.fixture(scope="module")
def rf():
    return make_rf("2023-08", n_paths=400)


def test_statistical_forecast_is_untouched_and_final_adds_up(rf):
    before = rf.paths.copy()
    adj = Adjustment(comment="dygnsvila", amount_tkr=-3000.0, division="Kirurgi",
                     category="Personalkostnader", start="2023-10", rule="budget")
    af = apply_adjustments(rf, [adj])
    assert np.array_equal(rf.paths, before) and af.statistical is rf
    alloc = af.allocations[0]
    assert alloc.sum() == pytest.approx(-3000.0)
    months = [str(m) for m in rf.months[np.flatnonzero(alloc.any(axis=0))]]
    assert months == ["2023-10", "2023-11", "2023-12"]
    rows = np.flatnonzero(alloc.any(axis=1))
    assert set(rf.keys.loc[rows, "unit"]) == {"K1"}
    y = rf.as_of.year
    stat = series_year_paths(rf, y).mean(axis=1)
    final = series_year_paths(af.final, y).mean(axis=1)
    assert (final - stat).sum() == pytest.approx(-3000.0, abs=0.05)


def test_spread_rules(rf):
    mask = (rf.keys["category"] == "Personalkostnader").to_numpy()
    for rule in ("lika", "budget", "prognos"):
        a = Adjustment(comment=f"r {rule}", amount_tkr=-900.0, category="Personalkostnader",
                       rule=rule)
        alloc = apply_adjustments(rf, [a]).allocations[0]
        per = alloc.sum(axis=1)[mask]
        assert per.sum() == pytest.approx(-900.0) and not alloc[~mask].any()
        if rule == "lika":
            assert np.allclose(per, -300.0)
        if rule == "budget":
            w = np.abs(rf.annual_budget[mask])
            assert np.allclose(per, -900.0 * w / w.sum())


def test_range_widens_but_keeps_the_mean(rf):
    unit, acc = "K1", "Läkemedel"
    rows = rf.row_mask(unit=unit, account=acc)
    plain = Adjustment(comment="läkemedel", amount_tkr=-1000.0, unit=unit, account=acc)
    wide = Adjustment(comment="läkemedel", amount_tkr=-1000.0, unit=unit, account=acc,
                      low_tkr=-4000.0, high_tkr=0.0)
    y = rf.as_of.year
    p = series_year_paths(apply_adjustments(rf, [plain]).final, y)[rows].ravel()
    w = series_year_paths(apply_adjustments(rf, [wide]).final, y)[rows].ravel()
    assert w.mean() == pytest.approx(p.mean(), abs=0.5)
    assert np.quantile(w, 0.9) - np.quantile(w, 0.1) > np.quantile(p, 0.9) - np.quantile(p, 0.1)
    assert w.min() >= p.min() - 4000.0 - 1.0


@pytest.mark.parametrize(("kw", "match"), [
    ({"unit": "X9"}, "enhet 'X9' finns inte i prognosen; tillåtna: K1, M1, N1"),
    ({"unit": "K1", "start": "2023-08"}, "har redan utfall"),
    ({"unit": "K1", "end": "2026-01"}, "till_månad 2026-01"),
    ({"unit": "K1", "comment": " "}, "kommentar saknas"),
    ({"unit": "K1", "low_tkr": -10.0}, "både låg_tkr och hög_tkr"),
    ({"unit": "K1", "low_tkr": 0.0, "high_tkr": 10.0}, "låg_tkr ≤ belopp_tkr ≤ hög_tkr"),
    ({"unit": "K1", "amount_tkr": float("nan")}, "ändligt belopp"),
    ({"unit": "K1", "rule": "slump"}, "okänd fördelning"),
])
def test_bad_adjustments_are_named(rf, kw, match):
    base = {"comment": "x", "amount_tkr": -5.0, **kw}
    with pytest.raises(AdjustmentError, match=match):
        apply_adjustments(rf, [Adjustment(**base)])


def test_duplicate_target_and_comment_is_refused(rf):
    a = Adjustment(comment="samma", amount_tkr=-1.0, unit="K1")
    with pytest.raises(AdjustmentError, match="samma mål och kommentar"):
        apply_adjustments(rf, [a, a])


def _refused(text: str) -> str:
    """The problem report of an adjustment file ``j.csv`` that must be refused."""
    with pytest.raises(ValidationFailed) as exc:
        parse_adjustments(text.encode("utf-8"), "j.csv")
    return exc.value.report()


def test_file_form_swedish_csv_and_problems_named():
    text = ("enhet;konto;från_månad;till_månad;belopp_tkr;kommentar;låg_tkr;hög_tkr\n"
            "K1;Läkemedel;2023-09;2023-12;-1 234,5;nytt läkemedel;-2 000;0\n"
            "M1;;;;-500;sommar;;\n")
    adjs = parse_adjustments(text.encode("utf-8"), "j.csv", author="Anna")
    assert adjs[0].amount_tkr == -1234.5 and adjs[0].low_tkr == -2000.0
    assert (adjs[0].start, adjs[0].end, adjs[0].author) == ("2023-09", "2023-12", "Anna")
    assert adjs[1].start == "" and adjs[1].account == "" and adjs[1].source_row == 3
    bad = ("enhet;konto;från_månad;till_månad;belopp_tkr;kommentar;färg\n"
           "K1;Läkemedel;13-2023;;12 kr;;\n")
    report = _refused(bad)
    assert "j.csv, rad 1, kolumn 'färg': Kolumnen 'färg' känns inte igen" in report
    missing = ("enhet;konto;från_månad;till_månad;belopp_tkr;kommentar\n"
               "K1;Läkemedel;13-2023;;12 kr;\n")
    report = _refused(missing)
    assert "j.csv, rad 2, kolumn 'från_månad'" in report
    assert "j.csv, rad 2, kolumn 'belopp_tkr'" in report


def test_file_form_reports_excel_errors_and_control_characters_like_other_side_files():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["enhet", "konto", "från_månad", "till_månad", "belopp_tkr", "kommentar"])
    ws.append(["K1", "Läkemedel", "2023-09", "2023-12", "#REF!", "nytt läkemedel"])
    ws.append(["M1", None, None, None, -500, "sommar\nvikarier"])
    ws.append(["N1", None, None, None, -100, "hyrpersonal"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(ValidationFailed) as exc:
        parse_adjustments(buf.getvalue(), "j.xlsx")
    found = {(p.file, p.row, p.column): p.message for p in exc.value.problems}
    assert found == {
        ("j.xlsx", 2, "belopp_tkr"): "Cellen har Excel-felet '#REF!'",
        ("j.xlsx", 3, "kommentar"): "Texten 'sommar\\nvikarier' innehåller ett styrtecken "
                                    "(radbrytning, tabb eller liknande)"}
    report = _refused("enhet;konto;från_månad;till_månad;belopp_tkr;kommentar\n"
                      "K1;;;;#DIV/0!;x\nK1;;;;-5;sommar\x07\n")
    assert "j.csv, rad 2, kolumn 'belopp_tkr': Cellen har Excel-felet '#DIV/0!'" in report
    assert "j.csv, rad 3, kolumn 'kommentar': Texten 'sommar\\x07' innehåller ett styrtecken" \
        in report


def _reference_final(rf, af):
    """The final paths as the whole array: statistical + each adjustment on its own rows."""
    paths = np.array(rf.paths, dtype=np.float32, copy=True)
    for share, draws in zip(af.shares, af.draws, strict=True):
        idx = np.flatnonzero(share.any(axis=1))
        paths[idx] += (share[idx][:, None, :] * draws[None, :, None]).astype(np.float32)
    return paths


def test_final_summaries_equal_those_of_the_whole_final_paths():
    """The final summaries are the statistical ones plus the effects (float64): equal to
    those of the whole float32 final paths to float32 rounding; the paths bit for bit."""
    from dataclasses import replace

    from forecast.engine.result import summaries
    from forecast.engine.serialize import read_lazily

    base, data = stored_rf("2023-08", n_paths=60)
    reads: list[tuple[int, int | None]] = []
    stat = read_lazily(byte_reader(data, reads))
    adjs = [Adjustment(comment="dygnsvila", amount_tkr=-3000.0, division="Kirurgi",
                       start="2023-10", rule="budget"),
            Adjustment(comment="hyr", amount_tkr=500.0, category="Personalkostnader",
                       low_tkr=200.0, high_tkr=900.0)]
    af = apply_adjustments(stat, adjs)
    final = af.final
    before_whole = len(reads)
    assert not stat.paths_read and not final.paths_read
    yp = series_year_paths(final, 2024).mean(axis=1)  # from the known summaries
    # only that year's stored totals were read (each year's are made when first asked for)
    assert [n for _, n in reads[before_whole:]] == [stat.n_series * stat.n_paths * 8]
    assert not final.paths_read
    whole = _reference_final(base, af)
    plain = replace(base, paths=whole, point=final.point)
    known, computed = summaries(final), summaries(plain)
    for name in computed:
        atol = 12 * 2e-7 * np.abs(computed[name]).max()  # float32 rounding of each month
        np.testing.assert_allclose(known[name], computed[name], rtol=0, atol=atol,
                                   err_msg=name)
    assert np.array_equal(final.paths, whole)
    np.testing.assert_allclose(yp, series_year_paths(plain, 2024).mean(axis=1), rtol=1e-6)


def test_rows_of_lazy_paths_are_read_alone_in_any_order():
    from dataclasses import replace

    from forecast.engine.serialize import read_lazily, to_bytes

    base = make_rf("2023-08", n_paths=20)
    base = replace(base, paths=base.paths.astype(np.float32))
    data = to_bytes(base)
    stat = read_lazily(lambda s, n: data[s:] if n is None else data[s: s + n])
    rows = np.array([5, 2, 3, 0])
    assert np.array_equal(stat.row_paths(rows), base.paths[rows])
    assert not stat.paths_read
