import pandas as pd
import pytest
from pydantic import ValidationError

from forecast.ledger.dimensions import (
    INHYRD,
    Account,
    AccountHierarchy,
    Measure,
    OrgHierarchy,
    Unit,
    agency_account,
    planned_to_date,
)


def test_account_hierarchy_has_the_16_seed_categories_and_agency_split():
    h = AccountHierarchy()
    assert len(h.categories) == 16
    assert h.categories[:4] == ["Patientavgifter", "Försäljning", "Erhållna bidrag", "Övriga intäkter"]
    assert h.agency_leaves() == [*(agency_account(c) for c in ("läkare", "sjuksköterskor", "övriga")),
                                 INHYRD]  # the unsplit leaf, for ledgers without the split
    assert h.resolve("Inhyrd personal") == INHYRD
    assert h.resolve("bemanningsföretag") == INHYRD
    assert all(h.category_of()[a] == INHYRD for a in h.agency_leaves())
    assert h.get("Patientavgifter").sign == 1 and h.get("Läkemedel").sign == -1


def test_resolve_aliases_case_and_whitespace():
    h = AccountHierarchy()
    assert h.resolve("  sjukvårdsart,  övr mat o varor ") == "Sjukvårdsartiklar, övrigt material och varor"
    assert h.resolve("LÄKEMEDEL") == "Läkemedel"
    assert h.resolve("Hyrläkare") == "Inhyrd personal läkare"
    assert h.resolve("Okänt konto") is None


def test_org_hierarchy_rejects_duplicate_units_and_pipes():
    u = Unit(id="K1", name="Kirurgi 1", division="Kirurgi")
    with pytest.raises(ValidationError, match="unit ids must be unique"):
        OrgHierarchy(units=(u, u))
    with pytest.raises(ValidationError):
        Unit(id="K|1", name="x", division="Kirurgi")


def test_account_hierarchy_rejects_duplicate_names():
    a = Account(name="Läkemedel", type="kostnad", category="Läkemedel")
    with pytest.raises(ValidationError, match="account names must be unique"):
        AccountHierarchy(accounts=(a, a))
    assert AccountHierarchy(accounts=(a,)).leaves == ["Läkemedel"]


def test_with_units_leaves_original_untouched():
    org = OrgHierarchy(units=(Unit(id="K1", name="K1", division="Kirurgi"),))
    new = org.with_units([Unit(id="M1", name="M1", division="Medicin")])
    assert org.unit_ids == ["K1"] and new.unit_ids == ["K1", "M1"]
    assert new.divisions == ["Kirurgi", "Medicin"]


def test_models_are_frozen():
    u = Unit(id="K1", name="K1", division="Kirurgi")
    with pytest.raises(ValidationError):
        u.name = "other"


def test_planned_to_date_spreads_evenly_from_start():
    m = Measure(id="A", name="Minska övertid", unit="K1", account="Personalkostnader",
                planned_annual_tkr=1200.0, start_period="2022-03", year=2022)
    assert planned_to_date(m, pd.Period("2022-02", "M")) == 0.0
    assert planned_to_date(m, pd.Period("2022-03", "M")) == pytest.approx(120.0)
    assert planned_to_date(m, pd.Period("2022-08", "M")) == pytest.approx(720.0)
    assert planned_to_date(m, pd.Period("2023-05", "M")) == pytest.approx(1200.0)


def test_measure_validation_names_field():
    with pytest.raises(ValidationError, match="planned_annual_tkr"):
        Measure(id="A", name="x", unit="K1", account="Läkemedel", planned_annual_tkr=-5,
                start_period="2022-01", year=2022)
