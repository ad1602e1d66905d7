"""Tests of forecast.io.formatting: Swedish number display."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from forecast.io.formatting import (
    NBSP,
    fmt_mkr,
    fmt_number,
    fmt_pct,
    fmt_tkr,
    month_label,
    ytd_label,
)


@pytest.mark.parametrize(
    ("x", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1234, 0, "1 234"),
        (-1234.5, 1, "-1 234,5"),
        (1234567.891, 2, "1 234 567,89"),
        (-0.04, 1, "0,0"),
        (-0.4, 0, "0"),
        (-0.6, 0, "-1"),
        (12.5, 0, "12"),  # banker's rounding of Python's format, documented behaviour
    ],
)
def test_fmt_number(x: float, decimals: int, expected: str) -> None:
    assert fmt_number(x, decimals) == expected.replace(" ", NBSP)


def test_missing_and_infinite() -> None:
    assert fmt_number(None) == "–"
    assert fmt_number(math.nan) == "–"
    assert fmt_mkr(None) == "–"
    assert fmt_pct(float("nan")) == "–"
    assert fmt_number(float("-inf")) == "-∞"


def test_units() -> None:
    assert fmt_mkr(-2_895_000) == f"-2{NBSP}895{NBSP}mkr"
    assert fmt_mkr(-1_111_463, 1) == f"-1{NBSP}111,5{NBSP}mkr"
    assert fmt_tkr(548_443) == f"548{NBSP}443{NBSP}tkr"
    assert fmt_pct(14.1) == f"14,1{NBSP}%"
    assert fmt_pct(-1.06, 2) == f"-1,06{NBSP}%"


def test_negative_is_hyphen_minus_and_parses_back() -> None:
    text = fmt_number(-1234567.5, 1)
    assert text.startswith("-") and "\u2212" not in text
    assert float(text.replace(NBSP, "").replace(",", ".")) == -1234567.5


def test_month_labels() -> None:
    assert month_label(pd.Period("2023-04", "M")) == "apr 2023"
    assert month_label(pd.Period("2023-05", "M"), long=True) == "maj 2023"
    assert ytd_label(pd.Period("2023-04", "M")) == "jan–apr 2023"
    assert ytd_label(pd.Period("2023-01", "M")) == "jan 2023"


def test_fmt_timestamp_is_local_swedish_time_to_the_minute() -> None:
    from forecast.io.formatting import MISSING, fmt_timestamp

    assert fmt_timestamp("2026-12-01T20:40:10.556697+00:00") == "2026-12-01 21:40"  # CET
    assert fmt_timestamp("2026-07-01T20:40:10+00:00") == "2026-07-01 22:40"  # CEST
    assert fmt_timestamp("2026-07-01T20:40:10") == "2026-07-01 22:40"  # naive = UTC
    assert fmt_timestamp("") == MISSING and fmt_timestamp(None) == MISSING


def test_one_local_zone_for_every_kind_of_stored_time() -> None:
    """Winter +1 h, summer +2 h, a datetime as well as ISO text, and the local date."""
    from datetime import UTC, datetime

    from forecast.io.formatting import fmt_date, fmt_timestamp

    assert fmt_timestamp("2023-01-15T09:12:00+00:00") == "2023-01-15 10:12"  # CET
    assert fmt_timestamp("2023-05-08T08:12:59.999+00:00") == "2023-05-08 10:12"  # CEST
    assert fmt_timestamp(datetime(2023, 5, 8, 8, 12, tzinfo=UTC)) == "2023-05-08 10:12"
    assert fmt_timestamp(pd.Timestamp("2023-03-26T00:59:00Z")) == "2023-03-26 01:59"
    assert fmt_timestamp(pd.Timestamp("2023-03-26T01:00:00Z")) == "2023-03-26 03:00"  # DST
    assert fmt_date("2023-12-31T23:30:00+00:00") == "2024-01-01"
    assert fmt_date(None) == "–"
