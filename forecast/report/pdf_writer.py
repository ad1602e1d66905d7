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
from forecast.report.docx_layout import fit_columns
from forecast.report.docx_writer import APPENDIX
from forecast.report.fonts import font_dir
from forecast.report.model import Chart, Paragraph, Report, ReportTable, clean_text, typeset
from forecast.report.style import CELL_PAD_X_PT, TABLE_PT, TEXT_WIDTH_CM, table_pt, typst_style

TEMPLATE = Path(__file__).with_name("report.typ")
TEXT_WIDTH_PT = TEXT_WIDTH_CM / 2.54 * 72


def _block(block: object, tables: dict[str, ReportTable]) -> dict[str, Any]:
    if isinstance(block, ReportTable):
        totals = {clean_text(r) for r in block.total_rows}
        header = block.header()
        rows = [[typeset(clean_text(c)) for c in r] for r in [header, *block.body()]]
        layout = fit_columns(rows, TEXT_WIDTH_PT, table_pt(len(header)), 2 * CELL_PAD_X_PT)
        return {"kind": "table", "title": clean_text(block.title), "size": layout.size_pt,
                "widths": [round(w, 2) for w in layout.widths_pt],
                "header": rows[0],
                "rows": [{"cells": cells, "total": row[0] in totals}
                         for cells, row in zip(rows[1:], block.body(), strict=True)],
                "text_cols": [j + 1 for j, c in enumerate(block.frame.columns)
                              if c in block.text_columns],
                "note": clean_text(block.note)}
    if isinstance(block, Chart):
        return {"kind": "chart", "file": f"{block.key}.png", "caption": clean_text(block.caption),
                "alt": typeset(alt_text(block))}
    if isinstance(block, Paragraph):
        return {"kind": "p", "text": typeset(block.render(tables))}
    raise TypeError(f"okänt block {type(block).__name__}")


def report_payload(report: Report) -> dict[str, Any]:
    """The JSON the Typst template reads: every printed text of the report."""
    tables = report.tables()
    prov = [[clean_text(k), typeset(clean_text(v))] for k, v in report.provenance]
    return {
        "title": clean_text(report.title), "subtitle": clean_text(report.subtitle),
        "region": clean_text(report.region),
        "footer": clean_text(report.footer), "style": typst_style(), "appendix": APPENDIX,
        "sections": [{"heading": clean_text(s.heading), "level": s.level, "boxed": s.boxed,
                      "blocks": [_block(b, tables) for b in s.blocks]}
                     for s in report.sections],
        "provenance": prov,
        "provenance_widths": [round(w, 2) for w in fit_columns(
            prov, TEXT_WIDTH_PT, TABLE_PT, 2 * CELL_PAD_X_PT).widths_pt],
        "appendix_blocks": [_block(b, tables) for b in report.appendix],
    }


def report_to_pdf(report: Report, charts: dict[str, bytes]) -> bytes:
    """The report as PDF bytes (A4, page numbers, date and month in the footer)."""
    payload = json.dumps(report_payload(report), ensure_ascii=False)
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
