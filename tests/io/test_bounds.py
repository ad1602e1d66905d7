"""Issue 28: sizes refused from what a file says of itself, broken zips and encodings named,
gaps inside a series refused unless stated as zero, SIE braces balanced."""

from __future__ import annotations

from pathlib import Path

import pytest

from forecast.io import limits as L
from forecast.io.dataset_files import DatasetFiles, InputFile, load_dataset
from forecast.io.parsing import ValidationFailed
from forecast.io.readers import ReadOptions
from tests import hostile_files as H


def refusal(data: bytes, name: str, options: ReadOptions | None = None) -> str:
    with pytest.raises(ValidationFailed) as exc:
        load_dataset(DatasetFiles((InputFile(name, data),)), options)
    return str(exc.value.problems[0])


def test_line_stats_counts_lines_and_finds_the_longest() -> None:
    assert L.line_stats(b"a\nbbbb\r\ncc") == (2, 5, 2)
    assert L.line_stats(b"") == (0, 0, 1)


def test_csv_with_more_lines_than_the_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    p = H.many_rows_csv(tmp_path, L.MAX_ROWS + 1)
    msg = refusal(p.read_bytes(), p.name)
    assert f"för många rader: {L.fmt_int(L.MAX_ROWS + 1)} radbrytningar" in msg


def test_one_endless_csv_line_is_refused_naming_its_row(tmp_path: Path) -> None:
    msg = refusal(H.long_line_csv(tmp_path, 200_000).read_bytes(), "lang.csv")
    assert "rad 2: Raden är för lång: 200 0" in msg


def test_mixed_encodings_name_the_first_line_that_differs(tmp_path: Path) -> None:
    msg = refusal(H.mixed_encoding_csv(tmp_path).read_bytes(), "blandad.csv")
    assert "Teckenkodningen blandas" in msg and "rad 1 är UTF-8" in msg
    assert "är Windows-1252 ('2023-" in msg


def test_a_month_missing_inside_a_series_is_a_problem_unless_stated_zero(tmp_path: Path) -> None:
    data = H.gap_csv(tmp_path).read_bytes()
    msg = refusal(data, "lucka.csv")
    assert "Enhet K101, konto Läkemedel (utfall) saknar 2023-02" in msg
    loaded = load_dataset(DatasetFiles((InputFile("lucka.csv", data),)),
                          ReadOptions(gaps_as_zero=True))
    assert any("1 saknade månader inom 1 serier lästes som 0" in n
               for n in loaded.report.notes)
    explicit = data + "\n2023-02;K101;Läkemedel;utfall;0".encode()
    load_dataset(DatasetFiles((InputFile("noll.csv", explicit),)))  # a 0 row states it


@pytest.mark.parametrize("kind", H.MALFORMED_ZIPS)
def test_every_malformed_zip_is_a_swedish_problem(kind: str) -> None:
    msg = refusal(H.malformed_zip(kind), f"{kind}.xlsx")
    assert "arbetsbok" in msg.lower() and "Error" not in msg


def test_xlsx_rows_strings_and_styles_are_counted_before_openpyxl(tmp_path: Path) -> None:
    p = H.big_xlsx(tmp_path, L.MAX_XLSX_ROWS + 1)
    assert "Bladet har för många rader" in refusal(p.read_bytes(), p.name)
    p = H.many_shared_strings_xlsx(tmp_path, L.MAX_SHARED_STRINGS + 1)
    assert "för många delade texter" in refusal(p.read_bytes(), p.name)
    p = H.many_styles_xlsx(tmp_path, L.MAX_STYLES + 1)
    assert "för många cellformat" in refusal(p.read_bytes(), p.name)


SIE_OK = ["#VER A 1 20230115", "{", '#TRANS 5011 {1 "K101"} 100.00', "}"]


def test_sie_unbalanced_braces_are_refused_with_their_line() -> None:
    missing = "\r\n".join(H.sie_text(SIE_OK[:3])).encode("cp437")
    assert "rad 6" in refusal(missing, "a.se") and "saknar sitt avslutande }" in refusal(
        missing, "a.se")
    extra = "\r\n".join(H.sie_text([*SIE_OK[:2], "{", *SIE_OK[2:]])).encode("cp437")
    assert "Extra { på rad 8" in refusal(extra, "b.se")
    line = "\r\n".join(H.sie_text(['#TRANS 5011 {1 {"K101"} 1.00'])).encode("cp437")
    assert "klammerparenteser" in refusal(line, "c.se")


def test_sie_counts_and_line_length_come_from_the_bytes(tmp_path: Path) -> None:
    p = H.many_vouchers_sie(tmp_path, L.MAX_SIE_VOUCHERS + 1)
    assert "för många verifikationer" in refusal(p.read_bytes(), p.name)
    p = H.long_konto_sie(tmp_path, 200_000)
    assert "Raden är för lång" in refusal(p.read_bytes(), p.name)


def test_sie_in_utf8_under_pc8_is_named_by_line() -> None:
    lines = H.sie_text(['#KONTO 5011 "Läkemedel"', *SIE_OK])
    msg = refusal("\r\n".join(lines).encode("utf-8"), "u.se")
    assert "rad 6" in msg.lower() and "UTF-8" in msg and "Läkemedel" in msg
