"""The committee report (Word/PDF) as a download: built only when the user clicks.

:func:`report_bytes` is the tested function; :func:`report_downloader` wraps it as the
zero-argument callable ``st.download_button`` runs on click.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from forecast.engine.hierarchy import RECONCILIATION
from forecast.engine.tables import method_summary_text
from forecast.report.builder import build_report
from forecast.report.charts import render_all
from forecast.report.docx_writer import report_to_docx
from forecast.report.pdf_writer import report_to_pdf

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
UI_REPORT_DRAWS = 2000
"""Monte Carlo draws of a scenario in the app's report (the CLI uses the scenario's own)."""


def report_bytes(ds: Any, rf: Any, *, fmt: str, scenario: Any | None = None) -> bytes:
    """The report of ``ds`` at ``rf.as_of`` as .docx or .pdf bytes.

    Args:
        ds: the data set.
        rf: its baseline forecast (the app's cached one).
        fmt: ``"docx"`` or ``"pdf"``.
        scenario: a ``scenarios.assumptions.Scenario`` for the risk section, or None.
    """
    if fmt not in ("docx", "pdf"):
        raise ValueError(f"okänt format {fmt!r}")
    risk = None
    if scenario is not None:
        from scenarios.reporting import risk_for

        risk = risk_for(rf, scenario.model_copy(
            update={"n_draws": min(scenario.n_draws, UI_REPORT_DRAWS)}), ds)
    report = build_report(ds, rf.as_of, rf, risk=risk, provenance=[
        ("Metod", f"årsprognos per serie (appens standardprognos); {method_summary_text(rf)}"),
        ("Avstämning", RECONCILIATION), ("Mall", "standard (A4)")])
    charts = render_all(report.charts())
    return report_to_docx(report, charts) if fmt == "docx" else report_to_pdf(report, charts)


def report_downloader(ds: Any, rf: Any, *, fmt: str,
                      scenario: Any | None = None) -> Callable[[], bytes]:
    """A zero-argument callable making the report file (run by Streamlit on click)."""
    if fmt not in ("docx", "pdf"):
        raise ValueError(f"okänt format {fmt!r}")
    return lambda: report_bytes(ds, rf, fmt=fmt, scenario=scenario)
