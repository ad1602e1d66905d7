"""The report narratives of each dataset and month: append-only versions with author and time.

Saving writes a new version and an audit row in one transaction; "the current one" is the
latest version (:meth:`NarrativeStore.latest`). See :mod:`forecast.report.narrative`.

A narrative is keyed by the dataset's *identity* (the example's, or a stored dataset's random
id: :mod:`forecast.cycle.names`), never a display name, and records the data hash it was
written on (store format 6): asked for with a hash, only a narrative written on those data
(or one saved before format 6 kept the hash) is the current one, as for laid forecasts.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

from forecast.ledger.month import month_text
from forecast.report.narrative import Narrative, narrative_from_json
from forecast.store import core as C
from forecast.store import schema as T


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
        month = month_text(as_of)
        where = [t.c.dataset == dataset, t.c.as_of == month]
        if input_hash is not None:
            where.append(t.c.input_hash.in_([input_hash, ""]))
        with self.db.read() as conn:
            row = conn.execute(
                sa.select(t.c.payload, t.c.author, t.c.version, t.c.created)
                .where(*where).order_by(t.c.version.desc()).limit(1)).first()
        if row is None:
            return None
        return narrative_from_json(row.payload, author=row.author, version=int(row.version),
                                   created=row.created)

    def versions(self, dataset: str, as_of: pd.Period) -> list[tuple[int, str, str]]:
        """(version, author, created) of every saved version, oldest first."""
        t = T.report_narratives
        month = month_text(as_of)
        with self.db.read() as conn:
            rows = conn.execute(sa.select(t.c.version, t.c.author, t.c.created)
                                .where(t.c.dataset == dataset, t.c.as_of == month)
                                .order_by(t.c.version)).all()
        return [(int(r.version), str(r.author), str(r.created)) for r in rows]
