"""The committee report of the forecast of record: one builder for the app and the CLI.

:func:`report_of_record` builds the report from :attr:`ForecastOfRecord.final` and prints which
forecast it is (version, author, time, or "ej lagd") first in the section *Årsprognos* and in
the appendix, with the adjustments and their authors.
"""

from __future__ import annotations

from collections.abc import Sequence

from forecast.cycle.record import ForecastOfRecord
from forecast.engine.hierarchy import RECONCILIATION
from forecast.engine.result import RegionForecast
from forecast.io.formatting import fmt_number
from forecast.ledger.dataset import Dataset
from forecast.methods.names import method_name, methods_text
from forecast.report import DEFAULT_CEILING_PCT
from forecast.report.builder import DEFAULT_TITLE, build_report
from forecast.report.cycle_change import laid_words
from forecast.report.inputs import ForecastChange, ScenarioRisk
from forecast.report.model import Report
from forecast.report.narrative import Narrative


def report_of_record(ds: Dataset, rec: ForecastOfRecord, *, change: ForecastChange | None = None,
                     risk: ScenarioRisk | None = None,
                     provenance: Sequence[tuple[str, str]] = (),
                     ceiling_pct: float = DEFAULT_CEILING_PCT,
                     narrative: Narrative | None = None, region: str = "",
                     committee: str = "") -> Report:
    """The report of ``ds`` at the record's month, from the forecast of record.

    Args:
        ds: the data set.
        rec: the forecast of record (``forecast.cycle.record.resolve``).
        change: the change since the last laid forecast, or None.
        risk: a scenario's results on the forecast of record, or None.
        provenance: further appendix rows (e.g. the template).
        ceiling_pct: the ceiling of net cost development, %.
        narrative: the people's words for the month (store or file), or None.
        region: the region's name (a setting or the template's), or empty.
        committee: the committee's name for the title (empty: Hälso- och sjukvårdsnämnden).
    """
    rf = rec.final
    rows = [*rec.provenance(), ("Avstämning", RECONCILIATION_WORDS.get(RECONCILIATION,
                                                                       RECONCILIATION)),
            *provenance]
    return build_report(ds, rec.as_of, rf, change=change, risk=risk, provenance=rows,
                        ceiling_pct=ceiling_pct, forecast_source=rec.heading(),
                        narrative=narrative, region=region,
                        title=committee.strip() or DEFAULT_TITLE,
                        method=method_in_words(_spec_words(rec), _methods_words(rf)),
                        laid_version=_laid_words(rec))


def _laid_words(rec: ForecastOfRecord) -> str:
    """The laid version a laid month's narrative is frozen with, in words (empty: not laid)."""
    return "" if rec.laid is None else laid_words(rec.laid)


RECONCILIATION_WORDS = {"bottom-up": "nedifrån och upp: varje summa är summan av sina serier, "
                                     "bana för bana"}
"""The reconciliation in words (the engine's identifier is printed nowhere)."""


def _spec_words(rec: ForecastOfRecord) -> str:
    spec = rec.spec
    how = "standardprognosen (metod vald per serie)" if spec.method is None else \
        f"en metod för alla serier: {method_name(spec.method)}"
    return f"{how}, {fmt_number(spec.n_paths)} simulerade banor per serie, slumpfrö {spec.seed}"


def _methods_words(rf: RegionForecast) -> str:
    flagged = sum(1 for n in rf.notes if n)
    return (f"metoder: {methods_text(rf.method)}; {fmt_number(flagged)} av "
            f"{fmt_number(rf.n_series)} serier med anmärkning")


def method_in_words(spec: str, summary: str) -> str:
    """The forecast method for the appendix, in words before the technical names."""
    return ("Årsprognosen är utfallet hittills plus en statistisk prognos för årets återstående "
            "månader, gjord per serie (enhet och konto) och summerad till region, division och "
            "kostnadsslag. För varje serie simuleras många möjliga utfall; prognosen är deras "
            "medelvärde och intervallet P10–P90 visar spridningen. Serierna avstäms så att "
            f"delarna summerar till totalen. Körningen: {spec}; {summary}.")
