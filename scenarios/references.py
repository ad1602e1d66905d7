"""Every name a scenario refers to — unit, account, category — checked against the data.

A typo such as ``categories: ["Läkemedl"]`` would otherwise match no series and give a
difference of 0 tkr with exit code 0. Staff groups and agency categories are closed lists
checked by the assumption models themselves (pydantic literals).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from forecast.io.suggest import listing, suggest
from scenarios import assumptions as A


def _unknown(path: str, what: str, given: Iterable[str], known: dict[str, str],
             shown: Sequence[str]) -> list[str]:
    out = []
    exact = set(known.values())
    for name in dict.fromkeys(given):
        if name in exact:
            continue
        hint = suggest(name, known)
        guess = f" Menade du '{hint}'?" if hint else ""
        out.append(f"{path}: okänd {what} '{name}'.{guess} Tillåtna: {listing(shown)}")
    return out


def _account_names(ctx: Any) -> tuple[dict[str, str], list[str]]:
    if ctx.ds is not None:
        accounts = ctx.ds.accounts
        names = [*accounts.categories, *accounts.leaves]
        spellings = {a.name.casefold(): a.name for a in accounts.accounts}
        spellings |= {x.casefold(): a.name for a in accounts.accounts for x in a.aliases}
        spellings |= {c.casefold(): c for c in accounts.categories}
    else:
        names = list(dict.fromkeys([*np.unique(ctx.category), *np.unique(ctx.account)]))
        spellings = {n.casefold(): n for n in names}
    return spellings, list(dict.fromkeys(names))


def reference_problems(ctx: Any, scenario: A.Scenario) -> list[str]:
    """One Swedish line per unit, account or category of ``scenario`` not in the data.

    Args:
        ctx: The engine's :class:`~scenarios.engine.Context` (baseline series and data set).
        scenario: The scenario to check.

    Returns:
        The problems, in assumption order; empty when every name is known.
    """
    units = [str(u) for u in ctx.units.tolist()]
    unit_known = {u.casefold(): u for u in units}
    acc_known, acc_shown = _account_names(ctx)
    out: list[str] = []
    for i, a in enumerate(scenario.assumptions):
        base = f"assumptions[{i}]"
        out += _unknown(f"{base}.units", "enhet", getattr(a, "units", ()), unit_known, units)
        if isinstance(a, A.Pris | A.Volym):
            out += _unknown(f"{base}.categories", "konto eller kostnadsslag", a.categories,
                            acc_known, acc_shown)
        if isinstance(a, A.Statsbidrag):
            out += _unknown(f"{base}.account", "konto", [a.account], acc_known, acc_shown)
        if isinstance(a, A.Omstallningsplan) and a.measures:
            for k, m in enumerate(a.measures):
                out += _unknown(f"{base}.measures[{k}].unit", "enhet", [m.unit], unit_known,
                                units)
                out += _unknown(f"{base}.measures[{k}].account", "konto eller kostnadsslag",
                                [m.account], acc_known, acc_shown)
    return out


def check_references(ctx: Any, scenario: A.Scenario) -> None:
    """Raise if ``scenario`` names a unit, account or category the data does not have.

    Raises:
        ValueError: every unknown name, each with a suggestion when one is clearly meant and
            the allowed names.
    """
    problems = reference_problems(ctx, scenario)
    if problems:
        raise ValueError("okända namn i scenariot:\n  - " + "\n  - ".join(problems))
