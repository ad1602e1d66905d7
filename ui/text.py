"""User text shown as text: escaped for Markdown as well as HTML.

Streamlit renders Markdown in ``st.markdown``, ``st.caption``, ``st.info``/``warning``/
``error``, widget labels, ``st.metric`` labels and help texts; HTML is escaped by Streamlit
but Markdown is not, so a file name ``![x](https://host/p.png)`` would fetch an image and
``[Logga in](https://…)`` would show a link. Every user-supplied string (file names, scenario
names, descriptions and labels, authors, comments) goes through :func:`md` before it is put
into such text.

Escaping is not enough against GitHub Markdown's *literal autolinks*: Streamlit's renderer
finds ``http://…``, ``www.…`` and ``name@host.se`` in the text after the escapes are resolved
and makes links of them (seen in the browser test, tests/access/test_e2e_escaping.py). A
WORD JOINER (U+2060, zero width, no line break) is put after such a scheme, ``www`` and ``@``
so no link is made; the text reads the same.
"""

from __future__ import annotations

import re
from typing import Final

_SPECIAL: Final = re.compile(r"([\\`*_{}\[\]()#!|<>~$:&@.])")
_LEADING: Final = re.compile(r"^(\s*)([-+=])")
_BREAKS: Final = re.compile(r"[\r\n\t\x0b\x0c\u2028\u2029]+")
JOINER: Final = "\u2060"
"""WORD JOINER: put where a literal autolink would start (see the module docstring)."""
_AUTOLINK: Final = re.compile(r"(?i)(https?|ftp|mailto|xmpp|www)(?=\\[:.])|(\\@)")


def md(text: object) -> str:
    """``text`` as literal text in Streamlit Markdown (line breaks become spaces).

    Every ASCII punctuation character Markdown, GitHub Markdown (autolinks ``www.``/``@``/
    ``http:``, tables, strikethrough), Streamlit's directives (``:red[…]``, ``:material/…:``),
    LaTeX (``$``) or HTML could act on is backslash-escaped, which CommonMark renders as the
    character itself; a leading ``-``, ``+`` or ``=`` (a list or a heading line) too.
    """
    escaped = _SPECIAL.sub(r"\\\1", _BREAKS.sub(" ", str(text)))
    unlinked = _AUTOLINK.sub(lambda m: m.group(0) + JOINER, escaped)
    return _LEADING.sub(r"\1\\\2", unlinked)
