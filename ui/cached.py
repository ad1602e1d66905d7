"""Cached calls of the core for the pages, keyed by data hash and as-of month.

Frames are cached with ``st.cache_data`` (each caller gets a copy). The Dataset argument is
not hashed (leading underscore); its content hash is the key.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st
import yaml

from ui.data_access import Context, baseline, core


@st.cache_data(show_spinner=False, max_entries=32)
def _followup(name: str, _ds: Any, data_hash: str, as_of: str) -> pd.DataFrame:
    fu = core("forecast.followup.tables")
    return getattr(fu, name)(_ds, pd.Period(as_of, freq="M"))


def summary(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.tables.summary`` for the context."""
    return _followup("summary", ctx.ds, ctx.data_hash, str(ctx.as_of))


def cost_development(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.tables.cost_development`` for the context."""
    return _followup("cost_development", ctx.ds, ctx.data_hash, str(ctx.as_of))


def agency_share(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.tables.agency_share`` for the context."""
    return _followup("agency_share", ctx.ds, ctx.data_hash, str(ctx.as_of))


def transition_plan(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.tables.transition_plan`` for the context."""
    return _followup("transition_plan", ctx.ds, ctx.data_hash, str(ctx.as_of))


def monthly(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.tables.monthly`` for the context."""
    return _followup("monthly", ctx.ds, ctx.data_hash, str(ctx.as_of))


def by_division(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.tables.by_division`` for the context."""
    return _followup("by_division", ctx.ds, ctx.data_hash, str(ctx.as_of))


def by_category(ctx: Context) -> pd.DataFrame:
    """``forecast.followup.tables.by_category`` for the context."""
    return _followup("by_category", ctx.ds, ctx.data_hash, str(ctx.as_of))


def year_end(ctx: Context) -> dict[str, float]:
    """The region's year-end net result against budget (``forecast.engine.hierarchy.year_totals``).

    Keys are the hierarchy's column names (``prognos``, ``p10``, ``p50``, ``p90``,
    ``annual_budget``, ``dev_budget``, ``dev_budget_p10``, ``dev_budget_p90`` …), tkr. When the
    month has a laid forecast its figures are returned at once (no recomputation), with
    ``laid`` = its label.
    """
    from ui import cycle_access as CA

    lf = CA.laid(ctx)
    if lf is not None:
        s = lf.summary()
        return {"prognos": s["final"], "p10": s["p10"], "p50": s["p50"], "p90": s["p90"],
                "annual_budget": s["budget"], "dev_budget": s["deviation"],
                "dev_budget_p10": s["p10"] - s["budget"],
                "dev_budget_p90": s["p90"] - s["budget"],
                "laid": f"{lf.label()} av {lf.author}"}  # type: ignore[dict-item]
    return dict(_year_totals(ctx, ()).iloc[0])


@st.cache_data(show_spinner=False, max_entries=64)
def _year_totals_cached(_ctx: Context, data_hash: str, as_of: str, by: tuple[str, ...],
                        year: int | None) -> pd.DataFrame:
    return core("forecast.engine.hierarchy").year_totals(baseline(_ctx), by, year=year)


def _year_totals(ctx: Context, by: tuple[str, ...], year: int | None = None) -> pd.DataFrame:
    return _year_totals_cached(ctx, ctx.data_hash, str(ctx.as_of), tuple(by), year)


def year_totals(ctx: Context, by: tuple[str, ...], year: int | None = None) -> pd.DataFrame:
    """``forecast.engine.hierarchy.year_totals`` of the cached baseline (a copy)."""
    return _year_totals(ctx, by, year)

# --------------------------------------------------------------------------- forecast


def forecast_month_labels(ctx: Context) -> list[str]:
    """The baseline's forecast months as ``YYYY-MM`` (first = the month after as-of)."""
    return [str(m) for m in baseline(ctx).months]


# --------------------------------------------------------------------------- scenarios

DEFAULT_PRESET = "Standard: dygnsvila 11 timmar"


EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "examples"


@st.cache_resource(show_spinner=False)
def _presets() -> dict[str, Any]:
    A = core("scenarios.assumptions")
    out: dict[str, Any] = {DEFAULT_PRESET: A.Scenario(name="Dygnsvila 11 timmar",
                                                      assumptions=[A.Dygnsvila()])}
    for path in sorted(EXAMPLES_DIR.glob("*.yaml")):
        sc = A.Scenario.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        out[f"Exempel: {sc.name}"] = sc
    return out


def presets() -> dict[str, Any]:
    """Preset scenarios by display name: the standard dygnsvila preset, then the examples."""
    return dict(_presets())


@st.cache_resource(show_spinner=False, max_entries=8)
def _scenario_context(_rf: Any, _ds: Any, data_hash: str, as_of: str) -> Any:
    return core("scenarios.engine").build_context(_rf, _ds)


def scenario_context(ctx: Context) -> Any:
    """The scenario engine's context for the baseline (built once per data and month)."""
    return _scenario_context(baseline(ctx), ctx.ds, ctx.data_hash, str(ctx.as_of))


@st.cache_resource(show_spinner=False, max_entries=64)
def _apply(_ctx: Context, data_hash: str, as_of: str, scenario_json: str, _scenario: Any) -> Any:
    engine = core("scenarios.engine")
    return engine.apply(baseline(_ctx), _scenario, ds=_ctx.ds, ctx=scenario_context(_ctx))


def apply_scenario(ctx: Context, scenario: Any) -> Any:
    """``scenarios.engine.apply`` on the cached baseline (cached per scenario content)."""
    return _apply(ctx, ctx.data_hash, str(ctx.as_of), scenario.model_dump_json(), scenario)


@st.cache_resource(show_spinner=False, max_entries=32)
def _simulate(_ctx: Context, data_hash: str, as_of: str, scenario_json: str, n_draws: int,
              _scenario: Any) -> Any:
    mc = core("scenarios.montecarlo")
    return mc.simulate(baseline(_ctx), _scenario, ds=_ctx.ds, n_draws=n_draws)


def simulate_scenario(ctx: Context, scenario: Any, n_draws: int) -> Any:
    """``scenarios.montecarlo.simulate`` on the cached baseline (cached per scenario)."""
    return _simulate(ctx, ctx.data_hash, str(ctx.as_of), scenario.model_dump_json(), n_draws,
                     scenario)


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Any:
    return core("scenarios.store").ScenarioStore(url)


def store() -> Any:
    """The scenario store at the configured URL (``BUDGETPROGNOS_DB_URL`` or the default).

    Its SQLAlchemy engine has no pool: every operation opens its own short-lived connection,
    so one store object is safe to share between sessions.
    """
    return _store(core("scenarios.store").default_url())


# --------------------------------------------------------------------------- prognos tables


@st.cache_data(show_spinner=False, max_entries=32)
def _prognos_table(name: str, _ctx: Context, data_hash: str, as_of: str) -> pd.DataFrame:
    pt = core("forecast.engine.tables")
    return getattr(pt, name)(baseline(_ctx), _ctx.ds)


def unit_category_table(ctx: Context) -> pd.DataFrame:
    """``forecast.engine.tables.unit_category_table`` of the cached baseline."""
    return _prognos_table("unit_category_table", ctx, ctx.data_hash, str(ctx.as_of))


def division_table(ctx: Context) -> pd.DataFrame:
    """``forecast.engine.tables.division_table`` of the cached baseline."""
    return _prognos_table("division_table", ctx, ctx.data_hash, str(ctx.as_of))


def category_table(ctx: Context) -> pd.DataFrame:
    """``forecast.engine.tables.category_table`` of the cached baseline."""
    return _prognos_table("category_table", ctx, ctx.data_hash, str(ctx.as_of))


@st.cache_data(show_spinner=False, max_entries=64)
def _fan(_ctx: Context, data_hash: str, as_of: str, selection: tuple[tuple[str, str], ...]
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    H = core("forecast.engine.hierarchy")
    schema = core("forecast.ledger.schema")
    rf = baseline(_ctx)
    by = tuple(k for k, _ in selection)
    labels, paths = H.group_paths(rf, by)
    mask = np.ones(len(labels), dtype=bool)
    for k, v in selection:
        mask &= (labels[k] == v).to_numpy()
    group = paths[np.flatnonzero(mask)[0]]  # (n_paths, n_months): the one matching group
    q = np.quantile(group, [0.1, 0.5, 0.9], axis=0)
    fan = pd.DataFrame({"month": rf.months.to_timestamp(), "p10": q[0], "p50": q[1],
                        "p90": q[2]})
    keys = rf.keys
    rows = np.ones(len(keys), dtype=bool)
    for k, v in selection:
        rows &= (keys[k] == v).to_numpy()
    uids = {schema.series_id(u, a) for u, a in zip(keys["unit"][rows], keys["account"][rows],
                                                   strict=True)}
    hist = schema.to_nixtla(_ctx.ds.ledger.loc[_ctx.ds.ledger[schema.PERIOD] <= rf.as_of])
    hist = hist.loc[hist[schema.UID].isin(uids)].groupby(schema.DS)[schema.Y].sum()
    start = pd.Timestamp(f"{rf.as_of.year - 2}-01-01")
    history = pd.DataFrame({"month": hist.index, "tkr": hist.to_numpy()})
    return history.loc[history["month"] >= start].reset_index(drop=True), fan


def fan_data(ctx: Context, selection: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly outcome (two years back) and the forecast P10/P50/P90 per month, tkr.

    ``selection`` maps key columns (division, unit, category) to values; empty = region.
    Quantiles are taken over the group's summed paths (never summed quantiles).
    """
    return _fan(ctx, ctx.data_hash, str(ctx.as_of), tuple(selection.items()))


def baseline_keys(ctx: Context) -> pd.DataFrame:
    """The baseline's series keys (unit, account, division, account_type, category)."""
    return baseline(ctx).keys.copy()


def compare(ctx: Context, refs: tuple[tuple[str, int], ...]) -> pd.DataFrame:
    """``ScenarioStore.compare`` of ``refs`` (name, version) on the cached baseline."""
    return store().compare(list(refs), rf=baseline(ctx), ds=ctx.ds)


@st.cache_resource(show_spinner=False, max_entries=8)
def _prognos_export(_ctx: Context, data_hash: str, as_of: str) -> Any:
    return core("forecast.engine.tables").prognos_tables(baseline(_ctx), _ctx.ds)


def prognos_export_tables(ctx: Context) -> list[Any]:
    """``forecast.engine.tables.prognos_tables`` of the cached baseline (frozen tables)."""
    return list(_prognos_export(ctx, ctx.data_hash, str(ctx.as_of)))


@st.cache_resource(show_spinner=False, max_entries=8)
def _overview(_ctx: Context, data_hash: str, as_of: str) -> Any:
    return core("forecast.report.builder").overview_tables(_ctx.ds, _ctx.as_of, baseline(_ctx))


def overview_tables(ctx: Context) -> tuple[Any, Any, Any]:
    """The report's summary, per-division and per-category tables (printed, with Prognos).

    ``forecast.report.builder.overview_tables`` of the cached baseline: the same cells as
    the Word/PDF report's section *Ekonomiskt utfall*.
    """
    return tuple(_overview(ctx, ctx.data_hash, str(ctx.as_of)))  # type: ignore[return-value]
