"""Issue 25: one printed figure per quantity, the summary box, the people's words, Swedish
typesetting (U+2212 minus, sv-SE, no hyphenation, alt text) and .dotx templates."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from forecast.engine import hierarchy as H
from forecast.followup import tables as F
from forecast.io.formatting import NBSP
from forecast.ledger.dataset import load_default
from forecast.ledger.dimensions import TOTAL_GROSS_COST, TOTAL_NET_COST, TOTAL_REVENUE
from forecast.report import figures as G
from forecast.report import summary as Z
from forecast.report.builder import SUMMARY_HEADING, build_report
from forecast.report.charts import render_all
from forecast.report.docx_writer import load_template, report_to_docx
from forecast.report.model import MINUS, Report, ReportTable
from forecast.report.narrative import NarrativeError, load_narrative_bytes, parse_narrative
from forecast.report.narrative_store import NarrativeStore
from forecast.report.pdf_writer import report_to_pdf
from forecast.report.rounding import fmt_printed_mkr, printed_mkr, round_half_away
from forecast.store import schema as T
from tests.docx_support import save_as_dotx
from tests.report.fixtures import fast_forecast

CREATED = datetime(2023, 5, 10, 8, 0, tzinfo=UTC)
NARRATIVE_FILE = Path(__file__).resolve().parents[1] / "data" / "berattelse_2023-04.yaml"


@pytest.fixture(scope="module")
def region():
    ds = load_default()
    return ds, fast_forecast(ds, "2023-04", 100)


@pytest.fixture(scope="module")
def narrative(region):
    ds, _ = region
    return load_narrative_bytes(NARRATIVE_FILE.read_bytes(), NARRATIVE_FILE.name,
                                list(ds.org.divisions))


@pytest.fixture(scope="module")
def written(region, narrative):
    ds, rf = region
    report = build_report(ds, pd.Period("2023-04", "M"), rf, created=CREATED, narrative=narrative,
                          region="Region Exempel")
    charts = render_all(report.charts())
    return report, report_to_docx(report, charts), report_to_pdf(report, charts)


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _flat(text: str) -> str:
    return " ".join(text.replace("\u2060", "").replace(MINUS, "-").replace(NBSP, " ").split())


# ----------------------------------------------------------------- one printed figure


def test_every_mkr_total_is_the_tkr_tables_figure_rounded(region, written) -> None:
    """A quantity printed in tkr and in mkr has one value: the mkr is the tkr rounded."""
    report, _, _ = written
    t = report.tables()
    s, c = t[G.KEY_SUMMARY], t[G.KEY_CATEGORY]
    rows = {F.REVENUE: TOTAL_REVENUE, F.GROSS: TOTAL_GROSS_COST, F.NET: TOTAL_NET_COST}
    for mkr_row, tkr_row in rows.items():
        for col in c.frame.columns:
            if col in s.frame.columns:
                assert s.cell(mkr_row, col) == round_half_away(c.cell(tkr_row, col) / 1000), \
                    (mkr_row, col)
    f = t[G.KEY_FORECAST]
    for mkr_row, tkr_row in rows.items():
        assert f.cell(mkr_row, G.AVVIKELSE) == round_half_away(
            c.cell(tkr_row, G.AVVIKELSE) / 1000)


def test_the_overview_prints_the_reports_year_end_figures(region, written) -> None:
    """The app's Översikt formats the year totals with fmt_printed_mkr: the report's cells."""
    _, rf = region
    report, _, _ = written
    ye = H.year_totals(rf, ()).iloc[0]
    f = report.tables()[G.KEY_FORECAST]
    for key, col in ((H.FORECAST, G.PROGNOS), (H.ANNUAL_BUDGET, G.BUDGET_HEADING), (H.DEV, G.AVVIKELSE),
                     (H.P10, G.ARS_P10), (H.P90, G.ARS_P90)):
        assert fmt_printed_mkr(ye[key]) == f"{f.text(F.NET, col)}{NBSP}mkr", key
        assert printed_mkr(ye[key]) == f.cell(F.NET, col)


LABELLED = (  # a quantity is printed after these words in sentences, tables and the box
    ("nettokostnaden är", "Nettokostnaden uppgick till"),
    ("nettokostnaden beräknas till", "är en nettokostnad på"),
)


def _numbers_after(text: str, phrase: str) -> set[str]:
    return set(re.findall(re.escape(phrase) + r" (-?\d{1,3}(?: \d{3})*(?:,\d+)?)", text))


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_each_quantity_has_one_value_in_the_documents_text(written, fmt: str) -> None:
    report, docx_bytes, pdf_bytes = written
    text = _flat(_docx_text(docx_bytes) if fmt == "docx" else _pdf_text(pdf_bytes))
    for phrases in LABELLED:
        values = set().union(*(_numbers_after(text, p) for p in phrases))
        assert len(values) == 1, (phrases, values)
    f = report.tables()[G.KEY_FORECAST]
    prog = f.text(F.NET, G.PROGNOS).replace(NBSP, " ")
    assert _numbers_after(text, "nettokostnaden beräknas till") == {prog}
    # "N mkr sämre än budget" of the year: the forecast table's deviation, wherever it is said
    dev = f.text(F.NET, G.AVVIKELSE).replace(NBSP, " ").lstrip("-")
    year = re.findall(r"det vill säga (\d{1,3}(?: \d{3})*) mkr sämre än budget", text)
    assert year and set(year) == {dev}
    # every figure of the summary table appears in the text with the table's value only
    s = report.tables()[G.KEY_SUMMARY]
    net = s.text(F.NET, F.ACK_UTFALL).replace(NBSP, " ")
    assert f"nettokostnaden är {net} mkr" in text and f"uppgick till {net} mkr" in text


# ----------------------------------------------------------------- summary and narrative


def test_the_summary_box_comes_first_and_quotes_the_tables(written) -> None:
    report, _, _ = written
    first = report.sections[0]
    assert first.heading == SUMMARY_HEADING and first.boxed
    texts = [report.text_of(b) for b in first.blocks]
    assert texts[0].startswith("Nämnden redovisar ett resultat")  # the user's own summary
    joined = " ".join(texts).replace(NBSP, " ")
    for words in ("Resultat januari–april", "Årsprognos 2023", "Sannolikheten för en budget "
                  "i balans", "Prognosförändring", "Nettokostnadsutveckling", "Hyrandel"):
        assert words in joined


def test_the_narrative_is_placed_as_the_seeds_place_it(written, narrative) -> None:
    report, docx_bytes, pdf_bytes = written
    t = report.tables()
    m = t[Z.KEY_MEASURES]
    assert m.cell("Totalt", "Planerad effekt") == 49.5 and m.text("Totalt", "Prognos") == "15,0"
    assert t[Z.KEY_RISKS].text("11 timmars dygnsvila från oktober", "Belopp från") == "-25,0"
    assert t[Z.KEY_ASSUMPTIONS].text("Löneöversyn", "Källa") == "Märket 2023"
    sections = {s.heading: s for s in report.sections}
    assert m in sections["Omställningsplan"].blocks
    assert t[Z.KEY_RISKS] in sections["Risker"].blocks
    assert t[Z.KEY_ASSUMPTIONS] in sections["Årsprognos"].blocks
    outcome = [report.text_of(b) for b in sections["Ekonomiskt utfall"].blocks
               if not isinstance(b, ReportTable) and hasattr(b, "parts")]
    assert any(p.startswith("Kirurgi: Avvikelsen beror främst på ambulanshelikoptern")
               for p in outcome)
    for data in (_flat(_docx_text(docx_bytes)), _flat(_pdf_text(pdf_bytes))):
        assert "ambulanshelikoptern" in data and "Minskad inhyrd personal" in data


def test_without_narrative_no_heading_is_empty_and_facts_are_written(region) -> None:
    ds, rf = region
    report = build_report(ds, pd.Period("2023-04", "M"), rf, created=CREATED)
    for s in report.sections:
        assert s.blocks, s.heading
    assert not ({Z.KEY_MEASURES, Z.KEY_RISKS, Z.KEY_ASSUMPTIONS} & set(report.tables()))
    assert dict(report.provenance)["Kommentarer och åtgärder"].startswith("inga angivna")


@pytest.mark.parametrize(("data", "message"), [
    ({"atgarder": [{"atgard": "A", "prognos_mkr": "tio"}]}, "atgarder, rad 1, prognos_mkr"),
    ({"risker": [{"text": "R", "typ": "fara"}]}, "risker, rad 1, typ"),
    ({"risker": [{"text": "R", "belopp_min_mkr": 5, "belopp_max_mkr": 1}]}, "rad 1"),
    ({"divisioner": {"Okänd": "x"}}, "finns inte i datasetet"),
    ({"antaganden": [{"namn": "L"}]}, "antaganden, rad 1, varde"),
    ({"okand": 1}, "okänt fält"),
    ({"atgarder": [{"atgard": "A", "planerad_effekt_mkr": 1.25}]}, "högst en decimal"),
])
def test_bad_narratives_are_refused_naming_the_field(data, message) -> None:
    with pytest.raises(NarrativeError, match=message):
        parse_narrative(data, ["Kirurgi", "Medicin"])


def test_narrative_file_bounds_and_syntax() -> None:
    with pytest.raises(NarrativeError, match="b.yaml: filen är"):
        load_narrative_bytes(b"x" * (300 * 1024), "b.yaml")
    with pytest.raises(NarrativeError, match="b.yaml: inte giltig YAML"):
        load_narrative_bytes(b"a: [", "b.yaml")


def test_store_keeps_versions_with_author_and_audit(tmp_path, narrative) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    store = NarrativeStore(url)
    assert store.latest("D", pd.Period("2023-04", "M")) is None
    first = store.save(narrative, dataset="D", as_of=pd.Period("2023-04", "M"), author="Anna")
    second = store.save(parse_narrative({"sammanfattning": "Kort."}), dataset="D",
                        as_of=pd.Period("2023-04", "M"), author="Bo")
    assert (first.version, second.version) == (1, 2)
    latest = store.latest("D", pd.Period("2023-04", "M"))
    assert latest is not None and latest.summary == "Kort." and latest.author == "Bo"
    assert [v[:2] for v in store.versions("D", pd.Period("2023-04", "M"))] == [(1, "Anna"), (2, "Bo")]
    assert store.latest("D", pd.Period("2023-05", "M")) is None
    with store.db.read() as conn:
        rows = conn.execute(sa.select(T.audit.c.who, T.audit.c.action)).all()
    assert [tuple(r) for r in rows] == [("Anna", "spara berättelse"), ("Bo", "spara berättelse")]
    with pytest.raises(ValueError, match="författare"):
        store.save(narrative, dataset="D", as_of=pd.Period("2023-04", "M"), author=" ")


def test_a_version_3_store_is_migrated(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    tables = [t for name, t in T.metadata.tables.items() if name != "report_narratives"]
    T.metadata.create_all(engine, tables=tables)
    with engine.begin() as conn:
        conn.execute(T.store_meta.insert().values(key="schema_version", value="3"))
    engine.dispose()
    store = NarrativeStore(url)
    with store.db.read() as conn:
        assert store.db.schema_version(conn) == T.STORE_VERSION >= 4
    assert store.latest("D", pd.Period("2023-04", "M")) is None


# ----------------------------------------------------------------- typesetting


def test_word_minus_is_u2212_bound_and_language_is_swedish(written) -> None:
    _, docx_bytes, _ = written
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        body = z.read("word/document.xml").decode("utf-8")
        styles = z.read("word/styles.xml").decode("utf-8")
        settings = z.read("word/settings.xml").decode("utf-8")
    runs = re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", body)
    assert not [r for r in runs if re.search(r"(?<![\w.,])-\d", r)], "a hyphen-minus number"
    assert sum(r.count(MINUS + "\u2060") for r in runs) > 50
    assert 'w:lang w:val="sv-SE"' in styles and "en-US" not in styles
    assert 'w:autoHyphenation w:val="false"' in settings


def test_pdf_is_swedish_tagged_unhyphenated_with_u2212(written) -> None:
    _, _, pdf_bytes = written
    reader = PdfReader(io.BytesIO(pdf_bytes))
    root = reader.trailer["/Root"]
    assert root["/Lang"] in ("sv-SE", "sv")
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    text = _pdf_text(pdf_bytes)
    assert MINUS in text
    assert not re.search(r"[a-zåäö]-\n[a-zåäö]", text), "a word hyphenated at a line end"
    for label in ("Kirurgi", "Medicin", "Ack utfall", "Prognos"):
        assert label in text


def test_charts_carry_alt_text_in_word(written) -> None:
    report, docx_bytes, _ = written
    doc = Document(io.BytesIO(docx_bytes))
    descr = [s._inline.docPr.get("descr") for s in doc.inline_shapes]
    assert len(descr) == len(report.charts()) and all(d and len(d) > 40 for d in descr)
    net = report.tables()[G.KEY_FORECAST].text(F.NET, G.PROGNOS)
    assert any(net.replace("-", MINUS) in d for d in descr)


def _dotx(tmp_path: Path) -> Path:
    tpl = Document()
    tpl.sections[0].header.paragraphs[0].text = "Region Testland"
    footer = tpl.sections[0].footer.paragraphs[0]
    run = footer.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("end", None)):
        if kind:
            el = run._r.makeelement(qn("w:fldChar"), {qn("w:fldCharType"): kind})
        else:
            el = run._r.makeelement(qn("w:instrText"), {})
            el.text = text
        run._r.append(el)
    return save_as_dotx(tpl, tmp_path / "mall.dotx")


def test_a_dotx_template_keeps_header_and_its_page_number_footer(written, tmp_path) -> None:
    report, _, _ = written
    path = _dotx(tmp_path)
    load_template(path)
    data = report_to_docx(report, render_all(report.charts()), template=path)
    doc = Document(io.BytesIO(data))
    sec = doc.sections[0]
    assert sec.header.paragraphs[0].text == "Region Testland"
    xml = sec.footer._element.xml
    assert "PAGE" in xml and report.footer not in sec.footer.paragraphs[0].text
    assert doc.paragraphs[1].style.name == "Title"


def test_region_and_committee_names(region) -> None:
    ds, rf = region
    r: Report = build_report(ds, pd.Period("2023-04", "M"), rf, created=CREATED,
                             region="Region Jämtland Härjedalen", title="Regionstyrelsen")
    assert r.region == "Region Jämtland Härjedalen" and r.title == "Regionstyrelsen"
    assert r.footer.startswith("Region Jämtland Härjedalen · Regionstyrelsen")
