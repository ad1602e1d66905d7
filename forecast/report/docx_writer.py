"""The report as a Word document (python-docx), optionally on the region's own template.

All text goes in as plain runs (never as fields or XML): the only fields are the page number
and page count that this module puts in the footer. A template (``--mall``) brings its styles,
page setup, header, footer and logo; its body text is replaced by the report.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph as DocxParagraph

from forecast.report.chartdata import alt_text
from forecast.report.model import Chart, Paragraph, Report, ReportTable, clean_text, typeset

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_TEMPLATE_ENTRIES = 2000
MAX_TEMPLATE_UNPACKED = 200 * 1024 * 1024
CHART_WIDTH = Cm(16)
TABLE_FONT = Pt(7.5)
APPENDIX = "Bilaga: Underlag och metod"


DOCX_MAIN = b"wordprocessingml.document.main+xml"
DOTX_MAIN = b"wordprocessingml.template.main+xml"
LANGUAGE = "sv-SE"


class TemplateError(ValueError):
    """A template file that cannot be used (Swedish message naming the file)."""


def _check_zip(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"Mallen {path.name} är {size // 1_000_000} MB; högst "
                            f"{MAX_TEMPLATE_BYTES // 1_000_000} MB tillåts.")
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
            types = z.read("[Content_Types].xml") if "[Content_Types].xml" in z.namelist() \
                else b""
    except zipfile.BadZipFile as exc:
        raise TemplateError(f"Mallen {path.name} är ingen Word-fil (.docx).") from exc
    if len(infos) > MAX_TEMPLATE_ENTRIES or \
            sum(i.file_size for i in infos) > MAX_TEMPLATE_UNPACKED:
        raise TemplateError(f"Mallen {path.name} packar upp till för mycket innehåll.")
    if not types or (DOCX_MAIN not in types and DOTX_MAIN not in types):
        what = "makron" if b"macroEnabled" in types else "fel innehållstyp"
        raise TemplateError(f"Mallen {path.name} duger inte ({what}); spara den som ett "
                            "vanligt Word-dokument (.docx).")


def _as_document(path: Path) -> io.BytesIO:
    """The template's package with a Word template's (.dotx) main part typed as a document."""
    out = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(DOTX_MAIN, DOCX_MAIN)
            dst.writestr(info, data)
    out.seek(0)
    return out


def load_template(path: Path | str) -> DocxDocument:
    """Open a region's .docx or .dotx template, checked and bounded before it is parsed.

    Raises:
        TemplateError: not a file, not .docx/.dotx, too large, macro-enabled or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise TemplateError(f"Mallen {path} finns inte.")
    if path.suffix.lower() not in (".docx", ".dotx"):
        raise TemplateError(f"Mallen {path.name} måste vara en .docx- eller .dotx-fil (inte "
                            f"{path.suffix or 'utan ändelse'}).")
    _check_zip(path)
    try:
        doc = Document(_as_document(path))
    except Exception as exc:  # python-docx raises several types for a broken package
        raise TemplateError(f"Mallen {path.name} kunde inte läsas som Word-dokument: "
                            f"{type(exc).__name__}.") from exc
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    return doc


def _style(doc: DocxDocument, name: str) -> str | None:
    # the style names are read once per document (listing them is slow)
    memo = vars(doc)
    names = memo.get("_budgetprognos_style_names")
    if names is None:
        names = memo["_budgetprognos_style_names"] = frozenset(str(s.name) for s in doc.styles)
    return name if name in names else None


def _field(paragraph: DocxParagraph, instr: str) -> None:
    """Append a fixed field (PAGE or NUMPAGES) to ``paragraph``."""
    if instr not in ("PAGE", "NUMPAGES"):
        raise ValueError(f"fältet {instr!r} är inte tillåtet")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    run = OxmlElement("w:r")
    r_pr = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "16")
    r_pr.append(size)
    run.append(r_pr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _has_field(element: object) -> bool:
    """Whether an XML part holds a field (e.g. the template's own page number)."""
    xml = getattr(element, "xml", "")
    return "w:fldSimple" in xml or "w:instrText" in xml or "w:fldChar" in xml


def _footer(doc: DocxDocument, report: Report, *, keep_existing: bool) -> None:
    for section in doc.sections:
        footer = section.footer
        if keep_existing and (any(p.text.strip() for p in footer.paragraphs)
                              or _has_field(footer._element)):
            continue
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.text = ""
        run = p.add_run(f"{typeset(clean_text(report.footer), joiner=True)} · Sida ")
        run.font.size = Pt(8)
        _field(p, "PAGE")
        p.add_run(" av ").font.size = Pt(8)
        _field(p, "NUMPAGES")


DEFAULT_FONT = "Arial"
"""Font of the default document (on every Windows/Mac; LibreOffice uses the metric-equal
Liberation Sans). A region's template keeps its own fonts."""


def _default_look(doc: DocxDocument) -> None:
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        style = doc.styles[name]
        style.font.name = DEFAULT_FONT
        r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            r_fonts.set(qn(attr), DEFAULT_FONT)
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
            r_fonts.attrib.pop(qn(attr), None)
    doc.styles["Normal"].font.size = Pt(10)
    doc.styles["Title"].font.size = Pt(22)


def _language(doc: DocxDocument) -> None:
    """Swedish (sv-SE) as the language, and no automatic hyphenation.

    Set in the document defaults and every character-bearing style, so Word's spelling and
    grammar check read Swedish; labels and headings are never split.
    """
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    targets = []
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is not None:
            targets.append(rpr_default.get_or_add_rPr() if hasattr(rpr_default, "get_or_add_rPr")
                           else rpr_default.find(qn("w:rPr")))
    targets += [s.element.get_or_add_rPr() for s in doc.styles
                if s.type == 1 and s.element.find(qn("w:rPr")) is not None]
    targets.append(doc.styles["Normal"].element.get_or_add_rPr())
    for rpr in (t for t in targets if t is not None):
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), LANGUAGE)
        lang.set(qn("w:eastAsia"), LANGUAGE)
        lang.set(qn("w:bidi"), "ar-SA")
    settings = doc.settings.element
    for tag, attrs in (("w:autoHyphenation", {"w:val": "false"}),
                       ("w:themeFontLang", {"w:val": LANGUAGE})):
        el = settings.find(qn(tag))
        if el is None:
            el = OxmlElement(tag)
            settings.append(el)
        for k, v in attrs.items():
            el.set(qn(k), v)
    doc.core_properties.language = LANGUAGE


def _page_setup(doc: DocxDocument) -> None:
    _default_look(doc)
    for s in doc.sections:
        s.page_width, s.page_height = Cm(21.0), Cm(29.7)
        s.left_margin = s.right_margin = Cm(2.2)
        s.top_margin, s.bottom_margin = Cm(2.0), Cm(2.0)


def _cell_text(cell: _Cell, text: str, *, bold: bool, right: bool,
               size: Pt = TABLE_FONT) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(typeset(text, joiner=True))
    run.font.size = size
    run.bold = bold
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.space_after = Pt(0)


def _repeat_header(row: _Row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _text_width(doc: DocxDocument) -> int:
    """The body's text width (EMU) of the last section: the page less its margins."""
    sec = doc.sections[-1]
    width = (sec.page_width or Cm(21.0)) - (sec.left_margin or 0) - (sec.right_margin or 0)
    return int(width) if width > Cm(5) else int(Cm(16.6))


CHAR_WIDTH = Pt(5.0)
"""About one (bold) character of the tables' text in a wide font (sharing the width by content)."""
CELL_PADDING = 4
"""Word's default cell margins (2 × 0,19 cm), in characters, plus one for bold."""


def _fitting_size(doc: DocxDocument, rows: list[list[str]], size: Pt) -> Pt:
    """The table's font size: smaller (down to 5,5 pt) until every column's longest word fits.

    Measured in a wide font, so a figure is never split across lines in Word or LibreOffice.
    """
    n = len(rows[0])
    chars = sum(max(len(w) for r in rows for w in r[j].split(" ")) + CELL_PADDING
                for j in range(n))
    fit = _text_width(doc) / (chars * CHAR_WIDTH / TABLE_FONT)
    return Pt(max(5.5, min(size.pt, int(fit) / 12700 * 2 // 1 / 2)))


def _widths(t: Table, rows: list[list[str]], width: int, size: Pt = TABLE_FONT) -> None:
    """Column widths from the content, within ``width`` (the template's text width).

    Every column gets at least its longest word (numbers never wrap: their thousands spaces
    are no-break); the width left over goes to columns whose lines are longer than that,
    the label column first.
    """
    n = len(rows[0])
    word = [max(len(w) for r in rows for w in r[j].split(" ")) + CELL_PADDING
            for j in range(n)]
    line = [max(len(r[j]) for r in rows) + CELL_PADDING for j in range(n)]
    chars = [float(w) for w in word]
    room = width / (CHAR_WIDTH * size / TABLE_FONT) - sum(chars)
    for j in sorted(range(n), key=lambda k: (k != 0, line[k] - word[k])):
        add = max(0.0, min(line[j] - word[j], room))
        chars[j] += add
        room -= add
    sizes = [int(width * c / sum(chars)) for c in chars]
    t.autofit = False
    for j, col in enumerate(t.columns):
        col.width = sizes[j]
    for row in t.rows:
        for j, cell in enumerate(row.cells):
            cell.width = sizes[j]


def add_table(doc: DocxDocument, table: ReportTable) -> None:
    """A printed table: title, header row (repeated on each page), body, note."""
    title = doc.add_paragraph(style=_style(doc, "Caption"))
    title.add_run(clean_text(table.title)).bold = True
    title.paragraph_format.keep_with_next = True
    header, body = table.header(), table.body()
    t = doc.add_table(rows=1 + len(body), cols=len(header))
    t.style = _style(doc, "Table Grid")
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = _fitting_size(doc, [header, *body],
                         Pt(6.5) if len(header) > 9 else Pt(7) if len(header) > 7 else TABLE_FONT)
    rows = list(t.rows)  # python-docx rebuilds a row's cells on each access: read them once
    for j, cell in enumerate(rows[0].cells):
        _cell_text(cell, clean_text(header[j]), bold=True, right=j > 0, size=size)
    _repeat_header(rows[0])
    totals = {clean_text(r) for r in table.total_rows}
    for i, row in enumerate(body, start=1):
        bold = row[0] in totals
        for j, cell in enumerate(rows[i].cells):
            _cell_text(cell, row[j], bold=bold, right=j > 0, size=size)
    _widths(t, [header, *body], _text_width(doc), size)
    if table.note:
        note = doc.add_paragraph()
        r = note.add_run(clean_text(table.note))
        r.italic, r.font.size = True, Pt(7.5)


def add_chart(doc: DocxDocument, chart: Chart, png: bytes) -> None:
    """A chart picture with its caption."""
    shape = doc.add_picture(io.BytesIO(png), width=min(CHART_WIDTH, _text_width(doc)))
    doc_pr = shape._inline.docPr
    doc_pr.set("descr", clean_text(typeset(alt_text(chart), joiner=False)))
    doc_pr.set("title", clean_text(chart.title))
    if chart.caption:
        cap = doc.add_paragraph()
        r = cap.add_run(clean_text(chart.caption))
        r.italic, r.font.size = True, Pt(8)


def _heading(doc: DocxDocument, text: str, level: int) -> None:
    style = _style(doc, f"Heading {level}")
    if style:
        doc.add_paragraph(clean_text(text), style=style)
    else:
        p = doc.add_paragraph()
        r = p.add_run(clean_text(text))
        r.bold, r.font.size = True, Pt(16 - 2 * level)


def _appendix(doc: DocxDocument, report: Report) -> None:
    doc.add_page_break()
    _heading(doc, APPENDIX, 1)
    t = doc.add_table(rows=len(report.provenance), cols=2)
    t.style = _style(doc, "Table Grid")
    for row, (label, value) in zip(t.rows, report.provenance, strict=True):
        first, second = row.cells
        _cell_text(first, clean_text(label), bold=True, right=False)
        _cell_text(second, clean_text(value), bold=False, right=False)
        first.width, second.width = Cm(5), Cm(11.6)


def report_to_docx(report: Report, charts: dict[str, bytes], *,
                   template: Path | str | None = None) -> bytes:
    """The report as .docx bytes.

    Args:
        report: the report model.
        charts: PNG bytes per chart key (:func:`forecast.report.charts.render_all`).
        template: a region's .docx template, or None for the plain default (A4).

    Raises:
        TemplateError: the template cannot be used.
    """
    doc = load_template(template) if template is not None else Document()
    if template is None:
        _page_setup(doc)
    _footer(doc, report, keep_existing=template is not None)
    _language(doc)
    tables = report.tables()
    if report.region:
        doc.add_paragraph(clean_text(report.region), style=_style(doc, "Subtitle"))
    title = _style(doc, "Title")
    doc.add_paragraph(clean_text(report.title), style=title) if title else _heading(
        doc, report.title, 1)
    doc.add_paragraph(clean_text(report.subtitle), style=_style(doc, "Subtitle"))
    for section in report.sections:
        _heading(doc, section.heading, section.level)
        if section.boxed:
            _box(doc, [report_text(b, tables) for b in section.blocks
                       if isinstance(b, Paragraph)])
            continue
        for block in section.blocks:
            if isinstance(block, ReportTable):
                add_table(doc, block)
            elif isinstance(block, Chart):
                add_chart(doc, block, charts[block.key])
            elif isinstance(block, Paragraph):
                doc.add_paragraph(report_text(block, tables))
    _appendix(doc, report)
    props = doc.core_properties
    props.title = clean_text(f"{report.title} – {report.subtitle}")[:255]
    props.author = "budgetprognos"
    props.created = props.modified = report.created.replace(tzinfo=None)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def report_text(paragraph: Paragraph, tables: dict[str, ReportTable]) -> str:
    """A paragraph's printed text (the same words and figures as the PDF).

    Word's minus is bound to its number by a word joiner as well.
    """
    return typeset(paragraph.render(tables), joiner=True)


def _box(doc: DocxDocument, texts: list[str]) -> None:
    """The summary box: one shaded cell holding the paragraphs."""
    t = doc.add_table(rows=1, cols=1)
    t.style = _style(doc, "Table Grid")
    cell = t.rows[0].cells[0]
    cell.width = _text_width(doc)
    tc_pr = cell._tc.get_or_add_tcPr()
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), "EEF3F8")
    tc_pr.append(shade)
    for i, text in enumerate(texts):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.add_run(text)
        p.paragraph_format.space_after = Pt(4)
    doc.add_paragraph()
