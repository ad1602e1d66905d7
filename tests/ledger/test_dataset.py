import pandas as pd

from forecast.ledger import schema as S
from forecast.ledger.dataset import DATA_DIR, load_default, months_of


def test_months_of_parses_each_text_as_its_month_in_order():
    got = months_of(pd.Series(["2023-02", "2022-12", "2023-02", "2023-01"]))
    assert list(got) == [pd.Period(t, freq="M") for t in ("2023-02", "2022-12", "2023-02",
                                                            "2023-01")]
    assert got.dtype == pd.PeriodDtype("M")


def test_the_embedded_example_loads_as_a_valid_ledger_with_monthly_side_tables():
    ds = load_default()
    assert S.validate_ledger(ds.ledger) is ds.ledger
    assert ds.agency_fte["period"].dtype == pd.PeriodDtype("M")
    assert ds.measure_effects["period"].dtype == pd.PeriodDtype("M")
    raw = pd.read_csv(DATA_DIR / "ledger.csv", dtype=str)
    assert ds.ledger[S.PERIOD].astype(str).tolist() == raw[S.PERIOD].tolist()
