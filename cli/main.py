"""The ``budgetprognos`` console command.

Each subcommand lives in its own module with ``add_parser(subparsers)`` and ``run(args) -> int``,
so the dispatcher stays small:

- ``rapport``: follow-up tables (cli.rapport)
- ``prognos``: the årsprognos tables (cli.prognos)
- ``backtest``: the year-end accuracy protocol (cli.backtest)
- ``scenario``: scenario files (cli.scenario)
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable

from forecast import __version__
from forecast.io.limits import LimitExceeded

RAISE_ENV = "BUDGETPROGNOS_RAISE"
"""Set (to anything non-empty) to let unexpected errors propagate, e.g. in the test suite."""

SUBCOMMANDS = {
    "rapport": "cli.rapport",
    "prognos": "cli.prognos",
    "backtest": "cli.backtest",
    "scenario": "cli.scenario",
}


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="budgetprognos",
        description="Årsprognos, uppföljning och scenarier för hälso- och sjukvårdens ekonomi.",
    )
    parser.add_argument("--version", action="version", version=f"budgetprognos {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for module in SUBCOMMANDS.values():
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        p = mod.add_parser(sub)
        p.set_defaults(_run=mod.run)
    return parser


def _one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_guarded(command: str, fn: Callable[[argparse.Namespace], int | None],
                args: argparse.Namespace) -> int:
    """Run a subcommand so that no traceback reaches the user.

    A size above a limit is refused with its Swedish message (exit 2). Any other unexpected
    error becomes one Swedish line naming the error type and exit code 2 — unless the
    environment variable ``BUDGETPROGNOS_RAISE`` is set, as the test suite does, so a bug
    is never hidden behind a tidy message there. Ctrl-C ends with exit code 130.
    """
    prefix = f"budgetprognos {command}"
    try:
        return int(fn(args) or 0)
    except KeyboardInterrupt:
        print(f"{prefix}: avbrutet", file=sys.stderr)
        return 130
    except LimitExceeded as exc:
        print(f"{prefix}: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the last guard before the user's terminal
        if os.environ.get(RAISE_ENV):
            raise
        kind = ("minnet räckte inte" if isinstance(exc, MemoryError)
                else f"oväntat fel ({type(exc).__name__}: {_one_line(exc)})")
        print(f"{prefix}: {kind}. Kontrollera indata, eller rapportera felet "
              "med kommandot och indatafilen.", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code (see :func:`run_guarded`)."""
    args = build_parser().parse_args(argv)
    return run_guarded(args.command, args._run, args)


if __name__ == "__main__":
    sys.exit(main())
