"""The ``budgetprognos`` console command.

Each subcommand lives in its own module with ``HELP``, ``DESCRIPTION``, ``add_arguments(p)``
and ``run(args) -> int``; the dispatcher registers every one the same way from
:data:`SUBCOMMANDS`:

- ``rapport``: follow-up tables (cli.rapport)
- ``prognos``: the årsprognos tables (cli.prognos)
- ``backtest``: the year-end accuracy protocol (cli.backtest)
- ``scenario``: scenario files (cli.scenario)
- ``kontoplan``: a kontoplan template from the ledger's accounts (cli.kontoplan)
- ``prognosforandring``: the change since the previous laid forecast (cli.prognosforandring)
- ``prognossakerhet``: laid forecasts of a completed year against its outcome
- ``datamangd``: the stored datasets one sees, and sharing one with groups (cli.datamangd)
- ``berattelse``: the report narrative of a month as a file, out of and into the store
"""

from __future__ import annotations

import argparse
import importlib
import sys

from cli.argparse_sv import SwedishParser
from cli.common import add_cluster_argument, run_guarded


class _Version(argparse.Action):
    """``--version``: the installed version, looked up only when asked for."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="visa programmets version och avsluta")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        from forecast import __version__

        parser.exit(message=f"budgetprognos {__version__}\n")

FORECASTING = frozenset({"rapport", "prognos", "backtest", "scenario", "prognosforandring",
                         "prognossakerhet"})
"""Subcommands that may forecast: they take ``--kluster`` (a Dask cluster for that work)."""

SUBCOMMANDS = {
    "rapport": "cli.rapport",
    "prognos": "cli.prognos",
    "backtest": "cli.backtest",
    "scenario": "cli.scenario",
    "kontoplan": "cli.kontoplan",
    "prognosforandring": "cli.prognosforandring",
    "prognossakerhet": "cli.prognossakerhet",
    "datamangd": "cli.datamangd",
    "berattelse": "cli.berattelse",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:  # a SwedishParser
    """The full argument parser with every available subcommand (or just ``only``).

    Parsing a known subcommand imports only its module, and no command module imports
    anything heavy to build its parser (pandas, SQLAlchemy, matplotlib, statsforecast …
    are imported by the code that runs the command), so ``--help`` and a light command such
    as ``prognosforandring`` start quickly (``tests/cli/test_startup.py``).
    """
    parser = SwedishParser(
        prog="budgetprognos",
        description="Årsprognos, uppföljning och scenarier för hälso- och sjukvårdens ekonomi.",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    names = [only] if only in SUBCOMMANDS else list(SUBCOMMANDS)
    for name in names:
        module = SUBCOMMANDS[name]
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        p = sub.add_parser(name, help=mod.HELP, description=mod.DESCRIPTION)
        mod.add_arguments(p)
        if name in FORECASTING:
            add_cluster_argument(p)
        p.set_defaults(_run=mod.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (see :func:`cli.common.run_guarded`)."""
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    address = getattr(args, "kluster", None)
    if address is None:
        return run_guarded(args.command, args._run, args)
    from forecast.parallel import use_cluster

    with use_cluster(address):
        return run_guarded(args.command, args._run, args)


if __name__ == "__main__":
    sys.exit(main())
