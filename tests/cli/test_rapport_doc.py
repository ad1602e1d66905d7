"""``budgetprognos rapport --out .docx|.pdf`` end to end on a small data set (few paths)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from cli import common as cli_common
from cli.main import main
from cli.rapport_doc import parse_ceiling
from forecast.report.builder import HEADINGS
from scenarios.files import load_scenario
from scenarios.store import ScenarioStore
from tests.fakes import small_dataset

FAST = ["--metod", "three_year_profile", "--paths", "30"]
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "examples" / "kombinerat.yaml"


@pytest.fixture(autouse=True)
def _small(monkeypatch: pytest.MonkeyPatch) -> None:
    ds = small_dataset()
    monkeypatch.setattr(cli_common, "load_default", lambda: ds)


def test_writes_docx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "rapport.docx"
    assert main(["rapport", "--as-of", "2023-04", "--out", str(out), *FAST]) == 0, \
        capsys.readouterr().err
    said = capsys.readouterr().out
    assert "Rapport (Word) per 2023-04" in said and str(out) in said
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    for h in HEADINGS:
        assert h in texts
    assert any(t.startswith("Det finns ingen tidigare lagd prognos") for t in texts)
    assert any(t.startswith("Inget scenario är valt") for t in texts)
    appendix = {r.cells[0].text: r.cells[1].text for r in doc.tables[-1].rows}
    assert appendix["Indata-hash"] == "abc123"
    method = next(t for t in texts if t.startswith("Årsprognosen är utfallet hittills"))
    assert "Treårig månadsprofil" in method and "three_year_profile" not in method
    assert "30 simulerade banor" in appendix["Prognos"]


def test_writes_pdf_with_a_scenario_file(tmp_path: Path) -> None:
    out = tmp_path / "rapport.pdf"
    assert main(["rapport", "--as-of", "2023-04", "--out", str(out), *FAST,
                 "--scenario", str(SCENARIO), "--tak", "3,5"]) == 0
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert "Scenariot «Kombinerat»" in text
    assert "taket på högst 3,5" in text


def test_saved_scenario_by_name(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'scen.db'}"
    ScenarioStore(url).save(load_scenario(SCENARIO))
    out = tmp_path / "r.docx"
    assert main(["rapport", "--as-of", "2023-04", "--out", str(out), *FAST,
                 "--scenario-namn", "Kombinerat", "--db", url]) == 0
    texts = [p.text for p in Document(str(out)).paragraphs]
    assert any("Scenariot «Kombinerat»" in t for t in texts)


@pytest.mark.parametrize(("extra", "message"), [
    (["--paths", "5"], "--paths måste vara mellan 10 och 10 000"),
    (["--tak", "2.2"], "decimalkomma"),
    (["--mall", "saknas.docx"], "finns inte"),
    (["--metod", "nej"], "okänd metod"),
    (["--scenario", "x.yaml", "--scenario-namn", "y"], "antingen --scenario"),
    (["--scenario", "saknas.yaml"], "scenariofilen"),
])
def test_bad_options_are_refused_before_any_work(tmp_path: Path, extra: list[str], message: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "r.pdf"
    assert main(["rapport", "--as-of", "2023-04", "--out", str(out), *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not out.exists()


def test_unknown_saved_scenario_and_month(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'scen.db'}"
    out = tmp_path / "r.docx"
    assert main(["rapport", "--as-of", "2023-04", "--out", str(out), *FAST,
                 "--scenario-namn", "Finns inte", "--db", url]) == 2
    assert "finns inte" in capsys.readouterr().err
    assert main(["rapport", "--as-of", "2023-09", "--out", str(out), *FAST]) == 2
    assert "inget utfall för 2023-09" in capsys.readouterr().err
    assert not out.exists()


def test_ceiling_is_typed_the_swedish_way() -> None:
    assert parse_ceiling("2,2") == 2.2
    assert parse_ceiling("3") == 3.0
    assert parse_ceiling(None) == 2.2
    for bad in ("2.2", "-1", "abc", "100"):
        with pytest.raises(ValueError, match="decimalkomma"):
            parse_ceiling(bad)


@pytest.fixture(autouse=True)
def _private_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never the user's own database: laid forecasts and scenarios in a temporary file."""
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", f"sqlite:///{tmp_path / 'bp.db'}")


def test_change_since_the_last_laid_forecast(tmp_path: Path) -> None:
    from forecast.cycle.adjustments import Adjustment, apply_adjustments
    from forecast.cycle.laid import EXAMPLE_DATASET, build_laid
    from forecast.cycle.laid_store import LaidStore
    from tests.report.fixtures import fast_forecast

    ds = small_dataset()
    url = f"sqlite:///{tmp_path / 'laid.db'}"
    store = LaidStore(url)
    adj = Adjustment(comment="Dygnsvila från oktober", amount_tkr=-900.0,
                     category="Personalkostnader", start="2023-10", author="Controller A")
    for as_of, adjs in (("2023-03", []), ("2023-04", [adj])):
        rf = fast_forecast(ds, as_of, 30)
        store.lay(build_laid(apply_adjustments(rf, adjs), dataset=EXAMPLE_DATASET,
                             author="Controller A", comment=f"Lagd {as_of}", method="test"))
    out = tmp_path / "r.docx"
    assert main(["rapport", "--as-of", "2023-04", "--out", str(out), *FAST, "--db", url]) == 0
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    change = next(t for t in texts if t.startswith("Prognosen har "))
    assert "sedan den lagda prognosen för mars 2023" in change
    assert any("«Dygnsvila från oktober» (Controller A)" in t for t in texts)
    assert not any(t.startswith("Det finns ingen tidigare lagd prognos") for t in texts)
    rows = [r.cells[0].text for t in doc.tables for r in t.rows]
    assert "Justering tillagd: Dygnsvila från oktober" in rows
    # a month without a laid forecast: said plainly
    out2 = tmp_path / "r2.docx"
    assert main(["rapport", "--as-of", "2023-02", "--out", str(out2), *FAST, "--db", url]) == 0
    assert any(p.text.startswith("Det finns ingen tidigare lagd prognos")
               for p in Document(str(out2)).paragraphs)


NARRATIVE = Path(__file__).resolve().parents[1] / "data" / "berattelse_2023-04.yaml"


def test_narrative_file_region_and_committee(tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    db = f"sqlite:///{tmp_path / 's.db'}"
    narrative = tmp_path / "berattelse.yaml"  # the small dataset's divisions are Div A/B
    narrative.write_text(NARRATIVE.read_text(encoding="utf-8").replace("  Kirurgi:", "  Div A:")
                         .replace("  Medicin:", "  Div B:"), encoding="utf-8")
    assert main(["rapport", "--as-of", "2023-04", "--out", str(out), *FAST, "--db", db,
                 "--berattelse", str(narrative), "--region", "Region Exempel",
                 "--namnd", "Regionstyrelsen"]) == 0
    doc = Document(str(out))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "Region Exempel" and texts[1] == "Regionstyrelsen"
    box = doc.tables[0].rows[0].cells[0].text
    assert box.startswith("Nämnden redovisar ett resultat")
    assert any(t.startswith("Div A: Avvikelsen beror") for t in texts)
    labels = [r.cells[0].text for t in doc.tables for r in t.rows]
    assert "Minskad inhyrd personal" in labels and "Löneöversyn" in labels


def test_a_bad_narrative_file_is_named_with_its_field(tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    bad = tmp_path / "b.yaml"
    bad.write_text("risker:\n  - text: R\n    typ: fara\n", encoding="utf-8")
    code = main(["rapport", "--as-of", "2023-04", "--out", str(tmp_path / "r.pdf"), *FAST,
                 "--db", f"sqlite:///{tmp_path / 's.db'}", "--berattelse", str(bad)])
    assert code == 2
    assert "b.yaml: risker, rad 1, typ" in capsys.readouterr().err
