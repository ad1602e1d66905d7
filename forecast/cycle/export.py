"""The Årsprognos export of the forecast of record: one builder for the app and the CLI.

The tables of :func:`forecast.engine.tables.prognos_export` made from the forecast of record
(:attr:`ForecastOfRecord.final`), each titled with which forecast it is; for a laid version
also its *Statistisk och justerad* and *Justeringar* sheets; the metadata names the version,
its author, comment, adjustments and their authors.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from forecast.cycle.record import ForecastOfRecord
from forecast.cycle.tables import adjusted_tables
from forecast.engine.tables import prognos_export
from forecast.io.export import ExportMetadata, ExportTable
from forecast.ledger.dataset import Dataset


def record_metadata(meta: ExportMetadata, rec: ForecastOfRecord) -> ExportMetadata:
    """``meta`` with the forecast of record's provenance and its adjustments' authors."""
    params = dict(meta.parameters)
    params.update(rec.provenance())
    if rec.laid is not None:
        authors = sorted({a.author or rec.laid.author for a in rec.laid.adjustments})
        params["Antal justeringar"] = str(len(rec.laid.adjustments))
        params["Justeringarnas författare"] = ", ".join(authors) or "–"
    return replace(meta, parameters=params)


def titled(tables: list[ExportTable], rec: ForecastOfRecord) -> list[ExportTable]:
    """Every table's title followed by which forecast it shows."""
    heading = rec.heading()
    return [replace(t, title=f"{t.title} – {heading}") for t in tables]


def record_export(rec: ForecastOfRecord, ds: Dataset, *, created: datetime | None = None
                  ) -> tuple[list[ExportTable], ExportMetadata]:
    """The Årsprognos export (tables, metadata) of the forecast of record.

    Its method is the record's: the standard (a backtested choice per series) unless the
    statistical forecast was made with one method for all series.
    """
    tables, meta = prognos_export(rec.final, ds, choose=rec.spec.method is None,
                                  created=created)
    if rec.laid is not None:
        tables = [*tables, *adjusted_tables(rec.laid)]
    return titled(tables, rec), record_metadata(meta, rec)
