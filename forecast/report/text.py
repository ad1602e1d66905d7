"""The report's sentences, in plain Swedish, made from printed table cells.

Each function reads the printed tables and returns paragraphs whose numbers are
:class:`~forecast.report.model.Ref` objects to those cells; the words around a number follow
its printed sign (a printed 0 reads "i nivå med").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from forecast.followup import tables as F
from forecast.io.formatting import MONTHS_LONG, MONTHS_SHORT, NBSP
from forecast.ledger.dimensions import TOTAL_GROSS_COST, TOTAL_NET_COST, TOTAL_REVENUE
from forecast.report import figures as G
from forecast.report import topics as T
from forecast.report.model import Paragraph, Ref, ReportTable, UserText
from forecast.report.rounding import round_half_away

Part = str | Ref | UserText
Tables = Mapping[str, ReportTable]
PCT = f"{NBSP}%"


def period_words(p: pd.Period) -> str:
    """The year-to-date period in words: ``januari–april`` (``januari`` in January)."""
    if p.month == 1:
        return "januari"
    return f"januari–{MONTHS_LONG[p.month - 1]}"


def _mkr_ref(table: str, row: str, column: str) -> Ref:
    """A tkr cell printed in mkr with one decimal."""
    return Ref(table, row, column, scale=0.001, decimals=1)


def _val(tables: Tables, ref: Ref) -> float:
    """The signed value of ``ref`` as printed (rounded to its decimals)."""
    t = tables[ref.table]
    dec = t.decimals_of(ref.column) if ref.decimals is None else ref.decimals
    return round_half_away(t.cell(ref.row, ref.column) * ref.scale, dec)


def _absent(tables: Tables, ref: Ref) -> bool:
    """True when the cell is missing (no budget, no previous year): never printed as a value."""
    return bool(pd.isna(tables[ref.table].cell(ref.row, ref.column)))


NO_BUDGET = "budget saknas i indata"
NO_PREVIOUS = "utfall för samma period föregående år saknas i indata"


def _compare(tables: Tables, ref: Ref, better: str, worse: str, level: str) -> list[Part]:
    """``143 mkr sämre än budget`` style: magnitude + word by the printed sign."""
    v = _val(tables, ref)
    if v == 0:
        return [level]
    return [Ref(ref.table, ref.row, ref.column, absolute=True, scale=ref.scale,
                decimals=ref.decimals, suffix=ref.suffix), " ", better if v > 0 else worse]


def join(items: Sequence[Sequence[Any]]) -> list[Part]:
    """Items as ``a, b och c``."""
    out: list[Part] = []
    for i, item in enumerate(items):
        if i:
            out.append(" och " if i == len(items) - 1 else ", ")
        out.extend(item)
    return out


def summary_paragraphs(tables: Tables, p: pd.Period) -> list[Paragraph]:
    """Seed 001's words under the summary: revenue and net cost against budget and last year."""
    k, per = G.KEY_SUMMARY, period_words(p)
    month_diff = F.month_columns(p)[2]
    budget = not _absent(tables, Ref(k, F.NET, F.DIFF))
    prev = not _absent(tables, Ref(k, F.NET, F.DIFF_FG))
    rev: list[Part] = [
        f"Intäkterna för perioden {per} uppgick till ", Ref(k, F.REVENUE, F.ACK_UTFALL),
        *([" och var ", *_compare(tables, Ref(k, F.REVENUE, F.DIFF), "över budget",
                                  "under budget", "var i nivå med budget")] if budget else []),
        *([". Jämfört med föregående år var intäkterna ",
           *_compare(tables, Ref(k, F.REVENUE, F.DIFF_FG), "högre", "lägre", "oförändrade")]
          if prev else []), "."]
    net: list[Part] = [
        "Nettokostnaden uppgick till ", Ref(k, F.NET, F.ACK_UTFALL),
        *([", vilket var ", *_compare(tables, Ref(k, F.NET, F.DIFF), "bättre än budget",
                                      "sämre än budget", "i nivå med budget")]
          if budget else []),
        *([". Jämfört med föregående år var nettokostnaden ",
           *_compare(tables, Ref(k, F.NET, F.DIFF_FG), "lägre", "högre", "oförändrad")]
          if prev else []),
        *([f". För {MONTHS_LONG[p.month - 1]} månad var nettokostnaden ",
           *_compare(tables, Ref(k, F.NET, month_diff), "bättre än budget",
                     "sämre än budget", "i nivå med budget")]
          if not _absent(tables, Ref(k, F.NET, month_diff)) else []), "."]
    missing = [w for w, ok in ((NO_BUDGET, budget), (NO_PREVIOUS, prev)) if not ok]
    tail = [Paragraph((f"Jämförelsen saknas där {' och '.join(missing)}.".capitalize(),))] \
        if missing else []
    return [Paragraph(tuple(rev)), Paragraph(tuple(net)), *tail]


def _ranked(table: ReportTable, rows: Sequence[str], column: str) -> list[str]:
    return sorted(rows, key=lambda r: (table.cell(r, column), str(r)))


def division_paragraph(tables: Tables, p: pd.Period) -> Paragraph:
    """The net deviation per division, worst first, and who drives it."""
    t = tables[G.KEY_DIVISION]
    if _absent(tables, Ref(G.KEY_DIVISION, F.NET, F.DIFF)):
        return Paragraph((f"Nettokostnadens avvikelse mot budget per division för "
                          f"{period_words(p)} kan inte redovisas: {NO_BUDGET}.",))
    rows = [str(r) for r in t.frame.index if str(r).startswith(f"{F.NET} – ")]
    ranked = _ranked(t, rows, F.DIFF)
    items: list[list[Part]] = [[r.split(" – ", 1)[1], " (", Ref(G.KEY_DIVISION, r, F.DIFF), ")"]
                               for r in ranked]
    parts: list[Part] = [f"Nettokostnadens avvikelse mot budget för {period_words(p)} "
                         "fördelar sig per division: ", *join(items), "."]
    worst = ranked[0] if ranked else None
    if worst is not None and t.cell(worst, F.DIFF) < 0:
        gross = f"{F.GROSS} – {worst.split(' – ', 1)[1]}"
        parts += [f" Störst negativ avvikelse har {worst.split(' – ', 1)[1]}, där "
                  "bruttokostnaden var ",
                  *_compare(tables, Ref(G.KEY_DIVISION, gross, F.DIFF), "lägre än budget",
                            "högre än budget", "i nivå med budget"), "."]
    return Paragraph(tuple(parts))


def _drivers(t: ReportTable, rows: Sequence[str], column: str, sign: float,
             n: int = 5) -> list[str]:
    """The rows whose printed deviation goes the way of ``sign``, largest first."""
    picked = [r for r in rows if t.cell(r, column) * sign > 0]
    return sorted(picked, key=lambda r: -abs(t.cell(r, column)))[:n]


def category_paragraphs(tables: Tables, p: pd.Period) -> list[Paragraph]:
    """Seed 001's *Ekonomiskt resultat jämfört med budget* and *mot föregående år*."""
    k = G.KEY_CATEGORY
    t = tables[k]
    costs = [str(r) for r in t.frame.index if r not in t.total_rows and not
             str(r).startswith("varav ")]
    costs = [r for r in costs if r in t.frame.index and _is_cost(t, r)]
    out = []
    for column, against, why in ((F.DIFF, "budget", NO_BUDGET),
                                 (F.DIFF_FG, "samma period föregående år", NO_PREVIOUS)):
        if _absent(tables, Ref(k, TOTAL_NET_COST, column)):
            out.append(Paragraph((f"Avvikelsen per kostnadsslag jämfört med {against} för "
                                  f"{period_words(p)} kan inte redovisas: {why}.",)))
            continue
        total = t.cell(TOTAL_GROSS_COST, column)
        parts: list[Part] = [
            f"För perioden {period_words(p)} uppgick nettokostnadsavvikelsen jämfört med "
            f"{against} till ", _mkr_ref(k, TOTAL_NET_COST, column),
            ". Den fördelas på intäkter om ", _mkr_ref(k, TOTAL_REVENUE, column),
            " och bruttokostnader om ", _mkr_ref(k, TOTAL_GROSS_COST, column), "."]
        drivers = _drivers(t, costs, column, -1.0 if total < 0 else 1.0)
        if drivers:
            items: list[list[Part]] = [
                [r.lower() if r[0].isupper() else r, " (", _mkr_ref(k, r, column), ")"]
                for r in drivers]
            parts += [" Kostnadsavvikelsen beror huvudsakligen på ", *join(items), "."]
        out.append(Paragraph(tuple(parts)))
    return out


def _is_cost(t: ReportTable, row: str) -> bool:
    idx = list(t.frame.index)
    return idx.index(TOTAL_REVENUE) < idx.index(row) < idx.index(TOTAL_GROSS_COST)


def forecast_paragraphs(tables: Tables, p: pd.Period) -> list[Paragraph]:
    """The year's forecast, its 80 % range and the probability of a budget in balance."""
    k = G.KEY_FORECAST
    if _absent(tables, Ref(k, F.NET, G.BUDGET_HEADING)):
        return _forecast_without_budget(tables, p)
    first: list[Part] = [
        f"Årsprognosen för {p.year}, med utfall till och med {MONTHS_LONG[p.month - 1]}, är en "
        "nettokostnad på ", Ref(k, F.NET, G.PROGNOS), " mot budgeterade ",
        Ref(k, F.NET, G.BUDGET_HEADING), ", det vill säga ",
        *_compare(tables, Ref(k, F.NET, G.AVVIKELSE), "bättre än budget", "sämre än budget",
                  "i nivå med budget"),
        ". Med 80 % sannolikhet hamnar nettokostnaden mellan ",
        Ref(k, F.NET, G.ARS_P10, suffix=""), " och ", Ref(k, F.NET, G.ARS_P90), "."]
    second: list[Part] = [
        "Intäkterna beräknas till ", Ref(k, F.REVENUE, G.PROGNOS), " (",
        Ref(k, F.REVENUE, G.AVVIKELSE), " mot budget) och bruttokostnaderna till ",
        Ref(k, F.GROSS, G.PROGNOS), " (", Ref(k, F.GROSS, G.AVVIKELSE),
        " mot budget). Sannolikheten för en budget i balans är ",
        Ref(k, F.NET, G.PROB, suffix=PCT), "."]
    t = tables[G.KEY_FORECAST_DIV]
    divs = [str(r) for r in t.frame.index if r not in t.total_rows]
    items: list[list[Part]] = [[d, " (", Ref(G.KEY_FORECAST_DIV, d, G.AVVIKELSE), ")"]
             for d in _ranked(t, divs, G.AVVIKELSE)]
    third: list[Part] = ["Prognosens avvikelse mot budget per division: ", *join(items), "."]
    return [Paragraph(tuple(first)), Paragraph(tuple(second)), Paragraph(tuple(third))]


def laid_label(row: str) -> str:
    """``Lagd prognos mar 2023`` (a change table's first row) → ``mars 2023``."""
    label = row.replace("Lagd prognos ", "")
    month, _, year = label.partition(" ")
    if month in MONTHS_SHORT and year:
        return f"{MONTHS_LONG[MONTHS_SHORT.index(month)]} {year}"
    return label


def _forecast_without_budget(tables: Tables, p: pd.Period) -> list[Paragraph]:
    """The forecast's words when the year has no budget: no deviation, no balance."""
    k = G.KEY_FORECAST
    return [Paragraph((
        f"Årsprognosen för {p.year}, med utfall till och med {MONTHS_LONG[p.month - 1]}, är en "
        "nettokostnad på ", Ref(k, F.NET, G.PROGNOS), ". Med 80 % sannolikhet hamnar "
        "nettokostnaden mellan ", Ref(k, F.NET, G.ARS_P10, suffix=""), " och ",
        Ref(k, F.NET, G.ARS_P90), ".")),
        Paragraph(("Intäkterna beräknas till ", Ref(k, F.REVENUE, G.PROGNOS),
                   " och bruttokostnaderna till ", Ref(k, F.GROSS, G.PROGNOS),
                   f". Budget för {p.year} saknas i indata, så varken avvikelse mot budget "
                   "eller sannolikheten för en budget i balans kan anges.")),
        Paragraph(("Prognosens avvikelse mot budget per division kan inte redovisas: "
                   f"{NO_BUDGET}.",))]


def budget_coverage_paragraph(sentence: str | None) -> list[Paragraph]:
    """A budget that covers only part of the year, said where the forecast is compared."""
    return [Paragraph((sentence,))] if sentence else []


def source_paragraph(source: str) -> list[Paragraph]:
    """Which forecast the section shows (``Prognosen som visas: …``); none for empty text."""
    return [Paragraph((f"Prognosen som visas: {source}.",))] if source else []


def no_change_paragraph() -> Paragraph:
    """Said when there is no earlier laid forecast to compare with."""
    return Paragraph((
        "Det finns ingen tidigare lagd prognos att jämföra med, så prognosförändringen sedan "
        "förra lagda prognosen kan inte redovisas i denna rapport. Diagrammet nedan visar i "
        "stället vägen från budget till årsprognos per kostnadsslag.",))


def change_paragraphs(tables: Tables, comments: Sequence[UserText]) -> list[Paragraph]:
    """The change since the last laid forecast, its main parts, and the comments as reasons."""
    t = tables[T.KEY_CHANGE]
    rows = [str(r) for r in t.frame.index]
    prev, cur, col = rows[0], rows[-1], t.frame.columns[0]
    delta = _val(tables, Ref(T.KEY_CHANGE, T.CHANGE_TOTAL, col))
    verb = "förbättrats" if delta > 0 else "försämrats" if delta < 0 else "är oförändrad"
    label = laid_label(prev)
    parts: list[Part] = [f"Prognosen har {verb} sedan den lagda prognosen för {label}"
                         if delta else f"Prognosen {verb} sedan den lagda prognosen för {label}",
                         ", från ", Ref(T.KEY_CHANGE, prev, col, suffix=""), " till ",
                         Ref(T.KEY_CHANGE, cur, col), " på helår."]
    comps = [r for r in rows[1:-2] if _val(tables, Ref(T.KEY_CHANGE, r, col)) != 0]
    comps = sorted(comps, key=lambda r: -abs(t.cell(r, col)))[:3]
    if comps:
        items: list[list[Part]] = [[UserText(r[:1].lower() + r[1:]), " (",
                                    Ref(T.KEY_CHANGE, r, col), ")"] for r in comps]
        parts += [" Förändringen består främst av ", *join(items), "."]
    out = [Paragraph(tuple(parts))]
    if comments:
        reasons: list[Part] = ["Skäl enligt kommentarerna till prognosen: "]
        for i, c in enumerate(comments):
            reasons += ["; " if i else "", c]
        out.append(Paragraph((*reasons, ".")))
    return out


def agency_paragraph(tables: Tables, p: pd.Period) -> Paragraph:
    """Agency cost this year against last year, the year's forecast, FTE and the R12 share."""
    k = G.KEY_AGENCY
    t = tables[k]
    cols = list(t.frame.columns)
    now, prev_fte, now_fte = cols[2], cols[5], cols[6]
    parts: list[Part] = [
        f"Kostnaden för inhyrd personal uppgick under {period_words(p)} till ",
        Ref(k, "Totalt", now, absolute=True),
        *([", vilket är ", *_compare(tables, Ref(k, "Totalt", T.COST_CHANGE), "mindre", "mer",
                                     "lika mycket"), " än samma period föregående år"]
          if not _absent(tables, Ref(k, "Totalt", T.COST_CHANGE))
          else [f" ({NO_PREVIOUS})"]),
        ". Inhyrda läkare kostade ", Ref(k, "Läkare", now, absolute=True),
        " och inhyrda sjuksköterskor ", Ref(k, "Sjuksköterskor", now, absolute=True),
        ". Helårsprognosen är ", Ref(k, "Totalt", G.prognos_column(p)), "."]
    if pd.notna(t.cell("Totalt", now_fte)) and pd.notna(t.cell("Totalt", prev_fte)):
        parts += [" Det motsvarar ", Ref(k, "Totalt", now_fte, suffix=" årsarbetare"),
                  " i snitt per månad mot ", Ref(k, "Totalt", prev_fte, suffix=""),
                  " föregående år."]
    elif pd.isna(t.cell("Totalt", now_fte)):
        parts += [" Årsarbetare för inhyrd personal saknas i indata."]
    share = _val(tables, Ref(k, "Totalt", T.R12))
    target = t.cell("Totalt", T.TARGET)
    parts += [" Hyrandelen, rullande 12 månader, är ", Ref(k, "Totalt", T.R12, suffix=PCT),
              " av personalkostnaden, ", "över" if share > target else "inom",
              " målet på högst ", Ref(k, "Totalt", T.TARGET, suffix=PCT, decimals=0),
              "; för helåret beräknas den till ",
              Ref(k, "Totalt", T.SHARE_FORECAST, suffix=PCT), " (median)."]
    return Paragraph(tuple(parts))


def plan_paragraph(tables: Tables, p: pd.Period) -> Paragraph:
    """The transition plan: planned, reported so far, realisation and the year's projection."""
    if G.KEY_PLAN not in tables:
        return Paragraph((f"Ingen omställningsplan är registrerad för {p.year}.",))
    k = G.KEY_PLAN
    return Paragraph((
        f"Omställningsplanen för {p.year} omfattar ", Ref(k, "Totalt", "Planerad årseffekt"),
        f". Till och med {MONTHS_LONG[p.month - 1]} var den rapporterade effekten ",
        Ref(k, "Totalt", "Rapporterad hittills"), " av planerade ",
        Ref(k, "Totalt", "Planerad hittills"), ", det vill säga ",
        Ref(k, "Totalt", "Realisering %", suffix=PCT),
        ". Med varje åtgärds egen realiseringsgrad på återstående plan beräknas planen ge ",
        Ref(k, "Totalt", "Prognos årseffekt"), " under året (P10–P90 ",
        Ref(k, "Totalt", G.ARS_P10, suffix=""), "–", Ref(k, "Totalt", G.ARS_P90), ")."))


def development_paragraph(tables: Tables, p: pd.Period) -> Paragraph:
    """Net and gross cost development YTD against the ceiling, and for the year's forecast."""
    k = G.KEY_DEVELOPMENT
    t = tables[k]
    net = _val(tables, Ref(k, F.NET, F.UTVECKLING))
    ceiling = t.cell(F.NET, T.CEILING)
    rev = _val(tables, Ref(k, F.REVENUE, F.UTVECKLING))
    if _absent(tables, Ref(k, F.NET, F.UTVECKLING)):
        return Paragraph((f"Nettokostnadsutvecklingen för {period_words(p)} kan inte "
                          f"beräknas: {NO_PREVIOUS}.",))
    return Paragraph((
        f"Nettokostnadsutvecklingen för {period_words(p)} var ",
        Ref(k, F.NET, F.UTVECKLING, suffix=PCT),
        " jämfört med samma period föregående år, ", "över" if net > ceiling else "inom",
        " taket på högst ", Ref(k, F.NET, T.CEILING, suffix=PCT),
        ". Bruttokostnadsutvecklingen var ", Ref(k, F.GROSS, F.UTVECKLING, suffix=PCT),
        " och intäkterna ", "ökade" if rev >= 0 else "minskade", " med ",
        Ref(k, F.REVENUE, F.UTVECKLING, suffix=PCT, absolute=True),
        *((". Enligt årsprognosen blir nettokostnadsutvecklingen för helåret ",
           Ref(k, F.NET, "Prognos helår %", suffix=PCT))
          if not _absent(tables, Ref(k, F.NET, "Prognos helår %")) else ()), "."))


def no_scenario_paragraph(tables: Tables) -> Paragraph:
    """The risk words when no scenario is chosen: the forecast's own spread."""
    k = G.KEY_FORECAST
    return Paragraph((
        "Inget scenario är valt för rapporten; risken beskrivs här av prognosens egen "
        "spridning. I det ogynnsamma utfallet (P10) blir nettokostnaden ",
        Ref(k, F.NET, G.ARS_P10), " och i det gynnsamma (P90) ", Ref(k, F.NET, G.ARS_P90),
        *((". Sannolikheten för en budget i balans är ", Ref(k, F.NET, G.PROB, suffix=PCT))
          if not _absent(tables, Ref(k, F.NET, G.PROB)) else ()),
        ". Kända händelser som ännu inte syns i utfallet, till exempel skärpta "
        "dygnsviloregler eller förändrad hyrpersonal, ingår inte utan ett scenario."))


def scenario_paragraphs(tables: Tables, name: str, year: int) -> list[Paragraph]:
    """The risk paragraph from a scenario: its effect, main assumptions, range, probability."""
    k, km = T.KEY_SCENARIO, T.KEY_SCENARIO_MC
    t = tables[k]
    col = f"Nettokostnad {year}"
    rows = [str(r) for r in t.frame.index]
    effect = _val(tables, Ref(k, "Scenario", col)) - _val(tables, Ref(k, "Basprognos", col))
    first: list[Part] = [
        "Scenariot ", UserText(name, quoted=True), f" ger en nettokostnad för {year} på ",
        Ref(k, "Scenario", col), " mot basprognosens ", Ref(k, "Basprognos", col),
        ", ", *_compare(tables, Ref(k, "Scenario", "Mot budget"), "bättre än budget",
                        "sämre än budget", "i nivå med budget"), "."]
    steps = [r for r in rows[1:-1] if _val(tables, Ref(k, r, col)) != 0]
    steps = sorted(steps, key=lambda r: -abs(t.cell(r, col)))[:3]
    if steps and effect:
        items: list[list[Part]] = [[UserText(r), " (", Ref(k, r, col), ")"] for r in steps]
        first += [" Störst effekt har ", *join(items), "."]
    second: list[Part] = [
        "Med scenariot hamnar nettokostnaden med 80 % sannolikhet mellan ",
        Ref(km, "Scenario", G.ARS_P10, suffix=""), " och ", Ref(km, "Scenario", G.ARS_P90),
        ", och sannolikheten för en budget i balans är ",
        Ref(km, "Scenario", G.PROB, suffix=PCT), f". För {year + 1} gör scenariot "
        "resultatet ", *_compare(tables, Ref(km, "Scenario", f"Effekt {year + 1}"),
                                 "bättre än basprognosen", "sämre än basprognosen",
                                 "oförändrat mot basprognosen"), "."]
    return [Paragraph(tuple(first)), Paragraph(tuple(second))]
