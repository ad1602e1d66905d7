import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

import scenarios
from cli import scenario as C
from cli.main import main
from forecast.engine import region
from scenarios.files import ScenarioFileError, dump_scenario, load_scenario, parse_text
from tests.scenario_fixtures import make_ds, make_rf

EXAMPLES = sorted((Path(scenarios.__file__).parent / "examples").glob("*.yaml"))


@pytest.fixture
def synthetic(monkeypatch):
    """Replace the data and the baseline engine with small synthetic ones (fast)."""
    monkeypatch.setattr(C.CC, "load_dataset", lambda data, as_of, sheet=None: make_ds("2023-04"))
    calls = []

    def fake_standard_forecast(ds, as_of, *, n_paths=1000, seed=0, **kw):
        calls.append((str(as_of), n_paths, seed))
        return make_rf(str(as_of), n_paths=50, seed=seed)

    # the command imports the engine when it runs: replace the engine module's function
    monkeypatch.setattr(region, "standard_forecast", fake_standard_forecast)
    return calls


def read_csv_rows(path):
    text = path.read_bytes().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def test_examples_exist():
    names = {p.name for p in EXAMPLES}
    assert {"dygnsvila.yaml", "hyrpersonal_2procent.yaml", "omstallning_64procent.yaml",
            "kombinerat.yaml"} <= names


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_cli_runs_each_example_to_xlsx_and_csv(example, tmp_path, synthetic, capsys):
    xlsx, csvf = tmp_path / "ut.xlsx", tmp_path / "ut.csv"
    assert main(["scenario", "run", str(example), "--draws", "500", "--seed", "4",
                 "--out", str(xlsx)]) == 0
    assert main(["scenario", "run", str(example), "--draws", "500", "--seed", "4",
                 "--out", str(csvf), "--enhet", "tkr", "--csv-form", "lang"]) == 0
    # as_of = last outcome; the base is the forecast of record (1000 paths, seed 0); the
    # scenario's seed drives only its Monte Carlo
    assert synthetic[0] == ("2023-04", 1000, 0)
    wb = openpyxl.load_workbook(xlsx)
    assert {"arsresultat", "osakerhet", "brygga", "antaganden"} <= set(wb.sheetnames)
    rows = read_csv_rows(csvf)
    bridge = [r for r in rows if r[0] == "brygga"]
    scenario = load_scenario(example)
    steps = {r[1] for r in bridge}
    assert {"Basprognos", "Scenario", *scenario.labels()} <= steps
    meta = "\n".join(";".join(r) for r in rows if r[0] == "metadata")
    assert "Scenarioparametrar (JSON)" in meta and scenario.name in meta
    assert "skrivet till" in capsys.readouterr().out


def test_cli_bridge_in_csv_adds_up(tmp_path, synthetic):
    out = tmp_path / "k.csv"
    ex = [p for p in EXAMPLES if p.stem == "kombinerat"][0]
    assert main(["scenario", "run", str(ex), "--draws", "200", "--out", str(out),
                 "--enhet", "tkr", "--csv-dialect", "intl", "--csv-form", "lang"]) == 0
    text = out.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    vals = {(r[1], r[2]): r[3] for r in rows if r[0] == "brygga"}
    labels = load_scenario(ex).labels()
    start = float(vals[("Basprognos", "Belopp")])
    end = float(vals[("Scenario", "Belopp")])
    bars = sum(float(vals[(lab, "Belopp")]) for lab in labels)
    assert start + bars == pytest.approx(end, abs=0.2)  # CSV rounds to 0.1 tkr
    assert vals[("Basprognos", "Typ")] == "start" and vals[("Scenario", "Typ")] == "slut"
    assert {vals[(lab, "Typ")] for lab in labels} == {"antagande"}


def test_cli_invalid_file_names_field(tmp_path, synthetic, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nassumptions:\n  - type: dygnsvila\n"
                   "    extra_need: {low: 1, likely: 2, high: 150}\n", encoding="utf-8")
    assert main(["scenario", "run", str(bad), "--out", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "assumptions[0].extra_need.high" in err and "150" in err and "≤ 100" in err


def test_cli_bad_suffix_and_month(tmp_path, synthetic, capsys):
    ex = str(EXAMPLES[0])
    assert main(["scenario", "run", ex, "--out", str(tmp_path / "o.pdf")]) == 2
    assert main(["scenario", "run", ex, "--as-of", "april", "--out",
                 str(tmp_path / "o.csv")]) == 2
    assert "ÅÅÅÅ-MM" in capsys.readouterr().err


@pytest.mark.parametrize("text,fmt,expect", [
    ("name: x\nassumptions: [{type: dygnsvila, extra_need: {low: 1, likely: 2, high: 150}}]",
     "yaml", ["assumptions[0].extra_need.high", "150", "≤ 100"]),
    ("name: x\nassumptions: [{type: dygnsvila, start: 2023-13}]", "yaml",
     ["assumptions[0].start", "'2023-13'", "ÅÅÅÅ-MM"]),
    ("name: x\nassumptions: [{type: magi}]", "yaml", ["assumptions[0].type", "'magi'",
                                                      "dygnsvila"]),
    ('{"name": "x", "assumptions": [{"type": "lon", "pct": {"low": 5, "likely": 4, '
     '"high": 6}}]}', "json", ["assumptions[0].pct", "low ≤ likely ≤ high"]),
    ("name: x\nassumptions: [{type: hyrpersonal, target_share_pct: -1}]", "yaml",
     ["assumptions[0].target_share_pct", "-1", "≥ 0"]),
    ("name: x\nfärg: röd", "yaml", ["färg", "okänt fält"]),
    ("assumptions: []", "yaml", ["name", "saknas"]),
    ("- bara\n- en lista", "yaml", ["objekt"]),
    ("name: [", "yaml", ["YAML"]),
])
def test_invalid_scenario_messages(text, fmt, expect):
    with pytest.raises(ScenarioFileError) as exc:
        parse_text(text, fmt, "fil.yaml")
    msg = str(exc.value)
    for part in expect:
        assert part in msg


def test_file_round_trip_yaml_and_json(tmp_path):
    s = load_scenario(EXAMPLES[0])
    for suffix in (".yaml", ".json"):
        p = tmp_path / f"s{suffix}"
        dump_scenario(s, p)
        assert load_scenario(p) == s
    j = tmp_path / "s.json"
    assert json.loads(j.read_text(encoding="utf-8"))["name"] == s.name
    with pytest.raises(ScenarioFileError, match="filändelse"):
        load_scenario(tmp_path / "s.txt")


def test_store_commands(tmp_path, capsys):
    db = f"sqlite:///{tmp_path / 's.db'}"
    ex = str(EXAMPLES[0])
    assert main(["scenario", "save", ex, "--db", db]) == 0
    assert main(["scenario", "save", ex, "--db", db]) == 0
    assert main(["scenario", "list", "--db", db]) == 0
    name = load_scenario(ex).name
    assert main(["scenario", "show", name, "--version", "1", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "version 2" in out and "type: dygnsvila" in out
    assert main(["scenario", "delete", name, "--db", db]) == 2
    assert "--ja" in capsys.readouterr().err
    assert main(["scenario", "delete", name, "--ja", "--db", db]) == 0
    assert main(["scenario", "show", name, "--db", db]) == 2


@pytest.mark.slow
def test_cli_on_the_real_engine(tmp_path):
    out = tmp_path / "k.xlsx"
    ex = [p for p in EXAMPLES if p.stem == "kombinerat"][0]
    assert main(["scenario", "run", str(ex), "--draws", "2000", "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert "brygga" in wb.sheetnames


def test_compare_exports_the_apps_comparison_and_sheet(tmp_path, synthetic, capsys):
    """``scenario jamfor``: stored versions → the comparison (Excel) and the one-page sheet
    (Word, PDF), the same builders and figures as the app's page Jämför."""
    import pypdf
    from docx import Document

    from scenarios.committee import views_of
    from scenarios.store import ScenarioStore

    db = f"sqlite:///{tmp_path / 's.db'}"
    ex = [p for p in EXAMPLES if p.stem == "kombinerat"][0]
    assert main(["scenario", "save", str(ex), "--db", db]) == 0
    sc = load_scenario(ex)
    changed = sc.model_copy(update={"description": "v2", "seed": 3})
    ScenarioStore(db).save(changed)
    xlsx = tmp_path / "j.xlsx"
    refs = [f"{sc.name}@1", sc.name]
    assert main(["scenario", "jamfor", *refs, "--draws", "300", "--enhet", "tkr",
                 "--db", db, "--out", str(xlsx)]) == 0
    wb = openpyxl.load_workbook(xlsx)
    assert {"resultat", "antaganden", "brygga", "kanslighet", "metadata"} <= set(wb.sheetnames)
    rows = {r[0].value: r for r in wb["resultat"].iter_rows()}
    views = dict(views_of(make_rf("2023-04", n_paths=50, seed=0),
                          [(f"{sc.name} v1", sc), (f"{sc.name} v2", changed)],
                          make_ds("2023-04"), n_draws=300))
    head = [c.value for c in wb["resultat"][3]]
    for label, v in views.items():
        row = [c.value for c in rows[label]]
        assert row[head.index("Scenario", 1)] == pytest.approx(v.scenario_tkr)
        assert row[head.index("Sannolikhet budget i balans")] == pytest.approx(
            100 * v.prob_balance)
    for suffix in (".docx", ".pdf"):
        out = tmp_path / f"blad{suffix}"
        assert main(["scenario", "jamfor", *refs, "--draws", "300", "--db", db,
                     "--out", str(out)]) == 0
        if suffix == ".pdf":
            pdf = pypdf.PdfReader(out)
            assert len(pdf.pages) == 1
            text = pdf.pages[0].extract_text()
        else:
            text = "\n".join(p.text for p in Document(str(out)).paragraphs)
        assert f"{sc.name} v2" in text and "budget i balans" in text


@pytest.mark.parametrize(("refs", "message"), [
    (["X@0"], "heltal ≥ 1"), (["@2"], "namnet saknas"), (["Finns inte"], "finns inte"),
    (["A", "A@1"], "mer än en gång"), (["A", "B", "C", "D", "E"], "högst 4")])
def test_compare_refuses_bad_references(tmp_path, synthetic, capsys, refs, message):
    db = f"sqlite:///{tmp_path / 's.db'}"
    from scenarios.store import ScenarioStore

    for name in "ABCDE":
        ScenarioStore(db).save(load_scenario(EXAMPLES[0]).model_copy(update={"name": name}))
    assert main(["scenario", "jamfor", *refs, "--db", db, "--out",
                 str(tmp_path / "b.pdf")]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "b.pdf").exists()
