"""The report rendered: Word (python-docx) and PDF (typst) open clean and hold every heading,
table and chart; the numbers of the sentences are the printed cells; no user text becomes a
field or markup; a rendered page of each format is saved under test-artifacts/report/."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest
from docx import Document
from pypdf import PdfReader

from forecast.followup import tables as F
from forecast.io.formatting import NBSP
from forecast.ledger.dataset import load_default
from forecast.ledger.dimensions import OrgHierarchy, Unit
from forecast.report import figures as G
from forecast.report import style as Y
from forecast.report.builder import CHANGE_HEADING, HEADINGS, build_report
from forecast.report.charts import render_all
from forecast.report.docx_layout import parts
from forecast.report.docx_writer import APPENDIX, TemplateError, load_template, report_to_docx
from forecast.report.inputs import Comment, ForecastChange
from forecast.report.model import Ref, Report, ReportTable, clean_text, typeset
from forecast.report.pdf_writer import report_to_pdf
from scenarios.files import load_scenario
from scenarios.reporting import risk_for
from tests.fakes import small_dataset
from tests.report.fixtures import ARTIFACTS, fast_forecast

CREATED = datetime(2023, 5, 10, 8, 0, tzinfo=UTC)
EVIL = "=HYPERLINK(\"http://x\")\x07 { PAGE } <w:fldSimple/> #set page(fill: red) $x$ @ref"


@pytest.fixture(scope="module")
def region_reports() -> dict[str, tuple[Report, dict[str, bytes]]]:
    ds = load_default()
    out = {}
    for as_of in ("2023-04", "2022-08"):
        rf = fast_forecast(ds, as_of, 100)
        risk = None
        if as_of == "2023-04":
            scenario = load_scenario("scenarios/examples/kombinerat.yaml")
            risk = risk_for(rf, scenario.model_copy(update={"n_draws": 2000}), ds)
        r = build_report(ds, pd.Period(as_of, "M"), rf, risk=risk, created=CREATED)
        out[as_of] = (r, render_all(r.charts()))
    return out


def _docx(report: Report, charts: dict[str, bytes], **kw) -> bytes:
    return report_to_docx(report, charts, **kw)


def _save(name: str, data: bytes) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    path.write_bytes(data)
    return path


def _written(region_reports, as_of: str, write: Callable[[Report, dict[str, bytes]], bytes],
             suffix: str) -> tuple[Report, bytes]:
    """One month's report written by ``write``, kept as the artefact ``rapport_<as_of>.<suffix>``."""
    report, charts = region_reports[as_of]
    data = write(report, charts)
    _save(f"rapport_{as_of}.{suffix}", data)
    return report, data


def _pdf_pages_png(pdf: bytes, stem: str, pages: tuple[int, ...]) -> list[Path]:
    doc = pdfium.PdfDocument(pdf)
    out = []
    for i in pages:
        if i < len(doc):
            path = ARTIFACTS / f"{stem}_sida{i + 1}.png"
            doc[i].render(scale=1.5).to_pil().save(path)
            out.append(path)
    doc.close()
    return out


@pytest.mark.parametrize("as_of", ["2023-04", "2022-08"])
def test_docx_holds_every_heading_table_and_chart(region_reports, as_of: str) -> None:
    report, data = _written(region_reports, as_of, _docx, "docx")
    doc = Document(io.BytesIO(data))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for h in (*HEADINGS, CHANGE_HEADING, APPENDIX):
        assert h in headings
    # + the summary box (one shaded cell), the provenance appendix and the appendix's tables
    extra = [b for b in report.appendix if isinstance(b, ReportTable)]
    n_word = sum(len(cols) for cols in _word_parts(report).values())  # wide tables in parts
    assert len(doc.tables) == n_word + 2 + len(extra)
    assert len(doc.inline_shapes) == len(report.charts()) >= 3
    sec = doc.sections[0]
    assert round(sec.page_width.cm, 1) == 21.0 and round(sec.page_height.cm, 1) == 29.7
    footer = sec.footer.paragraphs[0]
    xml = footer._p.xml
    assert 'w:instr="PAGE"' in xml and 'w:instr="NUMPAGES"' in xml
    month = "april 2023" if as_of == "2023-04" else "augusti 2022"
    assert month in footer.text and CREATED.date().isoformat() in footer.text
    provenance = doc.tables[n_word + 1]
    appendix = {r.cells[0].text: r.cells[1].text for r in provenance.rows}
    assert appendix["Indata-hash"] == load_default().source_hash
    assert appendix["Per månad"] == month and appendix["Programversion"]


def _plain(text: str) -> str:
    """Word's text with the typeset minus (U+2212 + WORD JOINER) read back as ``-``."""
    return text.replace("\u2212\u2060", "-").replace("\u2212", "-")


def _word_parts(report: Report) -> dict[str, list[list[int]]]:
    """Each table's Word parts (its column indexes), as the writer splits a too-wide one."""
    out = {}
    for key, t in report.tables().items():
        rows = [[typeset(clean_text(c), joiner=True) for c in r] for r in [t.header(), *t.body()]]
        out[key] = [cols for cols, _ in parts(rows, Y.TEXT_WIDTH_CM / 2.54 * 72,
                                              Y.table_pt(len(rows[0])), 2 * Y.CELL_PAD_X_PT,
                                              t.break_indexes())]
    return out


def _docx_cell(doc, report: Report, key: str, row: str, col: str) -> str:
    t = report.tables()[key]
    i = list(t.frame.index).index(row) + 1
    j = list(t.frame.columns).index(col) + 1
    n = 1  # after the summary box
    for k, groups in _word_parts(report).items():
        for cols in groups:
            if k == key and j in cols:
                table = doc.tables[n]
                assert _plain(table.rows[i].cells[0].text) == _plain(typeset(row, joiner=True))
                return _plain(table.rows[i].cells[cols.index(j)].text)
            n += 1
    raise AssertionError((key, col))


def test_docx_sentence_numbers_are_its_table_cells(region_reports) -> None:
    report, charts = region_reports["2023-04"]
    doc = Document(io.BytesIO(_docx(report, charts)))
    texts = [_plain(p.text) for p in doc.paragraphs]
    texts += [_plain(p.text) for p in doc.tables[0].rows[0].cells[0].paragraphs]  # the box
    tables = report.tables()
    checked = 0
    for para in report.paragraphs():
        assert report.text_of(para) in texts
        for ref in para.refs():
            cell = _docx_cell(doc, report, ref.table, ref.row, ref.column)
            value = float(cell.replace(NBSP, "").replace(",", ".")) * ref.scale
            printed = ref.render(tables).replace(ref.suffix, "") if ref.suffix else \
                ref.render(tables)
            number = float(printed.replace(NBSP, "").replace(",", "."))
            dec = tables[ref.table].decimals_of(ref.column) if ref.decimals is None \
                else ref.decimals
            assert number == pytest.approx(round(abs(value) if ref.absolute else value, dec)), \
                (ref, cell, printed)
            checked += 1
    assert checked >= 60


@pytest.mark.parametrize("as_of", ["2023-04", "2022-08"])
def test_pdf_pages_and_text_read_back(region_reports, as_of: str) -> None:
    report, pdf = _written(region_reports, as_of, report_to_pdf, "pdf")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 5
    text = "\n".join(p.extract_text() for p in reader.pages)
    flat = re.sub(r"\s+", " ", text.replace(NBSP, " ").replace("\u2212", "-"))
    for h in (*HEADINGS, CHANGE_HEADING, APPENDIX):
        assert h in text
    for t in report.tables().values():
        assert t.title.replace(NBSP, " ") in flat
    assert f"Sida 1 av {len(reader.pages)}" in flat
    assert "Med 80 % sannolikhet hamnar nettokostnaden mellan" in flat
    net = report.tables()[G.KEY_SUMMARY].text(F.NET, F.ACK_UTFALL).replace(NBSP, " ")
    assert f"Nettokostnaden uppgick till {net} mkr" in flat
    fonts = {str(f.get("/BaseFont")) for page in reader.pages
             for f in (page["/Resources"].get("/Font") or {}).values()
             for f in [f.get_object()]}
    assert any("DejaVuSans" in f for f in fonts), fonts
    pngs = _pdf_pages_png(pdf, f"rapport_{as_of}_pdf", (0, 2))
    assert all(p.stat().st_size > 20_000 for p in pngs)


def test_docx_rendered_page_with_libreoffice(region_reports, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (Debian libreoffice-writer) saknas: Word-sidan renderas inte")
    report, charts = region_reports["2023-04"]
    src = tmp_path / "rapport.docx"
    src.write_bytes(_docx(report, charts))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=240)
    pdf = (tmp_path / "rapport.pdf").read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ekonomiskt utfall" in text and "Sida 1 av" in text
    pngs = _pdf_pages_png(pdf, "rapport_2023-04_docx", (0, 2))
    assert pngs


def _evil_dataset():
    ds = small_dataset()
    org = OrgHierarchy(units=tuple(Unit(id=u.id, name=EVIL, division=f"{EVIL} {u.division}")
                                   for u in ds.org.units))
    measures = tuple(m.model_copy(update={"name": EVIL}) for m in ds.measures)
    return replace(ds, org=org, measures=measures, source=EVIL)


def test_no_user_text_becomes_a_field_or_markup(tmp_path: Path) -> None:
    ds = _evil_dataset()
    rf = fast_forecast(ds, "2023-04", 40)
    now = float(rf.year_total_paths().mean())
    change = ForecastChange(pd.Period("2023-03", "M"), now - 1000.0, now,
                            ((EVIL, 1000.0),), (Comment(EVIL, EVIL),), source=EVIL)
    report = build_report(ds, pd.Period("2023-04", "M"), rf, change=change, created=CREATED)
    charts = render_all(report.charts())
    data = _docx(report, charts)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        xml = {n: z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")}
    body = xml["word/document.xml"]
    assert "instrText" not in body and "<w:fldSimple" not in body and "w:hyperlink" not in body
    assert "\x07" not in body
    assert "=HYPERLINK(&quot;http://x&quot;) { PAGE } &lt;w:fldSimple/&gt; #set page" in body \
        or '=HYPERLINK("http://x") { PAGE } &lt;w:fldSimple/&gt; #set page' in body
    footers = [v for k, v in xml.items() if "footer" in k]
    instrs = re.findall(r'w:instr="([^"]*)"', "".join(footers))
    assert sorted(instrs) == ["NUMPAGES", "PAGE"]
    pdf = report_to_pdf(report, charts)
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "#set page(fill: red) $x$ @ref" in text  # shown, not run
    assert "=HYPERLINK" in text


def test_region_template_keeps_its_header_and_styles(region_reports, tmp_path: Path) -> None:
    tpl = Document()
    tpl.sections[0].header.paragraphs[0].text = "Region Testland – Hälso- och sjukvårdsnämnden"
    tpl.add_paragraph("Mallens exempeltext som ska bort")
    tpl.styles["Normal"].font.name = "Arial"
    path = tmp_path / "mall.docx"
    tpl.save(path)
    report, charts = region_reports["2023-04"]
    doc = Document(io.BytesIO(_docx(report, charts, template=path)))
    assert doc.sections[0].header.paragraphs[0].text.startswith("Region Testland")
    assert doc.styles["Normal"].font.name == "Arial"
    assert all("exempeltext" not in p.text for p in doc.paragraphs)
    assert "Ekonomiskt utfall" in [p.text for p in doc.paragraphs]


def test_bad_templates_are_refused_with_a_reason(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="finns inte"):
        load_template(tmp_path / "saknas.docx")
    docm = tmp_path / "mall.docm"
    docm.write_bytes(b"x")
    with pytest.raises(TemplateError, match=r"måste vara en \.docx- eller \.dotx-fil"):
        load_template(docm)
    junk = tmp_path / "trasig.docx"
    junk.write_text("inte en zip")
    with pytest.raises(TemplateError, match="ingen Word-fil"):
        load_template(junk)
    macro = tmp_path / "makro.docx"
    with zipfile.ZipFile(macro, "w") as z:
        z.writestr("[Content_Types].xml", '<Types><Override ContentType="application/'
                   'vnd.ms-word.document.macroEnabled.main+xml"/></Types>')
    with pytest.raises(TemplateError, match="makron"):
        load_template(macro)


def test_sentence_refs_point_at_existing_cells(region_reports) -> None:
    report, _ = region_reports["2023-04"]
    tables = report.tables()
    for p in report.paragraphs():
        for ref in p.refs():
            assert isinstance(ref, Ref)
            assert ref.row in tables[ref.table].frame.index
            assert ref.column in tables[ref.table].frame.columns
