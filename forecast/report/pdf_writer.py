"""The report as PDF, typeset by Typst (the ``typst`` PyPI package: no outside binary).

The PDF is tagged and meets PDF/UA-1 as Typst checks it (document title, language sv-SE,
alt text on every chart, table header rows); minus signs are U+2212, never hyphenated.

The Typst source is fixed (``report.typ`` beside this module); the report reaches it as JSON
through ``sys.inputs``, so no user text is ever parsed as markup. Fonts: DejaVu Sans from
matplotlib's package (:mod:`forecast.report.fonts`), system fonts ignored.
"""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import typst

from forecast.report.chartdata import alt_text
from forecast.report.docx_layout import breakable, fit_columns, parts
from forecast.report.docx_writer import APPENDIX
from forecast.report.fonts import font_dir
from forecast.report.model import Chart, Paragraph, Report, ReportTable, clean_text, typeset
from forecast.report.style import CELL_PAD_X_PT, TEXT_WIDTH_CM, table_pt, typst_style

TEMPLATE = Path(__file__).with_name("report.typ")
APPENDIX_PT = 7.0
"""The appendix's reference tables (provenance, the scenario's assumptions): compact."""
TEXT_WIDTH_PT = TEXT_WIDTH_CM / 2.54 * 72


def _block(block: object, tables: dict[str, ReportTable],
           preferred_pt: float | None = None) -> dict[str, Any]:
    if isinstance(block, ReportTable):
        header = block.header()
        rows = [[typeset(clean_text(c)) for c in r] for r in [header, *block.body()]]
        text_cols = {j + 1 for j, c in enumerate(block.frame.columns)
                     if c in block.text_columns}
        bold = block.bold_rows()
        return {"kind": "table", "title": clean_text(block.title), "parts": [
            {"size": layout.size_pt, "widths": [round(w, 2) for w in layout.widths_pt],
             "header": [rows[0][j] for j in cols],
             "rows": [{"cells": [r[j] for j in cols], "total": b}
                      for r, b in zip(rows[1:], bold, strict=True)],
             "text_cols": [k for k, j in enumerate(cols) if j in text_cols]}
            for cols, layout in parts(rows, TEXT_WIDTH_PT, preferred_pt or table_pt(len(header)),
                                      2 * CELL_PAD_X_PT, block.break_indexes())],
                "n_rows": len(rows) - 1, "note": clean_text(block.note)}
    if isinstance(block, Chart):
        return {"kind": "chart", "file": f"{block.key}.png", "ratio": 0.41,
                "caption": clean_text(block.caption),
                "alt": typeset(alt_text(block))}
    if isinstance(block, Paragraph):
        return {"kind": "p", "text": typeset(block.render(tables))}
    raise TypeError(f"okänt block {type(block).__name__}")


def report_payload(report: Report) -> dict[str, Any]:
    """The JSON the Typst template reads: every printed text of the report."""
    tables = report.tables()
    prov = [[clean_text(k), breakable(typeset(clean_text(v)))] for k, v in report.provenance]
    return {
        "title": clean_text(report.title), "subtitle": clean_text(report.subtitle),
        "region": clean_text(report.region),
        "footer": clean_text(report.footer), "style": typst_style(), "appendix": APPENDIX,
        "sections": [{"heading": clean_text(s.heading), "level": s.level, "boxed": s.boxed,
                      "blocks": [_block(b, tables) for b in s.blocks]}
                     for s in report.sections],
        "provenance": prov,
        "appendix_pt": APPENDIX_PT,
        "provenance_widths": [round(w, 2) for w in fit_columns(
            prov, TEXT_WIDTH_PT, APPENDIX_PT, 2 * CELL_PAD_X_PT).widths_pt],
        "appendix_blocks": [_block(b, tables, APPENDIX_PT) for b in report.appendix],
    }


def _lead_last_chart(sections: list[dict[str, Any]]) -> None:
    """The main text's closing chart takes the paragraph before it along.

    A chart that does not fit floats to the next page while the text after it fills this
    one; at the end of the main text nothing follows, so the chart would stand alone on a
    page: there it moves with its lead paragraph instead.
    """
    blocks = sections[-1]["blocks"] if sections else []
    if len(blocks) >= 2 and blocks[-1]["kind"] == "chart" and blocks[-2]["kind"] == "p":
        blocks[-1]["lead"] = blocks.pop(-2)["text"]


def png_ratio(png: bytes) -> float:
    """A PNG's height over its width (from its IHDR header)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or len(png) < 24:
        raise ValueError("diagrammet är ingen PNG-bild")
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    return height / width if width else 0.41


def report_to_pdf(report: Report, charts: dict[str, bytes]) -> bytes:
    """The report as PDF bytes (A4, page numbers, date and month in the footer)."""
    data = report_payload(report)
    for block in (b for s in data["sections"] for b in s["blocks"] if b["kind"] == "chart"):
        block["ratio"] = png_ratio(charts[block["file"].removesuffix(".png")])
    _lead_last_chart(data["sections"])
    payload = json.dumps(data, ensure_ascii=False)
    with tempfile.TemporaryDirectory(prefix="budgetprognos-rapport-") as tmp:
        root = Path(tmp)
        main = root / "report.typ"
        main.write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        for key, png in charts.items():
            if not key.replace("_", "").isalnum():
                raise ValueError(f"ogiltig diagramnyckel {key!r}")
            (root / f"{key}.png").write_bytes(png)
        created = report.created
        stamp = datetime(created.year, created.month, created.day, created.hour,
                         created.minute, created.second, tzinfo=created.tzinfo)
        pdf = typst.compile(str(main), root=str(root), font_paths=[str(font_dir())],
                            ignore_system_fonts=True, sys_inputs={"data": payload},
                            timestamp=int(stamp.timestamp()), pdf_standards=["ua-1"])
    return bytes(pdf)
