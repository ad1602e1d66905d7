"""The forecast of record: the one årsprognos of a dataset and month that every output shows.

Which one (the rule the README states):

1. the **fastställd** (locked) version of the month, when one was laid on these data;
2. else the **latest laid** version laid on these data;
3. else the **stored statistical forecast** ("statistisk, ej lagd").

The statistical forecast is computed once per (data hash, month, method, paths, seed,
program version) and kept in the store with its paths (:mod:`forecast.store.statistical`);
a laid version names the stored forecast it was laid on, so its final forecast is that
forecast plus its adjustments, rebuilt exactly (:func:`laid_adjusted`). Every consumer (the
app's pages, the Årsprognos export, the report, the scenario base, the CLI) reads
:attr:`ForecastOfRecord.final` and says which one it shows (:meth:`ForecastOfRecord.heading`,
:meth:`ForecastOfRecord.provenance`).

One set of defaults for every consumer: :data:`DEFAULT_PATHS` paths and seed
:data:`DEFAULT_SEED`, so the same inputs give the same number everywhere.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
import pandas as pd

from forecast import __version__
from forecast.cycle.adjustments import AdjustedForecast, apply_adjustments
from forecast.cycle.defaults import DEFAULT_PATHS, DEFAULT_SEED
from forecast.cycle.laid import LaidForecast
from forecast.engine.hierarchy import series_year_means
from forecast.engine.result import RegionForecast
from forecast.io.formatting import fmt_number, fmt_timestamp, fmt_tkr, month_label
from forecast.ledger.dataset import Dataset
from forecast.ledger.month import month_text
from forecast.store.statistical import StatisticalStore, StatKey

STANDARD = "standard"
"""The method name of the standard årsprognos in a stored forecast's key."""
MATCH_TOLERANCE_TKR = 0.5
"""How far a rebuilt laid forecast's series may be from what was laid (float rounding)."""

Compute = Callable[..., RegionForecast]
"""``compute(ds, as_of, *, n_paths, seed, method, progress) -> RegionForecast``."""


@dataclass(frozen=True)
class Spec:
    """How the statistical forecast is made: paths, seed and method (None = the standard)."""

    n_paths: int = DEFAULT_PATHS
    seed: int = DEFAULT_SEED
    method: str | None = None

    @property
    def method_name(self) -> str:
        """``standard`` or the one method's alias."""
        return self.method or STANDARD

    def key(self, ds: Dataset, as_of: pd.Period) -> StatKey:
        """The store key of this spec on ``ds`` at ``as_of``."""
        return StatKey(input_hash=ds.source_hash, as_of=month_text(as_of), method=self.method_name,
                       n_paths=self.n_paths, seed=self.seed, program_version=__version__)

    def describe(self) -> str:
        """``standardprognosen, 1 000 banor per serie, slumpfrö 0``."""
        how = "standardprognosen" if self.method is None else f"en metod för alla: {self.method}"
        return f"{how}, {fmt_number(self.n_paths)} banor per serie, slumpfrö {self.seed}"


def _standard(ds: Dataset, as_of: pd.Period, **kw: object) -> RegionForecast:
    from forecast.engine.region import standard_forecast  # the methods: only when computed

    return standard_forecast(ds, as_of, **kw)  # type: ignore[arg-type]


def statistical(ds: Dataset, as_of: pd.Period, store: StatisticalStore | None,
                spec: Spec = Spec(), *, progress: object = None,
                compute: Compute = _standard) -> tuple[RegionForecast, int | None]:
    """The stored statistical forecast of ``spec`` (computed and stored when not yet stored).

    Returns the forecast and its store id (None without a store).
    """
    if store is not None:
        sid = store.find(spec.key(ds, as_of))
        if sid is not None:
            return store.load(sid), sid
    rf = compute(ds, as_of, n_paths=spec.n_paths, seed=spec.seed, method=spec.method,
                 progress=progress)
    if store is None:
        return rf, None
    return rf, store.save(spec.key(ds, as_of), rf)


def laid_adjusted(stat: RegionForecast, lf: LaidForecast) -> AdjustedForecast:
    """The laid version's adjustments on the statistical forecast it was laid on.

    Adjustments of kind ``justering`` are allocated again by their rule (deterministic for
    the same forecast); adopted scenario assumptions (``scenario``) take their laid allocation,
    which covers the forecast year's remaining months.
    """
    own = [a for a in lf.adjustments if a.kind != "scenario"]
    pad = np.zeros((stat.n_series, len(stat.months) - lf.stat_monthly.shape[1]))
    given = [(a, np.hstack([al, pad])) for a, al in zip(lf.adjustments, lf.allocations,
                                                         strict=True) if a.kind == "scenario"]
    return apply_adjustments(stat, own, explicit=given)


def mismatch_tkr(adjusted: AdjustedForecast, lf: LaidForecast) -> float:
    """Largest |rebuilt − laid| final year total over the series, tkr."""
    year = series_year_means(adjusted.final, lf.as_of.year)
    return float(np.max(np.abs(year - lf.series["final_year"].to_numpy(float)), initial=0.0))


KIND_LOCKED = "fastställd"
KIND_LAID = "lagd"
KIND_STATISTICAL = "statistisk, ej lagd"


@dataclass(frozen=True)
class ForecastOfRecord:
    """The month's forecast of record: the statistical forecast, and the laid version if any."""

    statistical: RegionForecast
    adjusted: AdjustedForecast
    spec: Spec
    stat_id: int | None = None
    laid: LaidForecast | None = None
    notes: tuple[str, ...] = ()
    alignment: np.ndarray | None = None
    """(n_series, n_months) amounts added to every path so a version laid before forecasts
    were stored shows, series by series, the year totals that were laid (None: none needed)."""

    @classmethod
    def of_statistical(cls, rf: RegionForecast, stat_id: int | None = None) -> ForecastOfRecord:
        """The record of a month not laid: the statistical forecast ``rf`` itself."""
        return cls(rf, AdjustedForecast(rf, (), ()), Spec(rf.n_paths, rf.seed), stat_id)

    @functools.cached_property
    def final(self) -> RegionForecast:
        """The forecast every output shows: statistical plus the laid adjustments, if laid."""
        rf = self.adjusted.final
        if self.alignment is None:
            return rf
        paths = (rf.paths + self.alignment[:, None, :]).astype(rf.paths.dtype)
        return replace(rf, paths=paths, point=rf.point + self.alignment)

    @property
    def as_of(self) -> pd.Period:
        """The as-of month."""
        return self.statistical.as_of

    @property
    def kind(self) -> str:
        """``fastställd``, ``lagd`` or ``statistisk, ej lagd``."""
        if self.laid is None:
            return KIND_STATISTICAL
        return KIND_LOCKED if self.laid.locked else KIND_LAID

    @property
    def key(self) -> str:
        """Identity for caches: the stored statistical forecast and the laid version."""
        stat = str(self.stat_id) if self.stat_id is not None else \
            f"{self.statistical.input_hash}|{self.as_of}|{self.spec}"
        return f"{stat}|{self.laid.id if self.laid is not None else 0}"

    def heading(self, when: Callable[[str], str] = fmt_timestamp) -> str:
        """Which forecast this is, for headings: version, author and time, or the statistical.

        Args:
            when: formats a stored (UTC ISO) time for display.
        """
        lf = self.laid
        if lf is None:
            return f"Statistisk prognos per {month_label(self.as_of, long=True)}, ej lagd"
        what = "Fastställd prognos" if lf.locked else "Lagd prognos"
        return (f"{what} {month_label(lf.as_of, long=True)} version {lf.version} av {lf.author}, "
                f"lagd {when(lf.created)}")

    def provenance(self, when: Callable[[str], str] = fmt_timestamp,
                   ) -> list[tuple[str, str]]:
        """(label, value) rows for every export's metadata: which forecast, and its parts."""
        rows = [("Prognos som visas", self.heading(when)),
                ("Statistisk prognos", self.spec.describe()
                 + ("" if self.stat_id is None else f" (lagrad, id {self.stat_id})"))]
        lf = self.laid
        if lf is not None:
            rows.append(("Kommentar till lagd prognos", lf.comment))
            adjs = "; ".join(f"{a.scope_text}: {fmt_tkr(a.amount_tkr)}, {a.comment} "
                             f"({a.author or lf.author})"
                             for a in lf.adjustments)
            rows.append(("Justeringar", adjs or "inga"))
        rows += [("Anmärkning", n) for n in self.notes]
        return rows


class LaidSource(Protocol):
    """What :func:`resolve` needs of the laid-forecast store (``LaidStore`` has it)."""

    def current_version(self, dataset: str, as_of: pd.Period,
                        input_hash: str) -> tuple[int, int, bool] | None:
        """(id, version, fastställd) of the current version laid on these data, or None."""
        ...

    def load(self, dataset: str, as_of: pd.Period,
             version: int | None = None) -> LaidForecast:
        """The laid version."""
        ...


def laid_spec(lf: LaidForecast, spec: Spec) -> Spec:
    """The spec a version laid before forecasts were stored was made with (its parameters)."""
    p = lf.parameters
    try:
        return Spec(n_paths=int(p.get("Banor per serie", spec.n_paths)),
                    seed=int(p.get("Slumpfrö", spec.seed)), method=spec.method)
    except ValueError:
        return spec


def of_laid(ds: Dataset, lf: LaidForecast, store: StatisticalStore | None, spec: Spec = Spec(),
            *, progress: object = None, compute: Compute = _standard) -> ForecastOfRecord:
    """The forecast of record of a laid version (its statistical forecast read from the store).

    A version laid before forecasts were stored has no stored basis: its statistical forecast
    is computed once with the paths and seed it was laid with, and stored.
    """
    notes: list[str] = []
    sid: int | None
    if lf.stat_forecast_id is not None and store is not None:
        stat, sid = store.load(lf.stat_forecast_id), lf.stat_forecast_id
        used = Spec(stat.n_paths, stat.seed, spec.method)
    else:
        used = laid_spec(lf, spec)
        stat, sid = statistical(ds, lf.as_of, store, used, progress=progress, compute=compute)
    adjusted = laid_adjusted(stat, lf)
    gap = mismatch_tkr(adjusted, lf)
    alignment = None
    if gap > MATCH_TOLERANCE_TKR:
        alignment = align_to_laid(adjusted, lf)
        notes.append("versionen lades innan prognoser lagrades: den statistiska prognosen "
                     "räknades om, och varje series belopp för året är flyttat till det som "
                     f"lades (upp till {fmt_tkr(gap)}); intervallen är de omräknade")
    return ForecastOfRecord(stat, adjusted, used, sid, lf, tuple(notes), alignment)


def align_to_laid(adjusted: AdjustedForecast, lf: LaidForecast) -> np.ndarray:
    """(n_series, n_months) the difference to the laid year totals.

    Spread evenly over the forecast year's remaining months (nothing in the plan years).
    """
    rf = adjusted.statistical
    year = series_year_means(adjusted.final, lf.as_of.year)
    delta = lf.series["final_year"].to_numpy(float) - year
    mask = rf.month_mask(lf.as_of.year)
    out = np.zeros(rf.point.shape)
    out[:, mask] = delta[:, None] / max(int(mask.sum()), 1)
    return out


def resolve(ds: Dataset, as_of: pd.Period, *, dataset: str, laid: LaidSource | None,
            store: StatisticalStore | None, spec: Spec = Spec(), progress: object = None,
            compute: Compute = _standard) -> ForecastOfRecord:
    """The forecast of record of ``ds`` at ``as_of`` (see the module docstring for the rule).

    Args:
        ds: the data (its hash decides which laid versions and stored forecasts belong to it).
        as_of: the month.
        dataset: the name laid versions are kept under.
        laid: the laid-forecast store (None: only the statistical forecast).
        store: the statistical forecasts' store (None: computed, not kept).
        spec: paths, seed and method of the statistical forecast.
        progress: ``progress(step, done, total)`` while a statistical forecast is computed.
        compute: the forecast engine (tests pass a fast one).
    """
    cur = None if laid is None else laid.current_version(dataset, as_of, ds.source_hash)
    if cur is not None and laid is not None:
        lf = laid.load(dataset, as_of, cur[1])
        return of_laid(ds, lf, store, spec, progress=progress, compute=compute)
    stat, sid = statistical(ds, as_of, store, spec, progress=progress, compute=compute)
    return ForecastOfRecord(stat, AdjustedForecast(stat, (), ()), spec, sid)
