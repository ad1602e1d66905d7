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
        out.append(f"{path}: {what} '{name}'.{guess} Tillåtna: {listing(shown)}")
    return out


def _account_names(accounts: Any, series: Sequence[str]) -> tuple[dict[str, str], list[str]]:
    if accounts is not None:
        names = [*accounts.categories, *accounts.leaves]
        spellings = {a.name.casefold(): a.name for a in accounts.accounts}
        spellings |= {x.casefold(): a.name for a in accounts.accounts for x in a.aliases}
        spellings |= {c.casefold(): c for c in accounts.categories}
    else:
        names = list(series)
        spellings = {n.casefold(): n for n in names}
    return spellings, list(dict.fromkeys(names))


def reference_problems(units: Sequence[str], scenario: A.Scenario, accounts: Any = None,
                       series_accounts: Sequence[str] = ()) -> list[str]:
    """One Swedish line per unit, account or category of ``scenario`` not in the data.

    Args:
        units: The data's unit codes.
        scenario: The scenario to check.
        accounts: The data's :class:`~forecast.ledger.dimensions.AccountHierarchy`; None: the
            names in ``series_accounts`` are the allowed ones.
        series_accounts: Account and category names of the baseline's series.

    Returns:
        The problems, in assumption order; empty when every name is known.
    """
    units = [str(u) for u in units]
    unit_known = {u.casefold(): u for u in units}
    acc_known, acc_shown = _account_names(accounts, series_accounts)
    out: list[str] = []
    for i, a in enumerate(scenario.assumptions):
        base = f"assumptions[{i}]"
        out += _unknown(f"{base}.units", "okänd enhet", getattr(a, "units", ()), unit_known, units)
        if isinstance(a, A.Pris | A.Volym):
            out += _unknown(f"{base}.categories", "okänt konto eller kostnadsslag", a.categories,
                            acc_known, acc_shown)
        if isinstance(a, A.Statsbidrag):
            out += _unknown(f"{base}.account", "okänt konto", [a.account], acc_known, acc_shown)
        if isinstance(a, A.Omstallningsplan):
            for field, ms in (("measures", a.measures or []), ("added", a.added)):
                for k, m in enumerate(ms):
                    where = f"{base}.{field}[{k}]"
                    out += _unknown(f"{where}.unit", "okänd enhet", [m.unit] if m.unit else [],
                                    unit_known, units)
                    out += _unknown(f"{where}.account", "okänt konto eller kostnadsslag",
                                    [m.account], acc_known, acc_shown)
    return out


def _raise(problems: list[str]) -> None:
    if problems:
        raise ValueError("okända namn i scenariot:\n  - " + "\n  - ".join(problems))


def check_references(ctx: Any, scenario: A.Scenario) -> None:
    """Raise if ``scenario`` names a unit, account or category the baseline lacks.

    Args:
        ctx: The engine's :class:`~scenarios.engine.Context` (baseline series, data set).
        scenario: The scenario.

    Raises:
        ValueError: every unknown name, each with a suggestion when one is clearly meant and
            the allowed names.
    """
    accounts = ctx.ds.accounts if ctx.ds is not None else None
    series = [*np.unique(ctx.category).tolist(), *np.unique(ctx.account).tolist()]
    _raise(reference_problems(ctx.units.tolist(), scenario, accounts, series))


def check_references_in_data(ds: Any, scenario: A.Scenario) -> None:
    """:func:`check_references` against a data set, before any forecast is made.

    Args:
        ds: The :class:`~forecast.ledger.dataset.Dataset` (its ledger's units and accounts).
        scenario: The scenario.

    Raises:
        ValueError: as :func:`check_references`.
    """
    units = sorted(set(ds.ledger["unit"].astype(str)))
    _raise(reference_problems(units, scenario, ds.accounts))
