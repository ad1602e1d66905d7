"""The committee report (Word/PDF) as a download: built only when the user clicks.

:func:`report_bytes` is the tested function; :func:`report_downloader` wraps it as the
zero-argument callable ``st.download_button`` runs on click.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from forecast.report.charts import render_all
from forecast.report.docx_writer import load_template, report_to_docx
from forecast.report.of_record import report_of_record
from forecast.report.pdf_writer import report_to_pdf

if TYPE_CHECKING:
    import pandas as pd

    from forecast.cycle.record import ForecastOfRecord
    from forecast.ledger.dataset import Dataset
    from forecast.report.cycle_change import LaidLookup
    from forecast.report.inputs import ForecastChange
    from forecast.report.model import Chart, Report
    from forecast.report.narrative import Narrative
    from scenarios.assumptions import Scenario

UI_REPORT_DRAWS = 2000
"""Monte Carlo draws of a scenario in the app's report (the CLI uses the scenario's own)."""


def checked_template(data: bytes) -> bytes:
    """An uploaded .docx template, checked as the CLI's ``--mall`` (size, zip, no macros).

    Raises:
        TemplateError: (Swedish message) the template cannot be used.
    """
    with tempfile.TemporaryDirectory(prefix="budgetprognos-mall-") as tmp:
        path = Path(tmp) / "mall.docx"
        path.write_bytes(data)
        load_template(path)
    return data


CHART_CACHE_ENTRIES = 32
"""Rendered report charts kept in the process (about 80 kB each)."""
_charts: OrderedDict[str, bytes] = OrderedDict()
_charts_lock = threading.Lock()


def _chart_digest(chart: Chart) -> str:
    """What a chart's picture depends on: its kind, title, parameters and data."""
    body = pickle.dumps((chart.kind, chart.title, sorted(dict(chart.params).items()),
                         chart.data), protocol=5)
    return hashlib.sha256(body).hexdigest()


def rendered_charts(charts: list[Chart]) -> dict[str, bytes]:
    """PNG bytes of each chart by key, each picture drawn once per process and content.

    Word and PDF of the same month (and a second click) share the pictures: drawing them is
    most of a report's time.
    """
    out: dict[str, bytes] = {}
    for chart in charts:
        digest = _chart_digest(chart)
        with _charts_lock:
            png = _charts.get(digest)
            if png is not None:
                _charts.move_to_end(digest)
        if png is None:
            png = render_all([chart])[chart.key]
            with _charts_lock:
                _charts[digest] = png
                while len(_charts) > CHART_CACHE_ENTRIES:
                    _charts.popitem(last=False)
        out[chart.key] = png
    return out


def _docx(report: Report, charts: dict[str, bytes], template: bytes | None) -> bytes:
    if template is None:
        return report_to_docx(report, charts)
    with tempfile.TemporaryDirectory(prefix="budgetprognos-mall-") as tmp:
        path = Path(tmp) / "mall.docx"
        path.write_bytes(template)
        return report_to_docx(report, charts, template=path)


def report_bytes(ds: Dataset, rec: ForecastOfRecord, *, fmt: str,
                 scenario: Scenario | None = None,
                 change: Callable[[], ForecastChange | None] | None = None,
                 template: bytes | None = None, narrative: Narrative | None = None) -> bytes:
    """The report of ``ds`` at ``rf.as_of`` as .docx or .pdf bytes.

    Args:
        ds: the data set.
        rec: the forecast of record (``forecast.cycle.record.ForecastOfRecord``).
        fmt: ``"docx"`` or ``"pdf"``.
        scenario: a ``scenarios.assumptions.Scenario`` for the risk section, or None.
        change: returns the change since the last laid forecast (or None), called here.
        template: a checked .docx template (:func:`checked_template`) for Word, or None.
        narrative: the month's report narrative (``forecast.report.narrative``), or None.
    """
    if fmt not in ("docx", "pdf"):
        raise ValueError(f"okänt format {fmt!r}")
    risk = None
    if scenario is not None:
        from scenarios.reporting import risk_for

        risk = risk_for(rec.final, scenario.model_copy(
            update={"n_draws": min(scenario.n_draws, UI_REPORT_DRAWS)}), ds, base=rec.heading())
    mall = "egen mall" if template is not None and fmt == "docx" else "standard (A4)"
    report = report_of_record(ds, rec, risk=risk, change=change() if change else None,
                              provenance=[("Mall", mall)], narrative=narrative)
    charts = rendered_charts(report.charts())
    return _docx(report, charts, template) if fmt == "docx" else report_to_pdf(report, charts)


def report_downloader(ds: Dataset, rec: ForecastOfRecord, *, fmt: str,
                      scenario: Scenario | None = None,
                      change: Callable[[], ForecastChange | None] | None = None,
                      template: bytes | None = None,
                      narrative: Narrative | None = None) -> Callable[[], bytes]:
    """A zero-argument callable making the report file (run by Streamlit on click)."""
    if fmt not in ("docx", "pdf"):
        raise ValueError(f"okänt format {fmt!r}")
    return lambda: report_bytes(ds, rec, fmt=fmt, scenario=scenario, change=change,
                                template=template, narrative=narrative)


def laid_change_lookup(store: LaidLookup | None, dataset: str, as_of: pd.Period
                       ) -> Callable[[], ForecastChange | None]:
    """A callable returning the change since the last laid forecast, or None.

    None when there is none or the store fails; the report then says that no earlier laid
    forecast exists.
    """
    from forecast.cycle.laid import LaidError
    from forecast.report.cycle_change import laid_change
    from forecast.store.core import StoreError

    def lookup() -> ForecastChange | None:
        if store is None:
            return None
        try:
            return laid_change(store, dataset, as_of)
        except (LaidError, StoreError):
            return None

    return lookup
