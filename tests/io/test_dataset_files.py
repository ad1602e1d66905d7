"""Tests of forecast.io.dataset_files: a dataset as a set of files, for every format."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from forecast.followup import tables as F
from forecast.io.dataset_files import DatasetFiles, InputFile, load_dataset
from forecast.io.formatting import fmt_number
from forecast.io.parsing import Problem, ValidationFailed
from forecast.io.readers import ReadOptions
from forecast.ledger import schema as S
from forecast.ledger.dimensions import INHYRD
from tests.io import ledger_fixtures as X
from tests.seed001 import account_months, published_table


def _f(path: Path) -> InputFile:
    return InputFile.from_path(path)


def _set(tmp_path: Path, *ledgers: Path, org: bool = True, kp: bool = True) -> DatasetFiles:
    return DatasetFiles(
        ledgers=tuple(_f(p) for p in ledgers),
        organisation=_f(X.write_org(tmp_path / "org.csv")) if org else None,
        kontoplan=_f(X.write_map(tmp_path / "map.csv")) if kp else None)


def _xlsx_export(path: Path, amounts: pd.DataFrame) -> Path:
    """The Raindance shape as a workbook: title rows, numbers as Excel numbers."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Unit4 ERP – Huvudbok"])
    ws.append([])
    ws.append(["KST", "Kontonummer", "Kontotext", "År", "Månad", "Utfall kr", "Budget kr"])
    wide = amounts.pivot_table(index=["unit", "konto", "period"], columns="kind",
                               values="kr").reindex(columns=["utfall", "budget"]).reset_index()
    for r in wide.itertuples():
        y, m = r.period.split("-")
        ws.append([r.unit, int(r.konto), "text", int(y), int(m),
                   None if pd.isna(r.utfall) else r.utfall,
                   None if pd.isna(r.budget) else r.budget])
    wb.save(path)
    return path


FORMATS = {
    "raindance_csv": lambda p, a: X.write_raindance(p / "export.csv", a),
    "unit4_xlsx": lambda p, a: _xlsx_export(p / "export.xlsx", a),
    "sie4": lambda p, a: X.write_sie4(p / "hb.se", a),
    "sie3": lambda p, a: X.write_sie3(p / "hb.si", a),
}


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_totals_kept_for_every_format(tmp_path: Path, fmt: str) -> None:
    amounts = X.known_amounts()
    path = FORMATS[fmt](tmp_path, amounts)
    opts = ReadOptions(amount_unit="kr") if fmt == "raindance_csv" else ReadOptions()
    loaded = load_dataset(_set(tmp_path, path), opts)
    want = X.expected_tkr(amounts)
    held = loaded.dataset.ledger.groupby(S.KIND)[S.AMOUNT].sum()
    totals = loaded.report.totals.set_index("Typ")
    for kind in (S.UTFALL, S.BUDGET):
        assert held[kind] == pytest.approx(want[kind], rel=1e-12)
        assert totals.loc[kind, "Läst tkr"] == pytest.approx(want[kind], rel=1e-12)
        assert totals.loc[kind, "I huvudboken tkr"] == pytest.approx(want[kind], rel=1e-12)
    # per unit, account and month too: the known amount of each cell, mapped by the kontoplan
    cats = {a: c for a, _, c in X.ACCOUNTS}
    exp = amounts.assign(account=amounts["konto"].map(cats)).groupby(
        ["period", "unit", "account", "kind"])["kr"].sum() / 1000
    got = loaded.dataset.ledger.assign(period=lambda d: d[S.PERIOD].astype(str)).set_index(
        [S.PERIOD, S.UNIT, S.ACCOUNT, S.KIND])[S.AMOUNT]
    pd.testing.assert_series_equal(got.sort_index(), exp.sort_index(), check_names=False,
                                   rtol=1e-12)


def test_every_format_gives_the_same_dataset(tmp_path: Path) -> None:
    amounts = X.known_amounts()
    ledgers = []
    for fmt in sorted(FORMATS):
        d = tmp_path / fmt
        d.mkdir()
        opts = ReadOptions(amount_unit="kr") if fmt == "raindance_csv" else ReadOptions()
        ledgers.append(load_dataset(_set(d, FORMATS[fmt](d, amounts)), opts).dataset.ledger)
    for other in ledgers[1:]:
        pd.testing.assert_frame_equal(other, ledgers[0], rtol=1e-12)


def test_outcome_and_budget_in_two_files(tmp_path: Path) -> None:
    amounts = X.known_amounts()
    out = X.write_sie4(tmp_path / "utfall.se", amounts[amounts["kind"] == "utfall"])
    bud = X.write_raindance(tmp_path / "budget.csv", amounts[amounts["kind"] == "budget"])
    loaded = load_dataset(_set(tmp_path, out, bud), ReadOptions(amount_unit="kr"))
    t = loaded.report.totals.set_index(["Fil", "Typ"])
    want = X.expected_tkr(amounts)
    assert t.loc[("utfall.se", "utfall"), "Läst tkr"] == pytest.approx(want["utfall"])
    assert t.loc[("budget.csv", "budget"), "Läst tkr"] == pytest.approx(want["budget"])
    assert loaded.dataset.source == "utfall.se, budget.csv, org.csv, map.csv"


def test_same_amounts_in_two_files_is_refused(tmp_path: Path) -> None:
    amounts = X.known_amounts()
    a = X.write_sie4(tmp_path / "a.se", amounts)
    b = X.write_sie3(tmp_path / "b.si", amounts)
    with pytest.raises(ValidationFailed) as e:
        load_dataset(_set(tmp_path, a, b))
    text = e.value.report()
    assert e.value.total == 2  # one problem per pair of files and kind, not one per row
    assert "Filerna 'a.se' och 'b.si' har båda utfall för samma månad, enhet och konto " \
           "(384 rader, t.ex. 2022-01, enhet 1101, konto 3111)" in text
    assert "räknas två gånger" in text


def test_no_example_data_mixed_in(tmp_path: Path) -> None:
    ds = load_dataset(_set(tmp_path, X.write_sie4(tmp_path / "hb.se",
                                                  X.known_amounts()))).dataset
    assert ds.measures == () and ds.agency_fte.empty and ds.measure_effects.empty
    assert not ds.is_example
    assert sorted(ds.org.unit_ids) == ["1101", "1102", "2201"]
    tables = {t.name: t for t in F.followup_tables(ds, pd.Period("2023-04", "M"))}
    assert "saknas i indata" in tables["Omställningsplan"].note
    assert "saknas i indata" in tables["Hyrpersonal"].note


def test_side_files_fte_and_measures(tmp_path: Path) -> None:
    hb = X.write_sie4(tmp_path / "hb.se", X.known_amounts())
    fte = tmp_path / "fte.csv"
    fte.write_text("månad;enhet;personalgrupp;åa\n2023-01;1101;läkare;2,5\n"
                   "2023-02;1101;sjuksköterskor;1\n", encoding="utf-8")
    ms = tmp_path / "atgarder.csv"
    ms.write_text("id;namn;enhet;konto;planerad_årseffekt_tkr;startmånad;år\n"
                  "A1;Färre hyrläkare;1101;Inhyrd personal läkare;1 200;2023-01;2023\n",
                  encoding="utf-8")
    eff = tmp_path / "effekter.csv"
    eff.write_text("åtgärd;månad;effekt_tkr\nA1;2023-01;50\nA1;2023-02;60,5\n", encoding="utf-8")
    files = DatasetFiles(ledgers=(_f(hb),), organisation=_f(X.write_org(tmp_path / "o.csv")),
                         kontoplan=_f(X.write_map(tmp_path / "m.csv")), agency_fte=_f(fte),
                         measures=_f(ms), measure_effects=_f(eff))
    ds = load_dataset(files).dataset
    assert ds.agency_fte["fte"].sum() == pytest.approx(3.5)
    assert [m.id for m in ds.measures] == ["A1"]
    tp = F.transition_plan(ds, pd.Period("2023-04", "M"))
    assert tp.loc["Totalt", "Rapporterad hittills"] == pytest.approx(110.5)
    assert tp.loc["Totalt", "Planerad hittills"] == pytest.approx(400.0)


def test_side_file_problems(tmp_path: Path) -> None:
    hb = X.write_sie4(tmp_path / "hb.se", X.known_amounts())
    fte = tmp_path / "fte.csv"
    fte.write_text("månad;enhet;personalgrupp;åa\n2023-01;9999;tandläkare;-1\n",
                   encoding="utf-8")
    eff = tmp_path / "eff.csv"
    eff.write_text("åtgärd;månad;effekt_tkr\nA1;2023-01;5\n", encoding="utf-8")
    files = DatasetFiles(ledgers=(_f(hb),), organisation=_f(X.write_org(tmp_path / "o.csv")),
                         kontoplan=_f(X.write_map(tmp_path / "m.csv")), agency_fte=_f(fte),
                         measure_effects=_f(eff))
    with pytest.raises(ValidationFailed) as e:
        load_dataset(files)
    text = e.value.report()
    assert "fte.csv, rad 2, kolumn 'personalgrupp': Personalgruppen 'tandläkare'" in text
    assert "kolumn 'åa'" in text and "Åtgärdseffekter utan åtgärdsfil" in text


def _raindance_failing(tmp_path: Path, column: str, old: str, new: str
                       ) -> tuple[pd.DataFrame, Path, list[Problem]]:
    """The known amounts with ``column`` ``old`` → ``new``, their Raindance file, and the
    problems that make loading it fail."""
    amounts = X.known_amounts()
    amounts.loc[amounts[column] == old, column] = new
    hb = X.write_raindance(tmp_path / "hb.csv", amounts)
    with pytest.raises(ValidationFailed) as e:
        load_dataset(_set(tmp_path, hb), ReadOptions(amount_unit="kr"))
    return amounts, hb, e.value.problems


def test_unit_not_in_organisation(tmp_path: Path) -> None:
    _, _, problems = _raindance_failing(tmp_path, "unit", "2201", "2299")
    p = problems[0]
    assert p.file == "hb.csv" and p.column == "enhet"
    assert "Enheten '2299' finns inte i organisationsfilen 'org.csv'" in p.message


def test_without_organisation_units_come_from_the_ledger(tmp_path: Path) -> None:
    loaded = load_dataset(_set(tmp_path, X.write_sie4(tmp_path / "hb.se", X.known_amounts()),
                               org=False))
    org = loaded.dataset.org
    assert {u.division for u in org.units} == {"Utan division"}
    assert org.units[1].name == "Vårdavdelning Åre"  # from #OBJEKT, CP437
    assert org.units[1].label == "1102 Vårdavdelning Åre"
    assert any("Ingen organisationsfil" in n for n in loaded.report.notes)


def test_unmapped_account_names_text_rows_and_amount(tmp_path: Path) -> None:
    amounts, hb, problems = _raindance_failing(tmp_path, "konto", "7010", "7990")
    [p] = problems
    total = amounts.loc[amounts["konto"] == "7990", "kr"].sum() / 1000
    lines = hb.read_text(encoding="cp1252").splitlines()
    first = next(i for i, line in enumerate(lines, start=1) if ";7990;" in line)
    assert p.file == "hb.csv" and p.column == "konto" and p.row == first
    assert p.message.startswith(f"Kontot 7990 (Nytt konto) finns inte i kontoplanen 'map.csv' "
                                f"(rad {first}, ")
    assert f"summa {fmt_number(total, 0)} tkr" in p.message
    assert "konto_från;konto_till;kostnadsslag" in p.allowed


def test_numbers_without_kontoplan_point_to_the_template(tmp_path: Path) -> None:
    hb = X.write_sie4(tmp_path / "hb.se", X.known_amounts())
    with pytest.raises(ValidationFailed) as e:
        load_dataset(_set(tmp_path, hb, kp=False))
    p = e.value.problems[0]
    assert "Kontot 3111 (Patientavgifter öppenvård) finns inte i någon kontoplan" in p.message
    assert "budgetprognos kontoplan --data FIL --out mall.csv" in p.allowed


def test_in_the_app_the_kontoplan_hint_names_the_pages_field_and_button(tmp_path: Path) -> None:
    from ui.data_page import app_controls

    hb = X.write_sie4(tmp_path / "hb.se", X.known_amounts())
    with pytest.raises(ValidationFailed) as e:
        load_dataset(_set(tmp_path, hb, kp=False), ReadOptions(controls=app_controls()))
    p = e.value.problems[0]
    assert p.allowed == ("ett kostnadsslag i kontoplanen, eller kontonummer med en kontoplan i "
                         "fältet «Kontoplan (valfri)»; gör en mall med knappen «Ladda ned "
                         "kontoplansmall» under fälten")
    assert "--" not in p.allowed and "budgetprognos" not in p.allowed


def test_the_apps_template_button_lists_every_account(tmp_path: Path) -> None:
    from forecast.io.kontoplan import template_download

    hb = X.write_sie4(tmp_path / "hb.se", X.known_amounts())
    data = template_download([(hb.read_bytes(), "hb.se")], ReadOptions())
    text = data.decode("utf-8-sig")
    assert text.startswith('"konto_från";"konto_till";"kostnadsslag";"kontotext"')
    assert '"3111";"";"";"Patientavgifter öppenvård"' in text
    assert text.count("\r\n") == len(set(X.known_amounts()["konto"])) + 1
    broken = template_download([(b"\x00\x01", "hb.csv")], ReadOptions()).decode("utf-8-sig")
    assert broken.startswith('"fil";"rad";"kolumn";"problem";"tillåtet"') and "hb.csv" in broken


def test_month_missing_in_the_whole_set_is_warned_and_the_forecast_starts_after_it(
        tmp_path: Path) -> None:
    from forecast.engine.region import forecast_region, standard_forecast

    amounts = X.known_amounts()
    amounts = amounts[amounts["period"] != "2022-06"]
    loaded = load_dataset(_set(tmp_path, X.write_sie4(tmp_path / "hb.se", amounts)))
    [w] = loaded.report.warnings
    assert w.startswith("Varning: utfall saknas helt för 1 månader mellan 2022-01 och 2023-04 "
                        "(juni 2022). De läses inte som noll")
    assert w in loaded.dataset.notes
    with pytest.raises(ValueError, match="utfall saknas helt för 1 månader"):
        forecast_region(loaded.dataset, pd.Period("2023-04", "M"), n_paths=10)
    rf = standard_forecast(loaded.dataset, pd.Period("2023-04", "M"), n_paths=10)
    assert all("historik från 2022-07 (utfall saknas månaderna före)" in n for n in rf.notes)


def test_outcome_after_as_of(tmp_path: Path) -> None:
    hb = X.write_sie4(tmp_path / "hb.se", X.known_amounts())
    with pytest.raises(ValidationFailed) as e:
        load_dataset(_set(tmp_path, hb), as_of=pd.Period("2023-03", "M"))
    assert "Utfall för 2023-04 ligger efter prognosmånaden 2023-03" in e.value.report()


def test_debet_sign_detected_from_the_data_or_warned_against_a_chosen_sign(tmp_path: Path
                                                                           ) -> None:
    amounts = X.known_amounts()
    flipped = amounts.assign(kr=-amounts["kr"])
    hb = X.write_raindance(tmp_path / "hb.csv", flipped)
    ok = load_dataset(_set(tmp_path, X.write_raindance(tmp_path / "ok.csv", amounts)),
                      ReadOptions(amount_unit="kr")).dataset.ledger
    detected = load_dataset(_set(tmp_path, hb), ReadOptions(amount_unit="kr"))
    assert detected.report.warnings == ()
    assert any("Tecknet lästes som debet (kostnader positiva) eftersom 100 % av" in n
               and "--tecken rapport" in n for n in detected.report.reading)
    pd.testing.assert_frame_equal(detected.dataset.ledger, ok, rtol=1e-12)
    chosen = load_dataset(_set(tmp_path, hb), ReadOptions(amount_unit="kr", sign="rapport"))
    [w] = chosen.report.warnings
    assert "utfallsrader på kostnadskonton är positiva" in w and "--tecken debet" in w
    fixed = load_dataset(_set(tmp_path, hb), ReadOptions(amount_unit="kr", sign="debet"))
    assert fixed.report.warnings == ()
    pd.testing.assert_frame_equal(fixed.dataset.ledger, ok, rtol=1e-12)


def test_rejected_set_lists_problems_of_every_file(tmp_path: Path) -> None:
    bad_csv = tmp_path / "a.csv"
    bad_csv.write_text("Ansvar;Konto;Period;Utfall\n1101;5011;2023-13;x\n", encoding="utf-8")
    bad_map = tmp_path / "m.csv"
    bad_map.write_text("konto_från;konto_till;kostnadsslag\n5000;4000;Personalkostnader\n",
                       encoding="utf-8")
    files = DatasetFiles(ledgers=(_f(bad_csv),), kontoplan=_f(bad_map))
    with pytest.raises(ValidationFailed) as e:
        load_dataset(files)
    text = e.value.report()
    assert text.startswith("Filerna 'a.csv', 'm.csv' lästes inte in")
    assert "Intervallet 5000–4000 går baklänges" in text and "Månaden '2023-13'" in text


# --- seed 001: the published table, unsplit Inhyrd personal ---------------------------------


def _seed001_csv() -> bytes:
    lines = ["Period;Enhet;Kostnadsslag;Typ;Belopp tkr"]
    lines += [f"{period};HSN;{r.konto};{kind};{amount}"
              for r in published_table().itertuples() for period, kind, amount in account_months(r)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def test_seed001_table_loads_unsplit_and_gives_the_published_figures() -> None:
    loaded = load_dataset(DatasetFiles(ledgers=(InputFile("rjh_2023.csv", _seed001_csv()),)))
    ds = loaded.dataset
    assert INHYRD in set(ds.ledger[S.ACCOUNT])
    assert "utfall saknas helt för 8 månader mellan 2022-01 och 2023-04" in \
        loaded.report.warnings[0]  # May–Dec 2022 are not in the published table
    s = F.summary(ds, pd.Period("2023-04", "M"))
    assert s.loc[F.NET, F.ACK_UTFALL] == pytest.approx(-1_111_463, abs=2)
    assert s.loc[F.NET, F.ACK_BUDGET] == pytest.approx(-968_854, abs=2)
    dev = F.cost_development(ds, pd.Period("2023-04", "M"))
    assert round(dev.loc["Nettokostnadsutveckling", F.UTVECKLING], 1) == 14.1
    assert round(dev.loc["Bruttokostnadsutveckling", F.UTVECKLING], 1) == 10.5
    c = F.by_category(ds, pd.Period("2023-04", "M"))
    assert c.loc[INHYRD, F.ACK_UTFALL] == -106_185
    assert not any(i.startswith("varav") for i in c.index)  # no split to show
    ag = F.agency_share(ds, pd.Period("2023-04", "M"))
    assert pd.isna(ag.loc["Läkare", "Hyrkostnad R12"])  # not available without the split
    assert ag.loc["Totalt", "Ack utfall jan–apr 2023"] == -106_185
    tables = {t.name: t for t in F.followup_tables(ds, pd.Period("2023-04", "M"))}
    assert "inte uppdelad per personalgrupp" in tables["Hyrpersonal"].note
    assert "inte uppdelad per personalgrupp" in tables["Per kostnadsslag"].note


# --- every further error class: its Swedish message names file, row/column and what is allowed


def _fail_with(files: DatasetFiles, options: ReadOptions | None = None) -> list[str]:
    with pytest.raises(ValidationFailed) as e:
        load_dataset(files, options)
    assert all(p.allowed for p in e.value.problems), e.value.report()
    return [str(p) for p in e.value.problems]


def _in(name: str, text: str) -> InputFile:
    return InputFile(name, text.encode("utf-8"))


LEDGER = "Ansvar;Konto;Period;Utfall\n1101;Läkemedel;2023-01;-5\n"
MEASURES_HEADER = "id;namn;enhet;konto;planerad_årseffekt_tkr;startmånad;år\n"


def _with_measures(rows: str, **others: InputFile) -> DatasetFiles:
    """LEDGER with a measures file ``m.csv`` of ``rows`` under the standard header."""
    measures = _in("m.csv", MEASURES_HEADER + rows)
    return DatasetFiles(ledgers=(_in("a.csv", LEDGER),), measures=measures, **others)


@pytest.mark.parametrize(("files", "fragment"), [
    (DatasetFiles(ledgers=()), "(ingen fil): Ingen huvudboksfil angavs"),
    (DatasetFiles(ledgers=(_in("a.csv", LEDGER), _in("a.csv", LEDGER))),
     "a.csv: Samma filnamn anges flera gånger"),
    (DatasetFiles(ledgers=(_in("a.csv", "Ansvar;Konto;Period;Utfall;Typ\n1;Läkemedel;2023-01;"
                                        "-5;utfall\n"),)),
     "a.csv, rad 1, kolumn 'Typ': Kolumnen 'typ' behövs inte"),
    (DatasetFiles(ledgers=(_in("a.csv", "Ansvar;Konto;Period;Belopp;Utfall;Typ\n1;Läkemedel;"
                                        "2023-01;-5;-5;utfall\n"),)),
     "Filen har både en beloppskolumn och kolumner för utfall/budget"),
    (DatasetFiles(ledgers=(_in("a.csv", "Ansvar;Konto;Period;Utfall\n1;Läkemedel;2023-01;-5\n"
                                        "1;Läkemedel;2023-01;-6\n"),)),
     "a.csv, rad 3: Raden upprepar rad 2"),
    (DatasetFiles(ledgers=(_in("a.csv", "Ansvar;Konto;Period;Utfall;Division\n1;Läkemedel;"
                                        "2023-01;-5;Medicin\n1;Personalkostnader;2023-01;-5;"
                                        "Kirurgi\n"),)),
     "Enheten '1' har olika divisioner: 'Medicin' och 'Kirurgi'"),
    (DatasetFiles(ledgers=(_in("a.csv", "Ansvar;Konto;Period;Belopp tkr;Typ\n1;Läkemedel;"
                                        "2023-01;-2 000 000 000;utfall\n"),)),
     "a.csv, rad 2: Beloppet -2\u00a0000\u00a0000\u00a0000 tkr är orimligt stort"),
    (_with_measures("A;x;1101;Okänt;0;2023-01;2023\nA;y;9;Läkemedel;5;2023-01;2023\n"),
     "m.csv, rad 2, kolumn 'planerad_årseffekt_tkr': Värdet '0' är noll"),
    (_with_measures("A;x;1101;Okänt;1;2023-01;2023\nA;y;1101;Läkemedel;5;2023-01;2023\n"),
     "m.csv, rad 3, kolumn 'id': Åtgärden 'A' står redan på rad 2"),
    (_with_measures("A;x;9999;Läkemedel;1;2023-01;2023\n"),
     "Åtgärden 'A' gäller enheten '9999' som inte finns i organisationen"),
    (_with_measures("A;x;1101;Okänt;1;2023-01;2023\n"),
     "m.csv, rad 2, kolumn 'konto': Kontot 'Okänt' finns inte i kontoplanen"),
    (_with_measures("A;x;1101;Läkemedel;1;2023-01;2023\n",
                    measure_effects=_in("e.csv", "åtgärd;månad;effekt_tkr\nB;2023-01;1\n")),
     "e.csv, rad 2, kolumn 'åtgärd': Åtgärden 'B' finns inte i åtgärdsfilen"),
    (DatasetFiles(ledgers=(_in("a.csv", LEDGER),), agency_fte=_in(
        "f.csv", "månad;enhet;personalgrupp;åa\n2023-01;7777;läkare;1\n")),
     "f.csv, kolumn 'enhet': Enheten '7777' finns inte i organisationen"),
    (DatasetFiles(ledgers=(_in("a.csv", LEDGER),), kontoplan=_in(
        "k.csv", "konto_från;konto_till;kostnadsslag\nLäkemedel;;Läkemedel\nläkemedel;;"
                 "Läkemedel\n")),
     "k.csv, rad 3, kolumn 'konto_från': Kontot 'läkemedel' står redan på rad 2"),
])
def test_error_classes(files: DatasetFiles, fragment: str) -> None:
    got = _fail_with(files)
    assert any(fragment in g for g in got), got


def test_too_many_units_is_refused_before_the_checks(monkeypatch: pytest.MonkeyPatch) -> None:
    from forecast.io import dataset_files as DF

    monkeypatch.setattr(DF, "MAX_UNITS", 2)
    text = "Ansvar;Konto;Period;Utfall\n" + "".join(
        f"{u};Läkemedel;2023-01;-5\n" for u in ("1", "2", "3"))
    [msg] = _fail_with(DatasetFiles(ledgers=(_in("a.csv", text),)))
    assert msg == ("a.csv: Datamängden har för många enheter: 3 (gränsen är 2). "
                   "Tillåtet: högst 2 enheter")


@pytest.mark.parametrize("named", [False, True])
def test_in_the_app_the_sheet_note_names_the_pages_field(tmp_path: Path, named: bool) -> None:
    from tests import hostile_files as H
    from ui.data_page import app_controls

    path = H.second_sheet_xlsx(tmp_path, summary_named_huvudbok=named)
    with pytest.raises(ValidationFailed) as e:
        load_dataset(DatasetFiles((InputFile.from_path(path),)),
                     ReadOptions(controls=app_controls()))
    note = next(p.message for p in e.value.problems if "lästes" in p.message)
    assert "regeln: bladet som anges i fältet «Blad i XLSX-filen»" in note
    assert note.endswith("bladet 'Data' har huvudbokens rubriker på rad 1: välj det i fältet "
                         "«Blad i XLSX-filen».")
    assert "--" not in note
    ds = load_dataset(DatasetFiles((InputFile.from_path(path),)),
                      ReadOptions(controls=app_controls(), sheet="Data")).dataset
    assert not any("--blad" in n for n in ds.notes)
