"""Tests of forecast.io.readers.table: the finance systems' export shapes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.io.parsing import ParseError
from forecast.io.readers import ReadOptions
from forecast.io.readers import base as B
from forecast.io.readers.table import find_header, header_field, read_table_ledger
from forecast.ledger import schema as S


def _read(text: str, name: str = "hb.csv", **opts: object) -> B.LedgerRead:
    return read_table_ledger(text.encode("utf-8"), name, ReadOptions(**opts))  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "value"), [
    ("(1 234)", -1234.0), ("1 234-", -1234.0), ("1 234,50-", -1234.5), ("( 12,5 )", -12.5),
    ("-1 234,5", -1234.5), ("1234.5", 1234.5), ("0", 0.0), ("7\u2212", -7.0),
])
def test_parse_amount_forms(text: str, value: float) -> None:
    assert B.parse_amount(text) == value


@pytest.mark.parametrize("text", ["(-5)", "-5-", "(5", "5 kr", "1,234.5", "--5"])
def test_parse_amount_rejects(text: str) -> None:
    with pytest.raises(ParseError):
        B.parse_amount(text)


@settings(max_examples=200, derandomize=True)
@given(st.integers(min_value=1, max_value=10**9), st.sampled_from(range(3)))
def test_parse_amount_round_trips_every_negative_style(cents: int, style: int) -> None:
    x = -cents / 100
    text = f"{abs(x):,.2f}".replace(",", " ").replace(".", ",")
    shown = (f"-{text}", f"({text})", f"{text}-")[style]
    assert B.parse_amount(shown) == pytest.approx(x, abs=1e-9)


@pytest.mark.parametrize(("header", "field", "unit"), [
    ("Ansvar", S.UNIT, None), ("KST", S.UNIT, None), ("Kostnadsställe", S.UNIT, None),
    ("Konto", S.ACCOUNT, None), ("Kontonummer", S.ACCOUNT, None),
    ("Kontotext", B.ACCOUNT_TEXT, None), ("Period", S.PERIOD, None),
    ("Belopp kr", "amount", "kr"), ("Belopp (tkr)", "amount", "tkr"), ("Belopp", "amount", None),
    ("Utfall", "utfall_amount", None), ("Budget kr", "budget_amount", "kr"),
    ("Verksamhet", "coding", None), ("Motpartstext", "coding", None), ("Okänd", None, None),
])
def test_header_aliases(header: str, field: str | None, unit: str | None) -> None:
    assert header_field(header) == (field, unit)


def test_title_and_blank_rows_are_found_and_reported() -> None:
    r = _read("Huvudbok 2023\nRegion X;;\n\nAnsvar;Konto;Period;Belopp;Typ\n"
              "1101;Personalkostnader;2023-01;-5;utfall\n")
    assert r.problems == []
    assert r.notes[0] == ("Rad 1–3 ovanför rubrikraden hoppades över (titel: 'Huvudbok 2023'); "
                          "rubrikraden är rad 4.")
    assert r.frame[B.ROW].tolist() == [5]
    assert find_header([["Titel"], [], ["Ansvar", "Konto", "Belopp"]]) == 2


def test_problem_rows_are_the_files_own_rows_below_title_rows() -> None:
    r = _read("Titel\n\nAnsvar;Konto;Period;Utfall\n1101;5011;2023-01;abc\n")
    [p] = r.problems
    assert (p.row, p.column) == (4, "Utfall") and "Beloppet 'abc' är inte ett tal" in p.message


def test_outcome_and_budget_columns_and_year_month() -> None:
    r = _read("KST;Kontonummer;År;Månad;Utfall;Budget\n1101;5011;2023;4;-10;-9\n"
              "1101;5011;2023;5;;-9\n")
    f = r.frame.sort_values([S.KIND, S.PERIOD])
    assert list(zip(f[S.KIND], f[S.PERIOD], f[S.AMOUNT], strict=True)) == [
        ("budget", 639, -9.0), ("budget", 640, -9.0), ("utfall", 639, -10.0)]


def test_row_without_any_amount_is_a_problem() -> None:
    r = _read("Ansvar;Konto;Period;Utfall;Budget\n1101;5011;2023-01;;\n")
    [p] = r.problems
    assert p.message == "Raden har inget belopp" and p.column == "Utfall och Budget"


def test_missing_columns_are_named() -> None:
    r = _read("Ansvar;Period;Belopp\n1101;2023-01;5\n")
    msgs = [p.message for p in r.problems]
    assert "Kolumnen 'konto' saknas" in msgs
    assert "Kolumnen 'typ' saknas (utfall eller budget per rad)" in msgs
    r = _read("Ansvar;Konto;År;Belopp;Typ\n1101;5011;2023;5;utfall\n")
    assert any(p.message == "Kolumnen 'år' saknar en kolumn 'månad' bredvid" for p in r.problems)


def test_unknown_column_is_refused_but_coding_dimensions_are_summed() -> None:
    r = _read("Ansvar;Konto;Period;Belopp;Typ;Färg\n1101;5011;2023-01;5;utfall;röd\n")
    assert [p.message for p in r.problems] == ["Kolumnen 'Färg' känns inte igen"]
    r = _read("Ansvar;Verksamhet;Motpart;Konto;Period;Belopp;Typ\n"
              "1101;410;;5011;2023-01;5;utfall\n1101;420;;5011;2023-01;7;utfall\n")
    assert r.problems == [] and r.frame[S.AMOUNT].sum() == 12.0
    assert r.frame[B.CODING].nunique() == 2


def test_kronor_from_flag_or_header_and_conflicts() -> None:
    text = "Ansvar;Konto;Period;Belopp kr;Typ\n1101;5011;2023-01;-12 345;utfall\n"
    r = _read(text)
    assert r.frame[S.AMOUNT].tolist() == [-12.345]
    assert "delades med 1 000" in r.notes[-1] and "kolumnrubriken" in r.notes[-1]
    r = _read(text, amount_unit="tkr")
    [p] = r.problems
    assert p.message == "Filen anger kr (kolumnrubriken 'Belopp kr') men --belopp är tkr"
    plain = "Ansvar;Konto;Period;Belopp;Typ\n1101;5011;2023-01;-12 345;utfall\n"
    assert _read(plain, amount_unit="kr").frame[S.AMOUNT].tolist() == [-12.345]
    [ask] = _read(plain).problems  # silent file, ambiguous size: the user is asked
    assert ask.message == ("Filen anger inte om beloppen är i kronor eller tkr, och storleken "
                           "avgör inte (typiskt belopp 12\u00a0345)")
    assert ask.allowed.startswith("välj --belopp kr eller --belopp tkr")
    small = "Ansvar;Konto;Period;Belopp;Typ\n1101;5011;2023-01;-123,4;utfall\n"
    assert _read(small).frame[S.AMOUNT].tolist() == [-123.4]  # small: tkr by size
    big = "Ansvar;Konto;Period;Belopp;Typ\n1101;5011;2023-01;-1 234 567;utfall\n"
    r = _read(big)
    assert r.frame[S.AMOUNT].tolist() == [-1234.567] and "tyder på kronor" in r.notes[-1]
    mixed = _read("Ansvar;Konto;Period;Utfall kr;Budget tkr\n1101;5011;2023-01;1;2\n")
    assert mixed.problems[0].message.startswith("Beloppskolumnerna anger olika enheter")


def test_debet_sign_is_flipped_and_noted() -> None:
    r = _read("Ansvar;Konto;Period;Belopp;Typ\n1101;5011;2023-01;100;utfall\n"
              "1101;3111;2023-01;-40;utfall\n", sign="debet")
    assert r.frame[S.AMOUNT].tolist() == [-100.0, 40.0]
    assert any("vändes till rapporternas tecken" in n for n in r.notes)


SUMS = ("Ansvar;Konto;Period;Utfall\n1101;5011;2023-01;-5\n1101;5012;2023-01;-7\n"
        "Summa 1101;;;-12\n1102;5011;2023-01;-1\nTotalt;;;-13\n")


def test_sum_rows_refused_by_default() -> None:
    r = _read(SUMS)
    assert [(p.row, p.message) for p in r.problems] == [
        (4, "Raden är en summarad ('Summa 1101')"), (6, "Raden är en summarad ('Totalt')")]
    assert "--hoppa-over-summarader" in r.problems[0].allowed


def test_sum_rows_dropped_with_the_option_count_and_total_reported() -> None:
    r = _read(SUMS, skip_sum_rows=True)
    assert r.problems == [] and r.frame[S.AMOUNT].sum() == -13.0
    assert r.dropped == 2
    assert ("2 summarader hoppades över (--hoppa-over-summarader): rad 4, 6; deras summa: "
            "utfall -25,0 tkr.") in r.notes


def test_xlsx_export_with_title_rows(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Visma – resultatrapport"])
    ws.append([None])
    ws.append(["Ansvar", "Konto", "Kontotext", "Period", "Utfall", "Budget"])
    ws.append([1101, 5011, "Löner", 202301, -1000.5, -900])
    buf = io.BytesIO()
    wb.save(buf)
    r = read_table_ledger(buf.getvalue(), "visma.xlsx", ReadOptions())
    assert r.problems == []
    assert r.frame[[S.UNIT, S.ACCOUNT, S.PERIOD]].iloc[0].tolist() == ["1101", "5011", 636]
    assert r.account_texts == {"5011": "Löner"}
    assert r.read_totals() == {"budget": -900.0, "utfall": -1000.5}
