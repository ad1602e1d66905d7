"""Word templates for the report's tests and scripts: a python-docx document saved as a .dotx."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx.document import Document as DocxDocument

from forecast.report.docx_writer import DOCX_MAIN, DOTX_MAIN


def save_as_dotx(doc: DocxDocument, path: Path) -> Path:
    """``doc`` written to ``path`` as a Word template (.dotx): the main part's content type
    is the template's, everything else as python-docx saves it."""
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(DOCX_MAIN, DOTX_MAIN)
            dst.writestr(info, data)
    return path
