import pydantic
import pytest

from scenarios import assumptions as A


def test_range_accepts_number_and_triple():
    assert A.Range.model_validate(2.5) == A.Range(low=2.5, likely=2.5, high=2.5)
    assert A.Range.model_validate([1, 2, 3]) == A.Range(low=1, likely=2, high=3)
    assert A.Range.model_validate(2.5).is_certain


def test_range_must_be_ordered():
    with pytest.raises(pydantic.ValidationError, match="low ≤ likely ≤ high"):
        A.Range(low=3, likely=2, high=4)


def test_bounded_range_error_names_the_value():
    with pytest.raises(pydantic.ValidationError) as exc:
        A.Scenario(name="x", assumptions=[{"type": "dygnsvila",
                                           "extra_need": {"low": 1, "likely": 2, "high": 150}}])
    err = exc.value.errors()[0]
    assert err["loc"][-2:] == ("extra_need", "high")
    assert err["ctx"]["le"] == 100.0


def test_extra_fields_are_forbidden():
    with pytest.raises(pydantic.ValidationError):
        A.Dygnsvila(extra_neeed=3)
    with pytest.raises(pydantic.ValidationError):
        A.Scenario(name="x", colour="red")


def test_unknown_type_rejected():
    with pytest.raises(pydantic.ValidationError):
        A.Scenario(name="x", assumptions=[{"type": "magi"}])


def test_dygnsvila_shares_sum_at_most_one():
    with pytest.raises(pydantic.ValidationError, match="agency_share"):
        A.Dygnsvila(agency_share=0.7, overtime_share=0.5)


@pytest.mark.parametrize("bad", ["2023-13", "23-10", "2023-1", "oktober"])
def test_month_format(bad):
    with pytest.raises(pydantic.ValidationError):
        A.Dygnsvila(start=bad)


def test_models_are_frozen():
    d = A.Dygnsvila()
    with pytest.raises(pydantic.ValidationError):
        d.start = "2024-01"


def test_defaults_follow_the_sources():
    d = A.Dygnsvila()
    assert d.start == "2023-10"  # AB from 1 Oct 2023 (DOMAIN.md)
    assert (d.agency_multiplier.low, d.agency_multiplier.high) == (1.5, 3.0)
    assert A.Hyrpersonal().target_share_pct == 2.0  # SKR common target
    lon = A.Lon()
    assert lon.pct.likely == 3.3 and lon.month == "2024-04"  # märket 2024, April


def test_every_type_round_trips_through_json():
    s = A.Scenario(name="alla", author="test", as_of="2023-08", assumptions=[
        A.Dygnsvila(extra_fte=A.NonNegRange(low=10, likely=20, high=30)),
        A.Hyrpersonal(target_month="2023-12"),
        A.Omstallningsplan(measures=[A.PlanMeasure(name="m", unit="K1", account="Läkemedel",
                                                   planned_annual_tkr=100, start="2023-01")]),
        A.Lon(pct=4.1, month="2023-04"),
        A.Pris(pct_per_year=[2, 4, 6]),
        A.Statsbidrag(amount_tkr=105_000, month="2023-06"),
        A.Volym(pct=-2),
        A.Sjukfranvaro(change_pp=-0.5),
    ])
    again = A.Scenario.model_validate_json(s.model_dump_json())
    assert again == s
    assert again.labels()[0] == "1. Dygnsvila 11 timmar"
    assert len(set(again.labels())) == len(again.labels())
