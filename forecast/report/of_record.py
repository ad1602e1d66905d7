"""The committee report of the forecast of record: one builder for the app and the CLI.

:func:`report_of_record` builds the report from :attr:`ForecastOfRecord.final` and prints which
forecast it is (version, author, time, or "ej lagd") first in the section *Årsprognos* and in
the appendix, with the adjustments and their authors.
"""

from __future__ import annotations

from collections.abc import Sequence

from forecast.cycle.record import ForecastOfRecord
from forecast.engine.hierarchy import RECONCILIATION
from forecast.engine.tables import method_summary_text
from forecast.ledger.dataset import Dataset
from forecast.report import DEFAULT_CEILING_PCT
from forecast.report.builder import build_report
from forecast.report.inputs import ForecastChange, ScenarioRisk
from forecast.report.model import Report


def report_of_record(ds: Dataset, rec: ForecastOfRecord, *, change: ForecastChange | None = None,
                     risk: ScenarioRisk | None = None,
                     provenance: Sequence[tuple[str, str]] = (),
                     ceiling_pct: float = DEFAULT_CEILING_PCT) -> Report:
    """The report of ``ds`` at the record's month, from the forecast of record.

    Args:
        ds: the data set.
        rec: the forecast of record (``forecast.cycle.record.resolve``).
        change: the change since the last laid forecast, or None.
        risk: a scenario's results on the forecast of record, or None.
        provenance: further appendix rows (e.g. the template).
        ceiling_pct: the ceiling of net cost development, %.
    """
    rf = rec.final
    rows = [*rec.provenance(),
            ("Metod", f"årsprognos per serie ({rec.spec.describe()}); "
                      f"{method_summary_text(rf)}"),
            ("Avstämning", RECONCILIATION), *provenance]
    return build_report(ds, rec.as_of, rf, change=change, risk=risk, provenance=rows,
                        ceiling_pct=ceiling_pct, forecast_source=rec.heading())
