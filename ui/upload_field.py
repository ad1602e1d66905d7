"""One file-upload field for the whole app, with its formats and size limit said in Swedish.

Streamlit's uploader shows English texts ("Upload", "50MB per file • CSV, TXT, XLSX") and has
no setting for them. :mod:`ui.document` replaces those texts in the page (style rules and a
small script); this module draws the field and, under it, the Swedish caption that says what
Streamlit's hidden instruction said: the formats and the size limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, overload

import streamlit as st

from forecast.io.parsing import MAX_UPLOAD_BYTES

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator
    from streamlit.runtime.uploaded_file_manager import UploadedFile

_MB = 1024 * 1024


def format_list(types: Sequence[str]) -> str:
    """``["csv", "txt", "xlsx"]`` → ``"CSV, TXT eller XLSX"`` (Swedish list, upper case)."""
    names = [t.lstrip(".").upper() for t in types]
    if not names:
        return "alla filtyper"
    if len(names) == 1:
        return names[0]
    return f"{', '.join(names[:-1])} eller {names[-1]}"


def upload_caption(types: Sequence[str], max_bytes: int = MAX_UPLOAD_BYTES, *,
                   multiple: bool = False) -> str:
    """The caption under an uploader, e.g. "Filtyp: CSV, TXT eller XLSX · högst 50 MB per fil"."""
    size = f"högst {max_bytes // _MB} MB" + (" per fil" if multiple else "")
    return f"Filtyp: {format_list(types)} · {size}"


@overload
def upload_field(label: str, types: Sequence[str], key: str, *, multiple: Literal[False] = False,
                 max_bytes: int = MAX_UPLOAD_BYTES, help: str | None = None,
                 container: DeltaGenerator | None = None) -> UploadedFile | None: ...


@overload
def upload_field(label: str, types: Sequence[str], key: str, *, multiple: Literal[True],
                 max_bytes: int = MAX_UPLOAD_BYTES, help: str | None = None,
                 container: DeltaGenerator | None = None) -> list[UploadedFile] | None: ...


def upload_field(label: str, types: Sequence[str], key: str, *, multiple: bool = False,
                 max_bytes: int = MAX_UPLOAD_BYTES, help: str | None = None,
                 container: DeltaGenerator | None = None
                 ) -> UploadedFile | list[UploadedFile] | None:
    """Draw a file uploader with its Swedish caption and return what Streamlit returns.

    Args:
        label: the field's Swedish label (also the drop zone's accessible name).
        types: accepted file extensions without dot.
        key: the widget key.
        multiple: accept several files.
        max_bytes: the size limit per file, told to the user and enforced by the browser
            (the server's own limit is ``server.maxUploadSize``).
        help: the tooltip.
        container: where to draw (default: the current container).
    """
    where = container if container is not None else st
    value = where.file_uploader(label, type=list(types), accept_multiple_files=multiple,
                                key=key, help=help, max_upload_size=max(1, max_bytes // _MB))
    where.caption(upload_caption(types, max_bytes, multiple=multiple))
    return value
