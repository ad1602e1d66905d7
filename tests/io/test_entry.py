"""Numbers typed into form fields: the Swedish way, strictly, with Swedish messages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecast.io.entry import MAX_ENTRY_CHARS, EntryError, NumberField

PCT = NumberField("Tak för nettokostnadsutveckling, %", 0.0, 100.0, 1, "%")


@pytest.mark.parametrize(("text", "value"), [
    ("2,5", 2.5), ("2.5", 2.5), (" 2,5 ", 2.5), ("25", 25.0), ("0", 0.0), ("100", 100.0),
])
def test_decimal_comma_is_two_and_a_half(text: str, value: float) -> None:
    assert PCT.parse(text) == value


def test_thousands_separators_and_signs() -> None:
    f = NumberField("Belopp, tkr", -1e7, 1e7, 0)
    assert f.parse("10 000") == 10_000.0
    assert f.parse("10\u00a0000") == 10_000.0
    assert f.parse("\u221210 000") == -10_000.0
    assert f.show(-10_000.0) == "-10\u00a0000"
    assert f.parse(f.show(-10_000.0)) == -10_000.0


@pytest.mark.parametrize(("text", "words"), [
    ("", "ange ett värde"),
    ("två", "'två' är inte ett tal"),
    ("2,5 %", "'2,5 %' är inte ett tal"),
    ("1e3", "inte ett tal"),
    ("1,234.5", "inte ett tal"),
    ("2,55", "för många decimaler"),
    ("100,5", "utanför det tillåtna"),
    ("-0,1", "utanför det tillåtna"),
    ("9" * (MAX_ENTRY_CHARS + 1), "för lång"),
])
def test_bad_text_is_refused_in_swedish_naming_field_and_range(text: str, words: str) -> None:
    with pytest.raises(EntryError) as exc:
        PCT.parse(text)
    msg = str(exc.value)
    assert msg.startswith("Tak för nettokostnadsutveckling, %: ")
    assert words in msg
    assert "från 0,0 till 100,0\u00a0%" in msg and "decimalkomma" in msg


def test_show_is_swedish_and_round_trips() -> None:
    f = NumberField("x", 0.0, 100.0, 2)
    assert f.show(2.5) == "2,5"
    assert f.show(3.0) == "3,0"
    assert f.show(55.55) == "55,55"
    assert NumberField("n", 0, 36, 0).show(12) == "12"
    assert "heltal" in NumberField("n", 0, 36, 0).allowed()


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.floats(-1e6, 1e6, allow_nan=False), st.integers(0, 3))
def test_shown_value_parses_back(x: float, decimals: int) -> None:
    f = NumberField("x", -1e6, 1e6, decimals)
    shown = f.show(x)
    assert f.parse(shown) == pytest.approx(round(x, decimals), abs=10 ** -decimals)


def test_inconsistent_field_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        NumberField("x", 2.0, 1.0)
    with pytest.raises(ValueError):
        NumberField("x", decimals=-1)
