"""The page as a document: Swedish language, narrow-screen layout and Streamlit's English chrome.

Streamlit serves ``<html lang="en">`` from a static ``index.html`` and has no setting for it
(streamlit/streamlit#15726, open). :func:`apply` therefore sets ``document.documentElement.lang``
from a small script (``st.html`` runs it in the page itself, not in an iframe), and adds the
style rules below:

- the dataframe toolbar ("Show/hide columns", "Download as CSV", "Search", "Fullscreen") is
  hidden: tables get our own Swedish download buttons instead;
- the "Press Enter to apply" hint of text fields is hidden (the fields apply on Enter and on
  leaving the field, which the help says in Swedish);
- metric labels wrap instead of being cut, and metric values shrink on narrow screens so that
  "-3 456,7 mkr" fits;
- the Scenarier page's key figures (container ``sc_results``, and the layout wrapper Streamlit
  puts around it, which bounds a sticky element) stay at the top of the window while the user
  scrolls through the assumptions;
- file uploaders: Streamlit's English button label ("Upload") and instruction ("50MB per
  file • CSV, TXT, XLSX", "Drag and drop files here") are hidden and Swedish text is shown in
  their place (the formats and the size limit are in our own caption under each uploader,
  :mod:`ui.upload_field`); the script renames English accessible names ("Remove <fil>",
  "Add files", "file upload", "Help for …", "Link to heading", "Open") and writes the
  uploaders' file sizes the Swedish way ("1,6 kB");
- wide tables never reach past the page's right edge (they scroll inside themselves);
- the sidebar collapses once on load when the window is narrower than
  :data:`NARROW_PX`, so the page gets the width.
"""

from __future__ import annotations

import streamlit as st

LANG = "sv"
NARROW_PX = 1000

_SCRIPT = f"""
<script>
(function () {{
  const doc = window.document;
  doc.documentElement.lang = "{LANG}";
  if (!window.__bpLangObserver) {{
    window.__bpLangObserver = new MutationObserver(() => {{
      if (doc.documentElement.lang !== "{LANG}") doc.documentElement.lang = "{LANG}";
    }});
    window.__bpLangObserver.observe(doc.documentElement, {{attributes: true,
                                                          attributeFilter: ["lang"]}});
  }}
  if (!window.__bpAriaObserver) {{
    const ARIA = [[/^Remove (.+)$/, "Ta bort $1"], [/^Add files$/, "Lägg till filer"],
                  [/^file upload$/, "Filuppladdning"], [/^Help for (.+)$/, "Hjälp: $1"],
                  [/^Link to heading$/, "Länk till rubriken"], [/^Open$/, "Öppna"]];
    const SIZE = /^(\\d+)\\.(\\d+)\\s*(B|KB|MB|GB)$/;
    const swedishSize = (t) => t.replace(SIZE, (_, a, b, u) =>
        a + "," + b + "\\u00a0" + (u === "KB" ? "kB" : u));
    const translate = () => {{
      doc.querySelectorAll("[data-testid='stApp'] [aria-label]").forEach((el) => {{
        const old = el.getAttribute("aria-label");
        let text = old;
        for (const [re, sv] of ARIA) text = text.replace(re, sv);
        const m = text.match(/^(.*), (\\d+\\.\\d+\\s*(?:B|KB|MB|GB))$/);
        if (m) text = m[1] + ", " + swedishSize(m[2]);
        if (text !== old) el.setAttribute("aria-label", text);
      }});
      doc.querySelectorAll("[data-testid='stFileChipName'] + div").forEach((el) => {{
        const t = el.textContent;
        if (SIZE.test(t) && el.firstChild) el.firstChild.nodeValue = swedishSize(t);
      }});
    }};
    window.__bpAriaObserver = new MutationObserver(translate);
    window.__bpAriaObserver.observe(doc.body, {{childList: true, subtree: true,
                                                attributes: true,
                                                attributeFilter: ["aria-label"]}});
    translate();
  }}
  if (!window.__bpSidebarChecked && window.innerWidth < {NARROW_PX}) {{
    window.__bpSidebarChecked = true;
    const collapse = () => {{
      const bar = doc.querySelector("[data-testid='stSidebar']");
      const btn = doc.querySelector("[data-testid='stSidebarCollapseButton'] button");
      const open = bar && bar.getBoundingClientRect().right > 1;
      if (open && btn) btn.click();
    }};
    setTimeout(collapse, 0);
  }}
}})();
</script>
"""

_STYLE = """
<style>
[data-testid="stElementToolbar"] { display: none !important; }
[data-testid="InputInstructions"] { display: none !important; }
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stMetricValue"] { font-size: clamp(1.3rem, 2.2vw, 2.1rem); }
[data-testid="stMetricValue"] > div {
  overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stLayoutWrapper"]:has(> .st-key-sc_results), .st-key-sc_results {
  position: sticky; top: 3.75rem; z-index: 50; background-color: white;
}
.st-key-sc_results {
  padding: 0.25rem 0 0.5rem 0;
  /* white above the band (under Streamlit's transparent header) and a thin shadow below */
  box-shadow: 0 -3.75rem 0 0 white, 0 6px 6px -6px rgba(0, 0, 0, 0.25);
}
.st-key-sc_results [data-testid="stMetricValue"] { font-size: clamp(1.1rem, 1.7vw, 1.6rem); }
.st-key-sc_results [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
/* File uploaders: Swedish in place of Streamlit's English label and instructions. */
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"]
  [data-testid="stMarkdownContainer"] { display: none; }
[data-testid="stFileUploaderDropzoneInput"][multiple] ~ span
  [data-testid="stBaseButton-secondary"] [data-has-shortcut]::after { content: "Välj filer"; }
[data-testid="stFileUploaderDropzoneInput"]:not([multiple]) ~ span
  [data-testid="stBaseButton-secondary"] [data-has-shortcut]::after { content: "Välj fil"; }
[data-testid="stFileUploaderDropzoneInstructions"] > div > span { display: none; }
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {
  content: "eller dra och släpp här"; font-size: 0.875rem;
}
/* the overlay while a file is dragged over the drop zone (no test id of its own) */
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]):not(:has([data-testid])) > span {
  display: none;
}
[data-testid="stFileUploaderDropzone"] > div:not([data-testid]):not(:has([data-testid]))::after {
  content: "Släpp filen här";
}
/* the visually hidden "add icon" text of the button that adds more files */
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-borderlessIcon"]
  [data-has-shortcut] > span:not(:has([data-testid])) { display: none; }
/* Tables scroll inside themselves; none reaches past the page's right edge. */
[data-testid="stDataFrame"], [data-testid="stTable"] { max-width: 100%; }
[data-testid="stTable"] { overflow-x: auto; }
@media (max-height: 640px) {
  [data-testid="stLayoutWrapper"]:has(> .st-key-sc_results), .st-key-sc_results {
    position: static;
  }
}
</style>
"""


def apply() -> None:
    """Set the document language to Swedish and add the app's style rules (every run)."""
    st.html(_STYLE)
    with st.sidebar:
        st.html(_SCRIPT, unsafe_allow_javascript=True)
