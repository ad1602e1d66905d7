"""Tests of forecast.io.kontoplan (account mapping with ranges) and forecast.io.organisation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from forecast.io import kontoplan as KP
from forecast.io.organisation import read_organisation
from forecast.io.parsing import ValidationFailed
from forecast.io.readers import ReadOptions, read_ledger_source
from forecast.ledger.dimensions import INHYRD, AccountHierarchy, Unit, agency_account
from tests.io import ledger_fixtures as X

H = AccountHierarchy()


def _kp(text: str) -> KP.AccountMap:
    return KP.read_kontoplan(text.encode("utf-8"), "map.csv", H)


def _problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(ValidationFailed) as e:
        _kp(text)
    return [(p.row, p.message) for p in e.value.problems]


def test_ranges_singles_names_and_nesting() -> None:
    m = _kp("konto_från;konto_till;kostnadsslag\n5000;5999;Personalkostnader\n"
            "5800;5899;Inhyrd personal\n5811;;hyrläkare\nHyrsköterskor X;;Inhyrd personal – "
            "sjuksköterskor\n8000;8999;ingår ej\n")
    assert m.lookup("5011").leaf == "Personalkostnader"  # type: ignore[union-attr]
    assert m.lookup("5850").leaf == INHYRD  # type: ignore[union-attr]
    assert m.lookup("5811").leaf == agency_account("läkare")  # type: ignore[union-attr]
    assert m.lookup("hyrsköterskor x").leaf == agency_account("sjuksköterskor")  # type: ignore[union-attr]
    assert m.lookup("8100").leaf == KP.EXCLUDED  # type: ignore[union-attr]
    assert m.lookup("4000") is None and m.lookup("Okänt") is None
    assert m.to_frame().iloc[0].tolist() == ["5000", "5999", "Personalkostnader"]


def test_problems_of_a_kontoplan() -> None:
    got = _problems("konto_från;konto_till;kostnadsslag\n5000;5999;Personalkostnader\n"
                    "5500;6500;Läkemedel\n7000;6000;Lokaler\n7000;7999;\nNamn;8000;Läkemedel\n"
                    "9000;;Personalkostnad er\n")
    msgs = dict(got)
    assert msgs[3] == "Raden överlappar rad 2 (5000–5999 och 5500–6500)"
    assert msgs[4] == "Kostnadsslaget 'Lokaler' finns inte i kontoplanen"
    assert msgs[5] == "Kontot 7000 saknar kostnadsslag"
    assert msgs[6] == "'Namn' är inget kontonummer men raden har konto_till 8000"
    assert msgs[7] == "Kostnadsslaget 'Personalkostnad er' finns inte i kontoplanen"


def test_backwards_range_and_doubled_account() -> None:
    got = _problems("konto_från;konto_till;kostnadsslag\n5000;4000;Personalkostnader\n"
                    "5011;;Personalkostnader\n5011;;Läkemedel\n")
    assert (2, "Intervallet 5000–4000 går baklänges") in got
    assert (4, "Raden överlappar rad 3 (5011 och 5011)") in got


def test_template_lists_every_account_and_reads_back(tmp_path: Path) -> None:
    amounts = X.known_amounts()
    path = X.write_sie4(tmp_path / "hb.se", amounts)
    r = read_ledger_source(path.read_bytes(), path.name, ReadOptions())
    frame = KP.template(r.frame, r.account_texts, H)
    assert frame["konto_från"].tolist() == [a for a, _, _ in X.ACCOUNTS]
    assert frame["kostnadsslag"].eq("").all()
    row = frame.set_index("konto_från").loc["5011"]
    assert row["kontotext"] == "Löner tillsvidareanställda"
    want = amounts[(amounts["konto"] == "5011") & (amounts["kind"] == "utfall")]["kr"].sum()
    assert row["utfall_tkr"] == pytest.approx(want / 1000)
    out = tmp_path / "mall.csv"
    KP.write_template(frame, out)
    filled = pd.read_csv(out, sep=";", dtype=str, encoding="utf-8-sig").fillna("")
    filled["kostnadsslag"] = [c for _, _, c in X.ACCOUNTS]
    filled.to_csv(out, sep=";", index=False)
    m = KP.read_kontoplan(out.read_bytes(), out.name, H)
    assert m.lookup("5812").leaf == agency_account("sjuksköterskor")  # type: ignore[union-attr]
    with pytest.raises(ValidationFailed, match="Kontot 3111 saknar kostnadsslag"):
        KP.write_template(frame, out)
        KP.read_kontoplan(out.read_bytes(), out.name, H)


def test_template_fills_category_names_and_given_mapping() -> None:
    raw = read_ledger_source(
        "Ansvar;Konto;Period;Belopp;Typ\n1;Läkemedel;2023-01;-5;utfall\n1;5011;2023-01;-7;utfall\n"
        .encode(), "a.csv", ReadOptions()).frame
    t = KP.template(raw, {}, H)
    assert dict(zip(t["konto_från"], t["kostnadsslag"], strict=True)) == {
        "5011": "", "Läkemedel": "Läkemedel"}
    m = _kp("konto_från;konto_till;kostnadsslag\n5000;5999;Personalkostnader\n")
    t = KP.template(raw, {}, H, m)
    assert t.set_index("konto_från").loc["5011", "kostnadsslag"] == "Personalkostnader"


# --- organisation -----------------------------------------------------------------------------


def test_organisation_levels_names_and_labels() -> None:
    org = read_organisation("enhet;namn;division;område;verksamhet\n1101;Akuten;Medicin;LSO;"
                            "Akut\n1102;;Kirurgi;LSO;\n1103;1103 Avd 3;Kirurgi;LSO;\n".encode(),
                            "org.csv")
    assert org.divisions == ["Medicin", "Kirurgi"]
    assert [u.label for u in org.units] == ["1101 Akuten", "1102", "1103 Avd 3"]
    assert org.units[0].levels == (("område", "LSO"), ("verksamhet", "Akut"))
    assert list(org.to_frame().columns) == ["unit", "unit_name", "division", "område",
                                            "verksamhet"]


def test_organisation_omrade_as_division_when_no_division_column() -> None:
    org = read_organisation("ansvar;namn;område\n1101;Akuten;Länssjukvård\n".encode(), "o.csv")
    assert org.units[0].division == "Länssjukvård" and org.units[0].levels == ()


def test_organisation_problems() -> None:
    with pytest.raises(ValidationFailed) as e:
        read_organisation(b"enhet;namn;division\n1101;A;Medicin\n1101;B;Medicin\n1102;C;\n"
                          b"11|03;D;Medicin\n", "org.csv")
    got = {(p.row, p.column): p.message for p in e.value.problems}
    assert got[(3, "enhet")] == "Enheten '1101' står redan på rad 2"
    assert got[(4, "division")] == "Cellen är tom"
    assert "innehåller tecknet '|'" in got[(5, "enhet")]
    with pytest.raises(ValidationFailed, match="Kolumnen 'division' saknas i organisationsfilen"):
        read_organisation(b"enhet;namn\n1;a\n", "org.csv")


def test_unit_label_once() -> None:
    assert Unit(id="1101", name="Akutmottagning", division="M").label == "1101 Akutmottagning"
    assert Unit(id="1101", name="1101 Akutmottagning", division="M").label == \
        "1101 Akutmottagning"
    assert Unit(id="1101", name="1101", division="M").label == "1101"
