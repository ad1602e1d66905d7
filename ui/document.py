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
