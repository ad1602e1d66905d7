"""The page «Data»: the current dataset, loading the user's own set of files, the validation.

The set is what the CLI takes: one or more ledger files (CSV/TXT/XLSX exports or SIE 3/4), an
organisation file, an account mapping (kontoplan) and optional agency-FTE and transition-plan
files, with the reading options (kr/tkr, sign convention, sum rows). A rejected set never
replaces the current data; an accepted one is stored on the server under its hash and named
in the URL, so it survives a browser reload. Nothing from the embedded example is mixed in.
"""

from __future__ import annotations

import re
from types import ModuleType
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from forecast.io.formatting import fmt_number, month_label
from forecast.ledger.month import month_from_text
from ui import state_keys as K
from ui.data_access import context, current_dataset, outcome_months
from ui.upload_field import upload_field
from ui.widgets import page_header, show_table

if TYPE_CHECKING:
    from streamlit.runtime.uploaded_file_manager import UploadedFile

    from forecast.io.dataset_files import DatasetFiles, LoadedDataset
    from forecast.io.parsing import ValidationFailed
    from forecast.io.readers.base import AmountUnit, Controls, ReadOptions, SignConvention
    from forecast.ledger.dataset import Dataset

HELP = """
En datamängd är en uppsättning filer som läses in och kontrolleras tillsammans:

- **Huvudbok** (en eller flera filer): CSV/TXT/XLSX-export (t.ex. Raindance, Unit4, Visma)
  eller SIE 3/4 (`.se`, `.si`). Kolumner som `Ansvar`/`KST`, `Konto`/`Kontonummer`,
  `Kontotext`, `Period` eller `År` + `Månad`, och `Utfall` och `Budget` som två
  beloppskolumner eller `Belopp` med `Typ`. Titelrader ovanför rubrikraden hittas. Utfall och
  budget kan ligga i olika filer.
- **Organisation**: `enhet;namn;division`, valfritt fler nivåer (`område`, `verksamhet`).
  Utan den tas enheterna ur huvudboken.
- **Kontoplan**: `konto_från;konto_till;kostnadsslag`, ett konto eller ett intervall av
  kontonummer per rad. Behövs när huvudboken har kontonummer; kostnadsslagens egna namn (som i
  rapporterna) fungerar utan. Knappen «Ladda ned kontoplansmall» (under fälten, när en
  huvudbok är vald) ger en mall med huvudbokens alla konton att fylla i.
- **Årsarbetare inhyrd personal** (valfri): `månad;enhet;personalgrupp;åa`.
- **Åtgärder** och **effekter** (valfria): `id;namn;enhet;konto;planerad_årseffekt_tkr;
  startmånad;år` och `åtgärd;månad;effekt_tkr`.

Belopp i kronor delas med 1 000. Med tecknet *debet* (som huvudboken lagrar dem) är kostnader
positiva och vänds; SIE är alltid debet och kronor. Summarader avvisas, eller hoppas över och
redovisas. Alla fel visas med fil, rad, kolumn och vad som är tillåtet; en datamängd med fel
läses inte in och den data du har finns kvar. Det som inte ges saknas – inget blandas in från
exempeldatan. Största filstorlek: 50 MB per fil.
"""

PROBLEM_COLUMNS = {"file": "Fil", "row": "Rad", "column": "Kolumn", "message": "Problem",
                   "allowed": "Tillåtet"}
PREVIEW = 5
"""Problems listed in the error message itself (all of them are in the report table)."""
LEDGER_TYPES = ["csv", "txt", "xlsx", "se", "si", "sie"]
SIDE_TYPES = ["csv", "txt", "xlsx"]
SIDE_UPLOADS = ((K.UP_ORG, "organisation", "Organisation (valfri)"),
                (K.UP_KONTOPLAN, "kontoplan", "Kontoplan (valfri)"),
                (K.UP_FTE, "agency_fte", "Årsarbetare inhyrd personal (valfri)"),
                (K.UP_MEASURES, "measures", "Åtgärder i omställningsplanen (valfri)"),
                (K.UP_EFFECTS, "measure_effects", "Rapporterade åtgärdseffekter (valfri)"))
BELOPP: dict[str, AmountUnit | None] = {
    "enligt filen (titelrad, kolumnrubrik eller beloppens storlek)": None,
    "kr (kronor)": "kr", "tkr (tusental kronor)": "tkr"}
TECKEN: dict[str, SignConvention | None] = {
    "enligt datan (kostnadskontonas tecken)": None,
    "rapport (kostnader negativa)": "rapport", "debet (kostnader positiva)": "debet"}
BELOPP_LABEL = "Beloppens enhet"
TECKEN_LABEL = "Tecken i huvudboken"
SUMMA_LABEL = "Hoppa över summarader"
BLAD_LABEL = "Blad i XLSX-filen"
TEMPLATE_LABEL = "Ladda ned kontoplansmall"
LUCKOR_LABEL = "Saknade månader inom en serie är 0"


def app_controls() -> Controls:
    """How the core's messages name the reading options on this page (its own fields)."""
    from forecast.io.readers import base
    values = tuple(((opt, v), label) for opt, table in (("belopp", BELOPP), ("tecken", TECKEN))
                   for label, v in table.items() if v is not None)
    return base.Controls(names=(("belopp", f"fältet «{BELOPP_LABEL}»"),
                                ("tecken", f"fältet «{TECKEN_LABEL}»"),
                                ("summarader", f"rutan «{SUMMA_LABEL}»"),
                                ("blad", f"fältet «{BLAD_LABEL}»"),
                                ("organisation", f"fältet «{SIDE_UPLOADS[0][2]}»"),
                                ("atgarder", f"fältet «{SIDE_UPLOADS[3][2]}»"),
                                ("atgardseffekter", f"fältet «{SIDE_UPLOADS[4][2]}»"),
                                ("kontoplan", f"en kontoplan i fältet «{SIDE_UPLOADS[1][2]}»"),
                                ("kontoplansmall", f"knappen «{TEMPLATE_LABEL}» under fälten"),
                                ("luckor", f"rutan «{LUCKOR_LABEL}»")),
                         values=values, flags=False)

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def _md_escape(text: str) -> str:
    """``text`` with Markdown's special characters escaped (file values are shown verbatim)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _files() -> DatasetFiles | None:
    """The uploaded set as ``DatasetFiles``, or None when no ledger file is chosen."""
    from forecast.io import dataset_files as dsf
    ledgers = _ledger_uploads()
    if not ledgers:
        return None
    side = {}
    for key, role, _ in SIDE_UPLOADS:
        up = st.session_state.get(key)
        if up is not None:
            side[role] = dsf.InputFile(up.name, up.getvalue())
    return dsf.DatasetFiles(ledgers=tuple(dsf.InputFile(u.name, u.getvalue()) for u in ledgers),
                            **side)


def chosen_files(ledgers: list[str], side: list[tuple[str, str]]) -> str:
    """The line under the form naming what «Läs in» will read, drawn by the server.

    ``ledgers`` are the ledger file names, ``side`` the other files as ``(label, name)``. The
    uploader shows a file's name as soon as it is picked, before it has reached the server;
    this line appears only once it has, so it says truthfully what a click will read.
    """
    if not ledgers:
        return "Ingen huvudboksfil vald ännu: välj minst en för att kunna läsa in."
    parts = [f"huvudbok {', '.join(ledgers)}"]
    parts += [f"{label.removesuffix(' (valfri)').lower()} {name}" for label, name in side]
    return "Läses in: " + "; ".join(parts) + "."


def _ledger_uploads() -> list[UploadedFile]:
    """The ledger files that have reached the server (a list even for one)."""
    ledgers = st.session_state.get(K.UPLOADER) or []
    return ledgers if isinstance(ledgers, list) else [ledgers]


def _chosen() -> tuple[list[str], list[tuple[str, str]]]:
    side = [(label, up.name) for key, _, label in SIDE_UPLOADS
            if (up := st.session_state.get(key)) is not None]
    return [u.name for u in _ledger_uploads()], side


def _options() -> ReadOptions:
    from forecast.io import readers
    return readers.ReadOptions(
        amount_unit=BELOPP.get(st.session_state.get(K.DATA_BELOPP, ""), None),
        sign=TECKEN.get(st.session_state.get(K.DATA_TECKEN, ""), None),
        skip_sum_rows=bool(st.session_state.get(K.DATA_SUMMA, False)),
        gaps_as_zero=bool(st.session_state.get(K.DATA_LUCKOR, False)),
        sheet=(st.session_state.get(K.DATA_BLAD) or "").strip() or None,
        controls=app_controls())


def _too_large(files: DatasetFiles, limit: int) -> str | None:
    for _, f in files.roles():
        if len(f.data) > limit:
            return (f"Filen '{_md_escape(f.name)}' är för stor: högst "
                    f"{fmt_number(limit / (1024 * 1024))} MB.")
    return None


def _import() -> None:
    """Callback of «Läs in»: load the set; replace the data only on success (controllers)."""
    from forecast.access import Action
    from ui import user_access as UA

    if not UA.may(Action.MANAGE_DATASETS):
        st.session_state[K.UPLOAD_MESSAGE] = (
            "error", "Bara en controller får läsa in datamängder.")
        return
    from forecast import datasets as store
    from forecast.io import dataset_files as dsf
    from forecast.io import parsing
    files = _files()
    if files is None:
        st.session_state[K.UPLOAD_MESSAGE] = ("error", "Välj minst en huvudboksfil.")
        return
    if (msg := _too_large(files, parsing.MAX_UPLOAD_BYTES)) is not None:
        st.session_state[K.UPLOAD_REPORT] = []
        st.session_state[K.UPLOAD_MESSAGE] = ("error", msg)
        return
    options = _options()
    try:
        loaded = dsf.load_dataset(files, options)
    except parsing.ValidationFailed as exc:
        _rejected(exc)
        return
    except Exception as exc:  # no traceback reaches the page (issue 28)
        st.session_state[K.UPLOAD_REPORT] = []
        st.session_state[K.UPLOAD_MESSAGE] = ("error", unreadable(exc))
        return
    _accepted(loaded, files, options, store)


def unreadable(exc: BaseException) -> str:
    """The Swedish line for an unexpected error while reading the files (no traceback)."""
    what = ("minnet räckte inte" if isinstance(exc, MemoryError)
            else f"ett oväntat fel ({type(exc).__name__})")
    return (f"Filerna kunde inte läsas: {what}. Nuvarande data behålls. Kontrollera filerna, "
            "eller rapportera felet med filen.")


def _rejected(exc: ValidationFailed) -> None:
    st.session_state[K.UPLOAD_REPORT] = [
        {PROBLEM_COLUMNS[k]: getattr(p, k) for k in PROBLEM_COLUMNS} for p in exc.problems]
    head = exc.report(limit=0).splitlines()[0]
    first = [_md_escape(str(p)) for p in exc.problems[:PREVIEW]]
    more = "\n\nSe hela valideringsrapporten nedan." if exc.total > len(first) else ""
    st.session_state[K.UPLOAD_MESSAGE] = (
        "error", f"{_md_escape(head)} Nuvarande data behålls.\n\n"
                 + "\n".join(f"- {line}" for line in first) + more)


def _accepted(loaded: LoadedDataset, files: DatasetFiles, options: ReadOptions,
              store: ModuleType) -> None:
    ds = loaded.dataset
    from ui import user_access as UA

    kept = ""
    pol = UA.policy()
    try:
        if pol is None:
            raise OSError("ingen användare")
        key = store.save(files, options, pol.new_owner())
        st.query_params[K.DATA_PARAM] = key
    except OSError:
        import secrets

        key = store.PREFIX + secrets.token_hex(16)  # this session's own, never shared
        kept = (" Datamängden kunde inte sparas på servern och finns bara kvar tills sidan "
                "laddas om.")
    st.session_state[K.DATASET] = ds
    st.session_state[K.DATASET_ID] = key
    st.session_state.pop(K.AS_OF, None)  # default to the new data's last outcome month
    st.session_state.pop(K.UPLOAD_REPORT, None)
    st.session_state[K.UPLOAD_MESSAGE] = (
        "warning" if loaded.report.warnings else "success",
        accepted_message(loaded, [f.name for _, f in files.roles()], outcome_months(ds),
                         kept))


def accepted_message(loaded: LoadedDataset, names: list[str], months: list[str],
                     kept: str = "") -> str:
    """The message after an accepted load, in Swedish prose (Markdown, file text escaped).

    Says what was read (files, rows, units, months), how the amounts were read (unit and
    sign, with what decided them), a budget that covers only part of the year, and every
    warning.
    """
    ds = loaded.dataset
    files = _md_escape(_and_list([f"«{n}»" for n in names]))
    last = month_label(month_from_text(months[-1]), long=True)
    head = (f"Datamängden lästes in från {files}: {fmt_number(len(ds.ledger))} rader, "
            f"{fmt_number(len(ds.org.units))} enheter och utfall för "
            f"{fmt_number(len(months))} månader t.o.m. {last}."
            f"{kept}")
    how = [_md_escape(n) for n in loaded.report.reading]
    from forecast.followup.tables import budget_coverage
    budget = budget_coverage(
        ds, month_from_text(months[-1]).year)
    lines = [head, *how, *([_md_escape(budget)] if budget else []),
             *(_md_escape(w) for w in loaded.report.warnings)]
    return "\n\n".join(lines)


def _and_list(items: list[str]) -> str:
    """``a``, ``a och b``, ``a, b och c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def _to_example() -> None:
    """Callback of «Byt till exempeldata»."""
    for key in (K.DATASET, K.DATASET_ID, K.AS_OF, K.UPLOAD_REPORT):
        st.session_state.pop(key, None)
    if K.DATA_PARAM in st.query_params:
        del st.query_params[K.DATA_PARAM]
    st.session_state[K.UPLOAD_MESSAGE] = ("success", "Exempeldatan används igen.")


def _current(ctx_months: list[str]) -> None:
    ds = current_dataset()
    st.subheader("Aktuell data")
    kind = "inbäddad exempeldata" if ds.is_example else "egen datamängd"
    # The source is text of any length: written out in full, not squeezed into a metric.
    st.markdown(f"**Källa ({kind}):** {_md_escape(ds.source)}")
    c2, c3, c4 = st.columns([1, 1, 2])
    c2.metric("Rader i huvudboken", fmt_number(len(ds.ledger)), border=True)
    c3.metric("Enheter", fmt_number(len(ds.org.units)), border=True)
    c4.metric("Utfallsmånader", f"{month_label(month_from_text(ctx_months[0]))} – "
              f"{month_label(month_from_text(ctx_months[-1]))}",
              border=True)
    st.caption(f"Indata-hash (SHA-256): `{ds.source_hash[:16]}…`")
    _contents(ds, ctx_months[-1])
    _details(ds)


def _contents(ds: Dataset, as_of: str) -> None:
    fte = "finns" if ds.agency_fte is not None and not ds.agency_fte.empty else \
        "saknas i indata"
    plan = f"{len(ds.measures)} åtgärder" if ds.measures else "saknas i indata"
    st.markdown(f"**Årsarbetare inhyrd personal:** {fte}. **Omställningsplan:** {plan}.")
    from forecast.followup.tables import budget_coverage
    budget = budget_coverage(ds, month_from_text(as_of).year)
    if budget:
        st.warning(_md_escape(budget), icon=":material/warning:")
    if ds.notes:
        with st.expander("Vad inläsningen gjorde"):
            st.markdown("\n".join(f"- {_md_escape(n)}" for n in ds.notes))


def _details(ds: Dataset) -> None:
    with st.expander("Organisation (enheter och divisioner)"):
        frame = ds.org.to_frame().rename(columns={
            "unit": "Enhet", "unit_name": "Namn", "division": "Division"})
        st.dataframe(frame, hide_index=True, width="stretch")
    with st.expander("Kontomappning"):
        if ds.account_mapping is None:
            st.caption("Huvudboken använder kostnadsslagens egna namn; ingen kontoplan behövs.")
        else:
            show_table(ds.account_mapping, amount_columns=("Utfall tkr", "Budget tkr"),
                       number_columns=("Rader",), unit="tkr", decimals=0)
    if ds.load_totals is not None:
        with st.expander("Kontroll: summor lästa och i huvudboken"):
            st.caption("Per fil och typ, tkr: beloppen som lästes, de som kontoplanen anger "
                       "som 'ingår ej', och de som finns i huvudboken.")
            show_table(ds.load_totals, amount_columns=("Läst tkr", "Ingår ej tkr",
                                                       "I huvudboken tkr"), unit="tkr")


def _report() -> None:
    msg = st.session_state.get(K.UPLOAD_MESSAGE)
    if msg:
        kind, text = msg
        {"error": st.error, "warning": st.warning}.get(kind, st.success)(text)
    problems = st.session_state.get(K.UPLOAD_REPORT)
    if problems:
        st.subheader("Valideringsrapport")
        st.caption("Varje problem i filerna, med fil, rad (rubrikraden räknas), kolumn och vad "
                   "som är tillåtet.")
        frame = pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS.values()))
        frame["Rad"] = frame["Rad"].astype("Int64")
        st.dataframe(frame, hide_index=True, width="stretch",
                     column_config={"Rad": st.column_config.NumberColumn(format="%d")})


def _upload_form() -> None:
    st.subheader("Läs in egen datamängd")
    upload_field("Huvudbok: en eller flera filer", LEDGER_TYPES, K.UPLOADER, multiple=True)
    left, right = st.columns(2)
    for i, (key, _, label) in enumerate(SIDE_UPLOADS):
        upload_field(label, SIDE_TYPES, key, container=left if i % 2 == 0 else right)
    c1, c2, c3 = st.columns(3)
    c1.selectbox(BELOPP_LABEL, list(BELOPP), key=K.DATA_BELOPP,
                 help="Enligt filen: en titelrad som 'Belopp i kronor' eller 'Belopp i tkr', "
                      "eller en kolumnrubrik som 'Utfall kr'. Säger filen inget avgör "
                      "beloppens storlek, och är den tvetydig frågar sidan.")
    c2.selectbox(TECKEN_LABEL, list(TECKEN), key=K.DATA_TECKEN,
                 help="Enligt datan: är nästan alla utfall på kostnadskonton positiva (och "
                      "intäkterna negativa) läses filen som debet och vänds; beläggen står i "
                      "meddelandet efter inläsningen.")
    c3.checkbox(SUMMA_LABEL, key=K.DATA_SUMMA,
                help="Annars avvisas en fil med Summa-/delsummerader (de räknas annars två "
                     "gånger). Antal och summa som hoppas över redovisas.")
    c3.checkbox(LUCKOR_LABEL, key=K.DATA_LUCKOR,
                help="Annars avvisas en serie (enhet, konto, typ) som saknar en månad mellan "
                     "sin första och sista månad. En rad med 0 anger det för en månad i taget.")
    st.text_input(BLAD_LABEL, key=K.DATA_BLAD,
                  help="Tomt: ett blad som heter Ledger eller Huvudbok, annars det första "
                       "bladet. Valideringen säger vilket blad som lästes.")
    ledgers, side = _chosen()
    st.caption(_md_escape(chosen_files(ledgers, side)))
    if ledgers:
        _template_button()
    st.button("Läs in datamängden", on_click=_import, type="primary", key=K.DATA_LOAD,
              icon=":material/upload:", disabled=not ledgers)


def _datasets() -> None:
    """«Mina datamängder»: the stored datasets the user sees; open or share one."""
    from ui import dataset_list
    from ui import user_access as UA

    pol = UA.policy()
    if pol is not None:
        dataset_list.render(pol)


def _template_button() -> None:
    """«Ladda ned kontoplansmall»: every account of the chosen ledgers, made on click."""
    from functools import partial

    from forecast.io.kontoplan import template_download

    files = _files()
    if files is None:
        return
    kp = files.kontoplan
    make = partial(template_download,
                   [(f.data, f.name) for f in files.ledgers], _options(),
                   (kp.data, kp.name) if kp is not None else None)
    st.download_button(TEMPLATE_LABEL, data=make, file_name="kontoplan_mall.csv",
                       mime="text/csv", key=K.DATA_KP_TEMPLATE, on_click="ignore",
                       icon=":material/download:",
                       help="Huvudbokens alla konton med kontotext och summor; fyll i "
                            "kostnadsslag och läs in filen i fältet «Kontoplan (valfri)».")


def render() -> None:
    """Draw the page."""
    ctx = context()
    page_header("Data",
                "Läs in egen data (huvudbok, organisation, kontoplan) och se valideringen.", HELP)
    _current(outcome_months(ctx.ds))
    _upload_form()
    _report()
    _datasets()
    if not ctx.ds.is_example:
        st.button("Byt till exempeldata", on_click=_to_example, key=K.DATA_EXAMPLE,
                  icon=":material/restart_alt:")
