"""The month helpers and the one as-of check (forecast.ledger.month, forecast.ledger.as_of)."""

from __future__ import annotations

import pandas as pd
import pytest

from forecast.ledger import schema as S
from forecast.ledger.as_of import available_months, check_as_of
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import OrgHierarchy, Unit
from forecast.ledger.month import month_from_text, month_of, month_text, parse_as_of

ACCOUNT = "Personalkostnader"


def _dataset(outcome_months: list[str]) -> Dataset:
    rows = [(m, "U", ACCOUNT, S.UTFALL, -10.0) for m in outcome_months]
    rows += [("2023-12", "U", ACCOUNT, S.BUDGET, -10.0)]
    df = pd.DataFrame(rows, columns=list(S.LEDGER_COLUMNS))
    df[S.PERIOD] = pd.PeriodIndex(df[S.PERIOD], freq="M")
    org = OrgHierarchy(units=(Unit(id="U", name="u", division="D"),))
    return Dataset(ledger=S.validate_ledger(df), org=org)


def M(text: str) -> pd.Period:
    return pd.Period(text, freq="M")


def test_month_helpers_round_trip_and_agree_with_period() -> None:
    assert month_of(2023, 4) == M("2023-04")
    assert month_of(2023, 4).freqstr == "M"
    assert month_text(M("2023-04")) == "2023-04" == str(M("2023-04"))
    assert month_text(M("0999-01")) == "0999-01"
    assert month_from_text("2023-12") == M("2023-12")
    for bad in ("2023-13", "2023-4", "apr 2023", ""):
        with pytest.raises(ValueError, match="ÅÅÅÅ-MM"):
            month_from_text(bad)
    assert parse_as_of(pd.Period("2023-04-15", freq="D")) == M("2023-04")


def test_follow_up_check_names_the_month_and_the_months_with_outcome() -> None:
    ds = _dataset(["2023-01", "2023-02", "2023-03"])
    assert available_months(ds) == [M("2023-01"), M("2023-02"), M("2023-03")]
    assert check_as_of(ds, M("2023-02")) == M("2023-02")
    with pytest.raises(ValueError) as exc:
        check_as_of(ds, M("2023-04"))
    assert str(exc.value) == ("Det finns inget utfall för 2023-04. "
                              "Månader med utfall: 2023-01–2023-03.")
    gappy = _dataset(["2023-01", "2023-03"])
    with pytest.raises(ValueError, match=r"Månader med utfall: 2023-01, 2023-03\.$"):
        check_as_of(gappy, M("2023-02"))


def test_forecast_check_refuses_a_month_after_the_outcome_and_a_missing_month() -> None:
    ds = _dataset(["2023-01", "2023-02", "2023-03"])
    assert check_as_of(ds, M("2023-03"), forecast_steps=()) == M("2023-03")
    with pytest.raises(ValueError) as exc:
        check_as_of(ds, M("2023-04"), forecast_steps=())
    assert str(exc.value) == ("prognosmånaden 2023-04 ligger efter sista utfallsmånaden "
                              "2023-03; välj en månad med bokfört utfall")
    gappy = _dataset(["2022-11", "2023-01", "2023-02"])
    with pytest.raises(ValueError) as exc:
        check_as_of(gappy, M("2023-02"), forecast_steps=())
    assert str(exc.value).startswith("utfall saknas helt för 1 månader (2022-12); prognosen "
                                     "läser inte en saknad månad som noll.")
    # a structural break after the gap: the history starts there, the gap no longer counts
    assert check_as_of(gappy, M("2023-02"), forecast_steps=(M("2023-01"),)) == M("2023-02")
