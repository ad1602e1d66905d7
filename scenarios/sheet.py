"""The one-page scenario sheet (``scenarios.comparison.Sheet``) as Word and as PDF.

Both writers print the same :class:`~scenarios.comparison.Sheet`, so the figures are the same
in both. The PDF is typeset by Typst from a fixed template (``sheet.typ``) with the sheet as
JSON in ``sys.inputs`` (no user text is read as markup), in DejaVu Sans from matplotlib's
package, as the committee report is (``forecast.report.pdf_writer``).
"""

from __future__ import annotations

import io
import json
import tempfile
from dataclasses import asdict
from pathlib import Path

from forecast.report.fonts import FONT_FAMILY, font_dir
from scenarios.comparison import Sheet

TEMPLATE = Path(__file__).with_name("sheet.typ")


def _clean(text: str) -> str:
    """Text without control characters (Word and Typst refuse some of them)."""
    return "".join(ch if ch.isprintable() or ch == " " else " " for ch in str(text))


def sheet_payload(s: Sheet) -> dict[str, object]:
    """The JSON the Typst template reads (every printed text of the sheet)."""
    d = asdict(s)
    d["tables"] = [{"title": _clean(t.title), "header": [_clean(h) for h in t.header],
                    "rows": [[_clean(c) for c in r] for r in t.rows], "note": _clean(t.note)}
                   for t in s.tables]
    d["headlines"] = [_clean(h) for h in s.headlines]
    d["title"], d["subtitle"], d["footer"] = _clean(s.title), _clean(s.subtitle), \
        _clean(s.footer)
    d["font"] = FONT_FAMILY
    d["provenance"] = provenance_line(s)
    return d


def provenance_line(s: Sheet) -> str:
    """The sheet's provenance as one line of small print (both formats print it)."""
    return "Underlag: " + "; ".join(f"{_clean(k)}: {_clean(v)}" for k, v in s.provenance)


def sheet_to_pdf(s: Sheet) -> bytes:
    """The sheet as PDF bytes (A4)."""
    import typst

    payload = json.dumps(sheet_payload(s), ensure_ascii=False)
    with tempfile.TemporaryDirectory(prefix="budgetprognos-blad-") as tmp:
        main = Path(tmp) / "sheet.typ"
        main.write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        pdf = typst.compile(str(main), root=tmp, font_paths=[str(font_dir())],
                            ignore_system_fonts=True, sys_inputs={"data": payload})
    return bytes(pdf)


def sheet_to_docx(s: Sheet) -> bytes:
    """The sheet as Word bytes (A4, narrow margins, the provenance as core properties)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.left_margin = sec.right_margin = Cm(1.6)
    sec.top_margin = sec.bottom_margin = Cm(1.4)
    style = doc.styles["Normal"]
    style.font.name, style.font.size = FONT_FAMILY, Pt(8.5)
    doc.core_properties.title = _clean(s.title)
    doc.core_properties.language = "sv-SE"
    doc.add_heading(_clean(s.title), level=1)
    doc.add_paragraph(_clean(s.subtitle))
    for h in s.headlines:
        doc.add_paragraph().add_run(_clean(h)).bold = True
    for t in s.tables:
        doc.add_paragraph().add_run(_clean(t.title)).bold = True
        table = doc.add_table(rows=1, cols=len(t.header))
        table.style = "Table Grid"
        for cell, h in zip(table.rows[0].cells, t.header, strict=True):
            cell.text = _clean(h)
        for row in t.rows:
            cells = table.add_row().cells
            for j, (cell, text) in enumerate(zip(cells, row, strict=True)):
                cell.text = _clean(text)
                if j > 0:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for row in table.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    for r in p.runs:
                        r.font.size = Pt(7.5)
        if t.note:
            doc.add_paragraph(_clean(t.note)).runs[0].font.size = Pt(7)
    doc.add_paragraph(provenance_line(s)).runs[0].font.size = Pt(6.5)
    doc.sections[0].footer.paragraphs[0].text = _clean(s.footer)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
