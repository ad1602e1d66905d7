"""``budgetprognos datamangd``: the stored datasets one sees, and whom each is shared with.

Examples::

    budgetprognos datamangd lista
    budgetprognos datamangd dela ds-0123… --grupp hsn-ekonomi --grupp pv
    budgetprognos datamangd dela ds-0123… --ingen-grupp

The identity is the operating-system user (never a flag); the checks are the app's
(:mod:`forecast.access`): one sees one's own datasets and those shared with one's groups;
only the owner or a controller who sees a dataset may share it, with the roles file's
``[grupper]``, and the change is written to the store's audit trail. A dataset one may not
see answers "Datamängden finns inte", as a missing one.

Exit codes: 0 done; 2 not found, not allowed, an unknown group, or a database fault.
"""

from __future__ import annotations

import argparse

from cli.common import CliError

HELP = "lista sparade datamängder och dela en med grupper"
DESCRIPTION = ("Listar de sparade datamängder du ser (dina egna och de som delas med dina "
               "grupper) med ägare och grupper, och delar en datamängd med rollfilens grupper "
               "(ägaren eller en controller; skrivs i granskningsloggen).")


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The ``datamangd`` command's arguments (registered by :mod:`cli.main`)."""
    sub = p.add_subparsers(dest="action", required=True, metavar="ÅTGÄRD")
    sub.add_parser("lista", help="lista de sparade datamängder du ser")
    d = sub.add_parser("dela", help="dela en datamängd med exakt de angivna grupperna")
    d.add_argument("id", metavar="ID", help="datamängdens id (ds- och 32 hexadecimala tecken)")
    who = d.add_mutually_exclusive_group(required=True)
    who.add_argument("--grupp", action="append", metavar="GRUPP",
                     help="en grupp under [grupper] i rollfilen (kan upprepas)")
    who.add_argument("--ingen-grupp", action="store_true",
                     help="dela inte med någon grupp (bara ägaren ser den)")
    d.add_argument("--db", metavar="URL", help="databas-URL för granskningsloggen (standard "
                   "$BUDGETPROGNOS_DB_URL eller ~/.budgetprognos/scenarier.db)")


def run(args: argparse.Namespace) -> int:
    """Run ``datamangd``; returns the exit code."""
    from cli.common import policy
    from forecast import datasets as DS
    from forecast.access import AccessDenied, Action

    pol = policy(args)
    try:
        pol.require(Action.VIEW)  # an outsider is told so, and sees nothing
    except AccessDenied as exc:
        raise CliError(str(exc)) from None
    if args.action == "lista":
        infos, total = DS.listing(pol)
        for i in infos:
            groups = ", ".join(sorted(i.owner.groups)) or "–"
            print(f"{i.id}\tägare {i.owner.owner}\tgrupper {groups}\t{i.created[:19] or '–'}"
                  f"\t{', '.join(i.names)}")
        shown = f" (de {len(infos)} senaste visas)" if total > len(infos) else ""
        print(f"{total} datamängder{shown}.")
        return 0
    from forecast.store.core import Database

    wanted: frozenset[str] = frozenset() if args.ingen_grupp else frozenset(args.grupp)
    try:
        done = DS.share(args.id.strip(), wanted, pol, Database(args.db))
    except (DS.StoreError, AccessDenied) as exc:
        raise CliError(str(exc)) from None
    shared = ", ".join(sorted(done.owner.groups)) or "ingen grupp (bara ägaren)"
    print(f"Datamängden {done.id} delas nu med {shared}.")
    return 0
