"""Cached calls of the core for the pages, keyed by data hash and as-of month.

Frames are cached with ``st.cache_data`` (each caller gets a copy). The Dataset argument is
not hashed (leading underscore); its content hash is the key.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from forecast.ledger.month import month_from_text
from ui.cycle_access import baseline, record
from ui.data_access import Context

if TYPE_CHECKING:
    from forecast.engine.result import RegionForecast
    from forecast.io.export import ExportMetadata, ExportTable
    from forecast.ledger.dataset import Dataset
    from forecast.report.model import ReportTable
    from scenarios import engine as scenario_engine
    from scenarios.assumptions import Scenario
    from scenarios.committee import CommitteeView
    from scenarios.montecarlo import MCResult
    from scenarios.store import ScenarioStore


@st.cache_data(show_spinner=False, max_entries=32)
def _followup(name: str, _ds: Dataset, data_hash: str, as_of: str) -> pd.DataFrame:
    from forecast.followup import tables as fu
    return getattr(fu, name)(_ds, month_from_text(as_of))


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


def _rk(ctx: Context) -> str:
    """The cache key of the context's forecast of record (stored forecast and laid version)."""
    return str(record(ctx).key)


def record_heading(ctx: Context) -> str:
    """Which forecast the pages show: version, author and local time, or "ej lagd"."""
    return str(record(ctx).heading())


@st.cache_data(show_spinner=False, max_entries=32)
def _monthly_forecast(_ctx: Context, data_hash: str, as_of: str, rk: str) -> pd.DataFrame:
    from forecast.engine import monthly as mod
    return mod.monthly_with_forecast(monthly(_ctx), baseline(_ctx))


def monthly_with_forecast(ctx: Context) -> pd.DataFrame:
    """The monthly follow-up with the forecast of record's remaining months (``Prognos``)."""
    return _monthly_forecast(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx))


@st.cache_data(show_spinner=False, max_entries=32)
def _basis(_ctx: Context, data_hash: str, as_of: str, rk: str) -> list[str]:
    from forecast.engine.basis import basis_warnings
    return basis_warnings(baseline(_ctx))


def basis_warnings(ctx: Context) -> list[str]:
    """``forecast.engine.basis.basis_warnings`` of the forecast of record."""
    return _basis(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx))


def method_sentence(ctx: Context, selection: dict[str, str]) -> str:
    """``forecast.engine.basis.method_sentence`` of the forecast of record for a selection."""
    from forecast.engine.basis import method_sentence
    return method_sentence(baseline(ctx), selection)


@dataclass(frozen=True)
class YearEnd:
    """The region's year-end figures of the forecast of record and which forecast it is.

    ``ye[column]`` is a figure by the hierarchy's column name (``prognos``, ``p10``, ``p50``,
    ``p90``, ``annual_budget``, ``dev_budget``, ``dev_budget_p10``, ``dev_budget_p90`` …), tkr.
    """

    figures: dict[str, float]
    source: str
    """Which forecast the figures are (:func:`record_heading`)."""

    def __getitem__(self, column: str) -> float:
        return self.figures[column]


def year_end(ctx: Context) -> YearEnd:
    """The region's year-end net result against budget (``absent.held_year_totals``)."""
    row = _year_totals(ctx, ()).iloc[0]
    return YearEnd({str(k): float(v) for k, v in row.items()}, record_heading(ctx))


@st.cache_data(show_spinner=False, max_entries=64)
def _year_totals_cached(_ctx: Context, data_hash: str, as_of: str, rk: str,
                        by: tuple[str, ...], year: int | None) -> pd.DataFrame:
    from forecast.engine.absent import held_year_totals
    return held_year_totals(baseline(_ctx), _ctx.ds, by, year=year)


def _year_totals(ctx: Context, by: tuple[str, ...], year: int | None = None) -> pd.DataFrame:
    return _year_totals_cached(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx), tuple(by), year)


def year_totals(ctx: Context, by: tuple[str, ...], year: int | None = None) -> pd.DataFrame:
    """``forecast.engine.absent.held_year_totals`` of the forecast of record (a copy).

    Figures the data do not hold (budget, previous year) are NaN, not 0.
    """
    return _year_totals(ctx, by, year)

# --------------------------------------------------------------------------- forecast


def forecast_month_labels(ctx: Context) -> list[str]:
    """The baseline's forecast months as ``YYYY-MM`` (first = the month after as-of)."""
    return [str(m) for m in baseline(ctx).months]


# --------------------------------------------------------------------------- scenarios

DEFAULT_PRESET = "Standard: dygnsvila 11 timmar"


EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "examples"


@st.cache_resource(show_spinner=False)
def _presets() -> dict[str, Scenario]:
    import yaml

    from scenarios import assumptions as A

    out: dict[str, Scenario] = {DEFAULT_PRESET: A.Scenario(
        name="Dygnsvila 11 timmar, standard", author="Exempel",
        description="Standardantagandet för 11 timmars dygnsvila i hela regionen.",
        assumptions=[A.Dygnsvila()])}
    for path in sorted(EXAMPLES_DIR.glob("*.yaml")):
        sc = A.Scenario.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        out[f"Exempel: {sc.name}"] = sc
    return out


def presets() -> dict[str, Scenario]:
    """Preset scenarios by display name: the standard dygnsvila preset, then the examples."""
    return dict(_presets())


@st.cache_resource(show_spinner=False, max_entries=8)
def _scenario_context(_rf: RegionForecast, _ds: Dataset, data_hash: str, as_of: str, rk: str
                      ) -> scenario_engine.Context:
    from scenarios.engine import build_context
    return build_context(_rf, _ds)


def scenario_context(ctx: Context) -> scenario_engine.Context:
    """The scenario engine's context for the baseline (built once per data and month)."""
    return _scenario_context(baseline(ctx), ctx.ds, ctx.data_hash, str(ctx.as_of), _rk(ctx))


@st.cache_resource(show_spinner=False, max_entries=64)
def _apply(_ctx: Context, data_hash: str, as_of: str, rk: str, scenario_json: str,
           _scenario: Scenario) -> scenario_engine.ScenarioResult:
    from scenarios import engine
    return engine.apply(baseline(_ctx), _scenario, ds=_ctx.ds, ctx=scenario_context(_ctx))


def apply_scenario(ctx: Context, scenario: Scenario) -> scenario_engine.ScenarioResult:
    """``scenarios.engine.apply`` on the cached baseline (cached per scenario content)."""
    return _apply(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx), scenario.model_dump_json(),
                  scenario)


@st.cache_resource(show_spinner=False, max_entries=32)
def _simulate(_ctx: Context, data_hash: str, as_of: str, rk: str, scenario_json: str,
              n_draws: int, _scenario: Scenario) -> MCResult:
    from scenarios import montecarlo as mc
    return mc.simulate(baseline(_ctx), _scenario, ds=_ctx.ds, n_draws=n_draws)


def simulate_scenario(ctx: Context, scenario: Scenario, n_draws: int) -> MCResult:
    """``scenarios.montecarlo.simulate`` on the cached baseline (cached per scenario)."""
    return _simulate(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx), scenario.model_dump_json(),
                     n_draws, scenario)


@st.cache_resource(show_spinner=False)
def _store(url: str, dataset: str) -> ScenarioStore:
    from scenarios.store import ScenarioStore
    return ScenarioStore(url, dataset=dataset)


def store() -> ScenarioStore:
    """The session's dataset's scenarios at the configured URL (``BUDGETPROGNOS_DB_URL``).

    Its SQLAlchemy engine has no pool: every operation opens its own short-lived connection,
    so one store object is safe to share between sessions.
    """
    from scenarios.store import default_url
    from ui.data_access import context
    return _store(default_url(), context().dataset_id)


# --------------------------------------------------------------------------- prognos tables


@st.cache_data(show_spinner=False, max_entries=32)
def _prognos_table(name: str, _ctx: Context, data_hash: str, as_of: str,
                   rk: str) -> pd.DataFrame:
    from forecast.engine import tables as pt
    return getattr(pt, name)(baseline(_ctx), _ctx.ds)


@st.cache_data(show_spinner=False, max_entries=64)
def _unit_category(_ctx: Context, data_hash: str, as_of: str, rk: str,
                   selection: tuple[tuple[str, str], ...]) -> pd.DataFrame:
    from forecast.engine.tables import unit_category_table
    return unit_category_table(baseline(_ctx), _ctx.ds, dict(selection))


def unit_category_table(ctx: Context, selection: dict[str, str] | None = None) -> pd.DataFrame:
    """``forecast.engine.tables.unit_category_table`` of the cached baseline (by codes)."""
    return _unit_category(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx),
                          tuple((selection or {}).items()))


def division_table(ctx: Context) -> pd.DataFrame:
    """``forecast.engine.tables.division_table`` of the cached baseline."""
    return _prognos_table("division_table", ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx))


def category_table(ctx: Context) -> pd.DataFrame:
    """``forecast.engine.tables.category_table`` of the cached baseline."""
    return _prognos_table("category_table", ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx))


@st.cache_data(show_spinner=False, max_entries=64)
def _fan(_ctx: Context, data_hash: str, as_of: str, rk: str, selection: tuple[tuple[str, str], ...]
         ) -> tuple[pd.DataFrame, pd.DataFrame]:
    from forecast.engine import fan
    return fan.fan_chart_data(baseline(_ctx), _ctx.ds, dict(selection))


def fan_data(ctx: Context, selection: dict[str, str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Monthly outcome (two years back) and the forecast P10/P50/P90 per month, tkr.

    ``selection`` maps key columns (division, unit, category) to values; empty = region.
    Quantiles are taken over the group's summed paths (never summed quantiles).
    """
    return _fan(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx), tuple(selection.items()))


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
def _prognos_export(_ctx: Context, data_hash: str, as_of: str, rk: str
                    ) -> tuple[list[ExportTable], ExportMetadata]:
    from forecast.cycle.export import record_export

    return record_export(record(_ctx), _ctx.ds)


def prognos_export(ctx: Context) -> tuple[list[ExportTable], ExportMetadata]:
    """The Årsprognos export of the forecast of record (tables, metadata).

    ``forecast.cycle.export.record_export``: the forecast of record's tables, and for a laid
    version its *Statistisk och justerad* and *Justeringar* sheets. The metadata's time is the
    time of this call (the tables are computed once).
    """
    tables, meta = _prognos_export(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx))
    return list(tables), replace(meta, created=datetime.now(UTC))


@st.cache_resource(show_spinner=False, max_entries=8)
def _overview(_ctx: Context, data_hash: str, as_of: str, rk: str
              ) -> tuple[ReportTable, ReportTable, ReportTable]:
    from forecast.report.builder import overview_tables
    return overview_tables(_ctx.ds, _ctx.as_of, baseline(_ctx))


def overview_tables(ctx: Context) -> tuple[ReportTable, ReportTable, ReportTable]:
    """The report's summary, per-division and per-category tables (printed, with Prognos).

    ``forecast.report.builder.overview_tables`` of the forecast of record: the same cells as
    the Word/PDF report's section *Ekonomiskt utfall*.
    """
    return _overview(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx))


# --------------------------------------------------------------------------- committee view
# (issue 26: small cached accessors added at the end, keyed like the scenario calls above)


@st.cache_resource(show_spinner=False, max_entries=32)
def _committee(_ctx: Context, data_hash: str, as_of: str, rk: str, scenario_json: str,
               n_draws: int, _scenario: Scenario) -> CommitteeView:
    res = apply_scenario(_ctx, _scenario)
    mc = simulate_scenario(_ctx, _scenario, n_draws)
    from scenarios.committee import committee_view
    return committee_view(
        baseline(_ctx), res, mc, _ctx.ds, base=record_heading(_ctx),
        ctx=scenario_context(_ctx))


def committee_view(ctx: Context, scenario: Scenario, n_draws: int) -> CommitteeView:
    """``scenarios.committee.committee_view`` of ``scenario`` on the forecast of record."""
    return _committee(ctx, ctx.data_hash, str(ctx.as_of), _rk(ctx), scenario.model_dump_json(),
                      n_draws, scenario)
