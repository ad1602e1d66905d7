"""Issue 25 on the forecast of record: statistical, laid with an adjustment, and with a scenario.

Each variant is written as Word and PDF from ``report_of_record`` (a store per module, laid
March and April, the adjustment −6 mkr Medicin personnel Oct–Dec, the change since March from
the laid versions) and read back as text:

- one printed figure per quantity: every phrase that prints a quantity (box, sentences,
  scenario) gives the same figure, and related quantities agree (the scenario's base is the
  year's forecast; the change ends at the year's deviation);
- one look: Word's styles are the PDF's (forecast/report/style.py), the font is embedded;
- the appendix: the scenario's assumptions as a Swedish table, the method in words, local time;
- pages: no page of the main text is left a third empty.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pypdfium2 as pdfium
import pytest
from docx import Document
from docx.shared import Cm, Pt
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader

from forecast.cycle.adjustments import Adjustment, apply_adjustments
from forecast.cycle.laid import build_laid
from forecast.cycle.laid_store import LaidStore
from forecast.cycle.record import Spec, resolve
from forecast.engine.region import standard_forecast
from forecast.followup import tables as F
from forecast.io.formatting import NBSP, fmt_number
from forecast.ledger.dataset import load_default
from forecast.report import figures as G
from forecast.report import style as Y
from forecast.report.builder import KEY_SCENARIO_SETTINGS
from forecast.report.charts import render_all
from forecast.report.cycle_change import laid_change
from forecast.report.docx_fonts import FACES, SETTINGS_ORDER, obfuscate
from forecast.report.docx_layout import parts
from forecast.report.docx_writer import APPENDIX, report_to_docx
from forecast.report.model import MINUS, typeset
from forecast.report.of_record import report_of_record
from forecast.report.pdf_writer import TEXT_WIDTH_PT, report_to_pdf
from forecast.store.statistical import StatisticalStore
from scenarios.files import load_scenario
from scenarios.reporting import risk_for
from tests.docx_support import save_as_dotx
from tests.report.fixtures import ARTIFACTS, page_fill
from tests.report.test_docx_layout import _greedy_lines

APRIL, MARCH = pd.Period("2023-04", "M"), pd.Period("2023-03", "M")
SPEC = Spec(n_paths=60, seed=0)
ADJ = Adjustment(comment="Dygnsvila från oktober", amount_tkr=-6000.0, division="Medicin",
                 category="Personalkostnader", start="2023-10", end="2023-12",
                 rule="prognos", author="Anna")
VARIANTS = ("statistical", "laid", "scenario")


def _fast(ds, as_of, *, n_paths, seed, method, progress):  # noqa: ANN001, ARG001
    return standard_forecast(ds, as_of, n_paths=n_paths, seed=seed, method="three_year_profile")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """(report, docx bytes, pdf bytes) per variant."""
    ds = load_default()
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'store.db'}"
    stat, laid = StatisticalStore(url), LaidStore(url)

    def rec(as_of):  # noqa: ANN001, ANN202
        return resolve(ds, as_of, dataset="exempel", laid=laid, store=stat, spec=SPEC,
                       compute=_fast)

    statistical = rec(APRIL)
    for as_of, adjs in ((MARCH, []), (APRIL, [ADJ])):
        base = rec(as_of)
        keys = base.statistical.keys
        cat = str(keys.loc[keys["account"] == "Personalkostnader", "category"].iloc[0])
        af = apply_adjustments(base.statistical, [replace(a, category=cat) for a in adjs])
        laid.lay(build_laid(af, dataset="exempel", author="Anna", comment=f"Lagd {as_of.month}/{as_of.year}",
                            method="test", stat_forecast_id=base.stat_id))
    laid_rec = rec(APRIL)
    change = laid_change(laid, "exempel", APRIL)
    scenario = load_scenario("scenarios/examples/kombinerat.yaml").model_copy(
        update={"n_draws": 1000})
    risk = risk_for(laid_rec.final, scenario, ds, base=laid_rec.heading())
    reports = {
        "statistical": report_of_record(ds, statistical, region="Region Exempel"),
        "laid": report_of_record(ds, laid_rec, change=change, region="Region Exempel"),
        "scenario": report_of_record(ds, laid_rec, change=change, risk=risk,
                                     region="Region Exempel"),
    }
    out = {}
    for name, r in reports.items():
        charts = render_all(r.charts())
        out[name] = (r, report_to_docx(r, charts), report_to_pdf(r, charts))
    return out


def _flat(text: str) -> str:
    return " ".join(text.replace("\u2060", "").replace(MINUS, "-").replace(NBSP, " ").split())


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def _pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def _text(written, variant: str, fmt: str) -> str:
    _, docx_bytes, pdf_bytes = written[variant]
    return _flat(_docx_text(docx_bytes) if fmt == "docx" else _pdf_text(pdf_bytes))


N = r"(-?\d{1,3}(?: \d{3})*(?:,\d+)?)"
QUANTITIES: dict[str, tuple[str, ...]] = {
    "net to date": (rf"nettokostnaden är {N} mkr", rf"Nettokostnaden uppgick till {N} mkr"),
    "net this year": (rf"nettokostnaden beräknas till {N} mkr", rf"är en nettokostnad på {N} mkr",
                      rf"mot basprognosens {N} mkr"),
    "budget this year": (rf"mot budgeterade {N} mkr",),
    "deviation this year": (rf"det vill säga {N} mkr (?:sämre|bättre) än budget",),
    "range this year": (rf"\(80 % sannolikhet mellan {N} och {N} mkr\)",
                        rf"Med 80 % sannolikhet hamnar nettokostnaden mellan {N} och {N} mkr"),
    "balance": (rf"Sannolikheten för en budget i balans är {N} %",),
    "change": (rf"har prognosen (?:försämrats|förbättrats) med {N} mkr",),
    "agency share": (rf"Hyrandel \(rullande 12 månader till och med \w+\): {N} %",
                     rf"Hyrandelen, rullande 12 månader, är {N} %"),
    "development": (rf"Nettokostnadsutveckling januari–april: {N} %",
                    rf"Nettokostnadsutvecklingen för januari–april var {N} %"),
}


def _values(text: str, phrases: tuple[str, ...]) -> tuple[set, list[int]]:
    found, counts = set(), []
    for ph in phrases:
        hits = re.findall(ph, text)
        counts.append(len(hits))
        found |= set(hits)
    return found, counts


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_each_quantity_is_printed_with_one_value(written, variant: str, fmt: str) -> None:
    report, _, _ = written[variant]
    text = _text(written, variant, fmt)
    for name, phrases in QUANTITIES.items():
        values, counts = _values(text, phrases)
        if name == "change" and variant == "statistical":
            assert not values
            continue
        assert len(values) == 1, (variant, fmt, name, values)
        if name in ("net to date", "agency share", "development"):
            assert all(counts), (name, counts)  # said in the box and in the section
    f = report.tables()[G.KEY_FORECAST]
    net = f.text(F.NET, G.PROGNOS).replace(NBSP, " ")
    assert _values(text, QUANTITIES["net this year"])[0] == {net}
    dev = f.text(F.NET, G.AVVIKELSE).replace(NBSP, " ")
    assert _values(text, QUANTITIES["deviation this year"])[0] == {dev.lstrip("-")}
    if variant != "statistical":  # the change ends at the year's deviation, its size once
        (start, end), = set(re.findall(rf"från {N} till {N} mkr på helår", text))
        assert end == dev
        (delta,) = _values(text, QUANTITIES["change"])[0]
        moved = float(end.replace(" ", "").replace(",", ".")) - float(
            start.replace(" ", "").replace(",", "."))
        assert float(delta.replace(" ", "").replace(",", ".")) == abs(moved)
    if variant == "scenario":  # the scenario starts from the year's forecast as printed
        assert re.search(rf"mot basprognosens {re.escape(net)} mkr", text)


# ----------------------------------------------------------------- one look


def _xml(data: bytes, part: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(part))


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def test_word_styles_are_the_pdfs(written) -> None:
    _, docx_bytes, _ = written["laid"]
    doc = Document(io.BytesIO(docx_bytes))
    for name, size, colour in (("Normal", Y.BODY_PT, Y.INK), ("Title", Y.TITLE_PT, Y.INK),
                               ("Heading 1", Y.HEADING_PT[1], Y.HEADING_COLOUR),
                               ("Heading 2", Y.HEADING_PT[2], Y.HEADING_COLOUR)):
        style = doc.styles[name]
        assert style.font.size.pt == size and str(style.font.color.rgb) == colour, name
        fonts = style.element.rPr.rFonts
        assert fonts.get(f"{W}ascii") == Y.FONT and fonts.get(f"{W}asciiTheme") is None
    # the subtitle as the PDF sets it: no letter spacing, not italic
    subtitle = doc.styles["Subtitle"]
    assert subtitle.element.rPr.find(f"{W}spacing") is None and not subtitle.font.italic
    body = _xml(docx_bytes, "word/document.xml")
    fills = {s.get(f"{W}fill") for s in body.iter(f"{W}shd")}
    assert {Y.TABLE_HEADER_FILL, Y.BOX_FILL} <= fills
    colours = {b.get(f"{W}color") for b in body.iter(f"{W}insideH")}
    assert colours == {Y.GRID, Y.BOX_BORDER}


def test_word_embeds_the_pdfs_font_and_keeps_settings_in_order(written) -> None:
    _, docx_bytes, pdf_bytes = written["laid"]
    table = _xml(docx_bytes, "word/fontTable.xml")
    font = next(f for f in table.iter(f"{W}font") if f.get(f"{W}name") == Y.FONT)
    embeds = [e for e in font if e.tag.startswith(f"{W}embed")]
    assert len(embeds) == len(FACES)
    rels = _xml(docx_bytes, "word/_rels/fontTable.xml.rels")
    targets = {r.get("Id"): r.get("Target") for r in rels}
    with zipfile.ZipFile(io.BytesIO(docx_bytes)) as z:
        for e in embeds:
            rid = e.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            raw = z.read(f"word/{targets[rid]}")
            ttf = TTFont(io.BytesIO(obfuscate(raw, e.get(f"{W}fontKey"))))
            assert ttf["name"].getDebugName(1) == Y.FONT
            assert ord("\u2212") in ttf.getBestCmap() and ord("å") in ttf.getBestCmap()
        assert len(docx_bytes) < 1_500_000
    settings = [etree.QName(c).localname for c in _xml(docx_bytes, "word/settings.xml")]
    order = [t.split(":")[1] for t in SETTINGS_ORDER]
    known = [s for s in settings if s in order]
    assert known == sorted(known, key=order.index), "settings out of schema order"
    assert "embedTrueTypeFonts" in settings
    fonts = {str(f.get_object().get("/BaseFont")) for page in PdfReader(
        io.BytesIO(pdf_bytes)).pages for f in (page["/Resources"].get("/Font") or {}).values()}
    assert all("DejaVuSans" in f for f in fonts), fonts


# ----------------------------------------------------------------- appendix


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_appendix_has_a_swedish_assumptions_table_method_in_words_and_local_time(
        written, fmt: str) -> None:
    report, _, _ = written["scenario"]
    text = _text(written, "scenario", fmt)
    appendix = text[text.index(APPENDIX):]
    assert "{" not in appendix and '"type"' not in appendix and "combo" not in appendix
    assert "bottom-up" not in appendix
    assert "Årsprognosen är utfallet hittills plus en statistisk prognos" in appendix
    assert re.search(r"Skapad \d{4}-\d\d-\d\d \d\d:\d\d \(svensk tid\)", appendix)
    table = next(b for b in report.appendix if getattr(b, "key", "") == KEY_SCENARIO_SETTINGS)
    assert list(table.frame.columns) == ["Värde", "Intervall", "Källa"]
    wage = next(r for r in table.frame.index
                if "Löneökning" in r and "%" in r and r not in table.group_rows)
    assert table.frame.loc[wage].tolist()[:2] == ["4,1", "3,3–4,5"]
    ref = table.frame.loc[wage, "Källa"]  # a source is numbered, printed once in the note
    assert ref.isdigit()
    pieces = re.split(r" \((\d+)\) ", table.note)
    listed = list(zip(pieces[1::2], pieces[2::2], strict=True))
    assert [n for n, _ in listed] == [str(i) for i in range(1, len(listed) + 1)]
    assert any(m in dict(listed)[ref] for m in ("Märket", "märke"))
    assert len({src for _, src in listed}) == len(listed)
    settings = table.frame.drop(index=list(table.group_rows))
    assert set(settings["Källa"]) <= {"–", *(n for n, _ in listed)}
    assert "(1)" in appendix
    assert not re.search(r"Scenariots antagande(?!n)", appendix)  # not repeated per row
    start = next(r for r in table.frame.index
                 if r.startswith("Dygnsvila vårdpersonal") and "startmånad" in r)
    assert table.frame.loc[start, "Värde"] == "oktober 2023"
    for row in table.body()[:5]:
        assert row[0] in appendix
    assert dict(report.provenance)["Prognosförändring"] == (
        "från lagd prognos mars 2023 version 1 till lagd prognos april 2023 version 1 "
        "(datamängd exempel)")
    # one heading row per lever, its settings named without the lever's prefix
    assert "Dygnsvila vårdpersonal:" not in appendix and "Dygnsvila läkare:" not in appendix
    body = table.body()
    at = [r[0] for r in body].index("Dygnsvila vårdpersonal")
    assert body[at][1:] == ["", "", ""] and table.bold_rows()[at]
    assert body[at + 1][0] == "Startmånad" and body[at + 1][1] == "oktober 2023"
    assert sum(r[0] == "Startmånad" for r in body) >= 2  # repeated under another lever


# ----------------------------------------------------------------- pages


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_page_of_the_main_text_is_left_a_third_empty(written, variant: str) -> None:
    _, _, pdf_bytes = written[variant]
    doc = pdfium.PdfDocument(pdf_bytes)
    texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    first_appendix = next(i for i, t in enumerate(texts) if APPENDIX in t)
    used = [page_fill(doc[i]) for i in range(first_appendix - 1)]  # the main text's last page ends
    assert all(u >= 2 / 3 for u in used), [round(u, 2) for u in used]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for i in range(len(doc)):
        doc[i].render(scale=1.2).to_pil().save(ARTIFACTS / f"variant-{variant}-p{i + 1}.png")


# ----------------------------------------------------------------- a region's template


def _narrow_serif_dotx(path: Path) -> Path:
    """A region's template: 3 cm margins, an 11 pt serif Normal, wide default cell margins."""
    tpl = Document()
    sec = tpl.sections[0]
    sec.left_margin = sec.right_margin = Cm(3.0)
    normal = tpl.styles["Normal"]
    normal.font.name, normal.font.size = "Liberation Serif", Pt(11)
    tpl.sections[0].header.paragraphs[0].text = "Region Smalland · Hälso- och sjukvårdsnämnden"
    return save_as_dotx(tpl, path)


def test_a_narrow_template_wraps_no_figure_in_its_columns(written, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (Debian libreoffice-writer) saknas: Word-sidan renderas inte")
    report, _, _ = written["laid"]
    src = tmp_path / "rapport.docx"
    src.write_bytes(report_to_docx(report, render_all(report.charts()),
                                   template=_narrow_serif_dotx(tmp_path / "mall.dotx")))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=240)
    pdf = (tmp_path / "rapport.pdf").read_bytes()
    lines = [ln.replace(NBSP, " ").replace("\u2060", "").replace(MINUS, "-")
             for p in PdfReader(io.BytesIO(pdf)).pages for ln in p.extract_text().split("\n")]
    category = report.tables()[G.KEY_CATEGORY]
    checked = 0
    for row in category.body():
        if row[0] in category.total_rows:
            for cell in row[1:]:
                figure = cell.replace(NBSP, " ").replace(MINUS, "-")
                assert any(figure in ln for ln in lines), (row[0], figure)
                checked += 1
    assert checked >= 16
    doc = pdfium.PdfDocument(pdf)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for i in range(min(3, len(doc))):
        doc[i].render(scale=1.2).to_pil().save(ARTIFACTS / f"mall-smal-p{i + 1}.png")
    # no table text below 7 pt: a table too wide for it comes in two parts
    xml = zipfile.ZipFile(src).read("word/document.xml").decode()
    sizes = [int(v) / 2 for tbl in re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S)
             for v in re.findall(r'<w:sz w:val="(\d+)"', tbl)]
    assert sizes and min(sizes) >= 7.0, sorted(set(sizes))
    assert xml.count("Kostnadsslag, tkr") == 2  # the category table in its two parts
    # pages: none of the main text a third empty (Word breaks where LibreOffice does)
    texts = [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    first_appendix = next(i for i, t in enumerate(texts) if APPENDIX in t)
    fill = [page_fill(doc[i]) for i in range(len(doc))]
    assert all(f >= 2 / 3 for f in fill[:first_appendix - 1]), [round(f, 2) for f in fill]
    assert all(f > 0.05 for f in fill), "a blank page"


# ----------------------------------------------------------------- charts


def test_word_charts_are_narrower_than_the_text_centred_and_single_spaced(written) -> None:
    _, docx_bytes, _ = written["laid"]
    doc = Document(io.BytesIO(docx_bytes))
    sec = doc.sections[0]
    text_width = sec.page_width - sec.left_margin - sec.right_margin
    pictures = [p for p in doc.paragraphs if p._p.xpath(".//pic:pic")]
    assert len(pictures) >= 3
    for p in pictures:
        width = int(p._p.xpath(".//wp:extent/@cx")[0])
        assert width == min(int(Cm(14.5)), int(0.9 * text_width))
        assert p.alignment == 1 and p.paragraph_format.line_spacing == 1.0  # centred, single
        assert p.paragraph_format.keep_with_next  # with its caption


def _alts(node, out: list[str], depth: int = 0) -> list[str]:  # noqa: ANN001
    node = node.get_object() if hasattr(node, "get_object") else node
    if depth > 60:
        return out
    if isinstance(node, dict):
        if "/Alt" in node:
            out.append(str(node["/Alt"]))
        kids = node.get("/K")
        if kids is not None:
            _alts(kids, out, depth + 1)
    elif isinstance(node, list):
        for k in node:
            _alts(k, out, depth + 1)
    return out


def test_charts_have_alt_text_in_both_formats_with_their_printed_figures(written) -> None:
    report, docx_bytes, pdf_bytes = written["scenario"]
    charts = report.charts()
    descr = [s._inline.docPr.get("descr") for s in Document(io.BytesIO(docx_bytes)).inline_shapes]
    root = PdfReader(io.BytesIO(pdf_bytes)).trailer["/Root"]
    alts = _alts(root["/StructTreeRoot"], [])
    assert len(descr) == len(charts) and len(alts) >= len(charts)
    for d in descr:
        assert d.startswith(("Linjediagram", "Vattenfallsdiagram")) and d in alts
    bridge = next(c for c in charts if c.kind == "bridge")
    d = descr[charts.index(bridge)]
    for v in bridge.data["Värde"]:  # every bar's value label is in the alt text
        assert typeset(fmt_number(v)) in d


def test_waterfall_axis_on_even_ticks_and_cut_only_when_steps_are_small() -> None:
    from forecast.report.chartdata import bridge_is_cut, bridge_levels
    from forecast.report.charts import _bridge_range

    small = [-535.0, -3.0, -13.0, -6.0, -557.0]
    kinds = ["start", "step", "step", "step", "end"]
    assert bridge_is_cut(small, kinds)
    lo, hi = _bridge_range(*bridge_levels(small, kinds), kinds, cut=True)
    assert lo <= -557 and -535 <= hi < 0 and hi - lo < 100
    assert lo % 5 == 0 and hi % 5 == 0  # on the ticks (even steps of 1, 2, 2,5, 5 or 10)
    big = [-100.0, -60.0, 30.0, -130.0]
    kinds4 = ["start", "step", "step", "end"]
    assert not bridge_is_cut(big, kinds4)
    lo, hi = _bridge_range(*bridge_levels(big, kinds4), kinds4, cut=False)
    assert hi == 0.0 and lo <= -160


def test_months_and_bands_are_readable_in_august_2022() -> None:
    from forecast.report.chartdata import fan_chart, share_chart
    from forecast.report.charts import render
    from tests.report.fixtures import fast_forecast

    ds = load_default()
    rf = fast_forecast(ds, "2022-08", 60)
    fan = fan_chart(ds, rf)
    future = fan.data.iloc[8:]
    assert (future["P90"] - future["P10"] > 0).all()  # a band to see (its edges are drawn)
    share = share_chart(ds, pd.Period("2022-08", "M"), 2.0)
    from forecast.io.formatting import month_label

    assert month_label(pd.Period(share.data["Månad"].iloc[-1], "M")) == "aug 2022"
    assert render(fan)[:4] == b"\x89PNG" and render(share)[:4] == b"\x89PNG"


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
@pytest.mark.parametrize("variant", VARIANTS)
def test_no_iso_month_is_printed_outside_quoted_user_text(written, variant: str,
                                                          fmt: str) -> None:
    text = re.sub(r"«[^»]*»", "«»", _text(written, variant, fmt))
    assert not re.findall(r".{0,30}\b\d{4}-\d\d\b(?!-\d\d).{0,10}", text)
    assert "april 2023" in text


@pytest.mark.parametrize("key", [G.KEY_SUMMARY, G.KEY_DIVISION])
def test_the_eleven_column_tables_headers_take_at_most_two_lines(written, key: str) -> None:
    report, _, _ = written["laid"]
    table = report.tables()[key]
    rows = [[typeset(c, joiner=True) for c in r] for r in [table.header(), *table.body()]]
    assert len(rows[0]) == 11 and f"Ack fg{NBSP}år" in rows[0] and "Utfall apr" in rows[0]
    pad = 2 * Y.CELL_PAD_X_PT  # the PDF's and Word's house look: one text width, one padding
    for cols, layout in parts(rows, TEXT_WIDTH_PT, Y.table_pt(11), pad, table.break_indexes()):
        for j, w in zip(cols, layout.widths_pt, strict=True):
            assert _greedy_lines(rows[0][j], (w - pad) / layout.size_pt) <= 2, rows[0][j]
    assert "Ack fg år = ackumulerat utfall" in table.note


def test_the_plans_sentence_says_whose_realisation_rate_gives_its_projection(written) -> None:
    report, _, _ = written["laid"]
    plan = report.tables()[G.KEY_PLAN]
    rows = [r for r in plan.frame.index if r != "Totalt"]
    for r in rows:  # each measure: reported + its remaining plan × its own rate
        f = plan.frame.loc[r]
        own = f["Rapporterad hittills"] + (f["Planerad årseffekt"] - f["Planerad hittills"]) \
            * f["Realisering %"] / 100
        assert abs(own - f["Prognos årseffekt"]) <= 0.25, r  # from printed (rounded) cells
    text = _text(written, "laid", "pdf")
    total = fmt_number(plan.cell("Totalt", "Prognos årseffekt"), 1)
    assert f"Med varje åtgärds egen realiseringsgrad på återstående plan beräknas planen ge " \
           f"{total} mkr" in text.replace(NBSP, " ").replace(MINUS, "-")
