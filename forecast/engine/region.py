"""The region forecast engine: every bottom series of a data set, forecast with sample paths.

One bottom series is a unit × leaf account. Its history is the monthly outcome (utfall) from
its first outcome month through the as-of month, made by the one ledger boundary
(:func:`forecast.ledger.schema.to_nixtla`), with months missing in the ledger counted as 0. The
forecast months are ``as_of + 1`` … December of ``as_of.year + 2``.

Budget as regressor: the ledger's monthly budget over the history, and over the forecast
months the ledger's budget of ``as_of.year`` (and of the plan years where the ledger has
one). A plan year with no budget in the ledger gets the current year's monthly budget
repeated (budget frame unchanged); series whose method follows the budget say so in notes.

Methods come from :mod:`forecast.methods` (``selection.forecast_with_fallback`` and
``selection.choose``). Every series is forecast in isolation: a failing model is caught, the
series falls back (first to the methods package's own fallback chain, then to a last-resort
seasonal naive path here), and the reason is kept in ``notes`` so no fallback is silent.

Determinism: each series draws from its own generator seeded by ``(seed, crc32(unique_id))``,
so a result depends on the seed only, never on the chunking or the number of workers.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from forecast.engine.result import RegionForecast
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset

FALLBACK_DEFAULT = "three_year_profile"
UNKNOWN_DIVISION = "Okänd division"
MAX_WORKERS = 2
PARALLEL_MIN_WORK = 150_000
"""Parallelise when n_series × n_paths exceeds this (below it the pool costs more)."""


def recommended_method() -> str:
    """The methods package's recommended default alias (``three_year_profile`` if none)."""
    try:
        from forecast import methods as M

        alias = getattr(M, "DEFAULT_METHOD", None)
        if alias is None:
            from forecast.methods import selection

            alias = getattr(selection, "DEFAULT_METHOD", None)
        return str(alias) if alias else FALLBACK_DEFAULT
    except ImportError:
        return FALLBACK_DEFAULT


def default_candidates() -> tuple[str, ...]:
    """The candidate aliases for the per-series choice (the methods package's list)."""
    try:
        from forecast.methods import selection

        cands = getattr(selection, "DEFAULT_CANDIDATES", None)
        if cands:
            return tuple(cands)
    except ImportError:
        pass
    return (FALLBACK_DEFAULT, "prior_year_profile", "run_rate", "seasonal_naive")


def forecast_months(as_of: pd.Period) -> pd.PeriodIndex:
    """The forecast months: ``as_of + 1`` … December of ``as_of.year + 2``."""
    end = pd.Period(f"{as_of.year + 2}-12", freq="M")
    return pd.period_range(as_of + 1, end, freq="M")


def series_rng(seed: int, uid: str) -> np.random.Generator:
    """The generator of one series: independent of chunking and worker count."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(uid.encode())]))


@dataclass(frozen=True)
class SeriesInput:
    """Everything one series' forecast needs (picklable, sent to worker processes)."""

    uid: str
    y: np.ndarray
    start_month: int
    budget: np.ndarray | None
    budget_future: np.ndarray | None
    alias: str


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


def _prepare(ds: Dataset, as_of: pd.Period, steps: Sequence[pd.Period] = ()) -> _Inputs:
    keys = _series_keys(ds, as_of)
    uids = [S.series_id(u, a) for u, a in zip(keys["unit"], keys["account"], strict=True)]
    led = ds.ledger
    out_nx = S.to_nixtla(led.loc[led[S.PERIOD] <= as_of], S.UTFALL)
    first = led[S.PERIOD].min()
    first = min(first, pd.Period(f"{as_of.year - 1}-01", freq="M"))
    bud_nx = S.to_nixtla(led, S.BUDGET)
    horizon_end = pd.Period(f"{as_of.year + 2}-12", freq="M")
    outcome = _monthly_matrix(out_nx, uids, first, as_of)
    budget = _monthly_matrix(bud_nx, uids, first, horizon_end)
    # Plan years without a budget in the ledger: the current year's monthly budget repeated
    # (budget frame unchanged), so budget-driven methods have a regressor for every month.
    jan = (pd.Period(f"{as_of.year}-01", freq="M") - first).n
    cur = budget[:, jan: jan + 12]
    for k in (1, 2):
        block = budget[:, jan + 12 * k: jan + 12 * (k + 1)]
        missing = ~np.any(block != 0, axis=1)
        block[missing] = cur[missing]
    has_budget = np.isin(uids, bud_nx[S.UID].unique())
    observed = np.isin(uids, out_nx[S.UID].unique())
    # First outcome month per series (the history starts there).
    first_obs = np.full(len(uids), -1)
    if len(out_nx):
        start = out_nx.groupby(S.UID)[S.DS].min()
        idx = pd.PeriodIndex(start.reindex(uids), freq="M")
        pos = np.asarray([(p - first).n if not pd.isna(p) else -1 for p in idx])
        first_obs = np.where(observed, pos, -1)
    breaks = [pd.Period(p, freq="M") for p in steps]
    breaks = [p for p in breaks if first < p <= as_of]
    if breaks:
        cut = (max(breaks) - first).n
        first_obs = np.where(first_obs >= 0, np.maximum(first_obs, cut), -1)
    return _Inputs(keys, uids, first, outcome, budget, has_budget, first_obs)


def _summary_columns(inp: _Inputs, as_of: pd.Period) -> dict[str, np.ndarray]:
    """ytd_outcome, annual_budget, prior_ytd_outcome, prior_year_outcome per series."""
    def col(p: pd.Period) -> int:
        return (p - inp.first_month).n

    jan = col(pd.Period(f"{as_of.year}-01", freq="M"))
    pjan = col(pd.Period(f"{as_of.year - 1}-01", freq="M"))
    nm = as_of.month
    out, bud = inp.outcome, inp.budget
    return {
        "ytd_outcome": out[:, jan: jan + nm].sum(axis=1),
        "annual_budget": bud[:, jan: jan + 12].sum(axis=1),
        "prior_ytd_outcome": out[:, pjan: pjan + nm].sum(axis=1) if pjan >= 0 else 0 * out[:, 0],
        "prior_year_outcome": out[:, pjan: pjan + 12].sum(axis=1) if pjan >= 0 else 0 * out[:, 0],
    }


def _series_inputs(inp: _Inputs, as_of: pd.Period, h: int,
                   aliases: Sequence[str]) -> list[SeriesInput]:
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
        tasks.append(SeriesInput(uid, y, start_month, budget, bf, aliases[i]))
    return tasks


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


def _with_fallback(task: SeriesInput, h: int, n_paths: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, str, str]:
    """The methods package's fallback chain (or the bare method if selection is missing)."""
    try:
        from forecast.methods.selection import forecast_with_fallback
    except ImportError:
        from forecast.methods import make_method

        m = make_method(task.alias).fit(task.y, task.start_month, budget=task.budget)
        paths = m.simulate(h, n_paths, rng, budget_future=task.budget_future)
        return m.predict(h, budget_future=task.budget_future), paths, task.alias, ""
    return forecast_with_fallback(
        task.alias, task.y, task.start_month, h, n_paths, rng,
        budget=task.budget, budget_future=task.budget_future,
    )


def forecast_series(task: SeriesInput, h: int, n_paths: int, seed: int) -> SeriesOutput:
    """Forecast one series; never raises (failures fall back and are noted)."""
    rng = series_rng(seed, task.uid)
    if task.y.size == 0:
        point, paths, alias = last_resort(task, h, n_paths)
        note = ("ingen utfallshistorik: prognos = återstående budget"
                if alias == "budget" else "ingen utfallshistorik")
        return SeriesOutput(task.uid, point, paths.astype(np.float32), alias, note)
    try:
        point, paths, used, note = _with_fallback(task, h, n_paths, rng)
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
    except Exception as exc:  # noqa: BLE001 - one series must never stop the region
        point, paths, alias = last_resort(task, h, n_paths)
        note = f"{task.alias} misslyckades ({type(exc).__name__}: {exc}); reserv: {alias}"
        return SeriesOutput(task.uid, point, paths.astype(np.float32), alias, note)


def _forecast_chunk(tasks: list[SeriesInput], h: int, n_paths: int,
                    seed: int) -> list[SeriesOutput]:
    return [forecast_series(t, h, n_paths, seed) for t in tasks]


def _chunks(items: list[Any], n: int) -> list[list[Any]]:
    size = max(1, -(-len(items) // n))
    return [items[i: i + size] for i in range(0, len(items), size)]


def _run_parallel(fn: Any, tasks: list[Any], workers: int, n_chunks: int,
                  *args: Any) -> list[Any]:
    """Run ``fn(chunk, *args)`` over chunks, in a process pool when ``workers > 1``."""
    if workers <= 1 or len(tasks) < 2:
        return fn(tasks, *args)
    chunks = _chunks(tasks, n_chunks)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fn, c, *args) for c in chunks]
        out: list[Any] = []
        for f in futures:
            out.extend(f.result())
    return out


# --------------------------------------------------------------------------- choice


def _choose_chunk(tasks: list[SeriesInput], cutoff: int,
                  candidates: tuple[str, ...]) -> list[tuple[str, Any]]:
    from forecast.methods.selection import Choice, choose

    out = []
    for t in tasks:
        try:
            if t.y.size == 0:
                raise ValueError("ingen utfallshistorik")
            c = choose(t.y, t.start_month, cutoff, list(candidates), budget=t.budget)
        except Exception as exc:  # noqa: BLE001 - a failing choice falls back to the default
            c = Choice(t.alias, float("nan"), 0,
                       f"metodval misslyckades ({type(exc).__name__}); standardmetod används")
        out.append((t.uid, c))
    return out


def choose_methods(ds: Dataset, as_of: pd.Period, candidates: Iterable[str] | None = None,
                   *, workers: int = MAX_WORKERS) -> dict[str, Any]:
    """Per-series rolling-origin choice of method on the year-end error (cacheable).

    Args:
        ds: the data set.
        as_of: last outcome month used; the backtest cut-off month is ``as_of.month``.
        candidates: method aliases to choose among (the methods package's list if None).
        workers: worker processes (1 = in this process).

    Returns:
        ``{unique_id: Choice}`` with alias, backtested median APE %, origins and a note.
    """
    as_of = pd.Period(as_of, freq="M")
    cands = tuple(candidates) if candidates is not None else default_candidates()
    inp = _prepare(ds, as_of)
    h = len(forecast_months(as_of))
    tasks = _series_inputs(inp, as_of, h, [recommended_method()] * len(inp.uids))
    n_chunks = workers * 4
    res = _run_parallel(_choose_chunk, tasks, workers if len(tasks) > 20 else 1, n_chunks,
                        as_of.month % 12, cands)
    return dict(res)


STANDARD_FORECAST: dict[str, Any] = {"choose": True, "candidates": ("combo",),
                                     "default_method": "combo"}
"""The standard årsprognos used by the app, ``prognos`` and ``scenario run`` alike: the
combination ``combo`` (median of Theta, CES and the prior-year profile; the method measured on
M3 in the README) for every series, with its year-end error backtested on each series' own
history at the same cut-off month in earlier years; robust fallbacks, with a note, where a
series is too short. ``method=ALIAS`` instead uses one method everywhere without the
per-series backtest. (A free per-series choice among the controllers' methods and Theta was
measured and is less accurate: see the README.)"""


def standard_forecast(ds: Dataset, as_of: pd.Period, *, n_paths: int = 1000, seed: int = 0,
                      method: str | None = None, workers: int | None = None) -> RegionForecast:
    """The standard årsprognos (:data:`STANDARD_FORECAST`), or one ``method`` for all series."""
    if method is None:
        return forecast_region(ds, as_of, n_paths=n_paths, seed=seed, workers=workers,
                               **STANDARD_FORECAST)
    return forecast_region(ds, as_of, n_paths=n_paths, seed=seed, workers=workers,
                           default_method=method)


# --------------------------------------------------------------------------- region


def forecast_region(
    ds: Dataset,
    as_of: pd.Period,
    *,
    n_paths: int = 1000,
    seed: int = 0,
    choose: bool = False,
    methods: Mapping[str, Any] | None = None,
    default_method: str | None = None,
    steps: Sequence[pd.Period] = (),
    candidates: Iterable[str] | None = None,
    workers: int | None = None,
    joint: bool = True,
) -> RegionForecast:
    """Forecast every bottom series of ``ds`` after ``as_of`` with joint sample paths.

    Args:
        ds: the data set (ledger, org, accounts).
        as_of: last outcome month used (must have outcome); history never goes beyond it.
        n_paths: simulated paths per series.
        seed: seed of every series' generator (the result is deterministic for a seed).
        choose: run the per-series rolling-origin choice (:func:`choose_methods`) first.
        methods: cached choice ``{unique_id: alias or Choice}``; series not in it use
            ``default_method``. Ignored when ``choose`` is True.
        default_method: alias for series without a choice (the methods package's default).
        steps: known structural breaks (e.g. a reorganisation): the history of every series
            starts at the latest step month on or before ``as_of`` (noted per series).
        candidates: candidate aliases for ``choose``.
        workers: worker processes; None = 2 when the work is large enough to pay, else 1.
        joint: pair the series' paths by their historical co-movement
            (:mod:`forecast.engine.joint`) so division and region ranges are not those of
            independent series; each series' own paths are unchanged.

    Returns:
        The :class:`RegionForecast` (paths float32, tkr, reports' sign convention).

    Raises:
        ValueError: ``as_of`` is after the last outcome month or before the first.
    """
    as_of = pd.Period(as_of, freq="M")
    last = ds.last_outcome
    if pd.isna(last) or as_of > last:
        raise ValueError(
            f"prognosmånaden {as_of} ligger efter sista utfallsmånaden {last}; "
            "välj en månad med bokfört utfall"
        )
    default = default_method or recommended_method()
    inp = _prepare(ds, as_of, steps)
    n = len(inp.uids)
    if n == 0:
        raise ValueError(f"inga serier med utfall till och med {as_of}")
    months = forecast_months(as_of)
    h = len(months)

    chosen: dict[str, Any] = {}
    if choose:
        chosen = choose_methods(ds, as_of, candidates,
                                workers=MAX_WORKERS if workers is None else workers)
    elif methods:
        chosen = dict(methods)
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

    tasks = _series_inputs(inp, as_of, h, aliases)
    step_note = ""
    if any(pd.Period(p, freq="M") <= as_of for p in steps):
        latest = max(p for p in (pd.Period(q, freq="M") for q in steps) if p <= as_of)
        step_note = f"historik från {latest} (strukturbrott)"
        choice_notes = [f"{c}; {step_note}" if c else step_note for c in choice_notes]
    if workers is None:
        workers = MAX_WORKERS if n * n_paths >= PARALLEL_MIN_WORK else 1
    outs = _run_parallel(_forecast_chunk, tasks, workers, workers * 2, h, n_paths, seed)
    by_uid = {o.uid: o for o in outs}

    paths = np.empty((n, n_paths, h), dtype=np.float32)
    point = np.empty((n, h), dtype=float)
    used, notes = [], []
    for i, uid in enumerate(inp.uids):
        o = by_uid[uid]
        paths[i] = o.paths
        point[i] = o.point
        used.append(o.alias)
        parts = [p for p in (choice_notes[i], o.note) if p]
        if o.alias != aliases[i] and not o.note:
            parts.append(f"{aliases[i]} ersattes av {o.alias}")
        notes.append("; ".join(parts))
    if joint:
        from forecast.engine.joint import joint_paths

        paths = joint_paths(paths, [t.y for t in tasks], as_of.month % 12,
                            series_rng(seed, "joint|paths"))
    summ = _summary_columns(inp, as_of)
    return RegionForecast(
        as_of=as_of,
        keys=inp.keys,
        months=months,
        paths=paths,
        point=point,
        ytd_outcome=summ["ytd_outcome"],
        annual_budget=summ["annual_budget"],
        prior_ytd_outcome=summ["prior_ytd_outcome"],
        prior_year_outcome=summ["prior_year_outcome"],
        method=tuple(used),
        backtest_ape=apes,
        notes=tuple(notes),
        input_hash=ds.source_hash,
        seed=seed,
    )


# --------------------------------------------------------------------------- transition plan


@dataclass(frozen=True)
class PlanProjection:
    """The transition plan's full-year effect projected from the effects reported so far.

    Attributes:
        as_of: the as-of month; the plan year is ``as_of.year``.
        table: one row per measure of the plan year (savings positive, tkr) with columns
            measure_id, name, unit, account, planned_annual, planned_to_date,
            reported_to_date, realisation_pct, projected_mean, projected_p10, projected_p50,
            projected_p90, projected_pct (P50 of planned), note.
        paths: (n_measures, n_paths) projected full-year effect per measure.
    """

    as_of: pd.Period
    table: pd.DataFrame
    paths: np.ndarray

    @property
    def total_paths(self) -> np.ndarray:
        """(n_paths,) projected full-year effect of the whole plan."""
        return self.paths.sum(axis=0) if len(self.paths) else np.zeros(0)

    def total(self) -> dict[str, float]:
        """Planned, reported and projected (mean, P10/P50/P90) effect of the whole plan."""
        t = self.table
        tot = self.total_paths
        q = np.quantile(tot, [0.1, 0.5, 0.9]) if tot.size else [0.0] * 3
        return {
            "planned_annual": float(t["planned_annual"].sum()),
            "planned_to_date": float(t["planned_to_date"].sum()),
            "reported_to_date": float(t["reported_to_date"].sum()),
            "projected_mean": float(tot.mean()) if tot.size else 0.0,
            "projected_p10": float(q[0]), "projected_p50": float(q[1]),
            "projected_p90": float(q[2]),
        }


def _bayes_bootstrap_mean(x: np.ndarray, n_paths: int, rng: np.random.Generator) -> np.ndarray:
    """(n_paths,) Bayesian-bootstrap draws of the mean of ``x`` (Dirichlet(1,…,1) weights)."""
    w = rng.dirichlet(np.ones(len(x)), size=n_paths)
    return w @ x


def project_transition_plan(ds: Dataset, as_of: pd.Period, n_paths: int = 1000,
                            seed: int = 0) -> PlanProjection:
    """Project each measure's full-year effect from its monthly realisation so far.

    Each measure's planned effect is spread evenly over its months (as in
    :func:`forecast.ledger.dimensions.planned_to_date`). The realisation rate of a month is the
    reported effect ÷ the planned monthly effect. The rate for the remaining months is drawn
    by a Bayesian bootstrap over the months observed so far (so a measure with few, uneven
    months gets a wide range); the projection is reported-to-date + rate × planned remainder.
    A measure not yet started borrows the pooled monthly rates of the plan's other measures.
    Rates are clipped at 0 (a measure does not cost); above 1 is kept (over-delivery).

    Args:
        ds: the data set (measures and measure_effects).
        as_of: the as-of month; measures of ``as_of.year`` are projected.
        n_paths: draws per measure.
        seed: seed (deterministic per measure).

    Returns:
        A :class:`PlanProjection`.
    """
    as_of = pd.Period(as_of, freq="M")
    measures = [m for m in ds.measures if m.year == as_of.year]
    eff = ds.measure_effects
    if eff is None or eff.empty:
        eff = pd.DataFrame({"measure_id": [], "period": pd.PeriodIndex([], freq="M"),
                            "effect_tkr": []})
    per = pd.PeriodIndex(eff["period"], freq="M")
    eff = eff.assign(period=per)
    rates: dict[str, np.ndarray] = {}
    info = []
    for m in measures:
        start = pd.Period(m.start_period, freq="M")
        year_end = pd.Period(f"{m.year}-12", freq="M")
        active = max((year_end - start).n + 1, 1)
        monthly_plan = m.planned_annual_tkr / active
        seen = pd.period_range(max(start, pd.Period(f"{m.year}-01", "M")), min(as_of, year_end),
                               freq="M")
        rep = eff.loc[eff["measure_id"] == m.id].groupby("period")["effect_tkr"].sum()
        monthly = rep.reindex(seen, fill_value=0.0).to_numpy(dtype=float)
        if len(seen):
            rates[m.id] = monthly / monthly_plan
        planned_to = monthly_plan * len(seen)
        info.append((m, planned_to, float(monthly.sum()), len(seen)))
    pooled = np.concatenate(list(rates.values())) if rates else np.zeros(0)
    rows, paths = [], []
    for m, planned_to, reported, n_seen in info:
        rng = series_rng(seed, f"plan|{m.id}")
        remainder = max(m.planned_annual_tkr - planned_to, 0.0)
        note = ""
        if n_seen:
            draws = _bayes_bootstrap_mean(rates[m.id], n_paths, rng)
        elif pooled.size:
            draws = _bayes_bootstrap_mean(pooled, n_paths, rng)
            note = "ej startad: realiseringsgrad från planens övriga åtgärder"
        else:
            draws = rng.uniform(0.0, 1.0, n_paths)
            note = "ingen rapporterad effekt i planen: realiseringsgrad 0–100 % (likformig)"
        proj = reported + np.clip(draws, 0.0, None) * remainder
        paths.append(proj)
        q = np.quantile(proj, [0.1, 0.5, 0.9])
        rows.append({
            "measure_id": m.id, "name": m.name, "unit": m.unit, "account": m.account,
            "planned_annual": m.planned_annual_tkr, "planned_to_date": planned_to,
            "reported_to_date": reported,
            "realisation_pct": reported / planned_to * 100.0 if planned_to > 0 else np.nan,
            "projected_mean": float(proj.mean()),
            "projected_p10": float(q[0]), "projected_p50": float(q[1]),
            "projected_p90": float(q[2]),
            "projected_pct": float(q[1]) / m.planned_annual_tkr * 100.0,
            "note": note,
        })
    cols = ["measure_id", "name", "unit", "account", "planned_annual", "planned_to_date",
            "reported_to_date", "realisation_pct", "projected_mean", "projected_p10",
            "projected_p50", "projected_p90", "projected_pct", "note"]
    table = pd.DataFrame(rows, columns=cols)
    arr = np.vstack(paths) if paths else np.zeros((0, n_paths))
    return PlanProjection(as_of, table, arr)
