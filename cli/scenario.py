"""``budgetprognos scenario``: run scenario files and manage the scenario store.

Examples::

    budgetprognos scenario run scenarios/examples/kombinerat.yaml --out scenario.xlsx
    budgetprognos scenario run dygnsvila.yaml --as-of 2023-04 --draws 10000 --seed 1 --out x.csv
    budgetprognos scenario run dygnsvila.yaml --out scenario.csv --enhet tkr --csv-dialect intl
    budgetprognos scenario save dygnsvila.yaml
    budgetprognos scenario list
    budgetprognos scenario show Dygnsvila --version 1
    budgetprognos scenario delete Dygnsvila --ja

``run`` exports: year totals (baseline vs scenario, this year and two plan years), P10/P50/P90
and the probability of a result within budget, the bridge (table ``bridge``) and the
assumptions, with metadata including the scenario's parameters as JSON.

Exit codes: 0 done; 2 bad input (invalid scenario file, bad month, rejected data, unknown
scenario, delete without --ja); 1 files or the store could not be read/written.
"""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from cli.common import (
    EXIT_IO,
    CliError,
    add_data_argument,
    add_output_arguments,
    as_of_argument,
    check_out,
    check_range,
    error,
    guarded,
    load_dataset,
    write_output,
)
from forecast import __version__
from forecast.engine.region import standard_forecast
from forecast.engine.result import RegionForecast
from forecast.io.export import ExportMetadata, ExportTable
from forecast.io.formatting import fmt_pct, fmt_tkr
from forecast.io.limits import MAX_DRAWS, MAX_SEED, MIN_DRAWS
from forecast.ledger.dataset import Dataset
from scenarios.assumptions import Scenario
from scenarios.engine import ScenarioResult, apply, build_context, compile_scenario
from scenarios.files import ScenarioFileError, load_scenario
from scenarios.montecarlo import MCResult, simulate
from scenarios.references import check_references_in_data
from scenarios.store import ScenarioStore

BASELINE_PATHS = 1000


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register the ``scenario`` subcommand and its actions."""
    p = subparsers.add_parser(
        "scenario", help="scenarier: kör scenariofiler och hantera sparade scenarier",
        description="Kör ett scenario mot basprognosen eller hantera sparade scenarier.")
    sub = p.add_subparsers(dest="action", required=True)

    r = sub.add_parser("run", help="kör en scenariofil och exportera resultatet")
    r.add_argument("file", type=Path, metavar="FIL", help="scenariofil (YAML eller JSON)")
    r.add_argument("--as-of", metavar="ÅÅÅÅ-MM",
                   help="prognosmånad; standard scenariots as_of, annars datans sista utfall")
    r.add_argument("--draws", type=int, metavar="N", help="Monte Carlo-dragningar")
    r.add_argument("--seed", type=int, metavar="S", help="frö (basprognos och Monte Carlo)")
    add_output_arguments(r)
    add_data_argument(r)

    for name, helptext in (("list", "lista sparade scenarier"),):
        s = sub.add_parser(name, help=helptext)
        s.add_argument("--db", metavar="URL", help="databas-URL (standard $BUDGETPROGNOS_DB_URL)")
    s = sub.add_parser("show", help="visa ett sparat scenario (YAML)")
    s.add_argument("name")
    s.add_argument("--version", type=int)
    s.add_argument("--db", metavar="URL")
    s = sub.add_parser("save", help="spara en scenariofil som ny version")
    s.add_argument("file", type=Path, metavar="FIL")
    s.add_argument("--db", metavar="URL")
    s = sub.add_parser("delete", help="radera alla versioner av ett sparat scenario")
    s.add_argument("name")
    s.add_argument("--ja", action="store_true", help="bekräfta raderingen")
    s.add_argument("--db", metavar="URL")
    return p


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
            rows.append({"Parameter": name, "Låg": r.low, "Troligast": r.likely,
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
        ExportTable("bridge", f"Brygga från basprognos till scenario {y}", bt,
                    amount_columns=("Belopp", "Ackumulerat", "Avvikelse mot budget"),
                    note="Staplarna är Shapley-värden och summerar exakt till skillnaden."),
        ExportTable("antaganden", "Antaganden och osäkerhetsintervall",
                    assumption_table(res, ds)),
    ]


def scenario_metadata(rf: RegionForecast, ds: Dataset, scenario: Scenario, *, file: str,
                      n_draws: int, seed: int) -> ExportMetadata:
    """Export metadata including the scenario parameters as JSON."""
    return ExportMetadata(
        as_of=str(rf.as_of), input_hash=rf.input_hash or ds.source_hash, source=ds.source,
        method=("basprognos forecast.engine.region.standard_forecast "
                f"({rf.n_paths} banor) + scenarios.engine (Shapley-brygga) + Monte Carlo (PERT)"),
        program_version=__version__, created=datetime.now(UTC),
        parameters={"Scenario": scenario.name, "Scenariofil": file,
                    "Dragningar": str(n_draws), "Frö": str(seed),
                    "Scenarioparametrar (JSON)": scenario.model_dump_json()},
    )


def _scenario_file(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioFileError as exc:
        raise CliError(exc.report(), plain=True) from None


def _run_scenario(args: argparse.Namespace) -> int:
    out = check_out(args.out)
    scenario = _scenario_file(args.file)
    as_of_text = args.as_of or scenario.as_of
    as_of_arg = as_of_argument(as_of_text) if as_of_text else None
    seed = scenario.seed if args.seed is None else args.seed
    n_draws = scenario.n_draws if args.draws is None else args.draws
    check_range("--draws", n_draws, MIN_DRAWS, MAX_DRAWS)  # before any data is read
    check_range("--seed", seed, 0, MAX_SEED)
    ds = load_dataset(args, as_of_arg)
    as_of = as_of_arg or ds.last_outcome
    try:
        check_references_in_data(ds, scenario)  # before the (long) baseline forecast
        rf = standard_forecast(ds, as_of, n_paths=BASELINE_PATHS, seed=seed)
        res = apply(rf, scenario, ds=ds)
        mc = simulate(rf, scenario, ds=ds, n_draws=n_draws, seed=seed)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    tables = scenario_tables(res, mc, ds)
    meta = scenario_metadata(rf, ds, scenario, file=args.file.name, n_draws=n_draws, seed=seed)
    write_output(tables, meta, out, args)
    diff = res.year_result() - res.year_result(baseline=True)
    print(f"Scenario '{scenario.name}' per {as_of}: skillnad mot basprognos {as_of.year} "
          f"{fmt_tkr(diff)}; sannolikhet budget i balans "
          f"{fmt_pct(100 * mc.prob_within_budget(), 0)}; skrivet till {out}")
    return 0


def _store(args: argparse.Namespace) -> ScenarioStore:
    return ScenarioStore(args.db)


def _manage(args: argparse.Namespace) -> int:
    import yaml

    st = _store(args)
    if args.action == "list":
        df = st.list_scenarios()
        if df.empty:
            print("Inga sparade scenarier.")
        else:
            print(df[["name", "version", "n_versions", "author", "updated"]]
                  .to_string(index=False))
        return 0
    if args.action == "save":
        rec = st.save(_scenario_file(args.file))
        print(f"Sparat '{rec.name}' version {rec.version}.")
        return 0
    try:
        if args.action == "show":
            rec = st.record(args.name, args.version)
            print(f"# {rec.name} version {rec.version}, uppdaterad {rec.updated}")
            print(yaml.safe_dump(rec.scenario.model_dump(mode="json"), allow_unicode=True,
                                 sort_keys=False), end="")
            return 0
        n = st.delete(args.name, confirm=args.ja)
        print(f"Raderade {n} versioner av '{args.name}'.")
        return 0
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None
    except ValueError as exc:
        raise CliError(f"{exc} (använd --ja)") from None


def run(args: argparse.Namespace) -> int:
    """Run ``scenario``; returns the exit code."""
    if args.action == "run":
        return guarded("scenario", _run_scenario, args)
    try:
        return guarded("scenario", _manage, args)
    except OSError as exc:
        error("scenario", f"scenarioarkivet kunde inte nås: {exc}")
        return EXIT_IO
