"""The report's tables for agency staff, plan, development, forecast change and scenario.

Printed values, rounded so that totals add up (:mod:`forecast.report.rounding`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from forecast.engine import hierarchy as H
from forecast.engine.result import RegionForecast
from forecast.engine.tables import ARS_P10, ARS_P90
from forecast.followup import tables as F
from forecast.followup.transition import PlanProjection
from forecast.io.formatting import fmt_number, month_label, ytd_label
from forecast.ledger.as_of import available_months
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import PERSONAL, agency_account
from forecast.ledger.month import month_of
from forecast.report.figures import (
    KEY_AGENCY,
    KEY_DEVELOPMENT,
    KEY_PLAN,
    PROB,
    prognos_column,
)
from forecast.report.inputs import ForecastChange, ScenarioRisk
from forecast.report.model import ReportTable, clean_text
from forecast.report.rounding import (
    Split,
    apportion,
    printed_mkr,
    round_frame,
    round_half_away,
    tkr_printed,
)

KEY_CHANGE = "prognosforandring"
KEY_SCENARIO = "scenario"
KEY_SCENARIO_MC = "scenario_intervall"

AGENCY_ROWS = ("Läkare", "Sjuksköterskor", "Övriga")
CHANGE_TOTAL = "Förändring"
TARGET = "Mål %"
R12 = "Hyrandel R12 %"
SHARE_FORECAST = "Hyrandel prognos %"
FTE_CHANGE = "Förändr. åa"
COST_CHANGE = "Förändr. fg år"
CEILING = "Tak %"


def _agency_forecast(rf: RegionForecast) -> tuple[dict[str, float], dict[str, float]]:
    """Prognos (tkr) and the year's P50 agency share (%) per agency row."""
    accts = H.year_forecast(rf, ("account",))  # Prognos only: no year totals per path
    personal = rf.row_mask(category=PERSONAL)
    prog, share = {}, {}
    for cat, label in F.AGENCY_LABELS.items():
        leaf = agency_account(cat)
        prog[label] = float(accts.get(leaf, 0.0))
        share[label] = H.agency_share(rf, rows=rf.row_mask(account=leaf) | personal)["p50"]
    prog["Totalt"] = sum(prog.values())
    share["Totalt"] = H.agency_share(rf)["p50"]
    return prog, share


def agency_table(ds: Dataset, p: pd.Period, rf: RegionForecast) -> ReportTable:
    """Seed 001's *Bemanningsföretag* table (mkr, FTE) with the R12 share against 2 %."""
    ag = F.agency_share(ds, p).loc[[*AGENCY_ROWS, "Totalt"]]
    years = [p.year - 2, p.year - 1, p.year]
    ack = [f"Ack utfall {ytd_label(month_of(y, p.month))}" for y in years]
    fte = [f"Snitt åa {ytd_label(month_of(y, p.month))}" for y in years[1:]]
    heads = [ytd_label(month_of(y, p.month)) for y in years]
    prog_col = prognos_column(p)
    prog, share = _agency_forecast(rf)
    exact = pd.DataFrame({h: ag[a] / 1000.0 for h, a in zip(heads, ack, strict=True)})
    exact[prog_col] = [prog[r] / 1000.0 for r in exact.index]
    fte_heads = [f"Åa {h}" for h in heads[1:]]
    for h, c in zip(fte_heads, fte, strict=True):
        exact[h] = ag[c]
    exact = exact.map(lambda v: tkr_printed(v * 1000.0) / 1000.0 if pd.notna(v) else v)
    exact.insert(4, COST_CHANGE, exact[heads[2]] - exact[heads[1]])
    exact[FTE_CHANGE] = exact[fte_heads[1]] - exact[fte_heads[0]]
    plan = [Split("Totalt", AGENCY_ROWS)]
    printed = round_frame(exact, plan, [*heads, COST_CHANGE, prog_col, *fte_heads, FTE_CHANGE])
    printed[R12] = [round_half_away(v, 1) for v in ag["Hyrandel R12 %"]]
    printed[SHARE_FORECAST] = [round_half_away(share[r], 1) for r in printed.index]
    printed[TARGET] = [F.AGENCY_TARGET_PCT if r == "Totalt" else np.nan for r in printed.index]
    n12 = F.r12_months(ds, p)
    r12_note = "" if n12 == 12 else f" R12 bygger på endast {n12} månader med utfall."
    return ReportTable(
        KEY_AGENCY, f"Kostnad för bemanningsföretag och årsarbetare per {month_label(p)}",
        printed, "Hyrpersonal", percent_columns=(R12, SHARE_FORECAST, TARGET),
        decimals={R12: 1, SHARE_FORECAST: 1, TARGET: 1}, total_rows=("Totalt",),
        breaks=(fte_heads[0], R12),  # cost, staff (FTE), share
        note="Hyrandel = inhyrd personal / personalkostnader egen personal; prognos = "
             "median för helåret. Åa = årsarbetare (snitt per månad). Förändr. = "
             f"förändring mot föregående år.{r12_note}")



def plan_table(ds: Dataset, p: pd.Period, plan: PlanProjection) -> ReportTable | None:
    """The transition plan's follow-up and projected effect (mkr, savings positive)."""
    tp = F.transition_plan(ds, p)
    measures = [r for r in tp.index if r != "Totalt"]
    if not measures:
        return None
    proj = plan.table.assign(label=[f"{i} {n}" for i, n in zip(plan.table["measure_id"],
                                                                plan.table["name"],
                                                                strict=True)])
    proj = proj.set_index("label")
    tot = plan.total()
    cols = ["Planerad årseffekt", "Planerad hittills", "Rapporterad hittills"]
    exact = tp[cols] / 1000.0
    exact["Prognos årseffekt"] = [float(proj["projected_mean"].get(r, 0.0)) / 1000.0
                                  if r != "Totalt" else tot["projected_mean"] / 1000.0
                                  for r in exact.index]
    exact.index = [clean_text(r) for r in exact.index]
    labels = tuple(clean_text(r) for r in measures)
    printed = round_frame(exact, [Split("Totalt", labels)], [*cols, "Prognos årseffekt"], 1)
    printed.insert(3, "Realisering %", [round_half_away(v, 0) for v in tp["Realisering %"]])
    printed[ARS_P10] = [round_half_away(float(proj["projected_p10"].get(m, np.nan)) / 1000.0, 1)
                    for m in measures] + [round_half_away(tot["projected_p10"] / 1000.0, 1)]
    printed[ARS_P90] = [round_half_away(float(proj["projected_p90"].get(m, np.nan)) / 1000.0, 1)
                    for m in measures] + [round_half_away(tot["projected_p90"] / 1000.0, 1)]
    dec = {c: 1 for c in printed.columns if c != "Realisering %"}
    return ReportTable(
        KEY_PLAN, f"Omställningsplan {p.year}, uppföljning och prognos per {month_label(p)}",
        printed, "Åtgärd", decimals=dec, percent_columns=("Realisering %",),
        total_rows=("Totalt",),
        note="Besparing positiv. Planerad hittills = årseffekten jämnt fördelad från "
             "startmånaden. Prognos = rapporterat + återstående plan × realiseringsgrad.")



def development_table(ds: Dataset, p: pd.Period, rf: RegionForecast, summary: ReportTable,
                      ceiling_pct: float) -> ReportTable:
    """Revenue, gross and net cost development YTD and for the year's forecast, in %."""
    dev = F.cost_development(ds, p)
    types = H.year_totals(rf, ("account_type",)).set_index("account_type")
    full = {F.REVENUE: types[H.DEVELOPMENT].get("intakt", np.nan),
            F.GROSS: types[H.DEVELOPMENT].get("kostnad", np.nan),
            F.NET: float(H.year_totals(rf, ())[H.DEVELOPMENT].iloc[0])}
    if sum(1 for m in available_months(ds) if m.year == p.year - 1) < 12:
        full = dict.fromkeys(full, np.nan)  # against part of last year: not a development
    rows = [F.REVENUE, F.GROSS, F.NET]
    frame = pd.DataFrame({
        F.ACK_UTFALL: [summary.cell(r, F.ACK_UTFALL) for r in rows],
        F.ACK_FG: [summary.cell(r, F.ACK_FG) for r in rows],
    }, index=pd.Index(rows))
    frame[F.FORANDRING] = [summary.cell(r, F.DIFF_FG) for r in rows]
    frame[F.UTVECKLING] = [round_half_away(v, 1) for v in dev[F.UTVECKLING]]
    frame["Prognos helår %"] = [round_half_away(float(full[r]), 1) for r in rows]
    frame[CEILING] = [np.nan, np.nan, ceiling_pct]
    pct = (F.UTVECKLING, "Prognos helår %", CEILING)
    return ReportTable(
        KEY_DEVELOPMENT, f"Kostnadsutveckling {ytd_label(p)} mot samma period föregående år",
        frame, "Utveckling", percent_columns=pct, decimals={c: 1 for c in pct},
        total_rows=(F.NET,),
        note="Utveckling = ack utfall / ack utfall fg år − 1; på kostnader betyder positiv "
             "procent högre kostnad. Prognos helår jämförs med hela föregående år.")


def change_table(change: ForecastChange, p: pd.Period) -> ReportTable:
    """The forecast change since the last laid forecast: from previous to current (mkr)."""
    prev_label = f"Lagd prognos {month_label(change.previous_as_of)}"
    cur_label = f"Prognos {month_label(p)}"
    prev = printed_mkr(change.previous_tkr)
    cur = printed_mkr(change.current_tkr)
    labels = [clean_text(lab) for lab, _ in change.components]
    parts = apportion([v / 1000.0 for _, v in change.components], cur - prev)
    values = [prev, *parts, cur - prev, cur]
    index = [prev_label, *labels, CHANGE_TOTAL, cur_label]
    if len(set(index)) != len(index):
        index = [prev_label, *(f"{i + 1}. {lab}" for i, lab in enumerate(labels)),
                 CHANGE_TOTAL, cur_label]
    frame = pd.DataFrame({"Avvikelse mot budget, helår": values}, index=pd.Index(index))
    return ReportTable(KEY_CHANGE, f"Prognosförändring sedan lagd prognos "
                       f"{month_label(change.previous_as_of)}", frame, "Post",
                       total_rows=(CHANGE_TOTAL, cur_label),
                       note="Avvikelse mot budget enligt de lagda prognoserna (med "
                            "justeringar); delarna summerar till skillnaden mellan dem.")


def scenario_tables(risk: ScenarioRisk) -> tuple[ReportTable, ReportTable]:
    """The scenario's bridge (mkr) and its Monte Carlo range with the balance probability."""
    base = printed_mkr(risk.steps[0][1])
    end = printed_mkr(sum(v for _, v in risk.steps))
    labels = [clean_text(lab) for lab, _ in risk.steps[1:]]
    effects = apportion([v / 1000.0 for _, v in risk.steps[1:]], end - base)
    budget = printed_mkr(risk.budget_tkr)
    index = ["Basprognos", *labels, "Scenario"]
    if len(set(index)) != len(index):
        index = ["Basprognos", *(f"{i + 1}. {lab}" for i, lab in enumerate(labels)), "Scenario"]
    values = [base, *effects, end]
    frame = pd.DataFrame({f"Nettokostnad {risk.year}": values}, index=pd.Index(index))
    dev_end = printed_mkr(sum(v for _, v in risk.steps) - risk.budget_tkr)
    frame["Mot budget"] = [printed_mkr(risk.steps[0][1] - risk.budget_tkr),
                           *[np.nan] * len(labels), dev_end]
    bridge = ReportTable(KEY_SCENARIO, f"Scenario {clean_text(risk.name)}: effekt på "
                         f"årsresultatet {risk.year}", frame, "Post", total_rows=("Scenario",),
                         note="Basprognos = årsprognosen. Antagandenas effekter (troliga "
                              "värden) summerar exakt till skillnaden; samspel fördelat med "
                              "Shapley-värden.")
    mc = pd.DataFrame({
        ARS_P10: [printed_mkr(risk.p10_tkr)],
        "P50": [printed_mkr(risk.p50_tkr)],
        ARS_P90: [printed_mkr(risk.p90_tkr)],
        "Budget": [budget],
        PROB: [round_half_away(risk.prob_within_budget * 100.0)],
        f"Effekt {risk.year + 1}": [printed_mkr(risk.next_year_effect_tkr)],
    }, index=pd.Index(["Scenario"]))
    rng = ReportTable(KEY_SCENARIO_MC, f"Scenario {clean_text(risk.name)}: spridning "
                      f"({fmt_number(risk.n_draws)} simuleringar)", mc, "Utfall helår",
                      percent_columns=(PROB,))
    return bridge, rng
