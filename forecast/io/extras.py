"""The dataset's optional files: agency FTE and the transition plan (measures and effects).

- Agency FTE (``--hyrpersonal-fte``): ``månad;enhet;personalgrupp;åa`` — årsarbetare per month,
  unit and staff group (läkare, sjuksköterskor, övriga).
- Measures (``--atgarder``): ``id;namn;enhet;konto;planerad_årseffekt_tkr;startmånad;år`` —
  the plan's measures, savings positive; ``konto`` a category of the hierarchy.
- Effects (``--atgardseffekter``): ``åtgärd;månad;effekt_tkr`` — reported saving per measure
  and month (positive).

Absent files stay absent: the dataset then has no FTE or no measures, and the tables that need
them say so.
"""

from __future__ import annotations

from typing import Any, Final

import numpy as np
import pandas as pd

from forecast.io.collect import parse_text, parse_unit_id
from forecast.io.parsing import NUMBER_ALLOWED, ParseError, parse_month_cell, parse_number, show
from forecast.io.small_tables import Column, read_side_table
from forecast.ledger.dimensions import AccountHierarchy, Measure

GROUPS: Final = ("läkare", "sjuksköterskor", "övriga")


def _group(v: Any) -> str:
    s = parse_text(v).casefold()
    if s not in GROUPS:
        raise ParseError(f"Personalgruppen '{show(v)}' känns inte igen")
    return s


def _number(v: Any) -> float:
    if isinstance(v, str):
        return parse_number(v)
    if isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v):
        return float(v)
    raise ParseError(f"Värdet '{show(v)}' är inget tal")


def _nonneg(v: Any) -> float:
    x = _number(v)
    if not np.isfinite(x) or x < 0:
        raise ParseError(f"Värdet '{show(v)}' är negativt eller inget tal")
    return x


def _positive(v: Any) -> float:
    x = _nonneg(v)
    if x == 0:
        raise ParseError(f"Värdet '{show(v)}' är noll", "ett tal större än noll (tkr)")
    return x


def _year(v: Any) -> int:
    s = parse_text(v)
    if not s.isdigit() or not 2000 <= int(s) <= 2100:
        raise ParseError(f"Året '{show(v)}' känns inte igen")
    return int(s)


MONTH_COL: Final = Column("period", ("månad", "manad", "period"), parse_month_cell,
                          "en månad, t.ex. 2023-04")
FTE_COLUMNS: Final = (
    MONTH_COL,
    Column("unit", ("enhet", "ansvar", "kst", "unit"), parse_unit_id, "en enhetskod"),
    Column("category", ("personalgrupp", "kategori", "category"), _group,
           "läkare, sjuksköterskor eller övriga"),
    Column("fte", ("åa", "årsarbetare", "fte", "arsarbetare"), _nonneg,
           "ett tal ≥ 0 (årsarbetare), t.ex. 3,5"),
)
MEASURE_COLUMNS: Final = (
    Column("id", ("id", "åtgärd", "atgard"), parse_text, "en kod för åtgärden"),
    Column("name", ("namn", "name", "benämning"), parse_text, "text"),
    Column("unit", ("enhet", "ansvar", "kst", "unit"), parse_unit_id, "en enhetskod"),
    Column("account", ("konto", "kostnadsslag", "account"), parse_text, "ett kostnadsslag"),
    Column("planned", ("planerad_årseffekt_tkr", "planerad årseffekt", "planerad_arseffekt_tkr",
                       "planned_annual_tkr"), _positive, "ett tal > 0 (tkr, besparing)"),
    Column("start", ("startmånad", "startmanad", "start_period", "start"), parse_month_cell,
           "en månad, t.ex. 2023-03"),
    Column("year", ("år", "ar", "year"), _year, "ett år, t.ex. 2023"),
)
EFFECT_COLUMNS: Final = (
    Column("measure", ("åtgärd", "atgard", "id", "measure_id"), parse_text, "åtgärdens id"),
    MONTH_COL,
    Column("effect", ("effekt_tkr", "effekt", "effect_tkr"), lambda v: _number(v),
           NUMBER_ALLOWED),
)


def _periods(values: np.ndarray | list[Any]) -> pd.PeriodIndex:
    return pd.PeriodIndex.from_ordinals(np.asarray(values, dtype=np.int64), freq="M")


def read_agency_fte(data: bytes, filename: str) -> pd.DataFrame:
    """Read the agency-FTE file into the Dataset's frame (period, unit, category, fte).

    Raises:
        ValidationFailed: With every problem of the file.
    """
    t = read_side_table(data, filename, FTE_COLUMNS, what="filen med årsarbetare")
    t.out.raise_if_any()
    p = t.parsed
    return pd.DataFrame({"period": _periods(p["period"].values), "unit": p["unit"].values,
                         "category": p["category"].values,
                         "fte": p["fte"].values.astype(float)})


def read_measures(data: bytes, filename: str, accounts: AccountHierarchy
                  ) -> tuple[Measure, ...]:
    """Read the measures file; each measure's konto must be a category of the hierarchy.

    Raises:
        ValidationFailed: With every problem of the file.
    """
    t = read_side_table(data, filename, MEASURE_COLUMNS, what="åtgärdsfilen")
    out, p = t.out, t.parsed
    seen: dict[str, int] = {}
    leaves: list[str | None] = []
    for i, r in enumerate(t.rows):
        acc = p["account"].values[i] if "account" in p else None
        leaf = accounts.resolve(acc) if acc else None
        if acc and leaf is None:
            out.add(int(r), t.headers["account"], f"Kontot '{show(acc)}' finns inte i "
                    "kontoplanen", f"ett kostnadsslag: {', '.join(accounts.categories)}",
                    check="konto")
        leaves.append(leaf)
        mid = p["id"].values[i] if "id" in p else None
        if mid is not None and mid in seen:
            out.add(int(r), t.headers["id"], f"Åtgärden '{show(mid)}' står redan på rad "
                    f"{seen[mid]}", "ett unikt id per åtgärd", check="dubblett")
        elif mid is not None:
            seen[mid] = int(r)
    out.raise_if_any()
    return tuple(
        Measure(id=p["id"].values[i], name=p["name"].values[i], unit=p["unit"].values[i],
                account=str(leaves[i]), planned_annual_tkr=float(p["planned"].values[i]),
                start_period=str(_periods(np.asarray([p["start"].values[i]]))[0]),
                year=int(p["year"].values[i]))
        for i in range(len(t.rows)))


def read_measure_effects(data: bytes, filename: str, measures: tuple[Measure, ...]
                         ) -> pd.DataFrame:
    """Read reported effects; every row must name a measure of the measures file.

    Raises:
        ValidationFailed: With every problem of the file.
    """
    t = read_side_table(data, filename, EFFECT_COLUMNS, what="filen med åtgärdseffekter")
    ids = {m.id for m in measures}
    if "measure" in t.parsed:
        for i, r in enumerate(t.rows):
            mid = t.parsed["measure"].values[i]
            if mid is not None and mid not in ids:
                t.out.add(int(r), t.headers["measure"], f"Åtgärden '{show(mid)}' finns inte i "
                          "åtgärdsfilen", "ett id ur åtgärdsfilen", check="åtgärd")
    t.out.raise_if_any()
    p = t.parsed
    return pd.DataFrame({"measure_id": p["measure"].values, "period": _periods(
        p["period"].values), "effect_tkr": p["effect"].values.astype(float)})
