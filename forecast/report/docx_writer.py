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
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell, _Row
from docx.text.paragraph import Paragraph as DocxParagraph

from forecast.report import style as Y
from forecast.report.chartdata import alt_text
from forecast.report.docx_fonts import embed_report_font, set_setting
from forecast.report.docx_layout import Layout, breakable, fit_columns, parts
from forecast.report.docx_xml import (
    cell_element,
    inline_element,
    paragraph_element,
    part_element,
    row_element,
    table_element,
)
from forecast.report.model import Chart, Paragraph, Report, ReportTable, clean_text, typeset

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024
MAX_TEMPLATE_ENTRIES = 2000
MAX_TEMPLATE_UNPACKED = 200 * 1024 * 1024
CHART_WIDTH = Cm(14.5)
"""A Word chart's width at most (the PDF's are 16,6 cm, shrunk to fit the page's room; Word
cannot shrink a picture, so its charts are smaller and move to the next page less often)."""
CHART_SHARE = 0.9
"""A Word chart's width at most as a share of the text width (a template's narrow page)."""
TABLE_FONT = Pt(Y.TABLE_PT)
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
    size.set(qn("w:val"), str(round(Y.FOOTER_PT * 2)))
    r_pr.append(size)
    run.append(r_pr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    fld.append(run)
    paragraph_element(paragraph).append(fld)


def _has_field(element: object) -> bool:
    """Whether an XML part holds a field (e.g. the template's own page number)."""
    xml = getattr(element, "xml", "")
    return "w:fldSimple" in xml or "w:instrText" in xml or "w:fldChar" in xml


def _footer(doc: DocxDocument, report: Report, *, keep_existing: bool) -> None:
    for section in doc.sections:
        footer = section.footer
        if keep_existing and (any(p.text.strip() for p in footer.paragraphs)
                              or _has_field(part_element(footer))):
            continue
        p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        p.text = ""
        run = p.add_run(f"{typeset(clean_text(report.footer), joiner=True)} · Sida ")
        run.font.size = Pt(Y.FOOTER_PT)
        _field(p, "PAGE")
        p.add_run(" av ").font.size = Pt(Y.FOOTER_PT)
        _field(p, "NUMPAGES")


def _font(style: object, name: str) -> None:
    r_fonts = style.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        r_fonts.set(qn(attr), name)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        r_fonts.attrib.pop(qn(attr), None)


def _no_border(style: object) -> None:
    """No paragraph border and no letter spacing (python-docx's Subtitle spaces its letters)."""
    element = style.element  # type: ignore[attr-defined]
    for parent, tag in (("w:pPr", "w:pBdr"), ("w:rPr", "w:spacing")):
        pr = element.find(qn(parent))
        if pr is not None:
            for b in pr.findall(qn(tag)):
                pr.remove(b)


def _default_look(doc: DocxDocument) -> None:
    """The report's one look (:mod:`forecast.report.style`), as the PDF has it.

    The font is DejaVu Sans, embedded in the document (:mod:`forecast.report.docx_fonts`),
    so Word shows the PDF's letters; headings dark blue and bold, no Word theme colours.
    """
    looks = {"Normal": (Y.BODY_PT, False, Y.INK, 0.0, Y.PARAGRAPH_AFTER_PT),
             "Title": (Y.TITLE_PT, True, Y.INK, 0.0, 0.0),
             "Subtitle": (Y.SUBTITLE_PT, False, Y.INK, 0.0, Y.HEADING_BELOW_PT[1]),
             "Heading 1": (Y.HEADING_PT[1], True, Y.HEADING_COLOUR, Y.HEADING_ABOVE_PT[1],
                           Y.HEADING_BELOW_PT[1]),
             "Heading 2": (Y.HEADING_PT[2], True, Y.HEADING_COLOUR, Y.HEADING_ABOVE_PT[2],
                           Y.HEADING_BELOW_PT[2]),
             "Caption": (Y.BODY_PT, False, Y.INK, Y.PARAGRAPH_AFTER_PT, 3.0)}
    for name, (size, bold, colour, above, below) in looks.items():
        style = doc.styles[name]
        _font(style, Y.FONT)
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = False
        style.font.color.rgb = RGBColor.from_string(colour)
        style.paragraph_format.space_before = Pt(above)
        style.paragraph_format.space_after = Pt(below)
        style.paragraph_format.line_spacing = 1.1
        _no_border(style)
    for name in ("Heading 1", "Heading 2", "Caption"):
        doc.styles[name].paragraph_format.keep_with_next = True
    region = doc.styles.add_style(REGION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    region.base_style = doc.styles["Normal"]
    region.font.size = Pt(Y.REGION_PT)
    region.font.color.rgb = RGBColor.from_string(Y.MUTED)
    region.paragraph_format.space_after = Pt(0)
    embed_report_font(doc)


REGION_STYLE = "Region"


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
    set_setting(doc, "w:autoHyphenation", {"w:val": "false"})
    set_setting(doc, "w:themeFontLang", {"w:val": LANGUAGE})
    doc.core_properties.language = LANGUAGE


def _page_setup(doc: DocxDocument) -> None:
    _default_look(doc)
    for s in doc.sections:
        s.page_width, s.page_height = Cm(Y.PAGE_CM[0]), Cm(Y.PAGE_CM[1])
        s.left_margin = s.right_margin = Cm(Y.MARGIN_X_CM)
        s.top_margin, s.bottom_margin = Cm(Y.MARGIN_TOP_CM), Cm(Y.MARGIN_BOTTOM_CM)


def _cell_text(cell: _Cell, text: str, *, bold: bool, right: bool,
               size: Pt = TABLE_FONT) -> None:
    p = cell.paragraphs[0]
    run = p.add_run(typeset(text, joiner=True))
    run.font.size = size
    run.bold = bold
    if right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = 1.0
    _mark_size(p, size)


def _mark_size(p: DocxParagraph, size: Pt) -> None:
    """The paragraph mark at the text's size, so a row is as high as its text (not Normal's)."""
    r_pr = paragraph_element(p).get_or_add_pPr().find(qn("w:rPr"))
    if r_pr is None:
        r_pr = OxmlElement("w:rPr")
        paragraph_element(p).get_or_add_pPr().append(r_pr)
    for tag in ("w:sz", "w:szCs"):
        el = OxmlElement(tag)
        el.set(qn("w:val"), str(round(size.pt * 2)))
        r_pr.append(el)


def _repeat_header(row: _Row) -> None:
    tr_pr = row_element(row).get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _text_width(doc: DocxDocument) -> int:
    """The body's text width (EMU) of the last section: the page less its margins."""
    sec = doc.sections[-1]
    width = (sec.page_width or Cm(21.0)) - (sec.left_margin or 0) - (sec.right_margin or 0)
    return int(width) if width > Cm(5) else int(Cm(16.6))


def _cell_margins(doc: DocxDocument, *, house: bool) -> float:
    """Left plus right cell margin (pt): the house look's, or the template's table style's."""
    if house:
        return 2 * Y.CELL_PAD_X_PT
    style = _style(doc, "Table Grid")
    mar = doc.styles[style].element.find(f"{qn('w:tblPr')}/{qn('w:tblCellMar')}") \
        if style else None
    total = 0.0
    for side, alt in (("w:left", "w:start"), ("w:right", "w:end")):
        el = None if mar is None else mar.find(qn(side))
        if el is None and mar is not None:
            el = mar.find(qn(alt))
        twips = el.get(qn("w:w")) if el is not None else None
        total += int(twips) / 20 if twips and twips.isdigit() else WORD_CELL_MARGIN_PT
    return total


WORD_CELL_MARGIN_PT = 5.4
"""Word's default left/right cell margin (0,19 cm)."""


def _set_widths(t: Table, widths_pt: tuple[float, ...]) -> None:
    t.autofit = False
    sizes = [Pt(w) for w in widths_pt]
    for j, col in enumerate(t.columns):
        col.width = sizes[j]
    for row in t.rows:
        for j, cell in enumerate(row.cells):
            cell.width = sizes[j]


def _house_table(t: Table, *, pad_x: float = Y.CELL_PAD_X_PT, pad_y: float = Y.CELL_PAD_Y_PT,
                 grid: str = Y.GRID, borders: bool = True) -> None:
    """The PDF's table look: thin grey grid, shaded header row, tight cell margins.

    With ``borders`` False only the cell margins are set (a template's table keeps its grid).
    """
    tbl_pr = table_element(t).tblPr
    mar = OxmlElement("w:tblCellMar")
    for side, pt in (("top", pad_y), ("left", pad_x), ("bottom", pad_y), ("right", pad_x)):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(round(pt * 20)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    kept = tbl_pr.find(qn("w:tblBorders"))
    for old in (kept, tbl_pr.find(qn("w:tblCellMar"))):
        if old is not None:
            tbl_pr.remove(old)
    grid_el = _borders(grid) if borders else kept
    layout = tbl_pr.find(qn("w:tblLayout"))
    if layout is not None:  # schema order: tblBorders, shd, tblLayout, tblCellMar
        if grid_el is not None:
            layout.addprevious(grid_el)
        layout.addnext(mar)
    else:
        if grid_el is not None:
            tbl_pr.append(grid_el)
        tbl_pr.append(mar)


def _borders(grid: str) -> object:
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        for k, v in (("w:val", "single"), ("w:sz", str(round(Y.GRID_PT * 8))),
                     ("w:space", "0"), ("w:color", grid)):
            el.set(qn(k), v)
        borders.append(el)
    return borders


def _shade(cell: _Cell, fill: str) -> None:
    tc_pr = cell_element(cell).get_or_add_tcPr()
    shade = OxmlElement("w:shd")
    shade.set(qn("w:val"), "clear")
    shade.set(qn("w:color"), "auto")
    shade.set(qn("w:fill"), fill)
    tc_pr.append(shade)


def add_table(doc: DocxDocument, table: ReportTable, *, house: bool = True) -> None:
    """A printed table: title, header row (repeated on each page), body, note.

    Column widths and text size come from the cells (:mod:`forecast.report.docx_layout`) and
    the document's text width (the template's, when one is used); a table too wide for 7 pt
    is printed in parts, each repeating the label column. ``house`` gives the table the PDF's
    look; a template's table style stays, with the house's tight cell margins when its own
    would push the text below 7 pt.
    """
    title = doc.add_paragraph(style=_style(doc, "Caption"))
    title.add_run(clean_text(table.title)).bold = True
    title.paragraph_format.keep_with_next = True
    header, body = table.header(), table.body()
    rows = [[typeset(clean_text(c), joiner=True) for c in r] for r in [header, *body]]
    width = _text_width(doc) / 12700
    pad = _cell_margins(doc, house=house)
    tight = not house and pad > 2 * Y.CELL_PAD_X_PT and \
        len(parts(rows, width, Y.table_pt(len(header)), pad, table.break_indexes())) > 1
    if tight:
        pad = 2 * Y.CELL_PAD_X_PT
    text_cols = {j + 1 for j, c in enumerate(table.frame.columns) if c in table.text_columns}
    bold = table.bold_rows()
    for k, (cols, layout) in enumerate(parts(rows, width, Y.table_pt(len(header)), pad,
                                             table.break_indexes())):
        if k:
            gap = doc.add_paragraph()
            gap.paragraph_format.keep_with_next = True
            gap.paragraph_format.space_after = Pt(0)
        t = _table_part(doc, [[r[j] for j in cols] for r in rows], layout,
                        [j not in text_cols for j in cols], bold, house=house)
        if tight:
            _house_table(t, pad_y=0.0, borders=False)
    if table.note:  # the last row goes along with the note
        for cell in t.rows[-1].cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        note = doc.add_paragraph()
        r = note.add_run(clean_text(table.note))
        r.italic, r.font.size = True, Pt(Y.NOTE_PT)


def _table_part(doc: DocxDocument, rows: list[list[str]], layout: Layout,
                figures: list[bool], bold: list[bool], *, house: bool) -> Table:
    """One Word table of ``rows`` (header first); ``figures``: which columns are right-aligned."""
    t = doc.add_table(rows=len(rows), cols=len(rows[0]))
    t.style = _style(doc, "Table Grid")
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    size = Pt(layout.size_pt)
    cells = [r.cells for r in t.rows]  # python-docx rebuilds a row's cells on each access
    for j, h in enumerate(rows[0]):
        _cell_text(cells[0][j], h, bold=True, right=j > 0 and figures[j], size=size)
        if house:
            _shade(cells[0][j], Y.TABLE_HEADER_FILL)
    _repeat_header(t.rows[0])
    for i, row in enumerate(rows[1:], start=1):
        for j, text in enumerate(row):
            _cell_text(cells[i][j], text, bold=bold[i - 1], right=j > 0 and figures[j],
                       size=size)
            if i < len(rows) - 1 and len(rows) <= 9:  # a short table stays on one page
                cells[i][j].paragraphs[0].paragraph_format.keep_with_next = True
    for j in range(len(rows[0])):
        cells[0][j].paragraphs[0].paragraph_format.keep_with_next = True
    _set_widths(t, layout.widths_pt)
    if house:
        _house_table(t)
    return t


def chart_width(text_width: int) -> int:
    """A Word chart's width (EMU) on a page of ``text_width`` (EMU)."""
    return min(int(CHART_WIDTH), int(CHART_SHARE * text_width))


def add_chart(doc: DocxDocument, chart: Chart, png: bytes) -> None:
    """A chart picture with its caption."""
    shape = doc.add_picture(io.BytesIO(png), width=chart_width(_text_width(doc)))
    doc_pr = inline_element(shape).docPr
    doc_pr.set("descr", clean_text(typeset(alt_text(chart), joiner=False)))
    doc_pr.set("title", clean_text(chart.title))
    picture = doc.paragraphs[-1]
    picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # single line spacing: a multiple (Normal's 1,1) would add a tenth of the picture's height
    fmt = picture.paragraph_format
    fmt.line_spacing, fmt.space_before, fmt.space_after = 1.0, Pt(2), Pt(2)
    fmt.keep_with_next = bool(chart.caption)  # the caption goes along
    if chart.caption:
        cap = doc.add_paragraph()
        r = cap.add_run(clean_text(chart.caption))
        r.italic, r.font.size = True, Pt(Y.CAPTION_PT)


def _heading(doc: DocxDocument, text: str, level: int) -> None:
    style = _style(doc, f"Heading {level}")
    if style:
        doc.add_paragraph(clean_text(text), style=style)
    else:
        p = doc.add_paragraph()
        r = p.add_run(clean_text(text))
        r.bold, r.font.size = True, Pt(16 - 2 * level)


def _appendix(doc: DocxDocument, report: Report, *, house: bool) -> None:
    """The appendix: the method in words, the provenance table, the scenario's assumptions."""
    _heading(doc, APPENDIX, 1)
    doc.paragraphs[-1].paragraph_format.page_break_before = True  # no blank page after a full one
    tables = report.tables()
    for block in report.appendix:
        if isinstance(block, Paragraph):
            doc.add_paragraph(report_text(block, tables))
    t = doc.add_table(rows=len(report.provenance), cols=2)
    t.style = _style(doc, "Table Grid")
    rows = [[clean_text(k), clean_text(v)] for k, v in report.provenance]
    # measured as if a long hash could wrap: Word breaks a word wider than its cell itself
    layout = fit_columns([[k, breakable(v)] for k, v in rows], _text_width(doc) / 12700,
                         Y.TABLE_PT, _cell_margins(doc, house=house))
    for row, (label, value) in zip(t.rows, rows, strict=True):
        _cell_text(row.cells[0], label, bold=True, right=False, size=Pt(layout.size_pt))
        _cell_text(row.cells[1], value, bold=False, right=False, size=Pt(layout.size_pt))
    _set_widths(t, layout.widths_pt)
    if house:
        _house_table(t)
    for block in report.appendix:
        if isinstance(block, ReportTable):
            doc.add_paragraph()
            add_table(doc, block, house=house)


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
    house = template is None
    if house:
        _page_setup(doc)
    _footer(doc, report, keep_existing=template is not None)
    _language(doc)
    tables = report.tables()
    if report.region:
        doc.add_paragraph(clean_text(report.region),
                          style=_style(doc, REGION_STYLE) or _style(doc, "Subtitle"))
    title = _style(doc, "Title")
    doc.add_paragraph(clean_text(report.title), style=title) if title else _heading(
        doc, report.title, 1)
    doc.add_paragraph(clean_text(report.subtitle), style=_style(doc, "Subtitle"))
    for section in report.sections:
        _heading(doc, section.heading, section.level)
        if section.boxed:
            _box(doc, [report_text(b, tables) for b in section.blocks
                       if isinstance(b, Paragraph)], house=house)
            continue
        for block in section.blocks:
            if isinstance(block, ReportTable):
                add_table(doc, block, house=house)
            elif isinstance(block, Chart):
                add_chart(doc, block, charts[block.key])
            elif isinstance(block, Paragraph):
                doc.add_paragraph(report_text(block, tables))
    _appendix(doc, report, house=house)
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


def _box(doc: DocxDocument, texts: list[str], *, house: bool) -> None:
    """The summary box: one shaded cell holding the paragraphs."""
    t = doc.add_table(rows=1, cols=1)
    t.style = _style(doc, "Table Grid")
    cell = t.rows[0].cells[0]
    cell.width = _text_width(doc)
    _shade(cell, Y.BOX_FILL)
    if house:
        _house_table(t, pad_x=Y.BOX_PAD_PT, pad_y=Y.BOX_PAD_PT * 0.6, grid=Y.BOX_BORDER)
    for i, text in enumerate(texts):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        p.add_run(text)
        p.paragraph_format.space_after = Pt(4)
    doc.add_paragraph()
