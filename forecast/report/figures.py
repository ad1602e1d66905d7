"""The report's tables as printed: follow-up and forecast figures rounded so totals add up.

Amounts come from :mod:`forecast.followup.tables` (outcome, budget, previous year) and from
the region forecast (Prognos = mean of the summed paths, P10/P90 = quantiles of the summed
paths). Base columns are rounded with :mod:`forecast.report.rounding` (rows add up to their
printed total); difference columns are the differences of the printed columns, so the
printed table is arithmetically consistent. P10/P90 are quantiles and are rounded alone
(they do not add up, by design).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from forecast.engine import hierarchy as H
from forecast.engine.monthly import PROGNOS
from forecast.engine.result import QUANTILES, RegionForecast
from forecast.engine.tables import ARS_P10, ARS_P90
from forecast.followup import tables as F
from forecast.io.formatting import NBSP, month_label, ytd_label
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import INHYRD, TOTAL_GROSS_COST, TOTAL_NET_COST, TOTAL_REVENUE
from forecast.report.model import ReportTable
from forecast.report.rounding import (
    Split,
    Step,
    printed_mkr,
    round_column,
    round_frame,
    round_half_away,
    tkr_printed,
)

KEY_SUMMARY = "sammanfattning"
KEY_DIVISION = "division"
KEY_CATEGORY = "kostnadsslag"
KEY_FORECAST = "prognos"
KEY_FORECAST_DIV = "prognos_division"
KEY_AGENCY = "hyrpersonal"
KEY_PLAN = "omstallningsplan"
KEY_DEVELOPMENT = "utveckling"

BUDGET_HEADING = "Budget"
AVVIKELSE = "Avvikelse"
PROB = "Sannolikhet i balans %"
DIVISION_NOTE = ("Diff = utfall − budget; negativt är sämre än budget. Varje summa och "
                 "differens är avrundad för sig till hela mkr och divisionerna fördelade så "
                 "att de summerar till den; därför kan en rad avvika med 1 mkr från "
                 "differensen eller summan av avrundade tal. Ack fg år = ackumulerat utfall "
                 "samma period föregående år.")


def prognos_column(as_of: pd.Period) -> str:
    """Heading of the forecast column, e.g. ``Prognos 2023``."""
    return f"Prognos {as_of.year}"


def _mkr(frame: pd.DataFrame) -> pd.DataFrame:
    return frame / 1000.0


PrognosBy = Callable[[tuple[str, ...]], pd.Series]
"""The year's Prognos (tkr) per group of the given key columns, indexed by the group's values
(a MultiIndex for two or more columns)."""


def prognos_by(rf: RegionForecast) -> PrognosBy:
    """:data:`PrognosBy` of a region forecast (``forecast.engine.hierarchy.year_forecast``).

    The Prognos of ``year_totals`` without its quantiles: no series' paths are read.
    """
    def by(cols: tuple[str, ...]) -> pd.Series:
        return H.year_forecast(rf, cols)

    return by


def _prognos(fc: RegionForecast | PrognosBy) -> PrognosBy:
    return fc if callable(fc) else prognos_by(fc)


def _division_forecast(by: PrognosBy) -> dict[str, float]:
    """Prognos per ``"<measure> – <division>"`` row of the division table, and the totals."""
    t = by(("division", "account_type"))
    out: dict[str, float] = {}
    for (division, kind), value in t.items():
        measure = F.REVENUE if kind == "intakt" else F.GROSS
        out[f"{measure} – {division}"] = float(value)
    for d in dict.fromkeys(t.index.get_level_values("division")):
        out[f"{F.NET} – {d}"] = (out.get(f"{F.REVENUE} – {d}", 0.0)
                                 + out.get(f"{F.GROSS} – {d}", 0.0))
    types = by(("account_type",))
    out[F.REVENUE] = float(types.get("intakt", 0.0))
    out[F.GROSS] = float(types.get("kostnad", 0.0))
    out[F.NET] = out[F.REVENUE] + out[F.GROSS]
    return out


def _division_plan(rows: list[str]) -> list[Step]:
    """Each measure's total rounded once; its divisions apportioned to add up to it."""
    divs = list(dict.fromkeys(r.split(" – ", 1)[1] for r in rows if " – " in r))
    return [Split(m, tuple(f"{m} – {d}" for d in divs if f"{m} – {d}" in rows))
            for m in (F.REVENUE, F.GROSS, F.NET)]


def _with_diffs(exact: pd.DataFrame, p: pd.Period, prog: str) -> pd.DataFrame:
    """The exact difference columns (from the exact base columns), in the follow-up's order."""
    u, b, d = F.month_columns(p)
    out = exact.copy()
    if u in out:
        out[d] = out[u] - out[b]
    out[F.DIFF] = out[F.ACK_UTFALL] - out[F.ACK_BUDGET]
    out[F.DIFF_FG] = out[F.ACK_UTFALL] - out[F.ACK_FG]
    order = [c for c in (u, b, d) if c in out] + [F.ACK_UTFALL, F.ACK_BUDGET, F.DIFF, F.ACK_FG,
                                                 F.DIFF_FG, F.annual_budget_column(p), prog]
    return out[order]


def division_tables(ds: Dataset, p: pd.Period, rf: RegionForecast | PrognosBy
                    ) -> tuple[ReportTable, ReportTable]:
    """Seed 001's summary and division tables (mkr) with the forecast column.

    Both are printed from one rounding, so the summary equals the division table's totals.
    Every total and every difference is its exact value rounded once
    (:func:`~forecast.report.rounding.printed_mkr`); the divisions are apportioned so that
    they add up to their total. ``rf`` is the region forecast or any :data:`PrognosBy`.
    """
    prog = prognos_column(p)
    fc = _division_forecast(_prognos(rf))
    tkr = F.by_division(ds, p)
    tkr[prog] = [fc.get(str(r), 0.0) for r in tkr.index]
    exact = _with_diffs(tkr, p, prog).map(lambda v: tkr_printed(v) / 1000.0)
    plan = _division_plan([str(r) for r in exact.index])
    printed = round_frame(exact, plan, list(exact.columns))
    m, ytd = month_label(p), ytd_label(p)
    breaks = (F.ACK_UTFALL, F.ACK_FG, F.annual_budget_column(p))  # month, year to date, year
    heads = short_headings(p)
    summary = ReportTable(
        KEY_SUMMARY, f"Ekonomisk sammanfattning, {m} och {ytd}",
        printed.loc[[F.REVENUE, F.GROSS, F.NET]], "Intäkter och kostnader",
        total_rows=(F.NET,), note=DIVISION_NOTE, breaks=breaks, headings=heads)
    division = ReportTable(
        KEY_DIVISION, f"Intäkter och kostnader per division, {m} och {ytd}", printed,
        "Division", total_rows=(F.REVENUE, F.GROSS, F.NET), note=DIVISION_NOTE, breaks=breaks,
        headings=heads)
    return summary, division


def short_headings(p: pd.Period) -> dict[str, str]:
    """The 11-column tables' printed headings, at most two lines each (seed 001's "Ack fg år").

    The month columns name the month only (the table's title names the year); "fg år" stays
    on one line.
    """
    short = month_label(p).split(" ")[0]
    u, b, d = F.month_columns(p)
    return {u: f"Utfall {short}", b: f"Budget {short}", d: f"Diff {short}",
            F.ACK_FG: f"Ack fg{NBSP}år", F.DIFF_FG: f"Diff fg{NBSP}år"}


def _category_forecast(by: PrognosBy, rows: list[str]) -> dict[str, float]:
    cats, accts, types = by(("category",)), by(("account",)), by(("account_type",))
    out = {r: float(cats[r]) for r in rows if r in cats.index}
    for r in rows:
        if r.startswith("varav "):
            leaf = next((a for a in accts.index if a.lower().endswith(r[6:])), None)
            out[r] = float(accts[leaf]) if leaf else 0.0
    out[TOTAL_REVENUE] = float(types.get("intakt", 0.0))
    out[TOTAL_GROSS_COST] = float(types.get("kostnad", 0.0))
    out[TOTAL_NET_COST] = out[TOTAL_REVENUE] + out[TOTAL_GROSS_COST]
    return out


def _category_plan(rows: list[str], exact: pd.DataFrame, ds: Dataset) -> list[Step]:
    types = ds.accounts.type_of()
    cat_of = ds.accounts.category_of()
    type_of_cat = {cat_of[a]: t for a, t in types.items()}
    rev = tuple(r for r in rows if type_of_cat.get(r) == "intakt")
    cost = tuple(r for r in rows if type_of_cat.get(r) == "kostnad")
    plan: list[Step] = [Split(TOTAL_REVENUE, rev), Split(TOTAL_GROSS_COST, cost)]
    varav = tuple(r for r in rows if r.startswith("varav "))
    if varav and INHYRD in rows:
        gap = (exact.loc[list(varav)].sum() - exact.loc[INHYRD]).abs().max()
        if gap < 0.5 * (len(varav) + 1):  # the rows are whole tkr already
            plan.append(Split(INHYRD, varav))
    return plan


def category_table(ds: Dataset, p: pd.Period, rf: RegionForecast | PrognosBy) -> ReportTable:
    """Seed 001's *Ekonomisk analys* per kostnadsslag (tkr) with the year's forecast.

    ``rf`` is the region forecast or any :data:`PrognosBy` (e.g. a laid forecast's).
    """
    exact = F.by_category(ds, p)
    rows = [str(r) for r in exact.index]
    prog = prognos_column(p)
    fc = _category_forecast(_prognos(rf), rows)
    exact[prog] = [fc.get(r, 0.0) for r in rows]
    budget = F.annual_budget_column(p)
    exact = exact.map(tkr_printed)
    exact[F.DIFF] = exact[F.ACK_UTFALL] - exact[F.ACK_BUDGET]
    exact[F.DIFF_FG] = exact[F.ACK_UTFALL] - exact[F.ACK_FG]
    exact[AVVIKELSE] = exact[prog] - exact[budget]
    cols = [F.ACK_UTFALL, F.ACK_BUDGET, F.DIFF, F.ACK_FG, F.DIFF_FG, budget, prog, AVVIKELSE]
    printed = round_frame(exact[cols], _category_plan(rows, exact[cols], ds), cols)
    return ReportTable(
        KEY_CATEGORY, f"Ekonomisk analys per kostnadsslag, {ytd_label(p)}, och årsprognos",
        printed, "Kostnadsslag", unit="tkr",
        total_rows=(TOTAL_REVENUE, TOTAL_GROSS_COST, TOTAL_NET_COST),
        breaks=(F.ACK_FG, budget),  # year to date, previous year, the full year
        note="Avvikelse = prognos − budget för helåret. Varav-raderna ingår i Inhyrd personal. "
             "Nettokostnaden är avrundad för sig och kan avvika med 1 tkr från summan.")


def _prob_at_least(paths: np.ndarray, budget: float) -> float:
    return float(np.mean(paths >= budget) * 100.0)


def _range(paths: np.ndarray) -> dict[float, float]:
    """P10/P50/P90 of a group's year totals per path."""
    return {q: float(np.quantile(paths, q)) for q in QUANTILES}


def _type_paths(rf: RegionForecast) -> dict[str, np.ndarray]:
    """Revenue's, gross cost's and net cost's year totals per path (stored group totals)."""
    types = H.group_year_rows(rf, ("account_type",))
    none = np.zeros(rf.n_paths)
    return {F.REVENUE: types.get(("intakt",), none), F.GROSS: types.get(("kostnad",), none),
            F.NET: H.group_year_rows(rf)[()]}


def forecast_table(rf: RegionForecast, summary: ReportTable) -> ReportTable:
    """The year's forecast against budget (mkr) for revenue, gross cost and net cost.

    Prognos and budget are the summary's printed cells; P10/P90 and the probability of at
    least budget come from the summed paths (the year totals per path stored with the
    forecast for these groups: ``hierarchy.group_year_paths``).
    """
    p = rf.as_of
    prog, budget = prognos_column(p), F.annual_budget_column(p)
    masks = {F.REVENUE: rf.row_mask(account_type="intakt"),
             F.GROSS: rf.row_mask(account_type="kostnad"), F.NET: rf.row_mask()}
    paths = _type_paths(rf)
    rows = {}
    for label, mask in masks.items():
        q = _range(paths[label])
        bud = float(rf.annual_budget[mask].sum())
        prog_tkr = float(paths[label].mean())
        printed_budget = summary.cell(label, budget)  # NaN: no budget for the year (absent)
        has_budget = bool(np.isfinite(printed_budget))
        rows[label] = {
            PROGNOS: summary.cell(label, prog), BUDGET_HEADING: printed_budget,
            AVVIKELSE: printed_mkr(prog_tkr - bud) if has_budget else np.nan,
            ARS_P10: printed_mkr(q[0.1]), ARS_P90: printed_mkr(q[0.9]),
            PROB: round_half_away(_prob_at_least(paths[label], bud)) if has_budget else np.nan,
        }
    frame = pd.DataFrame(rows).T[[PROGNOS, BUDGET_HEADING, AVVIKELSE, ARS_P10, ARS_P90, PROB]]
    return ReportTable(
        KEY_FORECAST, f"Årsprognos {p.year} per {month_label(p)}", frame, "Helår",
        percent_columns=(PROB,), total_rows=(F.NET,),
        note="Prognos = medelvärdet av de simulerade årsutfallen; P10–P90 = intervallet där "
             "årsutfallet hamnar med 80 % sannolikhet. Sannolikhet i balans = andelen "
             "simuleringar som når minst budget.")


def forecast_division_table(rf: RegionForecast, division: ReportTable) -> ReportTable:
    """Net cost forecast per division (mkr).

    Prognos and budget as printed in the division table, the deviation, and P10/P90 of each
    division's summed paths (the year totals per path stored with the forecast).
    """
    p = rf.as_of
    prog, budget = prognos_column(p), F.annual_budget_column(p)
    per_division = H.group_year_rows(rf, ("division",))
    rows, devs = {}, {}
    for label in division.frame.index:
        if not str(label).startswith(f"{F.NET} – "):
            continue
        d = str(label).split(" – ", 1)[1]
        mask = rf.row_mask(division=d)
        paths = per_division.get((d,), np.zeros(rf.n_paths))
        q = _range(paths)
        devs[d] = tkr_printed(float(paths.mean())
                              - float(rf.annual_budget[mask].sum())) / 1000.0
        rows[d] = {PROGNOS: division.cell(label, prog),
                   BUDGET_HEADING: division.cell(label, budget),
                   ARS_P10: printed_mkr(q[0.1]), ARS_P90: printed_mkr(q[0.9])}
    region = H.group_year_rows(rf)[()]
    q = _range(region)
    devs["Totalt"] = tkr_printed(float(region.mean()) - float(rf.annual_budget.sum())) / 1000.0
    rows["Totalt"] = {PROGNOS: division.cell(F.NET, prog),
                      BUDGET_HEADING: division.cell(F.NET, budget),
                      ARS_P10: printed_mkr(q[0.1]), ARS_P90: printed_mkr(q[0.9])}
    frame = pd.DataFrame(rows).T[[PROGNOS, BUDGET_HEADING, ARS_P10, ARS_P90]]
    dev = round_column(pd.Series(devs), [Split("Totalt", tuple(d for d in devs
                                                               if d != "Totalt"))])
    frame.insert(2, AVVIKELSE, dev.reindex(frame.index))
    return ReportTable(KEY_FORECAST_DIV, f"Årsprognos {p.year} per division, nettokostnad",
                       frame, "Division", total_rows=("Totalt",),
                       note="P10 och P90 summerar inte över divisionerna (kvantiler).")
