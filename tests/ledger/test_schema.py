import numpy as np
import pandas as pd
import pytest

from forecast.ledger import schema as S


def _ledger() -> pd.DataFrame:
    return pd.DataFrame(
        {
            S.PERIOD: pd.PeriodIndex(["2023-01", "2023-02", "2023-01"], freq="M"),
            S.UNIT: ["K101", "K101", "K101"],
            S.ACCOUNT: ["Läkemedel", "Läkemedel", "Läkemedel"],
            S.KIND: ["utfall", "utfall", "budget"],
            S.AMOUNT: [-10.0, -12.5, -11.0],
        }
    )


def test_valid_ledger_passes():
    df = _ledger()
    assert S.validate_ledger(df) is df


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda d: d.drop(columns=[S.AMOUNT]), "lacks columns"),
        (lambda d: d.assign(**{S.KIND: ["utfall", "prognos", "budget"]}), "prognos"),
        (lambda d: d.assign(**{S.AMOUNT: [1.0, np.nan, 2.0]}), "missing"),
        (lambda d: d.assign(**{S.PERIOD: ["2023-01", "2023-02", "2023-01"]}), "Period"),
        (lambda d: pd.concat([d, d.iloc[[0]]]), "duplicate"),
    ],
)
def test_invalid_ledger_names_the_problem(mutate, fragment):
    with pytest.raises(S.SchemaError, match=fragment):
        S.validate_ledger(mutate(_ledger()))


def test_nixtla_round_trip():
    df = _ledger()
    nx = S.to_nixtla(df)
    assert list(nx.columns) == [S.UID, S.DS, S.Y]
    assert nx[S.UID].unique().tolist() == ["K101|Läkemedel"]
    assert nx[S.Y].tolist() == [-10.0, -12.5]
    back = S.from_nixtla(nx)
    pd.testing.assert_frame_equal(back, df[df[S.KIND] == "utfall"].reset_index(drop=True))


def test_series_id_split():
    uid = S.series_id("N12", "Inhyrd personal läkare")
    assert S.split_series_id(uid) == ("N12", "Inhyrd personal läkare")
