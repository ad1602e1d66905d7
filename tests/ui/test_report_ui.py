"""The report in the app: Översikt shows the report's summary tables, Export offers Word/PDF."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from pypdf import PdfReader

from forecast.cycle.record import ForecastOfRecord
from forecast.ledger.dataset import DATA_DIR, load_default
from forecast.report.builder import HEADINGS, overview_tables
from scenarios.files import load_scenario
from tests.fakes import small_dataset
from tests.report.fixtures import fast_forecast
from tests.ui.test_app import run_page
from ui.report_download import report_bytes, report_downloader

needs_data = pytest.mark.skipif(not (DATA_DIR / "ledger.csv").exists(),
                                reason="den inbäddade exempeldatan (data/) saknas")
SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "examples" / "kombinerat.yaml"


@pytest.fixture(autouse=True)
def _private_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", f"sqlite:///{tmp_path / 'scenarier.db'}")


@needs_data
def test_overview_shows_the_reports_summary_tables() -> None:
    at = run_page("oversikt")
    assert not at.exception, at.exception
    assert any(s.value == "Ekonomisk sammanfattning" for s in at.subheader)
    frames = [d.value for d in at.dataframe]
    heads = [list(f.columns)[0] for f in frames]
    assert {"Intäkter och kostnader, mkr", "Division, mkr", "Kostnadsslag, tkr"} <= set(heads)
    summary = frames[heads.index("Intäkter och kostnader, mkr")]
    assert list(summary.iloc[:, 0]) == ["Intäkter", "Bruttokostnader", "Nettokostnader"]
    assert "Prognos 2023" in summary.columns
    # the same cells as the report builder (the follow-up columns do not depend on the paths)
    ds = load_default()
    mine = overview_tables(ds, pd.Period("2023-04", "M"), fast_forecast(ds, pd.Period("2023-04", "M"), 20))[0].display()
    for col in mine.columns:
        if col != "Prognos 2023":
            assert list(summary[col]) == list(mine[col]), col


@needs_data
def test_export_page_offers_the_report() -> None:
    at = run_page("export")
    assert not at.exception, at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Word (.docx)" in labels and "PDF" in labels


def test_report_bytes_make_word_and_pdf() -> None:
    ds = small_dataset()
    rf = ForecastOfRecord.of_statistical(fast_forecast(ds, "2023-04", 30))
    docx = report_downloader(ds, rf, fmt="docx")()
    texts = [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert all(h in texts for h in HEADINGS)
    pdf = report_bytes(ds, rf, fmt="pdf", scenario=load_scenario(SCENARIO))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Scenariot «Kombinerat»" in text and "2 000 simuleringar" in text.replace("\xa0", " ")
    with pytest.raises(ValueError, match="okänt format"):
        report_downloader(ds, rf, fmt="odt")


def test_report_bytes_with_a_template_and_a_laid_change(tmp_path: Path) -> None:
    from forecast.cycle.adjustments import apply_adjustments
    from forecast.cycle.laid import build_laid
    from forecast.cycle.laid_store import LaidStore
    from forecast.report.docx_writer import TemplateError
    from ui.report_download import checked_template, laid_change_lookup

    ds = small_dataset()
    store = LaidStore(f"sqlite:///{tmp_path / 'laid.db'}")
    for as_of in ("2023-03", "2023-04"):
        store.lay(build_laid(apply_adjustments(fast_forecast(ds, as_of, 30), []),
                             dataset="T", author="A", comment=f"Lagd {as_of}", method="test"))
    tpl = Document()
    tpl.sections[0].header.paragraphs[0].text = "Region Testland"
    buf = io.BytesIO()
    tpl.save(buf)
    rf = ForecastOfRecord.of_statistical(fast_forecast(ds, "2023-04", 30))
    docx = report_bytes(ds, rf, fmt="docx", template=checked_template(buf.getvalue()),
                        change=laid_change_lookup(store, "T", rf.as_of))
    doc = Document(io.BytesIO(docx))
    assert doc.sections[0].header.paragraphs[0].text == "Region Testland"
    assert any(p.text.startswith("Prognosen ") and "lagda prognosen för mars 2023" in p.text
               for p in doc.paragraphs)
    assert laid_change_lookup(None, "T", rf.as_of)() is None
    with pytest.raises(TemplateError, match="ingen Word-fil"):
        checked_template(b"inte en zip")
