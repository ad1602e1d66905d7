"""The region forecast engine: every bottom series of a data set, forecast with sample paths.

One bottom series is a unit × leaf account. Its history is the monthly outcome (utfall) from
its first outcome month through the as-of month, made by the one ledger boundary
(:func:`forecast.ledger.schema.to_nixtla`), with months missing in the ledger counted as 0. The
forecast months are ``as_of + 1`` … December of ``as_of.year + 2``.

Budget as regressor: the ledger's monthly budget over the history, and over the forecast
months the ledger's budget of ``as_of.year`` (and of the plan years where the ledger has
one). A plan year with no budget in the ledger gets the current year's monthly budget
repeated (budget frame unchanged); series whose method follows the budget say so in notes.

Methods come from a :class:`SeriesForecaster` passed in (by default :data:`METHODS`:
``selection.forecast_with_fallback`` and ``selection.choose``; tests pass fakes). Every
series is forecast in isolation: a failing model is caught, the series falls back (first to
the methods package's own fallback chain, then to a last-resort seasonal naive path here),
and the reason is kept in ``notes`` so no fallback is silent.

Determinism: each series draws from its own generator seeded by ``(seed, crc32(unique_id))``,
so a result depends on the seed only, never on the chunking or the number of workers.
After the series are forecast, their paths are re-paired across series by their historical
co-movement (:mod:`forecast.engine.joint`, ``joint=True``), with a generator of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast
from forecast.engine.sign import constrain_sign, history_sign
from forecast.io.limits import (
    MAX_SEED,
    MAX_SERIES,
    LimitExceeded,
    check_paths,
    check_range,
    too_many,
)
from forecast.ledger import schema as S
from forecast.ledger.as_of import check_as_of
from forecast.ledger.dataset import Dataset
from forecast.ledger.month import month_of
from forecast.methods import selection
from forecast.methods.base import scale_deviations
from forecast.methods.selection import Choice
from forecast.parallel import chunk_evenly, cluster_address, for_chunks
from forecast.seeding import series_rng

UNKNOWN_DIVISION = "Okänd division"
DEFAULT_WORKERS = 2
PARALLEL_MIN_WORK = 150_000
"""Parallelise when n_series × n_paths exceeds this (below it the pool costs more)."""


@dataclass(frozen=True)
class SeriesForecaster:
    """The per-series routines the engine calls, passed in (tests pass fakes).

    Attributes:
        forecast: ``(alias, y, start_month, h, n_paths, rng, *, budget, budget_future) ->
            (point, paths, used_alias, note)``; falls back by itself where it can.
        choose: ``(y, start_month, cutoff_month, candidates, *, budget) -> Choice``.
        candidates: the aliases :func:`choose_methods` chooses among when given none.
        default_method: the alias of series without a choice.
    """

    forecast: Callable[..., tuple[np.ndarray, np.ndarray, str, str]] = \
        selection.forecast_with_fallback
    choose: Callable[..., Any] = selection.choose
    candidates: tuple[str, ...] = field(default=selection.DEFAULT_CANDIDATES)
    default_method: str = selection.DEFAULT_METHOD


METHODS = SeriesForecaster()
"""The real per-series methods (:mod:`forecast.methods.selection`)."""


def forecast_months(as_of: pd.Period) -> pd.PeriodIndex:
    """The forecast months: ``as_of + 1`` … December of ``as_of.year + 2``."""
    end = month_of(as_of.year + 2, 12)
    return pd.period_range(as_of + 1, end, freq="M")


@dataclass(frozen=True)
class SeriesInput:
    """Everything one series' forecast needs (picklable, sent to worker processes)."""

    uid: str
    y: np.ndarray
    start_month: int
    budget: np.ndarray | None
    budget_future: np.ndarray | None
    alias: str
    own_errors: tuple[float, ...] | None = None
    """The method's own relative year-end errors (actual − forecast)/|forecast| in earlier
    years at this cut-off, from the per-series backtest (None when it did not run)."""


@dataclass(frozen=True)
class SeriesOutput:
    """One series' forecast."""

    uid: str
    point: np.ndarray
    paths: np.ndarray
    alias: str
    note: str


# --------------------------------------------------------------------------- inputs


def _series_keys(ds: Dataset, as_of: pd.Period) -> pd.DataFrame:
    """Bottom series: unit × leaf with outcome up to as_of, or budget in as_of.year.

    Ordered by the org's unit order, then the account hierarchy's leaf order.
    """
    led = ds.ledger
    has_out = (led[S.KIND] == S.UTFALL) & (led[S.PERIOD] <= as_of)
    has_bud = (led[S.KIND] == S.BUDGET) & (led[S.PERIOD].dt.year == as_of.year)
    pairs = led.loc[has_out | has_bud, [S.UNIT, S.ACCOUNT]].drop_duplicates()
    unit_order = {u: i for i, u in enumerate(ds.org.unit_ids)}
    leaf_order = {a: i for i, a in enumerate(ds.accounts.leaves)}
    pairs = pairs.assign(
        _u=pairs[S.UNIT].map(unit_order).fillna(len(unit_order)),
        _a=pairs[S.ACCOUNT].map(leaf_order).fillna(len(leaf_order)),
    ).sort_values(["_u", S.UNIT, "_a", S.ACCOUNT])
    div = ds.org.division_of()
    types = ds.accounts.type_of()
    cats = ds.accounts.category_of()
    keys = pd.DataFrame(
        {
            "unit": pairs[S.UNIT].to_numpy(),
            "account": pairs[S.ACCOUNT].to_numpy(),
        }
    )
    keys["division"] = keys["unit"].map(div).fillna(UNKNOWN_DIVISION)
    keys["account_type"] = keys["account"].map(types).fillna("kostnad")
    keys["category"] = keys["account"].map(cats).fillna(keys["account"])
    return keys.reset_index(drop=True)


def _monthly_matrix(frame: pd.DataFrame, uids: Sequence[str], first: pd.Period,
                    last: pd.Period) -> np.ndarray:
    """(n_uids, n_months) matrix of a Nixtla frame over ``first..last`` (missing = 0)."""
    months = pd.period_range(first, last, freq="M").to_timestamp()
    if len(months) == 0:
        return np.zeros((len(uids), 0))
    wide = frame.pivot_table(index=S.UID, columns=S.DS, values=S.Y, aggfunc="sum")
    wide = wide.reindex(index=list(uids), columns=months).fillna(0.0)
    return wide.to_numpy(dtype=float)


@dataclass(frozen=True)
class _Inputs:
    keys: pd.DataFrame
    uids: list[str]
    first_month: pd.Period
    outcome: np.ndarray  # (n, months first..as_of)
    budget: np.ndarray  # (n, months first..Dec of as_of.year + 2)
    has_budget: np.ndarray  # (n,) any budget row at all
    first_obs: np.ndarray  # (n,) column index of the first outcome month, -1 if none


def _prepare(ds: Dataset, as_of: pd.Period, steps: Sequence[pd.Period] = (),
             keys: pd.DataFrame | None = None) -> _Inputs:
    keys = _series_keys(ds, as_of) if keys is None else keys
    uids = [S.series_id(u, a) for u, a in zip(keys["unit"], keys["account"], strict=True)]
    led = ds.ledger
    out_nx = S.to_nixtla(led.loc[led[S.PERIOD] <= as_of], S.UTFALL)
    first = led[S.PERIOD].min()
    first = min(first, month_of(as_of.year - 1, 1))
    bud_nx = S.to_nixtla(led, S.BUDGET)
    horizon_end = month_of(as_of.year + 2, 12)
    outcome = _monthly_matrix(out_nx, uids, first, as_of)
    budget = _monthly_matrix(bud_nx, uids, first, horizon_end)
    # Plan years without a budget in the ledger: the current year's monthly budget repeated
    # (budget frame unchanged), so budget-driven methods have a regressor for every month.
    jan = (month_of(as_of.year, 1) - first).n
    cur = budget[:, jan: jan + 12]
    for k in (1, 2):
        block = budget[:, jan + 12 * k: jan + 12 * (k + 1)]
        missing = ~np.any(block != 0, axis=1)
        block[missing] = cur[missing]
    has_budget = _member(uids, bud_nx[S.UID].unique())
    first_obs = _first_outcome(out_nx, uids, first)
    breaks = [p for p in steps if first < p <= as_of]
    if breaks:
        cut = (max(breaks) - first).n
        first_obs = np.where(first_obs >= 0, np.maximum(first_obs, cut), -1)
    return _Inputs(keys, uids, first, outcome, budget, has_budget, first_obs)


def _member(uids: Sequence[str], present: Iterable[str]) -> np.ndarray:
    """(n,) whether each uid is among ``present`` (a set lookup; ``np.isin`` on strings is slow)."""
    seen = set(present)
    return np.fromiter((u in seen for u in uids), dtype=bool, count=len(uids))


def _first_outcome(out_nx: pd.DataFrame, uids: Sequence[str], first: pd.Period) -> np.ndarray:
    """(n,) column index (months after ``first``) of each series' first outcome; -1 if none."""
    if not len(out_nx):
        return np.full(len(uids), -1)
    start = out_nx.groupby(S.UID)[S.DS].min().reindex(uids)
    origin = first.to_timestamp()
    ok = start.notna().to_numpy()
    ts = pd.DatetimeIndex(start[ok])
    pos = np.full(len(uids), -1)
    pos[ok] = (ts.year - origin.year) * 12 + (ts.month - origin.month)
    return pos


def _summary_columns(inp: _Inputs, as_of: pd.Period) -> dict[str, np.ndarray]:
    """ytd_outcome, annual_budget, prior_ytd_outcome, prior_year_outcome per series."""
    def col(p: pd.Period) -> int:
        return (p - inp.first_month).n

    jan = col(month_of(as_of.year, 1))
    pjan = col(month_of(as_of.year - 1, 1))
    nm = as_of.month
    out, bud = inp.outcome, inp.budget
    return {
        "ytd_outcome": out[:, jan: jan + nm].sum(axis=1),
        "annual_budget": bud[:, jan: jan + 12].sum(axis=1),
        "prior_ytd_outcome": out[:, pjan: pjan + nm].sum(axis=1) if pjan >= 0 else 0 * out[:, 0],
        "prior_year_outcome": out[:, pjan: pjan + 12].sum(axis=1) if pjan >= 0 else 0 * out[:, 0],
    }


def _series_inputs(inp: _Inputs, as_of: pd.Period, h: int,
                   aliases: Sequence[str], errors: np.ndarray | None = None
                   ) -> list[SeriesInput]:
    n_hist_end = inp.outcome.shape[1]  # columns first..as_of
    tasks = []
    for i, uid in enumerate(inp.uids):
        f = int(inp.first_obs[i])
        if f < 0:
            y = np.zeros(0)
            start_month = (as_of + 1).month
            budget = None
        else:
            y = inp.outcome[i, f:n_hist_end].copy()
            start_month = (inp.first_month + f).month
            budget = inp.budget[i, f:n_hist_end].copy() if inp.has_budget[i] else None
        bf = inp.budget[i, n_hist_end: n_hist_end + h].copy() if inp.has_budget[i] else None
        own = None if errors is None else forecast_relative_errors(errors[i], y)
        tasks.append(SeriesInput(uid, y, start_month, budget, bf, aliases[i], own))
    return tasks


def forecast_relative_errors(errors_pct: np.ndarray, y: np.ndarray) -> tuple[float, ...] | None:
    """A backtest's errors 100·(A − F)/|A| as (A − F)/|F| (what a method's width uses).

    With e = (A − F)/|A| and σ the sign of the actual (taken as the sign of the series'
    last twelve months), F/A = 1 − σe, so (A − F)/|F| = e / |1 − σe|. None when there is
    no finite error.
    """
    e = np.asarray(errors_pct, dtype=float) / 100.0
    if not np.isfinite(e).any():
        return None
    sign = 1.0 if float(np.sum(y[-12:])) >= 0 else -1.0
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = e / np.abs(1.0 - sign * e)
    return tuple(float(v) for v in rel[np.isfinite(rel)])


# --------------------------------------------------------------------------- one series


def last_resort(task: SeriesInput, h: int, n_paths: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Point and zero-width paths when every method failed.

    The last 12 months repeated (seasonal naive), or the remaining budget of the year then 0
    when there is no outcome at all.
    """
    y = task.y
    if y.size >= 12:
        point = np.resize(y[-12:], h)
        alias = "seasonal_naive"
    elif y.size > 0:
        point = np.full(h, float(np.mean(y)))
        alias = "mean"
    else:
        bf = task.budget_future
        point = np.zeros(h) if bf is None else np.asarray(bf, dtype=float)
        alias = "budget"
    return point, np.repeat(point[None, :], n_paths, axis=0), alias


BUDGET_DRIVEN = frozenset({"remaining_budget", "budget_ratio", "sarimax", "ucm"})
"""Methods whose forecast follows the budget regressor (plan years: see the module doc)."""


def _checked(task: SeriesInput, h: int, n_paths: int, rng: np.random.Generator,
             forecaster: SeriesForecaster) -> SeriesOutput:
    """The forecaster's result for one series, its shape and finiteness checked."""
    kw: dict[str, Any] = {}
    if task.own_errors is not None:  # only the real forecaster is given a backtest's errors
        kw["method_kwargs"] = {"own_errors": task.own_errors}
    point, paths, used, note = forecaster.forecast(
        task.alias, task.y, task.start_month, h, n_paths, rng,
        budget=task.budget, budget_future=task.budget_future, **kw,
    )
    point = np.asarray(point, dtype=float)
    paths = np.asarray(paths)
    if point.shape != (h,) or paths.shape != (n_paths, h):
        raise ValueError(f"fel form {point.shape}/{paths.shape}")
    if not (np.all(np.isfinite(point)) and np.all(np.isfinite(paths))):
        raise ValueError("icke-ändliga värden i prognosen")
    note = note or ""
    if used in BUDGET_DRIVEN and task.budget_future is not None:
        extra = "planåren bygger på årets budget upprepad"
        note = f"{note}; {extra}" if note else extra
    return SeriesOutput(task.uid, point, paths.astype(np.float32), str(used), note)


def forecast_series(task: SeriesInput, h: int, n_paths: int, seed: int,
                    forecaster: SeriesForecaster = METHODS) -> SeriesOutput:
    """Forecast one series; never raises (failures fall back and are noted)."""
    rng = series_rng(seed, task.uid)
    if task.y.size == 0:
        point, paths, alias = last_resort(task, h, n_paths)
        note = ("ingen utfallshistorik: prognos = återstående budget"
                if alias == "budget" else "ingen utfallshistorik")
        return SeriesOutput(task.uid, point, paths.astype(np.float32), alias, note)
    try:
        return _checked(task, h, n_paths, rng, forecaster)
    except Exception as exc:  # noqa: BLE001 - one series must never stop the region
        point, paths, alias = last_resort(task, h, n_paths)
        note = f"{task.alias} misslyckades ({type(exc).__name__}: {exc}); reserv: {alias}"
        return SeriesOutput(task.uid, point, paths.astype(np.float32), alias, note)


def _forecast_chunk(tasks: list[SeriesInput], h: int, n_paths: int, seed: int,
                    forecaster: SeriesForecaster) -> list[SeriesOutput]:
    return [forecast_series(t, h, n_paths, seed, forecaster) for t in tasks]


StepProgress = Callable[[str, int, int], None]
"""``progress(step, series_done, series_total)``: the step is a Swedish label."""
PROGRESS_CHUNKS = 20
CHUNK_SERIES = 25
"""Series per chunk sent to a worker: small enough that the two workers finish together
(series differ tenfold in cost) and that results in flight stay a few MB, large enough that
sending a chunk costs little beside its work."""


TAIL_CHUNKS_PER_WORKER = 2
TAIL_SPLIT = 4
"""The last two chunks per worker are sent in quarters, so that the workers finish nearly
together (a worker left with a whole chunk at the end kept the other one idle for half a
chunk's time on average); the results do not depend on the chunking."""


def _chunks(tasks: list[Any], workers: int, n_chunks: int, progress: bool) -> list[list[Any]]:
    """The chunks of ``tasks``: one in this process, else about :data:`CHUNK_SERIES` each."""
    if workers <= 1 and cluster_address() is None:
        return chunk_evenly(tasks, PROGRESS_CHUNKS if progress else 1)
    n = max(n_chunks, PROGRESS_CHUNKS if progress else 1, -(-len(tasks) // CHUNK_SERIES))
    chunks = chunk_evenly(tasks, n)
    tail = TAIL_CHUNKS_PER_WORKER * max(workers, 1)
    return chunks[:-tail] + [p for c in chunks[-tail:] for p in chunk_evenly(c, TAIL_SPLIT)]


def _stream(fn: Callable[..., list[Any]], tasks: list[Any], workers: int, n_chunks: int,
            *args: Any, consume: Callable[[list[Any]], None],
            progress: StepProgress | None = None, step: str = "") -> None:
    """``consume(fn(chunk, *args))`` for every chunk in order, in a pool, on a cluster or here.

    Results do not depend on the chunking: every series seeds its own generator.
    """
    chunks = _chunks(tasks, workers, n_chunks, progress is not None)
    total = len(tasks)
    done = [0]

    def take(res: list[Any], n: int) -> None:
        consume(res)
        done[0] += n
        if progress is not None:
            progress(step, done[0], total)

    for_chunks(fn, chunks, workers, *args, consume=take)


def _run(fn: Callable[..., list[Any]], tasks: list[Any], workers: int, n_chunks: int,
         *args: Any, progress: StepProgress | None = None, step: str = "") -> list[Any]:
    """``fn(chunk, *args)`` over the chunks of ``tasks``, concatenated in order."""
    out: list[Any] = []
    _stream(fn, tasks, workers, n_chunks, *args, consume=out.extend, progress=progress,
            step=step)
    return out


# --------------------------------------------------------------------------- choice


def _choose_chunk(tasks: list[SeriesInput], cutoff: int, candidates: tuple[str, ...],
                  forecaster: SeriesForecaster) -> list[tuple[str, Any]]:
    out = []
    for t in tasks:
        try:
            if t.y.size == 0:
                raise ValueError("ingen utfallshistorik")
            c = forecaster.choose(t.y, t.start_month, cutoff, list(candidates),
                                  budget=t.budget)
        except Exception as exc:  # noqa: BLE001 - a failing choice falls back to the default
            c = Choice(t.alias, float("nan"), 0,
                       f"metodval misslyckades ({type(exc).__name__}); standardmetod används")
        out.append((t.uid, c))
    return out


def _chosen_task(task: SeriesInput, choice: Any) -> SeriesInput:
    """``task`` with the chosen method and its own earlier errors.

    The same as :func:`_resolve` and :func:`_series_inputs` give after a separate choice.
    """
    alias = choice if isinstance(choice, str) else str(choice.alias)
    errs = tuple(getattr(choice, "errors", ()) or ())
    own = forecast_relative_errors(np.asarray(errs, dtype=float), task.y) if errs else None
    return replace(task, alias=alias, own_errors=own)


def _choose_forecast_chunk(tasks: list[SeriesInput], cutoff: int,
                           candidates: tuple[str, ...], h: int, n_paths: int, seed: int,
                           forecaster: SeriesForecaster) -> list[tuple[Any, SeriesOutput]]:
    """Per series: the backtest choice, then the forecast with it (one pass, one transfer).

    Each series' choice is followed at once by its forecast, so a history the choice has
    just fitted is still in the combination's cache of fits (``_FIT_CACHE``) when the
    forecast fits it again.
    """
    out = []
    for t in tasks:
        ((_, c),) = _choose_chunk([t], cutoff, candidates, forecaster)
        out.append((c, forecast_series(_chosen_task(t, c), h, n_paths, seed, forecaster)))
    return out


def choose_methods(ds: Dataset, as_of: pd.Period, candidates: Iterable[str] | None = None,
                   *, workers: int = DEFAULT_WORKERS,
                   forecaster: SeriesForecaster = METHODS,
                   progress: StepProgress | None = None,
                   steps: Sequence[pd.Period] = ()) -> dict[str, Any]:
    """Per-series rolling-origin choice of method on the year-end error (cacheable).

    Args:
        ds: the data set.
        as_of: last outcome month used; the backtest cut-off month is ``as_of.month``.
        candidates: method aliases to choose among (``forecaster.candidates`` if None).
        workers: worker processes (1 = in this process).
        forecaster: the per-series routines (the real methods unless a test passes fakes).
        progress: told the series done after each chunk (step "Backtest per serie").
        steps: history starts (as :func:`forecast_region`): nothing before the latest is
            used.

    Returns:
        ``{unique_id: Choice}`` with alias, backtested median APE %, origins and a note.
    """
    cands = tuple(candidates) if candidates is not None else forecaster.candidates
    inp = _prepare(ds, as_of, steps)
    h = len(forecast_months(as_of))
    tasks = _series_inputs(inp, as_of, h, [forecaster.default_method] * len(inp.uids))
    res = _run(_choose_chunk, tasks, workers if len(tasks) > 20 else 1, workers * 4,
               as_of.month % 12, cands, forecaster, progress=progress,
               step="Backtest per serie")
    return dict(res)


STANDARD_FORECAST: dict[str, Any] = {"choose": True, "candidates": ("combo",),
                                     "default_method": "combo"}
"""The standard årsprognos used by the app, ``prognos`` and ``scenario run`` alike: the
combination ``combo`` (median of Theta, CES and the prior-year profile) for every series,
with its year-end error backtested on each series' own history at the same cut-off month in
earlier years (those errors also set the width of the series' range, ``combo``'s
``width="own"``); robust fallbacks, with a note, where a series is too short. ``method=ALIAS``
instead uses one method everywhere without the per-series backtest. (Why not a free
per-series choice was measured less accurate than ``combo`` on M3.)"""


def standard_forecast(ds: Dataset, as_of: pd.Period, *, n_paths: int = 1000, seed: int = 0,
                      method: str | None = None, workers: int | None = None,
                      progress: StepProgress | None = None) -> RegionForecast:
    """The standard årsprognos (:data:`STANDARD_FORECAST`), or one ``method`` for all series.

    The history is what :func:`forecast.engine.history.forecast_history` allows: after a run
    of months missing from the whole ledger, it starts at the first month after it.

    Raises:
        ValueError: no forecast is possible at ``as_of`` (the history's Swedish line).
    """
    from forecast.engine.history import forecast_history

    hist = forecast_history(ds, as_of)
    if not hist.possible:
        raise ValueError(hist.line)
    steps = () if hist.cut is None else (hist.cut,)
    if method is None:
        return forecast_region(ds, as_of, n_paths=n_paths, seed=seed, workers=workers,
                               progress=progress, steps=steps, step_reason=GAP_REASON,
                               **STANDARD_FORECAST)
    return forecast_region(ds, as_of, n_paths=n_paths, seed=seed, workers=workers,
                           default_method=method, progress=progress, steps=steps,
                           step_reason=GAP_REASON)


GAP_REASON = "utfall saknas månaderna före"
"""The per-series note's reason when the history starts after months missing in the ledger."""


# --------------------------------------------------------------------------- region


@dataclass(frozen=True)
class _Resolved:
    """The series and what each one is forecast with (resolve step of a region forecast)."""

    inp: _Inputs
    months: pd.PeriodIndex
    aliases: list[str]
    apes: np.ndarray
    choice_notes: list[str]
    errors: np.ndarray | None = None
    """(n_series, years) signed earlier year-end errors of the chosen method, if chosen."""


def forecast_region(
    ds: Dataset, as_of: pd.Period, *,
    n_paths: int = 1000, seed: int = 0,
    choose: bool = False,
    methods: Mapping[str, Any] | None = None,
    default_method: str | None = None,
    steps: Sequence[pd.Period] = (),
    candidates: Iterable[str] | None = None,
    workers: int | None = None,
    forecaster: SeriesForecaster = METHODS,
    progress: StepProgress | None = None,
    joint: bool = True,
    level: bool = True,
    totals_floor: bool = True,
    step_reason: str = "strukturbrott",
) -> RegionForecast:
    """Forecast every bottom series of ``ds`` after ``as_of`` with joint sample paths.

    Steps: :func:`_chosen_and_forecast` (backtest and forecast in one pass per series) or
    :func:`_run_series`, on a pool or a Dask cluster (:mod:`forecast.parallel`) →
    :func:`_assemble` → :func:`_finish` (joint, level, floor in place: one paths array).

    Args:
        ds: the data set.
        as_of: last outcome month used (must have outcome); history never goes beyond it.
        n_paths: simulated paths per series.
        seed: seed of every series' generator (the result is deterministic for a seed).
        choose: each series' rolling-origin choice first (as :func:`choose_methods`).
        methods: ``{unique_id: alias or Choice}`` (else ``default_method``; not with choose).
        default_method: alias for series without a choice (``forecaster.default_method``).
        steps: structural breaks: histories start at the latest step month ≤ ``as_of``.
        candidates: candidate aliases for ``choose``.
        workers: worker processes; None = 2 when the work is large enough to pay, else 1.
        forecaster: the per-series routines (tests pass fakes).
        progress: ``progress(step, done, total)`` after each chunk.
        step_reason: why the history starts at a step (in the per-series note).
        joint: pair the paths by co-movement (:mod:`forecast.engine.joint`).
        level: correct revenue and cost by earlier errors (:mod:`forecast.engine.level`).
        totals_floor: floor net totals' ranges (:mod:`forecast.engine.totals_width`).

    Returns the :class:`RegionForecast` (float32 paths, tkr, reports' sign); ValueError if
    ``as_of`` is after the last outcome month or before the first.
    """
    as_of, keys = _checked_as_of(ds, as_of, n_paths, seed, steps)
    default, inp = default_method or forecaster.default_method, _prepare(ds, as_of, steps, keys)
    big = choose or len(inp.uids) * n_paths >= PARALLEL_MIN_WORK
    workers = (DEFAULT_WORKERS if big else 1) if workers is None else workers
    col = _Collected(inp.uids, n_paths, len(forecast_months(as_of)))
    run = _Run(n_paths, seed, workers, forecaster, progress)
    if choose and not steps:  # the per-series backtest and the forecast in one pass
        res = _chosen_and_forecast(ds, as_of, inp, col, run, candidates, default)
    else:
        if choose:  # with a step, the choice and the forecast both from the step
            methods = choose_methods(ds, as_of, candidates, forecaster=forecaster,
                                     workers=workers, progress=progress, steps=steps)
        res = _resolve(ds, as_of, methods, default, steps, inp, step_reason)
        _run_series(res, as_of, n_paths, seed, workers, forecaster, col, progress)
    return _finish(_assemble(ds, as_of, res, col, n_paths, seed), res, joint=joint,
                   level=level, totals_floor=totals_floor)


@dataclass(frozen=True)
class _Run:
    """How the series are run: paths, seed, workers, methods and progress."""

    n_paths: int
    seed: int
    workers: int
    forecaster: SeriesForecaster
    progress: StepProgress | None


def _chosen_and_forecast(ds: Dataset, as_of: pd.Period, inp: _Inputs, col: _Collected,
                         run: _Run, candidates: Iterable[str] | None,
                         default: str) -> _Resolved:
    """Each series' backtest choice and its forecast in one pass (into ``col``)."""
    cands = tuple(candidates) if candidates is not None else run.forecaster.candidates
    tasks = _series_inputs(inp, as_of, col.h, [default] * len(inp.uids))
    _stream(_choose_forecast_chunk, tasks, run.workers, run.workers * 4, as_of.month % 12,
            cands, col.h, run.n_paths, run.seed, run.forecaster, consume=col.take_chosen,
            progress=run.progress, step="Backtest och prognos per serie")
    return _resolve(ds, as_of, col.choices, default, (), inp)


def _finish(rf: RegionForecast, res: _Resolved, *, joint: bool, level: bool,
            totals_floor: bool) -> RegionForecast:
    """The assembled forecast with joint paths, level correction and totals' floor, as asked."""
    if joint:
        rf = _joined(rf, res)
    if level:
        from forecast.engine.level import corrected

        rf = corrected(rf, res.errors, in_place=True)
    if totals_floor:
        from forecast.engine.totals_width import widened

        rf = widened(rf, res.errors, in_place=True)
    return rf


def _joined(rf: RegionForecast, res: _Resolved) -> RegionForecast:
    """``rf`` with its series' paths paired by co-movement (:mod:`forecast.engine.joint`)."""
    from forecast.engine.joint import joint_paths

    tasks = _series_inputs(res.inp, rf.as_of, len(res.months), res.aliases)
    paths = joint_paths(rf.paths, [t.y for t in tasks], rf.as_of.month % 12,
                        series_rng(rf.seed, "joint|paths"), errors=res.errors, in_place=True)
    return replace(rf, paths=paths)


def _checked_as_of(ds: Dataset, as_of: pd.Period, n_paths: int, seed: int,
                   steps: Sequence[pd.Period] = ()) -> tuple[pd.Period, pd.DataFrame]:
    """``as_of`` and the series' keys; its outcome and the forecast's size checked."""
    check_as_of(ds, as_of, forecast_steps=steps)
    keys = _series_keys(ds, as_of)
    _check_size(len(keys), as_of, n_paths, seed)
    return as_of, keys


def _check_size(n: int, as_of: pd.Period, n_paths: int, seed: int) -> None:
    """Refuse a bad seed, or ``n`` series whose series × paths × months would not fit, first.

    Raises:
        LimitExceeded: too many series or paths (Swedish message naming limit and value).
    """
    check_range("fröet (--seed)", seed, 0, MAX_SEED)
    if n > MAX_SERIES:
        raise LimitExceeded(f"prognosen har {too_many('serier', n, MAX_SERIES)}")
    check_paths(n_paths, n, len(forecast_months(as_of)))


def _missing_as_of(ds: Dataset, as_of: pd.Period, inp: _Inputs) -> list[str]:
    """Per series: a note if it has outcome history but no outcome row in ``as_of``."""
    led = ds.ledger
    rows = led[(led[S.KIND] == S.UTFALL) & (led[S.PERIOD] == as_of)]
    have = {S.series_id(u, a) for u, a in zip(rows[S.UNIT], rows[S.ACCOUNT], strict=True)}
    return [f"inget utfall för {as_of}: månaden räknas som 0 tkr"
            if inp.first_obs[i] >= 0 and uid not in have else ""
            for i, uid in enumerate(inp.uids)]


def _resolve(ds: Dataset, as_of: pd.Period, methods: Mapping[str, Any] | None, default: str,
             steps: Sequence[pd.Period], inp: _Inputs | None = None,
             step_reason: str = "strukturbrott") -> _Resolved:
    """Look up each series' alias and evidence (the series of ``inp``, else prepared here)."""
    inp = _prepare(ds, as_of, steps) if inp is None else inp
    n = len(inp.uids)
    if n == 0:
        raise ValueError(f"inga serier med utfall till och med {as_of}")
    chosen = dict(methods or {})
    aliases, apes, choice_notes = [], np.full(n, np.nan), [""] * n
    for i, uid in enumerate(inp.uids):
        c = chosen.get(uid)
        if c is None:
            aliases.append(default)
        elif isinstance(c, str):
            aliases.append(c)
        else:
            aliases.append(str(c.alias))
            apes[i] = float(c.backtest_ape) if c.backtest_ape is not None else np.nan
            choice_notes[i] = str(getattr(c, "note", "") or "")
    errors = _choice_errors([chosen.get(uid) for uid in inp.uids])
    choice_notes = ["; ".join(p for p in (c, m) if p)
                    for c, m in zip(choice_notes, _missing_as_of(ds, as_of, inp), strict=True)]
    if any(p <= as_of for p in steps):
        step_note = f"historik från {max(p for p in steps if p <= as_of)} ({step_reason})"
        choice_notes = [f"{c}; {step_note}" if c else step_note for c in choice_notes]
    return _Resolved(inp, forecast_months(as_of), aliases, apes, choice_notes, errors)


def _choice_errors(choices: list[Any]) -> np.ndarray | None:
    """(n, years) signed backtest errors of the choices (NaN where none); None if none."""
    errs = [tuple(getattr(c, "errors", ()) or ()) for c in choices]
    width = max((len(e) for e in errs), default=0)
    if width == 0:
        return None
    out = np.full((len(errs), width), np.nan)
    for i, e in enumerate(errs):
        out[i, : len(e)] = e
    return out


class _Collected:
    """The series' outputs, written into the region's arrays as each chunk arrives.

    Only one chunk's outputs are held besides the arrays (the paths array is the one the
    :class:`RegionForecast` keeps).
    """

    def __init__(self, uids: Sequence[str], n_paths: int, h: int) -> None:
        self.row = {u: i for i, u in enumerate(uids)}
        self.h = h
        self.paths = np.empty((len(uids), n_paths, h), dtype=np.float32)
        self.point = np.empty((len(uids), h), dtype=float)
        self.used = [""] * len(uids)
        self.notes = [""] * len(uids)
        self.seen = np.zeros(len(uids), dtype=bool)
        self.choices: dict[str, Any] = {}

    def take(self, outs: list[SeriesOutput]) -> None:
        """Write a chunk's outputs into their rows."""
        for o in outs:
            i = self.row[o.uid]
            self.paths[i] = o.paths
            self.point[i] = o.point
            self.used[i], self.notes[i] = o.alias, o.note
            self.seen[i] = True

    def take_chosen(self, pairs: list[tuple[Any, SeriesOutput]]) -> None:
        """Keep a chunk's choices and write its outputs."""
        for c, o in pairs:
            self.choices[o.uid] = c
        self.take([o for _, o in pairs])


def _run_series(res: _Resolved, as_of: pd.Period, n_paths: int, seed: int, workers: int,
                forecaster: SeriesForecaster, col: _Collected,
                progress: StepProgress | None = None) -> None:
    """Forecast every series (``workers`` processes or a cluster) into ``col``."""
    tasks = _series_inputs(res.inp, as_of, col.h, res.aliases, res.errors)
    _stream(_forecast_chunk, tasks, workers, workers * 2, col.h, n_paths, seed, forecaster,
            consume=col.take, progress=progress, step="Prognos per serie")


def _panel_widths(paths: np.ndarray, point: np.ndarray, used: Sequence[str],
                  ytd: np.ndarray, as_of: pd.Period) -> None:
    """Pull the ranges of the series forecast by ``combo`` toward the panel's typical width.

    In place: each such series' path deviations × :func:`~forecast.methods.combination.
    panel_width_factors` of its relative year-total width (the rule of
    chosen on M3; nothing with fewer than ``MIN_PANEL`` such series).
    """
    from forecast.methods.combination import panel_width_factors, year_total_width

    n = as_of.month % 12
    widths = np.full(len(used), np.nan)
    for i, alias in enumerate(used):
        if alias == "combo":
            widths[i] = year_total_width(paths[i], point[i], float(ytd[i]) if n else 0.0, n)
    factors = panel_width_factors(widths, n)
    for k in np.flatnonzero(factors != 1.0).tolist():
        paths[k] = scale_deviations(paths[k], point[k], float(factors[k]))


def _assemble(ds: Dataset, as_of: pd.Period, res: _Resolved, col: _Collected,
              n_paths: int, seed: int) -> RegionForecast:
    """The :class:`RegionForecast` of the collected outputs, in the series order, with notes."""
    inp = res.inp
    if not col.seen.all():
        raise RuntimeError("en serie saknar prognos efter körningen")
    notes = []
    for i in range(len(inp.uids)):
        parts = [p for p in (res.choice_notes[i], col.notes[i]) if p]
        if col.used[i] != res.aliases[i] and not col.notes[i]:
            parts.append(f"{res.aliases[i]} ersattes av {col.used[i]}")
        notes.append("; ".join(parts))
    paths, point = col.paths, col.point
    summ = _summary_columns(inp, as_of)
    _panel_widths(paths, point, col.used, summ["ytd_outcome"], as_of)
    constrain_sign(paths, history_sign(inp.outcome))  # a cost never turns into revenue
    return RegionForecast(
        as_of=as_of, keys=inp.keys, months=res.months, paths=paths, point=point,
        ytd_outcome=summ["ytd_outcome"], annual_budget=summ["annual_budget"],
        prior_ytd_outcome=summ["prior_ytd_outcome"],
        prior_year_outcome=summ["prior_year_outcome"],
        method=tuple(col.used), backtest_ape=res.apes, notes=tuple(notes),
        input_hash=ds.source_hash, seed=seed,
    )
