"""Cached access to the data and the baseline forecast.

This is the only place the UI calls the engine for expensive things.

- The embedded example is loaded once per process (``st.cache_resource``: a frozen Dataset
  that nobody mutates).
- The baseline forecast is cached per data hash and as-of month (``st.cache_resource``: a
  frozen RegionForecast with read-only arrays, shared by every session; copying its path
  array on each rerun, as ``st.cache_data`` would, costs more than the scenario itself).
- Derived tables are cached with ``st.cache_data`` (each caller gets its own copy).

Changing a scenario control therefore re-applies the scenario to the cached baseline and never
refits a method.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

import pandas as pd
import streamlit as st

from forecast.cycle.defaults import DEFAULT_PATHS, DEFAULT_SEED
from forecast.ledger.as_of import available_months
from forecast.ledger.dataset import Dataset, load_default
from forecast.ledger.month import month_from_text
from forecast.ledger.names import EXAMPLE_DATASET
from ui import state_keys as K

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator

    from forecast.access import Policy
    from forecast.cycle.record import ForecastOfRecord, Spec
    from forecast.engine.result import RegionForecast
    from forecast.store.statistical import StatisticalStore

# The forecast of record's defaults (forecast.cycle.record): the same paths and seed as the
# command line, the report and the scenarios. Tests import these to recompute the same numbers.
UI_N_PATHS = DEFAULT_PATHS
UI_SEED = DEFAULT_SEED


def forecast_kwargs() -> dict[str, object]:
    """The standard årsprognos of the core (the same as ``budgetprognos prognos`` exports).

    ``forecast.engine.region`` (the methods) is imported here, not when the app opens.
    """
    from forecast.engine.region import STANDARD_FORECAST
    return dict(STANDARD_FORECAST)


@st.cache_resource(show_spinner="Läser in exempeldata …")
def default_dataset() -> Dataset:
    """The embedded example region (loaded once per process)."""
    return load_default()


@st.cache_resource(show_spinner="Läser in den sparade datamängden …", max_entries=8)
def _stored_dataset(key: str, _viewer: Policy) -> Dataset:
    from forecast.datasets import load

    return load(key, _viewer).dataset


def stored_dataset(key: str, viewer: Policy) -> Dataset:
    """The dataset stored on the server under ``key``, if ``viewer`` may see it.

    The access check (``forecast.datasets.visible``) runs on every call, before the
    process-wide cache is consulted; a dataset the viewer may not see is answered exactly as a
    missing one.
    """
    from forecast.datasets import visible

    visible(key, viewer)
    return _stored_dataset(key, viewer)


def current_dataset() -> Dataset:
    """The data set of this session: the last accepted upload, else the embedded example.

    After a browser reload the session is new: the dataset named by the URL's ``data``
    parameter (its stored id, never the data hash) is read back from the server's store if
    the user may see it. The parameter is kept in the URL while a user's dataset is in use.
    """
    ds = st.session_state.get(K.DATASET)
    if ds is None:
        ds = _from_url()
    key = st.session_state.get(K.DATASET_ID)
    if ds is not None and key and st.query_params.get(K.DATA_PARAM) != key:
        st.query_params[K.DATA_PARAM] = key
    return ds if ds is not None else default_dataset()


def _from_url() -> Dataset | None:
    key = st.query_params.get(K.DATA_PARAM)
    if not key:
        return None
    from forecast.datasets import StoreError
    from ui.user_access import policy

    viewer = policy()
    try:
        if viewer is None:
            from forecast.access import NOT_FOUND

            raise StoreError(NOT_FOUND)
        ds = stored_dataset(key, viewer)
    except StoreError as exc:
        del st.query_params[K.DATA_PARAM]
        st.session_state[K.UPLOAD_MESSAGE] = ("error", f"{exc}. Exempeldatan används.")
        return None
    st.session_state[K.DATASET] = ds
    st.session_state[K.DATASET_ID] = key
    return ds


def outcome_months(ds: Dataset) -> list[str]:
    """Months (``YYYY-MM``) with outcome in ``ds``, oldest first.

    From the ledger's index (made once per data set; the first figures read it too), not a
    scan of the ledger per data set of its own.
    """
    return [str(p) for p in available_months(ds)]


class PageMemo(TypedDict, total=False):
    """What one page run has looked up (see :attr:`Context.memo`)."""

    record: ForecastOfRecord
    laid_current: tuple[int, int, bool] | None
    """(id, version, fastställd) of the month's current laid version, None if there is none."""


@dataclass(frozen=True)
class Context:
    """What every page needs: the data set and the as-of month chosen in the sidebar."""

    ds: Dataset
    as_of: pd.Period
    dataset_id: str = EXAMPLE_DATASET
    """The identity laid forecasts, adjustments and scenarios of ``ds`` are stored under."""
    memo: PageMemo = field(default_factory=PageMemo, compare=False, repr=False)
    """What one page run has looked up for this context (the forecast of record and its laid
    version), so the many accessors of a page ask the store once; a new run has a new
    context."""

    @property
    def data_hash(self) -> str:
        """The data set's content hash (cache key)."""
        return self.ds.source_hash


def context() -> Context:
    """The current data set and as-of month (default: the last outcome month)."""
    ds = current_dataset()
    months = outcome_months(ds)
    chosen = st.session_state.get(K.AS_OF)
    if chosen not in months:
        chosen = months[-1] if months else str(ds.last_outcome)
    key = st.session_state.get(K.DATASET_ID) if K.DATASET in st.session_state and \
        st.session_state[K.DATASET] is not None else None
    return Context(ds=ds, as_of=month_from_text(chosen), dataset_id=key or EXAMPLE_DATASET)


Progress = tuple[str, int, int]
"""One step of a forecast being computed: (step, series done, series in all)."""
Entry = tuple["RegionForecast", int | None]
"""A statistical forecast and its id in the store (None: not stored)."""

WAIT_POLL_S = 0.25
"""How often a session that waits for another session's computation redraws its bar."""


@dataclass
class _Slot:
    """One baseline's place in the shared cache.

    The forecast once computed, its lock, and the progress of the computation under way (so
    every session waiting for it can show it).
    """

    lock: threading.Lock = field(default_factory=threading.Lock)
    rf: Entry | None = None
    progress: Progress | None = None


@st.cache_resource(show_spinner=False, max_entries=8)
def _slot(data_hash: str, as_of: str, n_paths: int, seed: int) -> _Slot:
    return _Slot()


class _ProgressBar:
    """A progress bar by step (series done of total), drawn only if the work really runs."""

    def __init__(self, as_of: pd.Period) -> None:
        self.as_of = as_of
        self.bar: DeltaGenerator | None = None

    def start(self) -> None:
        """Draw the bar at once, before the first step reports."""
        self.bar = st.progress(0.0, text=f"Räknar om prognosen per {self.as_of}: förbereder "
                                          "serierna …")

    def __call__(self, step: str, done: int, total: int, *, elsewhere: bool = False) -> None:
        text = f"Räknar om prognosen per {self.as_of}: {step.lower()}, {done} av {total} serier"
        if elsewhere:
            text += " (startad i en annan session; den här väntar på samma beräkning)"
        if self.bar is None:
            self.bar = st.progress(0.0, text=text)
        self.bar.progress(min(done / max(total, 1), 1.0), text=text)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.empty()


def compute_shared(slot: _Slot, compute: Callable[[Callable[[str, int, int], None]], Entry],
                   bar: _ProgressBar, *, poll_s: float = WAIT_POLL_S) -> Entry:
    """The slot's result, computed once however many sessions ask at the same time.

    The first caller runs ``compute(progress)`` and records each step in the slot as well as
    on its own ``bar``; a caller that finds the computation under way waits for it and meanwhile
    shows the same steps on its own bar (``elsewhere=True``), redrawn every ``poll_s`` seconds.

    Args:
        slot: the shared place of the result.
        compute: ``compute(progress) -> result``; ``progress(step, done, total)`` per step.
        bar: ``bar(step, done, total, elsewhere=...)``, ``start()`` and ``close()``.
        poll_s: how often a waiting caller redraws its bar.
    """
    if slot.rf is not None:
        return slot.rf
    bar.start()
    try:
        shown: Progress | None = None
        while not slot.lock.acquire(timeout=poll_s):
            if slot.progress is not None and slot.progress != shown:
                shown = slot.progress
                bar(*shown, elsewhere=True)
        try:
            if slot.rf is None:
                def report(step: str, done: int, total: int) -> None:
                    slot.progress = (step, done, total)
                    bar(step, done, total)

                slot.rf = compute(report)
        finally:
            slot.progress = None
            slot.lock.release()
    finally:
        bar.close()
    return slot.rf


def _spec(n_paths: int = UI_N_PATHS, seed: int = UI_SEED) -> Spec:
    from forecast.cycle.record import Spec

    return Spec(n_paths=n_paths, seed=seed)


@st.cache_resource(show_spinner=False)
def _stat_store(url: str) -> StatisticalStore:
    from forecast.store.statistical import StatisticalStore

    return StatisticalStore(url)


def stat_store() -> StatisticalStore | None:
    """The store of statistical forecasts (``forecast.store.statistical``), None on a fault.

    A fault is shown as one Swedish line; the forecast is then computed but not kept.
    """
    from forecast.store.base import StoreError
    from forecast.store.core import default_url

    try:
        return _stat_store(default_url())
    except StoreError as exc:
        st.warning(f"Prognoser kan inte sparas eller läsas från databasen: {exc}")
        return None


def statistical_ready(ctx: Context, spec: Spec | None = None) -> bool:
    """True if the statistical forecast is in this process or in the store (no computing)."""
    spec = spec or _spec()
    if _slot(ctx.data_hash, str(ctx.as_of), spec.n_paths, spec.seed).rf is not None:
        return True
    store = stat_store()
    return store is not None and store.find(spec.key(ctx.ds, ctx.as_of)) is not None


def statistical_entry(ctx: Context, spec: Spec | None = None) -> Entry:
    """The stored statistical forecast and its store id (computed and stored only once).

    Read from the store when any process (the app, the CLI's ``prognos``) stored it; else
    computed once, with a progress bar in every session that waits for it, and stored.
    """
    from forecast.cycle.record import statistical as stored

    spec = spec or _spec()
    slot = _slot(ctx.data_hash, str(ctx.as_of), spec.n_paths, spec.seed)
    if slot.rf is not None:
        return slot.rf
    store = stat_store()
    sid = None if store is None else store.find(spec.key(ctx.ds, ctx.as_of))
    if store is not None and sid is not None:
        with slot.lock:
            if slot.rf is None:
                slot.rf = (store.load(sid), sid)
            entry = slot.rf
        return entry

    def compute(progress: Callable[[str, int, int], None]) -> Entry:
        return stored(ctx.ds, ctx.as_of, store, spec, progress=progress)

    return compute_shared(slot, compute, _ProgressBar(ctx.as_of))


def statistical(ctx: Context) -> RegionForecast:
    """The month's statistical forecast (no adjustments), as stored for the data and month.

    :func:`baseline` is the forecast of record (laid and adjusted where laid); this one is
    what adjustments are applied to and previewed on.
    """
    return statistical_entry(ctx)[0]
