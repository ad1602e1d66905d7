"""The one builder of the scenario export, used by ``budgetprognos scenario run`` and the app.

:func:`scenario_export` returns the export tables of a scenario run and their metadata:
year totals (baseline vs scenario, this year and two plan years), P10/P50/P90 and the
probability of a result within budget, the bridge and the assumptions; the metadata holds
the scenario's parameters as JSON. Amounts are tkr.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from forecast import __version__
from forecast.engine.result import RegionForecast
from forecast.io.export import ExportMetadata, ExportTable
from forecast.ledger.dataset import Dataset
from scenarios.assumptions import Scenario
from scenarios.engine import ScenarioResult, build_context, compile_scenario
from scenarios.montecarlo import MCResult


def scenario_export(rf: RegionForecast, res: ScenarioResult, mc: MCResult, ds: Dataset, *,
                    file: str, created: datetime | None = None, base: str = ""
                    ) -> tuple[list[ExportTable], ExportMetadata]:
    """The export tables of a scenario run and their metadata (same in the CLI and the app).

    Args:
        rf: the baseline forecast the scenario was applied to.
        res: the scenario applied with its likely values (``scenarios.engine.apply``).
        mc: its Monte Carlo (``scenarios.montecarlo.simulate``).
        ds: the data set.
        file: where the scenario came from (a file name, or the app's page).
        created: the export time (now if None).
        base: which forecast ``rf`` is (the forecast of record's heading), for the metadata.
    """
    meta = scenario_metadata(rf, ds, res.scenario, file=file, n_draws=mc.n_draws,
                             seed=mc.seed, created=created, base=base)
    return scenario_tables(res, mc, ds), meta


def year_table(res: ScenarioResult) -> pd.DataFrame:
    """Year totals, baseline vs scenario (tkr), indexed by År."""
    s = res.summary()
    out = pd.DataFrame({
        "Basprognos": s["baseline_tkr"].to_numpy(),
        "Scenario": s["scenario_tkr"].to_numpy(),
        "Skillnad": s["difference_tkr"].to_numpy(),
        "Budget": s["budget_tkr"].to_numpy(),
        "Avvikelse basprognos": s["baseline_deviation_tkr"].to_numpy(),
        "Avvikelse scenario": s["scenario_deviation_tkr"].to_numpy(),
    }, index=pd.Index([str(y) for y in s["year"]], name="År"))
    return out


def uncertainty_table(mc: MCResult) -> pd.DataFrame:
    """P10/P50/P90 of the result and the probability of balance per year and variant."""
    q = mc.quantiles()
    names = {"baseline": "Basprognos", "scenario": "Scenario"}
    idx = pd.Index([f"{y} {names[v]}" for y, v in zip(q["year"], q["variant"], strict=True)],
                   name="År och variant")
    return pd.DataFrame({
        "P10": q["p10_tkr"].to_numpy(), "P50": q["p50_tkr"].to_numpy(),
        "P90": q["p90_tkr"].to_numpy(),
        "Avvikelse P10": q["deviation_p10_tkr"].to_numpy(),
        "Avvikelse P50": q["deviation_p50_tkr"].to_numpy(),
        "Avvikelse P90": q["deviation_p90_tkr"].to_numpy(),
        "Sannolikhet budget i balans": 100.0 * q["prob_within_budget"].to_numpy(),
    }, index=idx)


def bridge_table(res: ScenarioResult) -> pd.DataFrame:
    """The bridge of the as-of year, indexed by Steg."""
    b = res.bridge()
    return pd.DataFrame({
        "Typ": b["kind"].map({"start": "start", "assumption": "antagande",
                              "end": "slut"}).to_numpy(),
        "Belopp": b["value_tkr"].to_numpy(),
        "Ackumulerat": b["cumulative_tkr"].to_numpy(),
        "Avvikelse mot budget": b["deviation_tkr"].to_numpy(),
    }, index=pd.Index(b["step"], name="Steg"))


def assumption_table(res: ScenarioResult, ds: Dataset | None) -> pd.DataFrame:
    """Every uncertain parameter: low, likely, high and the value used."""
    ctx = build_context(res.baseline, ds)
    rows, labels = [], []
    for c, used in zip(compile_scenario(ctx, res.scenario), res.params, strict=True):
        for name, r in c.ranges.items():
            labels.append(c.label)
            rows.append({"Parameter": c.param_name(name), "Låg": r.low, "Troligast": r.likely,
                         "Hög": r.high, "Använt": used[name]})
    return pd.DataFrame(rows, index=pd.Index(labels, name="Antagande"),
                        columns=["Parameter", "Låg", "Troligast", "Hög", "Använt"])


def scenario_tables(res: ScenarioResult, mc: MCResult, ds: Dataset | None
                    ) -> list[ExportTable]:
    """The export tables of a scenario run (amounts tkr)."""
    y = res.baseline.as_of.year
    yt = year_table(res)
    ut = uncertainty_table(mc)
    bt = bridge_table(res)
    return [
        ExportTable("arsresultat", f"Årsresultat, basprognos och scenario {y}–{y + 2}", yt,
                    amount_columns=tuple(yt.columns),
                    note="Nettoresultat (intäkter + kostnader). Planåren saknar budget."),
        ExportTable("osakerhet", "Osäkerhet: P10/P50/P90 och sannolikhet för budget i balans",
                    ut, amount_columns=tuple(c for c in ut.columns if c.startswith(("P", "Av"))),
                    percent_columns=("Sannolikhet budget i balans",),
                    note=f"Monte Carlo, {mc.n_draws} dragningar, frö {mc.seed}; planåren mot "
                         "årets budget (oförändrad ram)."),
        ExportTable("brygga", f"Brygga från basprognos till scenario {y}", bt,
                    amount_columns=("Belopp", "Ackumulerat", "Avvikelse mot budget"),
                    note="Staplarna är Shapley-värden och summerar exakt till skillnaden."),
        ExportTable("antaganden", "Antaganden och osäkerhetsintervall",
                    assumption_table(res, ds)),
    ]


def scenario_metadata(rf: RegionForecast, ds: Dataset, scenario: Scenario, *, file: str,
                      n_draws: int, seed: int, created: datetime | None = None,
                      base: str = "") -> ExportMetadata:
    """Export metadata including the scenario parameters as JSON."""
    return ExportMetadata(
        as_of=str(rf.as_of), input_hash=rf.input_hash or ds.source_hash, source=ds.source,
        method=("basprognos forecast.engine.region.standard_forecast "
                f"({rf.n_paths} banor) + scenarios.engine (Shapley-brygga) + Monte Carlo (PERT)"),
        program_version=__version__, created=created or datetime.now(UTC),
        parameters={"Basprognos": base or "statistisk prognos", "Scenario": scenario.name,
                    "Scenariofil": file,
                    "Dragningar": str(n_draws), "Frö": str(seed),
                    "Scenarioparametrar (JSON)": scenario.model_dump_json()},
    )
