"""``budgetprognos scenario``: run scenario files and manage the scenario store.

Examples::

    budgetprognos scenario run scenarios/examples/kombinerat.yaml --out scenario.xlsx
    budgetprognos scenario run dygnsvila.yaml --as-of 2023-04 --draws 10000 --seed 1 --out x.csv
    budgetprognos scenario run dygnsvila.yaml --out scenario.csv --enhet tkr --csv-dialect intl
    budgetprognos scenario save dygnsvila.yaml
    budgetprognos scenario list
    budgetprognos scenario show Dygnsvila --version 1
    budgetprognos scenario delete Dygnsvila --ja
    budgetprognos scenario jamfor "Alla tre" "Dygnsvila oktober@1" --out jamforelse.xlsx
    budgetprognos scenario jamfor "Alla tre" "Plan 60 procent" --out scenarioblad.pdf

``run`` starts from the month's forecast of record (``forecast.cycle.record``: the fastställd or
latest laid version, else the stored statistical forecast; ``--db``, ``--dataset``) and exports:
year totals (baseline vs scenario, this year and two plan years), P10/P50/P90
and the probability of a result within budget, the bridge (table ``brygga``) and the
assumptions, with metadata including the scenario's parameters as JSON.

``jamfor`` reads stored scenarios (``NAMN`` = the latest version, ``NAMN@N`` = version N) and
writes what the app's page Jämför downloads, from the same builders
(``scenarios.committee.committee_view`` on the forecast of record, ``scenarios.comparison``):
the comparison's tables for ``.xlsx``/``.csv``, the one-page scenario sheet for ``.docx``/``.pdf``
(``scenarios.sheet``).

Exit codes: 0 done; 2 bad input (invalid scenario file, bad month, rejected data, unknown
scenario, delete without --ja); 1 files or the store could not be read/written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from cli import common as CC
from cli.common import EXIT_IO, CliError, policy
from cli.cycle import add_store_arguments, author, dataset_name, record_of, require
from forecast.io.limits import (
    MAX_COMPARED,
    MAX_DRAWS,
    MAX_SEED,
    MAX_SHEET_SCENARIOS,
    MIN_DRAWS,
)

if TYPE_CHECKING:
    from scenarios.assumptions import Scenario
    from scenarios.comparison import Sheet
    from scenarios.store import ScenarioStore



HELP = "scenarier: kör scenariofiler och hantera sparade scenarier"
DESCRIPTION = "Kör ett scenario mot basprognosen eller hantera sparade scenarier."


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``scenario`` command's arguments (registered by :mod:`cli.main`)."""
    sub = p.add_subparsers(dest="action", required=True)

    r = sub.add_parser("run", help="kör en scenariofil och exportera resultatet")
    r.add_argument("file", type=Path, metavar="FIL", help="scenariofil (YAML eller JSON)")
    CC.add_month_argument(r, "prognosmånad; standard scenariots as_of, annars datans sista utfall")
    r.add_argument("--draws", type=int, metavar="N", help="Monte Carlo-dragningar")
    r.add_argument("--seed", type=int, metavar="S", help="frö (basprognos och Monte Carlo)")
    CC.add_output_arguments(r)
    CC.add_data_argument(r)
    add_store_arguments(r)

    s = sub.add_parser("list", help="lista sparade scenarier")
    add_store_arguments(s)
    s = sub.add_parser("show", help="visa ett sparat scenario (YAML)")
    s.add_argument("name")
    s.add_argument("--version", type=int)
    add_store_arguments(s)
    s = sub.add_parser("save", help="spara en scenariofil som ny version (controller)")
    s.add_argument("file", type=Path, metavar="FIL")
    s.add_argument("--forfattare", metavar="NAMN", help="visningsnamn som författare")
    add_store_arguments(s)
    _add_compare(sub)
    s = sub.add_parser("delete", help="radera (dölj) alla versioner av ett sparat scenario "
                                      "(controller; raderingen står i granskningsloggen)")
    s.add_argument("name")
    s.add_argument("--ja", action="store_true", help="bekräfta raderingen")
    add_store_arguments(s)


SHEET_SUFFIXES = (".docx", ".pdf")
DEFAULT_COMPARE_DRAWS = 2000
"""The app's default number of draws (``ui.scenarios_page.DEFAULT_DRAWS``)."""


def _add_compare(sub: argparse._SubParsersAction) -> None:
    c = sub.add_parser(
        "jamfor", help="jämför sparade scenarier eller versioner: Excel/CSV eller "
                       "scenarioblad på en sida (Word/PDF), som sidan Jämför")
    c.add_argument("refs", nargs="+", metavar="NAMN[@VERSION]",
                   help=f"sparade scenarier, 1–{MAX_COMPARED}; NAMN = senaste versionen, "
                        f"NAMN@2 = version 2 (scenariobladet rymmer högst "
                        f"{MAX_SHEET_SCENARIOS})")
    CC.add_month_argument(c, "prognosmånad; standard datans sista utfall")
    c.add_argument("--draws", type=int, default=DEFAULT_COMPARE_DRAWS, metavar="N",
                   help=f"Monte Carlo-dragningar per scenario, {MIN_DRAWS}–{MAX_DRAWS} "
                        f"(standard {DEFAULT_COMPARE_DRAWS}, som appen)")
    CC.add_output_arguments(c, out_help="utfil: .xlsx eller .csv ger jämförelsens tabeller, "
                                     ".docx eller .pdf scenariobladet på en sida")
    CC.add_data_argument(c)
    add_store_arguments(c)


def parse_ref(text: str) -> tuple[str, int | None]:
    """``"Namn@2"`` → ("Namn", 2); ``"Namn"`` → ("Namn", None) (the latest version).

    Raises:
        CliError: an empty name or a version that is not a whole number ≥ 1.
    """
    name, at, version = text.rpartition("@")
    if not at:
        name, version = text, ""
    name = name.strip()
    if not name:
        raise CliError(f"scenario {text!r}: namnet saknas (skriv NAMN eller NAMN@VERSION)")
    if at and not (version.isdigit() and int(version) >= 1):
        raise CliError(f"scenario {text!r}: versionen efter @ måste vara ett heltal ≥ 1, "
                       f"fick {version!r}")
    return name, int(version) if at else None


def _compare_out(args: argparse.Namespace) -> Path:
    out: Path = args.out
    sheet = out.suffix.lower() in SHEET_SUFFIXES
    if not sheet:
        CC.check_out(out)
    CC.check_range("--draws", args.draws, MIN_DRAWS, MAX_DRAWS)
    most = MAX_SHEET_SCENARIOS if sheet else MAX_COMPARED
    if len(args.refs) > most:
        what = "scenariobladet" if sheet else "en jämförelse"
        raise CliError(f"{what} rymmer högst {most} scenarier; {len(args.refs)} är angivna")
    return out


def _compare(args: argparse.Namespace) -> int:
    from scenarios import comparison as CMP
    from scenarios.committee import views_of

    out = _compare_out(args)
    refs = [parse_ref(r) for r in args.refs]  # all checked before any data is read
    st = _store(args)
    try:
        chosen = [st.record(name, v) for name, v in refs]
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None
    labels = [f"{r.name} v{r.version}" for r in chosen]
    twice = sorted({label for label in labels if labels.count(label) > 1})
    if twice:
        raise CliError(f"samma version är angiven mer än en gång: {', '.join(twice)}")
    as_of_arg = CC.as_of_argument(args.as_of) if args.as_of else None
    ds = CC.load_dataset(args, as_of_arg)
    as_of = as_of_arg or ds.last_outcome
    from forecast.cycle.record import Spec

    rec = record_of(args, ds, as_of, Spec())
    labelled = [(label, r.scenario) for label, r in zip(labels, chosen, strict=True)]
    try:
        views = views_of(rec.final, labelled, ds, n_draws=args.draws, base=rec.heading())
    except ValueError as exc:
        raise CliError(str(exc)) from None
    meta = CMP.comparison_metadata(views, as_of=str(as_of), input_hash=ds.source_hash,
                                   source=ds.source)
    if out.suffix.lower() in SHEET_SUFFIXES:
        files = [_write_sheet(CMP.sheet(views, meta), out)]
    else:
        files = CC.write_output(CMP.comparison_tables(views), meta, out, args)
    print(f"Basprognos: {rec.heading()}")
    for label, v in views:
        print(f"{CMP.headline(label, v)}")
    print(f"Skrivet till {CC.written(files)}")
    return 0


def _write_sheet(sheet: Sheet, out: Path) -> Path:
    from scenarios.sheet import sheet_to_docx, sheet_to_pdf

    write = sheet_to_pdf if out.suffix.lower() == ".pdf" else sheet_to_docx
    data = write(sheet)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise CliError(f"kunde inte skriva {str(out)!r}: {CC.os_error_text(exc)}",
                       EXIT_IO) from None
    return out


def _scenario_file(path: Path) -> Scenario:
    from scenarios.files import ScenarioFileError, load_scenario

    try:
        return load_scenario(path)
    except ScenarioFileError as exc:
        raise CliError(exc.report(), plain=True) from None


def _run_scenario(args: argparse.Namespace) -> int:
    out = CC.check_out(args.out)
    scenario = _scenario_file(args.file)
    as_of_text = args.as_of or scenario.as_of
    as_of_arg = CC.as_of_argument(as_of_text) if as_of_text else None
    seed = scenario.seed if args.seed is None else args.seed
    n_draws = scenario.n_draws if args.draws is None else args.draws
    CC.check_range("--draws", n_draws, MIN_DRAWS, MAX_DRAWS)  # before any data is read
    CC.check_range("--seed", seed, 0, MAX_SEED)
    ds = CC.load_dataset(args, as_of_arg)
    as_of = as_of_arg or ds.last_outcome
    from scenarios.references import check_references_in_data

    try:
        check_references_in_data(ds, scenario)  # right after loading, before any forecast
    except ValueError as exc:
        raise CliError(str(exc)) from None
    from forecast.cycle.record import Spec
    from forecast.io.formatting import fmt_pct, fmt_tkr
    from scenarios.engine import apply
    from scenarios.export import scenario_export
    from scenarios.montecarlo import simulate

    rec = record_of(args, ds, as_of, Spec())
    rf = rec.final
    try:
        res = apply(rf, scenario, ds=ds)
        mc = simulate(rf, scenario, ds=ds, n_draws=n_draws, seed=seed)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    tables, meta = scenario_export(rf, res, mc, ds, file=args.file.name, base=rec.heading())
    files = CC.write_output(tables, meta, out, args)
    diff = res.year_result() - res.year_result(baseline=True)
    print(f"Basprognos: {rec.heading()}")
    print(f"Scenario '{scenario.name}' per {as_of}: skillnad mot basprognos {as_of.year} "
          f"{fmt_tkr(diff)}; sannolikhet budget i balans "
          f"{fmt_pct(100 * mc.prob_within_budget(), 0)}; skrivet till {CC.written(files)}")
    return 0


_NEEDS = {"list": "VIEW", "show": "VIEW", "jamfor": "VIEW", "save": "SAVE_SCENARIO",
          "delete": "DELETE_SCENARIO"}


def _store(args: argparse.Namespace) -> ScenarioStore:
    """The scenario store of the command's dataset, once the user may do the action."""
    from forecast.access import Action
    from scenarios.store import ScenarioStore

    require(args, Action[_NEEDS[args.action]])
    return ScenarioStore(args.db, dataset=dataset_name(args))


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
        scenario = _scenario_file(args.file)
        rec = st.save(scenario.model_copy(update={"author": author(args)}))
        print(f"Sparat '{rec.name}' version {rec.version}.")
        return 0
    try:
        if args.action == "show":
            rec = st.record(args.name, args.version)
            print(f"# {rec.name} version {rec.version}, uppdaterad {rec.updated}")
            print(yaml.safe_dump(rec.scenario.model_dump(mode="json"), allow_unicode=True,
                                 sort_keys=False), end="")
            return 0
        n = st.delete(args.name, confirm=args.ja, who=policy(args).identity.user)
        print(f"Raderade {n} versioner av '{args.name}' (dolda; de finns kvar i "
              "granskningsloggen).")
        return 0
    except KeyError as exc:
        raise CliError(str(exc.args[0])) from None
    except ValueError as exc:
        raise CliError(f"{exc} (använd --ja)") from None


def run(args: argparse.Namespace) -> int:
    """Run ``scenario``; returns the exit code."""
    if args.action == "run":
        return _run_scenario(args)
    if args.action == "jamfor":
        return _compare(args)
    try:
        return _manage(args)
    except OSError as exc:
        CC.error("scenario", f"scenarioarkivet kunde inte nås: {exc}")
        return EXIT_IO
