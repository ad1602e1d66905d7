"""Tests of forecast.io.readers.sie on SIE files the tests write from known amounts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from forecast.io.parsing import ValidationFailed
from forecast.io.readers import ReadOptions, read_ledger_source
from forecast.io.readers import base as B
from forecast.io.readers.sie import objects, read_sie, tokens
from forecast.ledger import schema as S
from tests.io import ledger_fixtures as X


def _sie(lines: list[str], name: str = "hb.se", **opts: object) -> B.LedgerRead:
    data = ("\r\n".join(lines) + "\r\n").encode("cp437")
    return read_sie(data, name, ReadOptions(**opts))  # type: ignore[arg-type]


HEAD = ["#FLAGGA 0", "#FORMAT PC8", "#SIETYP 3", '#DIM 1 "Ansvar"',
        '#OBJEKT 1 "1101" "Vårdcentral Åsö"', '#KONTO 5011 "Löner läkare"']


def test_tokens_and_objects() -> None:
    assert tokens('#TRANS 5011 {1 "1101" 6 "P 1"} 12.50 20230105 "Text med \\"citat\\""') == [
        "#TRANS", "5011", '{1 "1101" 6 "P 1"}', "12.50", "20230105", 'Text med "citat"']
    assert objects('{1 "1101" 6 "P 1"}') == {"1": "1101", "6": "P 1"}
    assert objects("{}") == {}


@pytest.mark.parametrize(("fmt", "writer"), [("sie4", X.write_sie4), ("sie3", X.write_sie3)])
def test_known_amounts_read_back_exactly(tmp_path: Path, fmt: str, writer) -> None:  # type: ignore[no-untyped-def]
    amounts = X.known_amounts()
    path = writer(tmp_path / f"hb.{'se' if fmt == 'sie4' else 'si'}", amounts)
    r = read_ledger_source(path.read_bytes(), path.name, ReadOptions())
    assert r.problems == []
    got = r.frame.groupby([S.PERIOD, S.UNIT, S.ACCOUNT, S.KIND])[S.AMOUNT].sum()
    exp = amounts.assign(period=pd.PeriodIndex(amounts["period"], freq="M").asi8).groupby(
        ["period", "unit", "konto", "kind"])["kr"].sum() / 1000
    pd.testing.assert_series_equal(got.sort_index(), exp.sort_index(), check_names=False,
                                   rtol=1e-12)
    # CP437 names and texts, å ä ö included
    assert r.unit_names["1102"] == "Vårdavdelning Åre"
    assert r.unit_names["2201"] == "Hälsocentral Östersund"
    assert r.account_texts["6410"] == "Läkemedel öppenvård"
    assert "1930" not in set(r.frame[S.ACCOUNT])  # balance account left out


def test_sie3_object_totals_are_not_counted_twice(tmp_path: Path) -> None:
    amounts = X.known_amounts()
    with_tot = read_sie(X.write_sie3(tmp_path / "a.si", amounts).read_bytes(), "a.si",
                        ReadOptions())
    without = read_sie(X.write_sie3(tmp_path / "b.si", amounts, with_totals=False).read_bytes(),
                       "b.si", ReadOptions())
    assert with_tot.read_totals() == pytest.approx(without.read_totals(), rel=1e-12)
    assert any("utan objekt (totaler" in n for n in with_tot.notes)


def test_trans_preferred_over_psaldo_in_one_file() -> None:
    r = _sie([*HEAD, "#PSALDO 0 202301 5011 {1 \"1101\"} 100.00",
              '#VER A 1 20230131 "lön"', "{", '#TRANS 5011 {1 "1101"} 100.00',
              '#TRANS 5011 {1 "1101"} 20.00 20230215', "#TRANS 1930 {} -120.00", "}"])
    assert r.problems == []
    assert sorted(zip(r.frame[S.PERIOD], r.frame[S.AMOUNT], strict=True)) == [
        (pd.Period("2023-01", "M").ordinal, -0.1), (pd.Period("2023-02", "M").ordinal, -0.02)]
    assert any("#PSALDO-rader användes inte" in n for n in r.notes)


def test_unit_dimension_by_name() -> None:
    r = _sie(["#FORMAT PC8", '#DIM 1 "Kostnadsställe"', '#DIM 20 "Ansvar"',
              '#PBUDGET 0 202301 5011 {1 "K1" 20 "A7"} 5000.00'])
    assert r.frame[S.UNIT].tolist() == ["A7"] and r.frame[S.KIND].tolist() == [S.BUDGET]
    assert "SIE-dimension 20 (Ansvar)" in r.notes[0]


def test_row_without_unit_object_is_a_problem() -> None:
    r = _sie([*HEAD, "#PSALDO 0 202301 5011 {} 100.00"])
    [p] = r.problems
    assert (p.row, p.column) == (7, "#PSALDO")
    assert p.message == "Raden för konto 5011 saknar objekt i enhetsdimensionen 1 (Ansvar)"


@pytest.mark.parametrize(("line", "column", "fragment"), [
    ("#PSALDO 0 202313 5011 {1 \"1101\"} 1.00", "#PSALDO", "Månaden '202313' finns inte"),
    ("#PSALDO 0 202301 5011 {1 \"1101\"} 1,00", "#PSALDO", "Beloppet '1,00' är inget SIE"),
    ("#PBUDGET 0 202301 5011 {1 \"1101\" 6} 1.00", "#PBUDGET", "inte par av dimension"),
    ("#TRANS 5011 {1 \"1101\"} 1.00", "#TRANS", "utanför en verifikation"),
    ("#PSALDO 0 202301", "#PSALDO", "för få fält"),
    ("junk line", None, "är ingen SIE-post"),
])
def test_bad_records_name_line_record_and_format(line: str, column: str | None,
                                                 fragment: str) -> None:
    r = _sie([*HEAD, line])
    [p] = r.problems
    assert p.row == 7 and p.column == column and fragment in p.message
    assert p.allowed


def test_flags_that_do_not_apply_to_sie() -> None:
    r = _sie([*HEAD, '#PSALDO 0 202301 5011 {1 "1101"} 1.00'], amount_unit="tkr",
             sign="rapport")
    msgs = [p.message for p in r.problems]
    assert any(m.startswith("--belopp tkr gäller inte SIE-filer") for m in msgs)
    assert any(m.startswith("--tecken rapport gäller inte SIE-filer") for m in msgs)


def test_wrong_character_format_and_not_sie() -> None:
    r = _sie(["#FORMAT UTF8", '#PSALDO 0 202301 5011 {1 "1101"} 1.00'])
    assert r.problems[0].message == "Teckenformatet 'UTF8' stöds inte"
    with pytest.raises(ValidationFailed, match="ingen SIE-fil"):
        read_sie(b"Ansvar;Konto\n1;2\n", "x.se", ReadOptions())
