"""The report narratives of each dataset and month: append-only versions with author and time.

Saving writes a new version and an audit row in one transaction; "the current one" is the
latest version (:meth:`NarrativeStore.latest`). See :mod:`forecast.report.narrative`.

A narrative is keyed by the dataset's *identity* (the example's, or a stored dataset's random
id: :mod:`forecast.ledger.names`), never a display name, and records the data hash it was
written on (store format 6): asked for with a hash, only a narrative written on those data
(or one saved before format 6 kept the hash) is the current one, as for laid forecasts.

Versioned with the laid forecast (store format 7): when a month's forecast is laid, the
narrative in force is frozen with that laid version in the lay's own transaction
(:func:`forecast.store.narrative_links.freeze`). The report of a laid version takes that
frozen narrative (:meth:`NarrativeStore.for_report`); later saves are new drafts and never
change it. The report of a month not laid takes the latest draft.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa

from forecast.ledger.month import month_text
from forecast.report.narrative import Narrative, narrative_from_json
from forecast.store import core as C
from forecast.store import schema as T
from forecast.store.narrative_links import current_id


def _decode(row: Any) -> Narrative:
    return narrative_from_json(row.payload, author=row.author, version=int(row.version),
                               created=row.created)


class NarrativeStore(C.Store):
    """The report narratives (opened as :class:`forecast.store.core.Store`)."""

    def save(self, narrative: Narrative, *, dataset: str, as_of: pd.Period,
             author: str, input_hash: str = "") -> Narrative:
        """Store ``narrative`` as the next version of ``dataset`` and ``as_of``.

        ``input_hash`` is the hash of the data it was written on (the session's data).

        Returns:
            The stored narrative (with author, version and time).

        Raises:
            StoreError: the database cannot be written.
            ValueError: no author given.
        """
        who = author.strip()
        if not who:
            raise ValueError("ange vem som sparar berättelsen (författare)")
        month = month_text(as_of)
        payload = narrative.to_json()
        t = T.report_narratives

        def write(conn: sa.Connection) -> Narrative:
            version = int(conn.execute(
                sa.select(sa.func.coalesce(sa.func.max(t.c.version), 0))
                .where(t.c.dataset == dataset, t.c.as_of == month)).scalar_one()) + 1
            created = C.now()
            conn.execute(t.insert().values(dataset=dataset, as_of=month, version=version,
                                           author=who, created=created, payload=payload,
                                           input_hash=input_hash))
            C.audit(conn, who, "spara berättelse",
                    f"{dataset} {month} version {version}: {len(narrative.measures)} "
                    f"åtgärder, {len(narrative.risks)} risker/möjligheter, "
                    f"{len(narrative.assumptions)} antaganden")
            return narrative_from_json(payload, author=who, version=version, created=created)

        return self.db.write(write)

    def latest(self, dataset: str, as_of: pd.Period,
               input_hash: str | None = None) -> Narrative | None:
        """The latest version for ``dataset`` and ``as_of``, or None when none is saved.

        With ``input_hash``, only versions written on those data (or saved before the hash
        was kept) count.
        """
        t = T.report_narratives
        with self.db.read() as conn:
            cur = current_id(conn, dataset, month_text(as_of), input_hash)
            row = None if cur is None else conn.execute(
                sa.select(t.c.payload, t.c.author, t.c.version, t.c.created)
                .where(t.c.id == cur[0])).first()
        return None if row is None else _decode(row)

    def frozen(self, laid_id: int) -> tuple[bool, Narrative | None]:
        """The narrative frozen with the laid version ``laid_id``.

        Returns:
            (recorded, narrative): ``recorded`` is False for a version laid before narratives
            were frozen (store format 7); ``narrative`` is None when none was in force.
        """
        t, ln = T.report_narratives, T.laid_narratives
        with self.db.read() as conn:
            link = conn.execute(sa.select(ln.c.narrative_id)
                                .where(ln.c.laid_id == laid_id)).first()
            if link is None or link.narrative_id is None:
                return link is not None, None
            row = conn.execute(sa.select(t.c.payload, t.c.author, t.c.version, t.c.created)
                               .where(t.c.id == link.narrative_id)).one()
        return True, _decode(row)

    def for_report(self, dataset: str, as_of: pd.Period, input_hash: str | None,
                   laid_id: int | None) -> Narrative | None:
        """The narrative of the report of a month's forecast of record.

        A laid version (``laid_id``): the narrative frozen with it (None if none was in
        force); one laid before narratives were frozen, and a month not laid (``laid_id``
        None or 0): the latest draft on the data.
        """
        if laid_id:
            recorded, narrative = self.frozen(laid_id)
            if recorded:
                return narrative
        return self.latest(dataset, as_of, input_hash)

    def versions(self, dataset: str, as_of: pd.Period) -> list[tuple[int, str, str]]:
        """(version, author, created) of every saved version, oldest first."""
        t = T.report_narratives
        month = month_text(as_of)
        with self.db.read() as conn:
            rows = conn.execute(sa.select(t.c.version, t.c.author, t.c.created)
                                .where(t.c.dataset == dataset, t.c.as_of == month)
                                .order_by(t.c.version)).all()
        return [(int(r.version), str(r.author), str(r.created)) for r in rows]
