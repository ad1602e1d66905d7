"""The one builder of the report model: data set + forecast (+ change, scenario) → Report.

Pure: no files, no clock unless ``created`` is omitted. Both renderers (Word, PDF) and the
app's Översikt read what this module builds, so every format shows the same cells.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pandas as pd

from forecast import __version__
from forecast.engine.result import RegionForecast
from forecast.followup import tables as F
from forecast.followup.transition import PlanProjection, project_transition_plan
from forecast.io.formatting import (
    MISSING,
    fmt_date,
    fmt_number,
    fmt_pct,
    fmt_timestamp,
    month_label,
)
from forecast.ledger.as_of import check_as_of
from forecast.ledger.dataset import Dataset
from forecast.report import DEFAULT_CEILING_PCT
from forecast.report import chartdata as C
from forecast.report import figures as G
from forecast.report import summary as Z
from forecast.report import text as X
from forecast.report import topics as T
from forecast.report.inputs import ForecastChange, ScenarioRisk
from forecast.report.model import (
    Block,
    Paragraph,
    Report,
    ReportTable,
    Section,
    UserText,
    clean_text,
)
from forecast.report.narrative import Narrative

HEADINGS = ("Ekonomiskt utfall", "Årsprognos", "Hyrpersonal", "Omställningsplan",
            "Nettokostnadsutveckling", "Risker")
CHANGE_HEADING = "Prognosförändring"
SUMMARY_HEADING = "Sammanfattning"
"""Default ceiling of net cost development, % (an example region's goal; DOMAIN.md)."""
DEFAULT_TITLE = "Hälso- och sjukvårdsnämnden"


def overview_tables(ds: Dataset, as_of: pd.Period, rf: RegionForecast | G.PrognosBy
                    ) -> tuple[ReportTable, ReportTable, ReportTable]:
    """The summary, per-division and per-category tables with the forecast column.

    The same tables as the report's section *Ekonomiskt utfall* (for the app's Översikt);
    ``rf`` may be a :data:`~forecast.report.figures.PrognosBy` (a laid forecast's totals).
    """
    p = check_as_of(ds, as_of)
    summary, division = G.division_tables(ds, p, rf)
    return summary, division, G.category_table(ds, p, rf)


def _division_comments(tables: dict[str, ReportTable], narrative: Narrative | None
                       ) -> tuple[Paragraph, ...]:
    """The divisions' own comments, in the division table's order (seed 001 per division)."""
    if narrative is None:
        return ()
    order = [str(r).split(" – ", 1)[1] for r in tables[G.KEY_DIVISION].frame.index
             if str(r).startswith(f"{F.NET} – ")]
    return tuple(Paragraph((f"{d}: ", UserText(narrative.comment_of(d))))
                 for d in order if narrative.comment_of(d))


def _outcome_section(tables: dict[str, ReportTable], p: pd.Period,
                     narrative: Narrative | None) -> Section:
    return Section(HEADINGS[0], (
        tables[G.KEY_SUMMARY], *X.summary_paragraphs(tables, p),
        tables[G.KEY_DIVISION], X.division_paragraph(tables, p),
        *_division_comments(tables, narrative),
        tables[G.KEY_CATEGORY], *X.category_paragraphs(tables, p)))


def _optional(tables: dict[str, ReportTable], *keys: str) -> tuple[ReportTable, ...]:
    return tuple(tables[k] for k in keys if k in tables)


def _change_blocks(tables: dict[str, ReportTable], change: ForecastChange | None
                   ) -> tuple[Block, ...]:
    if change is None and C.KEY_BUDGET_BRIDGE not in tables:  # no budget: nothing to bridge
        return (X.no_change_paragraph(), Paragraph((
            "Budget för året saknas i indata, så ingen brygga från budget till årsprognos "
            "visas.",)))
    if change is None:
        bridge = tables[C.KEY_BUDGET_BRIDGE]
        return (X.no_change_paragraph(), bridge,
                C.bridge_chart("brygga", "Från budget till årsprognos, mkr", bridge,
                               bridge.frame.columns[0],
                               caption="Staplarna är tabellens rader: avvikelse mot budget "
                                       "per kostnadsslag."))
    t = tables[T.KEY_CHANGE]
    comments = [UserText(c.text, author=c.author, quoted=True) for c in change.comments]
    return (t, *X.change_paragraphs(tables, comments),
            C.bridge_chart("brygga", "Prognosförändring sedan lagd prognos: avvikelse mot "
                           "budget, mkr", t, t.frame.columns[0], drop=(T.CHANGE_TOTAL,),
                           caption="Staplarna är tabellens rader."))


def _risk_blocks(tables: dict[str, ReportTable], risk: ScenarioRisk | None
                 ) -> tuple[Block, ...]:
    own = _optional(tables, Z.KEY_RISKS)
    if risk is None:
        return (*own, X.no_scenario_paragraph(tables))
    t = tables[T.KEY_SCENARIO]
    base = (Paragraph((f"Scenariot utgår från basprognosen: {risk.base}.",)),) \
        if risk.base else ()
    return (*own, *base, t, tables[T.KEY_SCENARIO_MC],
            *X.scenario_paragraphs(tables, risk.name, risk.year),
            C.bridge_chart("scenario_brygga", f"Scenario: från basprognos till scenario "
                           f"{risk.year}, mkr", t, t.frame.columns[0],
                           caption="Staplarna är tabellens rader."))


def _tables(ds: Dataset, p: pd.Period, rf: RegionForecast, plan: PlanProjection,
            change: ForecastChange | None, risk: ScenarioRisk | None,
            ceiling_pct: float, narrative: Narrative | None) -> dict[str, ReportTable]:
    summary, division = G.division_tables(ds, p, rf)
    category = G.category_table(ds, p, rf)
    forecast = G.forecast_table(rf, summary)
    out = [summary, division, category, forecast, G.forecast_division_table(rf, division),
           T.agency_table(ds, p, rf), T.development_table(ds, p, rf, summary, ceiling_pct)]
    plan_t = T.plan_table(ds, p, plan)
    if plan_t is not None:
        out.append(plan_t)
    if change is None:
        if forecast.frame[G.BUDGET_HEADING].notna().all():  # no budget: nothing to bridge from
            out.append(C.budget_bridge_table(category, forecast))
    else:
        out.append(T.change_table(change, p))
    if risk is not None:
        out.extend(T.scenario_tables(risk))
    out.extend(Z.narrative_tables(narrative, p))
    return {t.key: t for t in out}


def build_report(ds: Dataset, as_of: pd.Period, rf: RegionForecast, *,
                 plan: PlanProjection | None = None, change: ForecastChange | None = None,
                 risk: ScenarioRisk | None = None,
                 provenance: Sequence[tuple[str, str]] = (),
                 ceiling_pct: float = DEFAULT_CEILING_PCT, title: str = DEFAULT_TITLE,
                 created: datetime | None = None, forecast_source: str = "",
                 narrative: Narrative | None = None, region: str = "",
                 method: str = "", laid_version: str = "") -> Report:
    """The economic section of the committee report for ``as_of``.

    Args:
        ds: the data set.
        as_of: the report month (must have outcome; equal to ``rf.as_of``).
        rf: the year's forecast made at ``as_of``.
        plan: the transition plan's projection (made with rf's paths and seed if None).
        change: the change since the last laid forecast, or None when there is none.
        risk: a scenario's results for the risk section, or None.
        provenance: extra label/value rows for the appendix.
        ceiling_pct: the ceiling of net cost development, %.
        title: the document title (the committee).
        created: time of creation (now if None).
        forecast_source: which forecast ``rf`` is, first in *Årsprognos* (empty: not printed).
        narrative: the people's words (summary, division comments, measures, risks,
            assumptions), or None: the report then says only what the numbers support.
        region: the region's name, printed above the title (empty: not printed).
        method: the forecast method in words, first in the appendix (empty: not printed).
        laid_version: the laid version the narrative is frozen with, in words (empty: none).

    Raises:
        ValueError: no outcome for ``as_of``, or a forecast made at another month.
    """
    p = check_as_of(ds, as_of)
    if rf.as_of != p:
        raise ValueError(f"Prognosen är gjord per {rf.as_of}, rapporten avser {p}.")
    plan = plan or project_transition_plan(ds, p, rf.n_paths, rf.seed)
    created = created or datetime.now(UTC)
    tables = _tables(ds, p, rf, plan, change, risk, ceiling_pct, narrative)
    sections = (
        Section(SUMMARY_HEADING, Z.summary_blocks(tables, p, narrative), boxed=True),
        _outcome_section(tables, p, narrative),
        Section(HEADINGS[1], (*X.source_paragraph(forecast_source),
                              *X.budget_coverage_paragraph(F.budget_coverage(ds, p.year)),
                              tables[G.KEY_FORECAST], *X.forecast_paragraphs(tables, p)[:2],
                              C.fan_chart(ds, rf), tables[G.KEY_FORECAST_DIV],
                              X.forecast_paragraphs(tables, p)[2],
                              *_optional(tables, Z.KEY_ASSUMPTIONS))),
        Section(CHANGE_HEADING, _change_blocks(tables, change), level=2),
        Section(HEADINGS[2], (tables[G.KEY_AGENCY], X.agency_paragraph(tables, p),
                              C.share_chart(ds, p, F.AGENCY_TARGET_PCT))),
        Section(HEADINGS[3], (*_optional(tables, G.KEY_PLAN), X.plan_paragraph(tables, p),
                              *_optional(tables, Z.KEY_MEASURES))),
        Section(HEADINGS[4], (tables[G.KEY_DEVELOPMENT], X.development_paragraph(tables, p))),
        Section(HEADINGS[5], _risk_blocks(tables, risk)),
    )
    return Report(
        title=title, subtitle=f"Ekonomiskt utfall och årsprognos per {month_label(p, long=True)}",
        as_of=p, created=created, sections=sections, appendix=_appendix_blocks(method, risk),
        provenance=_provenance(ds, p, rf, change, risk, provenance, ceiling_pct, created,
                               narrative, laid_version),
        footer=_footer(region, title, p, created), region=region.strip())


def _footer(region: str, title: str, p: pd.Period, created: datetime) -> str:
    heading = f"{region} · {title}" if region.strip() else title
    return f"{heading} · ekonomi per {month_label(p, long=True)} · {fmt_date(created)}"


SETTINGS_COLUMNS = ("Värde", "Intervall", "Källa")
OWN_SETTING = "Scenariots antagande"
"""The source of a setting the scenario sets itself (``scenarios.labels.OWN_SETTING``; the
core does not import the scenario package)."""
KEY_SCENARIO_SETTINGS = "scenario_antaganden"


def scenario_settings_table(risk: ScenarioRisk) -> ReportTable:
    """The scenario's assumptions as a Swedish table: name, value, range, source.

    Compact: a source is printed once, numbered in the note below the table; the column
    holds its number (``–`` for the scenario's own assumption), so each row is one line.
    The settings of one assumption (``Dygnsvila vårdpersonal: startmånad``) are grouped under
    one heading row per assumption, each row naming only its setting (``Startmånad``).
    """
    sources: list[str] = []
    rows: list[tuple[str, str, str, str]] = []
    labels: dict[str, str] = {}
    groups: list[str] = []
    for name, value, rng, source in risk.settings:
        text = clean_text(source).strip()
        if text and text != OWN_SETTING and text not in sources:
            sources.append(text)
        ref = str(sources.index(text) + 1) if text in sources else MISSING
        group, sep, setting = name.partition(": ")
        if sep and setting.strip():
            if group not in groups:
                groups.append(group)
                rows.append((group, "", "", ""))
            labels[name] = setting[:1].upper() + setting[1:]
        rows.append((name, value, rng, ref))
    frame = pd.DataFrame([list(rest) for _, *rest in rows], columns=list(SETTINGS_COLUMNS),
                         index=pd.Index([name for name, *_ in rows]))
    listed = " ".join(f"({i}) {s}{'' if s.endswith('.') else '.'}"
                      for i, s in enumerate(sources, start=1))
    return ReportTable(KEY_SCENARIO_SETTINGS, f"Scenariots antaganden: {risk.name}", frame,
                       "Antagande", unit="", text_columns=SETTINGS_COLUMNS,
                       row_labels=labels, group_rows=tuple(groups),
                       note="Värde: det troliga värdet, som bryggan räknar med. Intervall: "
                            "lägsta–högsta värde i simuleringen. Källa: – = scenariots eget "
                            f"antagande. {listed}".strip())


def _appendix_blocks(method: str, risk: ScenarioRisk | None) -> tuple[Block, ...]:
    out: list[Block] = [Paragraph((UserText(method),))] if method.strip() else []
    if risk is not None and risk.settings:
        out.append(scenario_settings_table(risk))
    return tuple(out)


def narrative_provenance(narrative: Narrative | None, laid_version: str = "") -> str:
    """Which narrative the report prints, for the appendix.

    Its version, author and time, and the laid version it is frozen with, or that it is a
    draft (the month is not laid).
    """
    if narrative is None or narrative.is_empty():
        return "inga angivna; texten bygger på siffrorna"
    if not narrative.version:
        return "given som fil"
    state = f"fryst med {laid_version}" if laid_version.strip() else \
        "utkast (prognosen är inte lagd)"
    return (f"version {narrative.version} av {narrative.author}, "
            f"sparad {fmt_timestamp(narrative.created)}; {state}")


def _provenance(ds: Dataset, p: pd.Period, rf: RegionForecast, change: ForecastChange | None,
                risk: ScenarioRisk | None, extra: Sequence[tuple[str, str]],
                ceiling_pct: float, created: datetime, narrative: Narrative | None,
                laid_version: str = "") -> tuple[tuple[str, str], ...]:
    rows = [("Per månad", month_label(p, long=True)), ("Källa", ds.source),
            ("Indata-hash", ds.source_hash), ("Programversion", __version__),
            ("Skapad", f"{fmt_timestamp(pd.Timestamp(created))} (svensk tid)"),
            ("Prognos", f"{rf.n_series} serier × {rf.n_paths} simulerade banor, slumpfrö "
                        f"{rf.seed}; prognosmånader {month_label(rf.months[0], long=True)}–"
                        f"{month_label(rf.months[-1], long=True)}"),
            ("Tak för nettokostnadsutveckling", fmt_pct(ceiling_pct)),
            ("Mål för hyrandel", fmt_pct(F.AGENCY_TARGET_PCT, 0))]
    rows += [(str(k), str(v)) for k, v in extra]
    rows.append(("Prognosförändring", f"från {change.source}" if change
                 else "ingen tidigare lagd prognos"))
    rows.append(("Kommentarer och åtgärder", narrative_provenance(narrative, laid_version)))
    if risk is not None:
        rows += [("Scenario", risk.name),
                 ("Scenariots simuleringar", f"{fmt_number(risk.n_draws)} dragningar"),
                 ("Scenariots antaganden", "se tabellen nedan" if risk.settings else "inga")]
    else:
        rows.append(("Scenario", "inget"))
    return tuple(rows)
