"""Cached calls of the core for the pages, keyed by data hash and as-of month.

Frames are cached with ``st.cache_data`` (each caller gets a copy). The Dataset argument is
not hashed (leading underscore); its content hash is the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st
import yaml

from ui.data_access import Context, baseline, core, forecast_kwargs


@st.cache_data(show_spinner=False, max_entries=32)
def _followup(name: str, _ds: Any, data_hash: str, as_of: str) -> pd.DataFrame:
    fu = core("forecast.followup.tables")
    return getattr(fu, name)(_ds, pd.Period(as_of, freq="M"))


def _followup_table(name: str) -> Callable[[Context], pd.DataFrame]:
    """A page's accessor of ``forecast.followup.tables.<name>`` for the context (cached)."""
    def table(ctx: Context) -> pd.DataFrame:
        return _followup(name, ctx.ds, ctx.data_hash, str(ctx.as_of))

    table.__name__ = name
    table.__doc__ = f"``forecast.followup.tables.{name}`` for the context."
    return table


summary = _followup_table("summary")
cost_development = _followup_table("cost_development")
agency_share = _followup_table("agency_share")
transition_plan = _followup_table("transition_plan")
monthly = _followup_table("monthly")
by_division = _followup_table("by_division")
by_category = _followup_table("by_category")


def _laid(ctx: Context) -> Any:
    from ui import cycle_access as CA

    return CA.laid(ctx)


def has_laid(ctx: Context) -> bool:
    """True if the context's month has a laid forecast (the pages show it, not a baseline)."""
    return _laid(ctx) is not None


def _laid_key(lf: Any) -> str:
    return "" if lf is None else f"{lf.id}|{lf.created}"


@st.cache_data(show_spinner=False, max_entries=32)
def _monthly_forecast(_ctx: Context, data_hash: str, as_of: str, laid_key: str,
                      _lf: Any) -> pd.DataFrame:
    mod = core("forecast.engine.monthly")
    if _lf is None:
        return mod.monthly_with_forecast(monthly(_ctx), baseline(_ctx))
    means = core("forecast.cycle.overview").month_means(_lf)
    return mod.with_month_forecast(monthly(_ctx), _ctx.as_of, means)


def monthly_with_forecast(ctx: Context, *, laid: bool = True) -> pd.DataFrame:
    """The monthly follow-up with the forecast of the remaining months (``Prognos``).

    From the month's laid forecast when there is one (``laid``), else the baseline's.
    """
    lf = _laid(ctx) if laid else None
    return _monthly_forecast(ctx, ctx.data_hash, str(ctx.as_of), _laid_key(lf), lf)


@st.cache_data(show_spinner=False, max_entries=32)
def _basis(_ctx: Context, data_hash: str, as_of: str, laid_key: str, _lf: Any) -> list[str]:
    if _lf is not None:
        return core("forecast.cycle.overview").basis_warnings(_lf)
    return core("forecast.engine.basis").basis_warnings(baseline(_ctx))


def basis_warnings(ctx: Context, *, laid: bool = False) -> list[str]:
    """``forecast.engine.basis.basis_warnings`` of the cached baseline.

    With ``laid``, of the month's laid forecast when there is one (no recomputation).
    """
    lf = _laid(ctx) if laid else None
    return _basis(ctx, ctx.data_hash, str(ctx.as_of), _laid_key(lf), lf)


def method_sentence(ctx: Context, selection: dict[str, str]) -> str:
    """``forecast.engine.basis.method_sentence`` of the cached baseline for a selection."""
    return core("forecast.engine.basis").method_sentence(baseline(ctx), selection)




def year_end(ctx: Context) -> dict[str, float]:
    """The region's year-end net result against budget (``forecast.engine.hierarchy.year_totals``).

    Keys are the hierarchy's column names (``prognos``, ``p10``, ``p50``, ``p90``,
    ``annual_budget``, ``dev_budget``, ``dev_budget_p10``, ``dev_budget_p90`` …), tkr. When the
    month has a laid forecast its figures are returned at once (no recomputation), with
    ``laid`` = its label.
    """
    lf = _laid(ctx)
    if lf is not None:
        s = lf.summary()
        return {"prognos": s["final"], "p10": s["p10"], "p50": s["p50"], "p90": s["p90"],
                "annual_budget": s["budget"], "dev_budget": s["deviation"],
                "dev_budget_p10": s["p10"] - s["budget"],
                "dev_budget_p90": s["p90"] - s["budget"],
                "laid": f"{lf.label()} av {lf.author}"}
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
    out: dict[str, Any] = {DEFAULT_PRESET: A.Scenario(
        name="Dygnsvila 11 timmar, standard", author="Exempel",
        description="Standardantagandet för 11 timmars dygnsvila i hela regionen.",
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


@st.cache_data(show_spinner=False, max_entries=64)
def _unit_category(_ctx: Context, data_hash: str, as_of: str,
                   selection: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    return core("forecast.engine.tables").unit_category_table(baseline(_ctx), _ctx.ds,
                                                              dict(selection))


def unit_category_table(ctx: Context, selection: dict[str, str] | None = None) -> pd.DataFrame:
    """``forecast.engine.tables.unit_category_table`` of the cached baseline (by codes)."""
    return _unit_category(ctx, ctx.data_hash, str(ctx.as_of), tuple((selection or {}).items()))


def division_table(ctx: Context) -> pd.DataFrame:
    """``forecast.engine.tables.division_table`` of the cached baseline."""
    return _prognos_table("division_table", ctx, ctx.data_hash, str(ctx.as_of))


def category_table(ctx: Context) -> pd.DataFrame:
    """``forecast.engine.tables.category_table`` of the cached baseline."""
    return _prognos_table("category_table", ctx, ctx.data_hash, str(ctx.as_of))


@st.cache_data(show_spinner=False, max_entries=64)
def _fan(_ctx: Context, data_hash: str, as_of: str, selection: tuple[tuple[str, str], ...]
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    fan = core("forecast.engine.fan")
    return fan.fan_chart_data(baseline(_ctx), _ctx.ds.ledger, dict(selection))


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


def compare_results(ctx: Context, refs: tuple[tuple[str, int], ...]) -> pd.DataFrame:
    """``ScenarioStore.compare_results`` (records by scenario and year) on the baseline."""
    return store().compare_results(list(refs), rf=baseline(ctx), ds=ctx.ds)


@st.cache_resource(show_spinner=False, max_entries=8)
def _prognos_export(_ctx: Context, data_hash: str, as_of: str) -> Any:
    tables = core("forecast.engine.tables")
    return tables.prognos_export(baseline(_ctx), _ctx.ds,
                                 choose=bool(forecast_kwargs().get("choose", False)))


def prognos_export(ctx: Context) -> tuple[list[Any], Any]:
    """``forecast.engine.tables.prognos_export`` of the cached baseline (tables, metadata).

    The metadata's time is the time of this call (the tables are computed once).
    """
    tables, meta = _prognos_export(ctx, ctx.data_hash, str(ctx.as_of))
    return list(tables), replace(meta, created=datetime.now(UTC))


@st.cache_resource(show_spinner=False, max_entries=8)
def _overview(_ctx: Context, data_hash: str, as_of: str, laid_key: str, _lf: Any) -> Any:
    source = baseline(_ctx) if _lf is None else \
        core("forecast.cycle.overview").prognos_by(_lf)
    return core("forecast.report.builder").overview_tables(_ctx.ds, _ctx.as_of, source)


def overview_tables(ctx: Context) -> tuple[Any, Any, Any]:
    """The report's summary, per-division and per-category tables (printed, with Prognos).

    ``forecast.report.builder.overview_tables`` of the month's laid forecast when there is
    one (no recomputation), else of the cached baseline: the same cells as the Word/PDF
    report's section *Ekonomiskt utfall*.
    """
    lf = _laid(ctx)
    tables = _overview(ctx, ctx.data_hash, str(ctx.as_of), _laid_key(lf), lf)
    return tuple(tables)
