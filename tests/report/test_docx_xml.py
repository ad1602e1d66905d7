"""The python-docx adapter against the library: fails when the elements it reaches change."""

from __future__ import annotations

import io
import struct
import zlib

import docx
from docx.oxml.ns import qn

from forecast.report import docx_xml as X


def _png() -> bytes:
    """A 1×1 white PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))
    head = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", head)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))


def test_each_element_is_the_xml_element_named() -> None:
    doc = docx.Document()
    p = doc.add_paragraph("text")
    table = doc.add_table(rows=1, cols=1)
    shape = doc.add_picture(io.BytesIO(_png()))
    footer = doc.sections[0].footer
    assert X.paragraph_element(p).tag == qn("w:p")
    assert X.row_element(table.rows[0]).tag == qn("w:tr")
    assert X.cell_element(table.rows[0].cells[0]).tag == qn("w:tc")
    assert X.inline_element(shape).tag == qn("wp:inline")
    assert X.inline_element(shape).docPr is not None
    assert X.part_element(footer).tag == qn("w:ftr")
    assert X.table_element(table).tag == qn("w:tbl")
    assert X.table_element(table).tblPr is not None
    # the methods the writer calls on them
    assert X.row_element(table.rows[0]).get_or_add_trPr().tag == qn("w:trPr")
    assert X.cell_element(table.rows[0].cells[0]).get_or_add_tcPr().tag == qn("w:tcPr")


def test_a_plain_part_takes_new_bytes() -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    doc = docx.Document()
    part = next(r.target_part for r in doc.part.rels.values() if r.reltype == RT.FONT_TABLE)
    X.set_part_blob(part, b"<x/>")
    assert part.blob == b"<x/>"
