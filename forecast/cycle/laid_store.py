"""The store of laid forecasts and saved adjustment sets (same database as the scenarios).

See :mod:`forecast.cycle.laid` for the versioning rules and :mod:`forecast.store.core` for
the storage rules (WAL reads, serialised writes, Swedish :class:`StoreError`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import sqlalchemy as sa

from forecast import __version__
from forecast.cycle.adjustments import Adjustment
from forecast.cycle.laid import (
    LAID_SCHEMA_VERSION,
    LaidError,
    LaidForecast,
    adjustment_from,
    adjustment_payload,
    series_from,
    series_payload,
)
from forecast.io.formatting import fmt_timestamp
from forecast.ledger.month import month_from_text, month_text
from forecast.store import core as C
from forecast.store import schema as T
from forecast.store.core import StoreError
from forecast.store.narrative_links import freeze

LIST_COLUMNS = ["Dataset", "Månad", "Version", "Fastställd", "Författare", "Lagd",
                "Kommentar", "Serier", "Justeringar", "Årsprognos (tkr)",
                "Avvikelse mot budget (tkr)", "Indata-hash", "Programversion"]


def _insert_laid(conn: sa.Connection, lf: LaidForecast) -> tuple[int, int, str]:
    t = T.laid_forecasts
    version = int(conn.execute(
        sa.select(sa.func.coalesce(sa.func.max(t.c.version), 0))
        .where(t.c.dataset == lf.dataset, t.c.as_of == month_text(lf.as_of))).scalar_one()) + 1
    created = C.now()
    res = conn.execute(t.insert().values(
        dataset=lf.dataset, as_of=month_text(lf.as_of), version=version, author=lf.author,
        created=created, comment=lf.comment, input_hash=lf.input_hash,
        program_version=__version__, method=lf.method,
        parameters=json.dumps(lf.parameters, ensure_ascii=False),
        first_month=month_text(lf.as_of + 1), n_series=len(lf.series),
        summary=json.dumps(lf.summary()), schema_version=LAID_SCHEMA_VERSION))
    key = res.inserted_primary_key
    if key is None:
        raise RuntimeError("databasen gav ingen nyckel för den nya raden")
    return int(key[0]), version, created


def write_laid_rows(conn: sa.Connection, lf: LaidForecast) -> tuple[int, int, str]:
    """Insert the forecast, its series and its adjustments in the caller's transaction."""
    new_id, version, created = _insert_laid(conn, lf)
    conn.execute(T.laid_series.insert().values(laid_id=new_id, payload=series_payload(lf)))
    uids = lf.uids
    rows = [{"laid_id": new_id, "payload": adjustment_payload(a, al, uids)}
            for a, al in zip(lf.adjustments, lf.allocations, strict=True)]
    if rows:
        conn.execute(T.laid_adjustments.insert(), rows)
    if lf.stat_forecast_id is not None:
        conn.execute(T.laid_basis.insert().values(laid_id=new_id,
                                                  stat_forecast_id=lf.stat_forecast_id))
    words = freeze(conn, new_id, lf.dataset, lf.as_of, lf.input_hash)
    frozen = "ingen berättelse" if words is None else f"berättelse version {words} fryst"
    C.audit(conn, lf.author, "lägg prognos",
            f"{lf.dataset} {lf.as_of} version {version}: {len(lf.adjustments)} justeringar, "
            f"{frozen}; {lf.comment}")
    return new_id, version, created


@dataclass(frozen=True)
class LockInfo:
    """Who fastställde which version of a month, and when (``created``: stored UTC ISO)."""

    version: int
    author: str
    created: str


class LaidStore(C.Store):
    """Laid forecasts, locks, adjustment sets and the audit trail (opened as :class:`C.Store`)."""

    # ----------------------------------------------------------------------- writes

    def lay(self, lf: LaidForecast) -> LaidForecast:
        """Store ``lf`` as the next version of its dataset and month; returns the record."""
        new_id, version, created = self.db.write(lambda conn: write_laid_rows(conn, lf))
        return replace(lf, id=new_id, version=version, created=created,
                       program_version=__version__)

    def lock(self, dataset: str, as_of: pd.Period, *, author: str,
             version: int | None = None) -> LaidForecast:
        """Fastställ (lock) a version (the latest if None) of a month.

        Raises:
            LaidError: no such forecast, or the month already has a locked version.
        """

        def _lock(conn: sa.Connection) -> int:
            row = self._row(conn, dataset, as_of, version, prefer_locked=False)
            lk, key = T.laid_locks, month_text(as_of)
            held = conn.execute(sa.select(lk.c.laid_id, lk.c.author, lk.c.created)
                                .where(lk.c.dataset == dataset, lk.c.as_of == key)).first()
            if held is not None:
                v = conn.execute(sa.select(T.laid_forecasts.c.version)
                                 .where(T.laid_forecasts.c.id == held.laid_id)).scalar_one()
                raise LaidError(f"prognosen för {as_of} är redan fastställd (version {v}, av "
                                f"{held.author} {fmt_timestamp(held.created)}); lägg en ny "
                                "version i stället")
            conn.execute(lk.insert().values(dataset=dataset, as_of=key, laid_id=row.id,
                                            author=author or "okänd", created=C.now()))
            C.audit(conn, author, "fastställ prognos", f"{dataset} {as_of} version {row.version}")
            return int(row.version)

        v = self.db.write(_lock)
        return self.load(dataset, as_of, v)

    def save_adjustment_set(self, dataset: str, as_of: pd.Period,
                            adjustments: Sequence[Adjustment], *, author: str) -> int:
        """Save the adjustments being edited for a month as a new version; returns it."""
        key = month_text(as_of)
        t = T.adjustment_sets
        payload = json.dumps([a.to_dict() for a in adjustments], ensure_ascii=False)

        def _save(conn: sa.Connection) -> int:
            v = int(conn.execute(sa.select(sa.func.coalesce(sa.func.max(t.c.version), 0))
                                 .where(t.c.dataset == dataset, t.c.as_of == key))
                    .scalar_one()) + 1
            conn.execute(t.insert().values(dataset=dataset, as_of=key, version=v,
                                           author=author or "okänd", created=C.now(),
                                           payload=payload))
            C.audit(conn, author, "spara justeringar",
                    f"{dataset} {as_of} version {v}: {len(adjustments)} justeringar")
            return v

        return self.db.write(_save)

    # ----------------------------------------------------------------------- reads

    def adjustment_set(self, dataset: str, as_of: pd.Period) -> list[Adjustment]:
        """The latest saved adjustments of a month (empty if none)."""
        t = T.adjustment_sets
        with self.db.read() as conn:
            row = conn.execute(sa.select(t.c.payload, t.c.version)
                               .where(t.c.dataset == dataset,
                                      t.c.as_of == month_text(as_of))
                               .order_by(t.c.version.desc()).limit(1)).first()
        if row is None:
            return []
        try:
            return [Adjustment.from_dict(d) for d in json.loads(row.payload)]
        except (ValueError, TypeError) as exc:
            raise self.db.error(f"sparade justeringar för {as_of} version {row.version} kan "
                                f"inte läsas ({type(exc).__name__})") from None

    def _row(self, conn: sa.Connection, dataset: str, as_of: pd.Period, version: int | None,
             *, prefer_locked: bool = True) -> Any:
        t, lk = T.laid_forecasts, T.laid_locks
        q = sa.select(t).where(t.c.dataset == dataset, t.c.as_of == month_text(as_of))
        if version is not None:
            row = conn.execute(q.where(t.c.version == version)).first()
        else:
            row = None
            if prefer_locked:
                row = conn.execute(q.join(lk, lk.c.laid_id == t.c.id)).first()
            if row is None:
                row = conn.execute(q.order_by(t.c.version.desc()).limit(1)).first()
        if row is None:
            what = f"{as_of}" + (f" version {version}" if version is not None else "")
            raise LaidError(f"ingen lagd prognos för {what} i dataset '{dataset}'")
        return row

    def load(self, dataset: str, as_of: pd.Period,
             version: int | None = None) -> LaidForecast:
        """A laid forecast (``version`` None: the locked one, else the latest).

        Raises:
            LaidError: none laid for that month (or version).
            StoreError: the stored rows cannot be read (newer format, broken JSON).
        """
        with self.db.read() as conn:
            row = self._row(conn, dataset, as_of, version)
            series = conn.execute(sa.select(T.laid_series.c.payload)
                                  .where(T.laid_series.c.laid_id == row.id)).scalar_one()
            adjs = conn.execute(sa.select(T.laid_adjustments.c.payload)
                                .where(T.laid_adjustments.c.laid_id == row.id)
                                .order_by(T.laid_adjustments.c.id)).scalars().all()
            locked = conn.execute(sa.select(T.laid_locks.c.id)
                                  .where(T.laid_locks.c.laid_id == row.id)).first() is not None
            basis = conn.execute(sa.select(T.laid_basis.c.stat_forecast_id)
                                 .where(T.laid_basis.c.laid_id == row.id)).scalar()
        return self._decode(row, series, list(adjs), locked, basis)

    def current_version(self, dataset: str, as_of: pd.Period,
                        input_hash: str) -> tuple[int, int, bool] | None:
        """(id, version, fastställd) of the month's current version laid on ``input_hash``.

        The fastställd version when it was laid on these data, else the latest version laid
        on them; None when none was (a version laid on other data is never the current one).
        """
        t, lk = T.laid_forecasts, T.laid_locks
        q = sa.select(t.c.id, t.c.version, lk.c.id.label("lock")).outerjoin(
            lk, lk.c.laid_id == t.c.id).where(t.c.dataset == dataset,
                                              t.c.as_of == month_text(as_of),
                                              t.c.input_hash == input_hash)
        with self.db.read() as conn:
            rows = conn.execute(q).all()
        if not rows:
            return None
        best = max(rows, key=lambda r: (r.lock is not None, r.version))
        return int(best.id), int(best.version), best.lock is not None

    def _decode(self, row: Any, series_payload: str, adj_payloads: list[str],
                locked: bool, basis: int | None = None) -> LaidForecast:
        what = f"den lagda prognosen {row.as_of} version {row.version}"
        if int(row.schema_version) > LAID_SCHEMA_VERSION:
            raise self.db.error(f"{what} har formatversion {row.schema_version}, nyare än "
                                f"programmets ({LAID_SCHEMA_VERSION}); uppgradera budgetprognos")
        as_of = month_from_text(row.as_of)
        k = 12 - as_of.month
        try:
            series, stat, adj = series_from(series_payload, k)
            uids = [f"{u}|{a}" for u, a in zip(series["unit"], series["account"], strict=True)]
            pairs = [adjustment_from(p, uids, k) for p in adj_payloads]
            params = json.loads(row.parameters)
            summ = json.loads(row.summary)
            rq = (float(summ["p10"]), float(summ["p50"]), float(summ["p90"]))
        except (ValueError, TypeError, KeyError) as exc:
            raise self.db.error(f"{what} kan inte läsas: lagrade data är skadade "
                                f"({type(exc).__name__})") from None
        return LaidForecast(
            dataset=row.dataset, as_of=as_of, series=series, stat_monthly=stat,
            adj_monthly=adj, adjustments=tuple(a for a, _ in pairs),
            allocations=tuple(al for _, al in pairs), author=row.author, comment=row.comment,
            input_hash=row.input_hash, method=row.method, parameters=params, id=int(row.id),
            version=int(row.version), created=row.created, program_version=row.program_version,
            locked=locked, region_quantiles=rq,
            stat_forecast_id=None if basis is None else int(basis))

    def lock_info(self, dataset: str, as_of: pd.Period) -> LockInfo | None:
        """The month's lock (version, who, when), or None if no version is fastställd."""
        t, lk = T.laid_forecasts, T.laid_locks
        q = (sa.select(t.c.version, lk.c.author, lk.c.created)
             .join(t, t.c.id == lk.c.laid_id)
             .where(lk.c.dataset == dataset, lk.c.as_of == month_text(as_of)))
        with self.db.read() as conn:
            row = conn.execute(q).first()
        return None if row is None else LockInfo(int(row.version), row.author, row.created)

    def laid_months(self, dataset: str) -> list[pd.Period]:
        """Months with at least one laid forecast, oldest first."""
        t = T.laid_forecasts
        with self.db.read() as conn:
            vals = conn.execute(sa.select(t.c.as_of).where(t.c.dataset == dataset)
                                .distinct()).scalars().all()
        return sorted(month_from_text(v) for v in vals)

    def latest(self, dataset: str) -> LaidForecast | None:
        """The current laid forecast of the dataset's latest laid month (None if none)."""
        months = self.laid_months(dataset)
        return self.load(dataset, months[-1]) if months else None

    def list(self, dataset: str | None = None) -> pd.DataFrame:
        """Every laid version (Swedish columns), newest month first."""
        t, lk = T.laid_forecasts, T.laid_locks
        q = (sa.select(t.c.dataset, t.c.as_of, t.c.version, lk.c.id.label("lock"), t.c.author,
                       t.c.created, t.c.comment, t.c.n_series, t.c.summary, t.c.input_hash,
                       t.c.program_version, t.c.id)
             .outerjoin(lk, lk.c.laid_id == t.c.id)
             .order_by(t.c.dataset, t.c.as_of.desc(), t.c.version))
        if dataset is not None:
            q = q.where(t.c.dataset == dataset)
        with self.db.read() as conn:
            rows = conn.execute(q).all()
            la = T.laid_adjustments
            n_adj: dict[int, int] = dict(conn.execute(
                sa.select(la.c.laid_id, sa.func.count()).group_by(la.c.laid_id)).all())
        out = []
        for r in rows:
            try:
                summ = json.loads(r.summary)
            except ValueError:
                summ = {"final": float("nan"), "deviation": float("nan")}
            out.append([r.dataset, r.as_of, r.version, "ja" if r.lock else "", r.author,
                        fmt_timestamp(r.created), r.comment, r.n_series,
                        int(n_adj.get(r.id, 0)), summ.get("final"), summ.get("deviation"),
                        r.input_hash[:12], r.program_version])
        return pd.DataFrame(out, columns=LIST_COLUMNS)

    def audit_trail(self, *, limit: int | None = None,
                    newest_first: bool = False) -> pd.DataFrame:
        """The audit rows (Tid, Vem, Händelse, Vad), oldest first unless ``newest_first``.

        ``limit`` keeps that many rows from the chosen end (the newest with ``newest_first``).
        """
        a = T.audit
        q = sa.select(a.c.time, a.c.who, a.c.action, a.c.what).order_by(
            a.c.id.desc() if newest_first else a.c.id)
        if limit is not None:
            q = q.limit(limit)
        with self.db.read() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame([tuple(r) for r in rows], columns=["Tid", "Vem", "Händelse", "Vad"])


__all__ = ["LaidError", "LaidStore", "LockInfo", "StoreError"]
