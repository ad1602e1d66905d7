"""Which report narrative is in force for a laid version (store format 7), without its content.

A laid version is linked to the narrative saved latest for its dataset, month and data when it
is laid (:func:`freeze`, in the lay's own transaction), so the laid version's report keeps that
narrative whatever is saved later. The narratives themselves, with their content, are
:class:`forecast.report.narrative_store.NarrativeStore`.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from forecast.ledger.month import month_text
from forecast.store import schema as T


def current_id(conn: sa.Connection, dataset: str, month: str,
                input_hash: str | None) -> tuple[int, int] | None:
    """(row id, version) of the latest narrative of ``dataset`` and ``month`` on the data."""
    t = T.report_narratives
    where = [t.c.dataset == dataset, t.c.as_of == month]
    if input_hash is not None:
        where.append(t.c.input_hash.in_([input_hash, ""]))
    row = conn.execute(sa.select(t.c.id, t.c.version).where(*where)
                       .order_by(t.c.version.desc()).limit(1)).first()
    return None if row is None else (int(row.id), int(row.version))


def freeze(conn: sa.Connection, laid_id: int, dataset: str, as_of: pd.Period,
           input_hash: str) -> int | None:
    """Freeze the narrative in force with the laid version ``laid_id`` (caller's transaction).

    The narrative in force is the latest saved for the dataset and month on the laid data
    (:meth:`forecast.report.narrative_store.NarrativeStore.latest`). A row is written even
    when there is none, so the laid version's report then has no narrative (rather than a
    later draft).

    Returns:
        The frozen narrative's version, or None when none was saved.
    """
    cur = current_id(conn, dataset, month_text(as_of), input_hash)
    conn.execute(T.laid_narratives.insert().values(
        laid_id=laid_id, narrative_id=None if cur is None else cur[0]))
    return None if cur is None else cur[1]
