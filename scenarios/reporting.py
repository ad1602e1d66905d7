"""A scenario's results as the report's risk input.

See :class:`forecast.report.inputs.ScenarioRisk`.
"""

from __future__ import annotations

from dataclasses import replace

from forecast.engine.result import RegionForecast
from forecast.ledger.dataset import Dataset
from forecast.report.inputs import ScenarioRisk
from scenarios import montecarlo
from scenarios.assumptions import Scenario
from scenarios.engine import ScenarioResult, apply
from scenarios.labels import report_settings

MAX_REPORT_DRAWS = 20_000
"""The report's Monte Carlo is capped here (a scenario file may ask for more)."""


def scenario_risk(result: ScenarioResult, mc: montecarlo.MCResult) -> ScenarioRisk:
    """The risk section's figures from a scenario applied to the baseline and its Monte Carlo.

    The bridge's start is the baseline Årsprognos as the report prints it (mean of the summed
    paths); the assumption effects are the engine's Shapley values with likely parameters.

    Args:
        result: the scenario applied with its likely values (the bridge).
        mc: the Monte Carlo of the same scenario on the same baseline.
    """
    br = result.bridge()
    year = result.baseline.as_of.year
    # The bridge starts at the report's Årsprognos (mean of the summed paths, the figure the
    # report prints) rather than the point forecast, so both sections show one baseline.
    base = float(result.baseline.year_total_paths().mean())
    steps = [("Basprognos", base)] + [(str(r.step), float(r.value_tkr))
                                      for r in br.itertuples() if r.kind == "assumption"]
    q = mc.quantiles()
    row = q[(q["variant"] == "scenario") & (q["year"] == year)].iloc[0]
    summ = result.summary().set_index("year")
    return ScenarioRisk(
        name=result.scenario.name, description=result.scenario.description or "",
        year=year, steps=tuple(steps),
        next_year_effect_tkr=float(summ.loc[year + 1, "difference_tkr"]),
        budget_tkr=result.budget(),
        p10_tkr=float(row["p10_tkr"]), p50_tkr=float(row["p50_tkr"]),
        p90_tkr=float(row["p90_tkr"]), prob_within_budget=mc.prob_within_budget(year),
        n_draws=mc.n_draws, parameters=result.scenario.model_dump_json(),
        settings=report_settings(result.scenario),
        notes=tuple(result.notes))


def risk_for(rf: RegionForecast, scenario: Scenario, ds: Dataset, *,
             base: str = "") -> ScenarioRisk:
    """Apply ``scenario`` to ``rf``, run its Monte Carlo (capped draws) and summarise.

    ``base`` says which forecast ``rf`` is (the forecast of record's heading).
    """
    result = apply(rf, scenario, ds=ds)
    draws = min(scenario.n_draws, MAX_REPORT_DRAWS)
    mc = montecarlo.simulate(rf, scenario, ds=ds, n_draws=draws)
    return replace(scenario_risk(result, mc), base=base)
