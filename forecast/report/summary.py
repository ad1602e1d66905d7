"""The summary box that opens the report, and the tables of the people's own words.

The summary (issue 25, seed 002's four opening lines): result to date, the year's forecast
against budget with its range and the probability of balance, the change since the last laid
forecast with its main part, net cost development against the ceiling and the agency share
against the target. Every number is a reference to a cell printed further down, so the box
and the tables never disagree. The narrative's measures, risks and assumptions become
:class:`~forecast.report.model.ReportTable` objects (amounts in mkr as the user wrote them).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from forecast.followup import tables as F
from forecast.io.formatting import MONTHS_LONG
from forecast.report import figures as G
from forecast.report import text as X
from forecast.report import topics as T
from forecast.report.model import Paragraph, Ref, ReportTable, UserText
from forecast.report.narrative import Narrative

KEY_MEASURES = "atgarder"
KEY_RISKS = "risker_mojligheter"
KEY_ASSUMPTIONS = "antaganden"
Tables = Mapping[str, ReportTable]


def _result_line(tables: Tables, p: pd.Period) -> Paragraph:
    k = G.KEY_SUMMARY
    if X._absent(tables, Ref(k, F.NET, F.DIFF)):
        return Paragraph((f"Resultat {X.period_words(p)}: nettokostnaden är ",
                          Ref(k, F.NET, F.ACK_UTFALL), f" ({X.NO_BUDGET})."))
    return Paragraph((
        f"Resultat {X.period_words(p)}: nettokostnaden är ", Ref(k, F.NET, F.ACK_UTFALL), ", ",
        *X._compare(tables, Ref(k, F.NET, F.DIFF), "bättre än budget", "sämre än budget",
                    "i nivå med budget"), "."))


def _forecast_line(tables: Tables, p: pd.Period) -> Paragraph:
    k = G.KEY_FORECAST
    if X._absent(tables, Ref(k, F.NET, G.BUDGET_HEADING)):
        return Paragraph((
            f"Årsprognos {p.year}: nettokostnaden beräknas till ", Ref(k, F.NET, G.PROGNOS),
            " (80 % sannolikhet mellan ", Ref(k, F.NET, G.ARS_P10, suffix=""), " och ",
            Ref(k, F.NET, G.ARS_P90), f"); {X.NO_BUDGET}, så avvikelse och sannolikheten för en "
            "budget i balans kan inte anges."))
    return Paragraph((
        f"Årsprognos {p.year}: nettokostnaden beräknas till ", Ref(k, F.NET, G.PROGNOS),
        " mot budgeterade ", Ref(k, F.NET, G.BUDGET_HEADING), ", det vill säga ",
        *X._compare(tables, Ref(k, F.NET, G.AVVIKELSE), "bättre än budget",
                    "sämre än budget", "i nivå med budget"),
        " (80 % sannolikhet mellan ", Ref(k, F.NET, G.ARS_P10, suffix=""), " och ",
        Ref(k, F.NET, G.ARS_P90), "). Sannolikheten för en budget i balans är ",
        Ref(k, F.NET, G.PROB, suffix=X.PCT), "."))


def _change_line(tables: Tables) -> Paragraph:
    if T.KEY_CHANGE not in tables:
        return Paragraph(("Prognosförändring: det finns ingen tidigare lagd prognos att "
                          "jämföra med.",))
    t = tables[T.KEY_CHANGE]
    rows = [str(r) for r in t.frame.index]
    col = t.frame.columns[0]
    label = X.laid_label(rows[0])
    delta = X._val(tables, Ref(T.KEY_CHANGE, T.CHANGE_TOTAL, col))
    if delta == 0:
        return Paragraph((f"Prognosförändring: prognosen är oförändrad sedan den lagda "
                          f"prognosen för {label}.",))
    parts: list[X.Part] = [
        f"Prognosförändring: sedan den lagda prognosen för {label} har prognosen "
        f"{'förbättrats' if delta > 0 else 'försämrats'} med ",
        Ref(T.KEY_CHANGE, T.CHANGE_TOTAL, col, absolute=True)]
    comps = [r for r in rows[1:-2] if X._val(tables, Ref(T.KEY_CHANGE, r, col)) != 0]
    if comps:
        main = max(comps, key=lambda r: abs(t.cell(r, col)))
        parts += [", främst ", UserText(main[:1].lower() + main[1:]), " (",
                  Ref(T.KEY_CHANGE, main, col), ")"]
    return Paragraph((*parts, "."))


def _development_line(tables: Tables, p: pd.Period) -> Paragraph:
    k = G.KEY_DEVELOPMENT
    if X._absent(tables, Ref(k, F.NET, F.UTVECKLING)):
        return Paragraph((f"Nettokostnadsutveckling {X.period_words(p)}: kan inte beräknas, "
                          f"{X.NO_PREVIOUS}.",))
    net = X._val(tables, Ref(k, F.NET, F.UTVECKLING))
    ceiling = tables[k].cell(F.NET, T.CEILING)
    return Paragraph((
        f"Nettokostnadsutveckling {X.period_words(p)}: ",
        Ref(k, F.NET, F.UTVECKLING, suffix=X.PCT), ", ", "över" if net > ceiling else "inom",
        " taket på högst ", Ref(k, F.NET, T.CEILING, suffix=X.PCT), "."))


def _agency_line(tables: Tables, p: pd.Period) -> Paragraph:
    k = G.KEY_AGENCY
    share = X._val(tables, Ref(k, "Totalt", T.R12))
    target = tables[k].cell("Totalt", T.TARGET)
    return Paragraph((
        f"Hyrandel (rullande 12 månader till och med {MONTHS_LONG[p.month - 1]}): ",
        Ref(k, "Totalt", T.R12, suffix=X.PCT), " av personalkostnaden, ",
        "över" if share > target else "inom", " målet på högst ",
        Ref(k, "Totalt", T.TARGET, suffix=X.PCT, decimals=0), "."))


def summary_blocks(tables: Tables, p: pd.Period, narrative: Narrative | None
                   ) -> tuple[Paragraph, ...]:
    """The summary box: the user's summary (if any), then the five figures in words."""
    own = (Paragraph((UserText(narrative.summary),)),) \
        if narrative is not None and narrative.summary.strip() else ()
    return (*own, _result_line(tables, p), _forecast_line(tables, p), _change_line(tables),
            _development_line(tables, p), _agency_line(tables, p))


def _total(values: list[float | None]) -> float:
    given = [v for v in values if v is not None]
    return round(float(sum(given)), 1) if given else np.nan


def _labels(names: list[str]) -> list[str]:
    """Unique row labels (numbered when two rows have the same name)."""
    if len(set(names)) == len(names) and "Totalt" not in names:
        return names
    return [f"{i + 1}. {n}" for i, n in enumerate(names)]


def measures_table(n: Narrative, p: pd.Period) -> ReportTable | None:
    """The measures (seed 002's handlingsplan): planned effect, effect so far and forecast."""
    if not n.measures:
        return None
    cols = ("Planerad effekt", "Effekt hittills", "Prognos")
    vals = {c: [getattr(m, a) for m in n.measures]
            for c, a in zip(cols, ("planned_mkr", "done_mkr", "forecast_mkr"), strict=True)}
    frame = pd.DataFrame({"Ansvarig": [m.responsible for m in n.measures],
                          **{c: [np.nan if v is None else v for v in vs]
                             for c, vs in vals.items()}},
                         index=pd.Index(_labels([m.action for m in n.measures])))
    frame.loc["Totalt"] = ["", *(_total(vals[c]) for c in cols)]
    return ReportTable(KEY_MEASURES, f"Åtgärder för en ekonomi i balans {p.year}", frame,
                       "Åtgärd", decimals={c: 1 for c in cols}, total_rows=("Totalt",),
                       text_columns=("Ansvarig",),
                       note="Enligt verksamhetens uppgifter; besparing positiv.")


def risks_table(n: Narrative) -> ReportTable | None:
    """Risks and opportunities with their amount range (mkr) and likelihood."""
    if not n.risks:
        return None
    frame = pd.DataFrame({
        "Typ": [r.kind.capitalize() for r in n.risks],
        "Belopp från": [np.nan if r.low_mkr is None else r.low_mkr for r in n.risks],
        "Belopp till": [np.nan if r.high_mkr is None else r.high_mkr for r in n.risks],
        "Sannolikhet": [r.probability for r in n.risks],
    }, index=pd.Index(_labels([r.text for r in n.risks])))
    return ReportTable(KEY_RISKS, "Risker och möjligheter", frame, "Beskrivning",
                       decimals={"Belopp från": 1, "Belopp till": 1},
                       text_columns=("Typ", "Sannolikhet"),
                       note="Belopp = effekt på årets resultat; negativt är en försämring. "
                            "Ingår inte i årsprognosen.")


def assumptions_table(n: Narrative) -> ReportTable | None:
    """The forecast's assumptions in words: value, range and source."""
    if not n.assumptions:
        return None
    frame = pd.DataFrame({
        "Värde": [a.value for a in n.assumptions],
        "Intervall": [a.range for a in n.assumptions],
        "Källa": [a.source for a in n.assumptions],
    }, index=pd.Index(_labels([a.name for a in n.assumptions])))
    return ReportTable(KEY_ASSUMPTIONS, "Prognosens antaganden", frame, "Antagande", unit="",
                       text_columns=("Värde", "Intervall", "Källa"))


def narrative_tables(n: Narrative | None, p: pd.Period) -> list[ReportTable]:
    """The narrative's tables that have content."""
    if n is None:
        return []
    return [t for t in (measures_table(n, p), risks_table(n), assumptions_table(n))
            if t is not None]
