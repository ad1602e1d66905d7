"""The page «Export»: every table (follow-up, prognos, scenario) as Excel or CSV with metadata.

The file bytes are made only when the user clicks (``st.download_button`` with a zero-argument
callable from :func:`downloader`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import streamlit as st

from forecast.io.export import (
    Dialect,
    ExportMetadata,
    ExportTable,
    Unit,
    tables_to_csv_bytes,
    tables_to_csv_zip_bytes,
    tables_to_xlsx_bytes,
)
from forecast.io.formats import DOCX_MIME, PDF_MIME, XLSX_MIME
from ui import cached
from ui import state_keys as K
from ui.cycle_access import baseline, record
from ui.data_access import Context, context
from ui.forecast_gate import forecast_or_none
from ui.text import md
from ui.upload_field import upload_field
from ui.widgets import page_header

if TYPE_CHECKING:
    from forecast.cycle.record import ForecastOfRecord
    from forecast.report.narrative import Narrative
    from forecast.report.narrative_store import NarrativeStore

HELP = """
Varje knapp laddar ned en fil med alla tabeller i gruppen och ett blad/avsnitt **metadata**
(prognosmånad, indata-hash, källa, metod, programversion, tidpunkt och parametrar), så att
siffrorna går att spåra.

- **Excel**: ett blad per tabell, belopp som tal (inte text).
- **CSV** i *tabellform* (standard): en zip-fil med en CSV per tabell, som tabellen ser ut i
  arbetsboken (rubrik, enhet, kolumnrubriker, rader), metadata under tabellen och i
  `metadata.csv`. I *lång form*: en fil med en rad per cell (`tabell;rad;kolumn;värde`).
  *Svensk* = semikolon och decimalkomma (öppnas direkt i svenskt Excel), *internationell* =
  komma och decimalpunkt.

**Rapport till nämnden**: ekonomiavsnittet som Word eller PDF (A4, sidnummer, datum och
prognosmånad i sidfoten, underlaget i en bilaga). En egen Word-mall med regionens format
laddas upp i fältet «Egen Word-mall (valfri)».

**Berättelse till rapporten** (sammanfattning, kommentar per division, åtgärder, risker och
möjligheter, antaganden): skriv den i formuläret och spara med «Spara berättelsen» (belopp i
mkr eller tkr med decimalkomma, t.ex. 2,5). Varje sparning är en ny version med din
användare och tid i händelseloggen. När månadens prognos läggs fryses berättelsen som gäller
då med den lagda versionen; rapporten för den lagda prognosen tar alltid med just den, och
senare ändringar blir ett nytt utkast som kommer med nästa gång prognosen läggs. Berättelsen
kan också laddas ned som YAML, redigeras och läsas in igen (fältet för berättelsefil, eller
`budgetprognos rapport --berattelse FIL`). Filen har nycklarna `sammanfattning`,
`divisioner`, `atgarder`, `risker` och `antaganden`.

Scenariot som exporteras är det du arbetar med på sidan **Scenarier** (det finns kvar mellan
sidorna och i adressen); finns inget, standardförvalet. Under *Scenario* finns också
**scenariobladet**: en sida till nämnden (Word eller PDF) med sannolikheten för budget i balans,
resultatet med P10–P90, bryggan, känsligheten och årsarbetarna.
"""



def downloader(tables: Sequence[ExportTable], meta: ExportMetadata, *, fmt: str,
               unit: Unit, dialect: Dialect = "sv") -> Callable[[], bytes]:
    """A zero-argument callable making the file (run by Streamlit on click).

    Args:
        tables: the export tables.
        meta: their provenance.
        fmt: "xlsx", "zip" (CSV per table as in the workbook) or "csv" (the long form).
        unit: "mkr" or "tkr".
        dialect: CSV dialect, "sv" or "intl".
    """
    if fmt == "xlsx":
        return lambda: tables_to_xlsx_bytes(tables, meta, unit=unit)
    if fmt == "zip":
        return lambda: tables_to_csv_zip_bytes(tables, meta, unit=unit, dialect=dialect)
    if fmt == "csv":
        return lambda: tables_to_csv_bytes(tables, meta, unit=unit, dialect=dialect)
    raise ValueError(f"okänt format {fmt!r}")


def followup_bundle(ctx: Context) -> tuple[list[ExportTable], ExportMetadata]:
    """The follow-up export of the core (``forecast.followup.tables.followup_export``)."""
    from forecast.followup.tables import followup_export
    return followup_export(ctx.ds, ctx.as_of)


def prognos_bundle(ctx: Context) -> tuple[list[ExportTable], ExportMetadata]:
    """The årsprognos export of the core (``forecast.engine.tables.prognos_export``)."""
    tables, meta = cached.prognos_export(ctx)
    return list(tables), meta


def scenario_bundle(ctx: Context) -> tuple[list[ExportTable], ExportMetadata]:
    """The last scenario of the session (or the standard preset): ``scenarios.export``."""
    from ui.scenarios_page import DEFAULT_DRAWS, current_scenario_or_default

    scenario = current_scenario_or_default(ctx)
    res = cached.apply_scenario(ctx, scenario)
    mc = cached.simulate_scenario(ctx, scenario,
                                  int(st.session_state.get(K.SC_DRAWS, DEFAULT_DRAWS)))
    from scenarios.export import scenario_export
    return scenario_export(baseline(ctx), res, mc, ctx.ds,
                                                    file=SCENARIO_SOURCE,
                                                    base=cached.record_heading(ctx))


SCENARIO_SOURCE = "sidan Scenarier i appen"
"""The scenario's origin in the export metadata (the CLI names the scenario file)."""


BUNDLES: dict[str, tuple[str, Callable[[Context], tuple[list[ExportTable], ExportMetadata]]]] = {
    "uppfoljning": ("Uppföljning", followup_bundle),
    "prognos": ("Årsprognos", prognos_bundle),
    "scenario": ("Scenario", scenario_bundle),
}


def scenario_sheet(ctx: Context) -> tuple[object, object]:
    """The one-page sheet of the scenario being edited: (Word, PDF) zero-argument makers."""
    from scenarios import comparison as C
    from scenarios.sheet import sheet_to_docx, sheet_to_pdf
    from ui.scenarios_page import DEFAULT_DRAWS, current_scenario_or_default

    scenario = current_scenario_or_default(ctx)
    view = cached.committee_view(ctx, scenario,
                                 int(st.session_state.get(K.SC_DRAWS, DEFAULT_DRAWS)))
    views = [(scenario.name, view)]
    meta = C.comparison_metadata(views, as_of=str(ctx.as_of), input_hash=ctx.data_hash,
                                 source=ctx.ds.source)
    return (lambda: sheet_to_docx(C.sheet(views, meta)),
            lambda: sheet_to_pdf(C.sheet(views, meta)))


def _sheet_buttons(ctx: Context) -> None:

    docx, pdf = scenario_sheet(ctx)
    b1, b2, _ = st.columns([1, 1, 2])
    b1.download_button("Scenarioblad, Word", data=docx,  # type: ignore[arg-type]
                       file_name=f"scenarioblad_{ctx.as_of}.docx", mime=DOCX_MIME,
                       key="w_dl_sheet_docx", icon=":material/article:", on_click="ignore")
    b2.download_button("Scenarioblad, PDF", data=pdf,  # type: ignore[arg-type]
                       file_name=f"scenarioblad_{ctx.as_of}.pdf", mime=PDF_MIME,
                       key="w_dl_sheet_pdf", icon=":material/picture_as_pdf:",
                       on_click="ignore")


def _report_section(ctx: Context) -> None:
    from forecast.report.docx_writer import MAX_TEMPLATE_BYTES, TemplateError
    from ui import cycle_access as CA
    from ui import user_access as UA
    from ui.report_download import (
        checked_template,
        laid_change_lookup,
        report_downloader,
    )
    from ui.scenarios_page import current_scenario_or_default

    st.subheader("Rapport till nämnden (Word/PDF)")
    st.caption("Ekonomiavsnittet: Ekonomiskt utfall, Årsprognos, Hyrpersonal, "
               "Omställningsplan, Nettokostnadsutveckling och Risker, med tabeller, diagram "
               "och text; underlaget i en bilaga. Filen skapas när du klickar.")
    with_scenario = st.checkbox("Ta med scenariot (senast visat på Scenarier) i avsnittet "
                                "Risker", key=K.EXPORT_REPORT_SCENARIO)
    scenario = current_scenario_or_default(ctx) if with_scenario else None
    upload = upload_field("Egen Word-mall (valfri, .docx eller .dotx): regionens format, "
                          "sidhuvud och logga", ["docx", "dotx"], K.EXPORT_TEMPLATE,
                          max_bytes=MAX_TEMPLATE_BYTES)
    template = None
    if upload is not None:
        try:
            template = checked_template(upload.getvalue())
        except TemplateError as exc:
            st.error(str(exc))
    rec = record(ctx)
    st.caption(f"Rapporten visar: {md(rec.heading())}.")
    change = laid_change_lookup(UA.store(), CA.dataset_name(ctx), ctx.as_of)
    narrative = _narrative_section(ctx, rec)
    b1, b2, _ = st.columns([1, 1, 2])
    b1.download_button(
        "Word (.docx)", data=report_downloader(ctx.ds, rec, fmt="docx", scenario=scenario,
                                               change=change, template=template,
                                               narrative=narrative),
        file_name=f"budgetprognos_rapport_{ctx.as_of}.docx", mime=DOCX_MIME,
        key="w_dl_rapport_docx", icon=":material/article:", on_click="ignore")
    b2.download_button(
        "PDF", data=report_downloader(ctx.ds, rec, fmt="pdf", scenario=scenario,
                                      change=change, narrative=narrative),
        file_name=f"budgetprognos_rapport_{ctx.as_of}.pdf", mime=PDF_MIME,
        key="w_dl_rapport_pdf", icon=":material/picture_as_pdf:", on_click="ignore")


@st.cache_resource(show_spinner=False)
def _narratives(url: str) -> NarrativeStore:
    """The narrative store (opened once per process; no pooled connections)."""
    from forecast.report.narrative_store import NarrativeStore

    return NarrativeStore(url)


def _narrative_section(ctx: Context, rec: ForecastOfRecord) -> Narrative | None:
    """The month's report narrative: written here (form or file), and the one the report takes.

    The report of a laid version takes the narrative frozen with it; of a month not laid, the
    latest saved version (:meth:`forecast.report.narrative_store.NarrativeStore.for_report`).
    """
    from forecast.access import Action
    from forecast.report.narrative import NarrativeError
    from forecast.store.base import StoreError
    from forecast.store.core import default_url
    from ui import cycle_access as CA
    from ui import narrative_form as NW
    from ui import user_access as UA

    dataset = CA.dataset_name(ctx)
    laid_id = rec.laid.id if rec.laid is not None else None
    try:
        store = _narratives(default_url())
        draft = store.latest(dataset, ctx.as_of, ctx.data_hash)
        with st.expander("Berättelse till rapporten: sammanfattning, kommentarer, åtgärder, "
                         "risker och antaganden", expanded=False):
            if UA.may(Action.WRITE_NARRATIVE):
                divisions = list(ctx.ds.org.divisions)
                NW.narrative_form(draft, divisions, lambda n: store.save(
                    n, dataset=dataset, as_of=ctx.as_of, author=UA.current_user() or "",
                    input_hash=ctx.data_hash))
                _narrative_upload(ctx, store, dataset)
            NW.download_button(draft, str(ctx.as_of))
        used = store.for_report(dataset, ctx.as_of, ctx.data_hash, laid_id)
    except (NarrativeError, StoreError, ValueError) as exc:
        st.error(f"Berättelsen kan inte användas: {md(exc)}")
        return None
    st.caption(_narrative_note(rec, used, draft))
    return used


def _narrative_note(rec: ForecastOfRecord, used: Narrative | None,
                    draft: Narrative | None) -> str:
    """Which narrative the report takes, and whether a newer draft waits for the next lay."""
    who = (f"berättelsen version {used.version} av {md(used.author)}"
           if used is not None else "ingen berättelse")
    if rec.laid is None:
        return f"Rapporten tar med {who}."
    note = (f"Rapporten visar den lagda prognosen version {rec.laid.version} och tar med "
            f"{who} som gällde när den lades.")
    if draft is not None and (used is None or draft.version != used.version):
        note += (f" Senare utkast (version {draft.version}) kommer med när månadens prognos "
                 "läggs på nytt.")
    return note


def _narrative_upload(ctx: Context, store: NarrativeStore, dataset: str) -> None:
    """The file route: a YAML/JSON narrative saved as a new version."""
    from forecast.report.narrative import load_narrative_bytes
    from forecast.store.base import StoreError
    from ui import user_access as UA

    upload = upload_field("Eller läs in en berättelsefil (YAML eller JSON; formatet står i "
                          "hjälptexten överst)", ["yaml", "yml", "json"],
                          K.EXPORT_NARRATIVE, max_bytes=256 * 1024)
    if upload is None or not st.button("Spara berättelsefilen", key=K.EXPORT_NARRATIVE_SAVE):
        return
    try:
        parsed = load_narrative_bytes(upload.getvalue(), upload.name,
                                      list(ctx.ds.org.divisions))
        saved = store.save(parsed, dataset=dataset, as_of=ctx.as_of,
                           author=UA.current_user() or "", input_hash=ctx.data_hash)
    except (ValueError, StoreError) as exc:  # NarrativeError is a ValueError
        st.error(f"Berättelsefilen sparades inte: {md(exc)}")
        return
    st.success(f"Berättelsen sparades som version {saved.version}.")


def render() -> None:
    """Draw the page."""
    ctx = context()
    page_header("Export", "Ladda ned tabellerna som Excel eller CSV, med metadata.", HELP)
    c1, c2, c3 = st.columns(3)
    units: list[Unit] = ["mkr", "tkr"]
    dialects: list[Dialect] = ["sv", "intl"]
    unit = c1.radio("Enhet för belopp", units, key=K.EXPORT_UNIT, horizontal=True)
    dialect = c2.radio("CSV-format", dialects, key=K.EXPORT_DIALECT, horizontal=True,
                       format_func=lambda d: "svensk (; och decimalkomma)" if d == "sv"
                       else "internationell (, och decimalpunkt)")
    form = c3.radio("CSV-form", ["tabell", "lang"], key=K.EXPORT_FORM, horizontal=True,
                    format_func=lambda f: "tabeller som i Excel (zip)" if f == "tabell"
                    else "lång: en rad per cell")
    stamp = f"{ctx.as_of}"
    # computed here, outside the cached tables, so its progress bar is not replayed by them
    has_forecast = forecast_or_none(ctx) is not None
    for key, (title, bundle) in BUNDLES.items():
        if key != "uppfoljning" and not has_forecast:
            continue
        st.subheader(title)
        tables, meta = bundle(ctx)
        st.caption("Tabeller: " + ", ".join(t.title for t in tables))
        b1, b2, _ = st.columns([1, 1, 2])
        b1.download_button(
            "Excel (.xlsx)", data=downloader(tables, meta, fmt="xlsx", unit=unit),
            file_name=f"budgetprognos_{key}_{stamp}.xlsx", mime=XLSX_MIME,
            key=f"w_dl_{key}_xlsx", icon=":material/table_view:", on_click="ignore")
        zipped = form == "tabell"
        b2.download_button(
            "CSV (.zip)" if zipped else "CSV",
            data=downloader(tables, meta, fmt="zip" if zipped else "csv", unit=unit,
                            dialect=dialect),
            file_name=f"budgetprognos_{key}_{stamp}.{'zip' if zipped else 'csv'}",
            mime="application/zip" if zipped else "text/csv",
            key=f"w_dl_{key}_csv", icon=":material/description:", on_click="ignore")
        if key == "scenario":
            st.caption(f"Scenario: {tables[0].title if tables else ''} — "
                       f"'{meta.parameters.get('Scenario', '')}'.")
            _sheet_buttons(ctx)
    if has_forecast:
        _report_section(ctx)
    else:
        st.caption("Årsprognos, scenario och rapporten till nämnden kräver en prognos för "
                   "månaden; uppföljningen ovan kräver ingen.")
