"""The page «Data»: the current data set, upload of the user's own ledger, validation report.

A rejected file never replaces the current data: the new Dataset is written into session
state only when the importer accepts the file.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import streamlit as st

from forecast.io.formatting import fmt_number, month_label
from ui import state_keys as K
from ui.data_access import CoreMissing, context, core, current_dataset, outcome_months
from ui.widgets import help_box

HELP = """
Ladda upp en huvudbok som **CSV/TXT** (`;` eller `,` som avgränsare, decimalkomma eller
decimalpunkt) eller **Excel (.xlsx)**. En rad per månad, enhet, konto och typ:

| kolumn | namn som accepteras | exempel |
|---|---|---|
| månad | månad, period | 2023-04 |
| enhet | enhet, unit | enhetens kod |
| konto | konto, kostnadsslag | Personalkostnader |
| typ | typ, kind | utfall eller budget |
| belopp | belopp, belopp_tkr | -1 234,5 (tkr; kostnader negativa) |
| division | division, område (valfri) | krävs för enheter som inte finns sedan tidigare |

Alla fel i filen visas i en tabell med rad, kolumn och vad som är tillåtet. En fil med fel
läses inte in, och den data du redan har finns kvar. Största filstorlek: 50 MB. Filer med
makron (.xlsm) tas inte emot.
"""

PROBLEM_COLUMNS = {"file": "Fil", "row": "Rad", "column": "Kolumn", "message": "Problem",
                   "allowed": "Tillåtet"}


PREVIEW = 5
"""Problems listed in the error message itself (all of them are in the report table)."""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


def _md_escape(text: str) -> str:
    """``text`` with Markdown's special characters escaped (file values are shown verbatim)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _import_upload() -> None:
    """Callback of the uploader: import the file; replace the data only on success."""
    upload = st.session_state.get(K.UPLOADER)
    if upload is None:
        return
    data = upload.getvalue()
    sheet = (st.session_state.get(K.UPLOAD_SHEET) or "").strip() or None
    digest = hashlib.sha256(data + (sheet or "").encode()).hexdigest()
    if st.session_state.get(K.UPLOAD_DIGEST) == digest and K.UPLOAD_REPORT not in st.session_state:
        return
    st.session_state[K.UPLOAD_DIGEST] = digest
    try:
        importer = core("forecast.io.importer")
    except CoreMissing:
        st.session_state[K.UPLOAD_MESSAGE] = ("error", "Import är inte tillgänglig ännu.")
        return
    if len(data) > importer.MAX_UPLOAD_BYTES:
        st.session_state[K.UPLOAD_REPORT] = []
        st.session_state[K.UPLOAD_MESSAGE] = (
            "error", f"Filen '{upload.name}' är för stor: högst "
                     f"{fmt_number(importer.MAX_UPLOAD_BYTES / (1024 * 1024))} MB.")
        return
    try:
        ds = importer.load_user_data(data, upload.name, base=current_dataset(), sheet=sheet)
    except importer.ValidationFailed as exc:
        st.session_state[K.UPLOAD_REPORT] = [
            {PROBLEM_COLUMNS[k]: getattr(p, k) for k in PROBLEM_COLUMNS} for p in exc.problems
        ]
        head = exc.report(limit=0).splitlines()[0]
        first = [_md_escape(str(p)) for p in exc.problems[:PREVIEW]]
        more = "\n\nSe hela valideringsrapporten nedan." if exc.total > len(first) else ""
        st.session_state[K.UPLOAD_MESSAGE] = (
            "error", f"{_md_escape(head)} Nuvarande data behålls.\n\n"
                     + "\n".join(f"- {line}" for line in first) + more)
        return
    st.session_state[K.DATASET] = ds
    st.session_state.pop(K.AS_OF, None)  # default to the new data's last outcome month
    st.session_state.pop(K.UPLOAD_REPORT, None)
    months = outcome_months(ds)
    st.session_state[K.UPLOAD_MESSAGE] = (
        "success", f"Filen '{_md_escape(upload.name)}' lästes in: "
                   f"{fmt_number(len(ds.ledger))} rader, "
                   f"utfall t.o.m. {month_label(months[-1], long=True)}.")


def _reset() -> None:
    """Callback: go back to the embedded example data."""
    for key in (K.DATASET, K.AS_OF, K.UPLOAD_REPORT, K.UPLOAD_DIGEST):
        st.session_state.pop(key, None)
    st.session_state[K.UPLOAD_MESSAGE] = ("success", "Exempeldatan används igen.")


def _current(ctx_months: list[str]) -> None:
    ds = current_dataset()
    st.subheader("Aktuell data")
    # The source is text of any length: written out in full, not squeezed into a metric.
    st.markdown(f"**Källa:** {_md_escape(ds.source)}")
    c2, c3, c4 = st.columns([1, 1, 2])
    c2.metric("Rader i huvudboken", fmt_number(len(ds.ledger)), border=True)
    c3.metric("Enheter", fmt_number(len(ds.org.units)), border=True)
    c4.metric("Utfallsmånader", f"{month_label(ctx_months[0])} – {month_label(ctx_months[-1])}",
              border=True)
    st.caption(f"Indata-hash (SHA-256): `{ds.source_hash[:16]}…`")
    with st.expander("Enheter och divisioner"):
        st.dataframe(ds.org.to_frame().rename(columns={
            "unit": "Enhet", "unit_name": "Namn", "division": "Division"}),
            hide_index=True, width="stretch")


def _report() -> None:
    msg = st.session_state.get(K.UPLOAD_MESSAGE)
    if msg:
        kind, text = msg
        (st.error if kind == "error" else st.success)(text)
    problems = st.session_state.get(K.UPLOAD_REPORT)
    if problems:
        st.subheader("Valideringsrapport")
        st.caption("Varje problem i filen, med rad (rubrikraden är rad 1), kolumn och vad som "
                   "är tillåtet.")
        frame = pd.DataFrame(problems, columns=list(PROBLEM_COLUMNS.values()))
        frame["Rad"] = frame["Rad"].astype("Int64")
        st.dataframe(frame, hide_index=True, width="stretch",
                     column_config={"Rad": st.column_config.NumberColumn(format="%d")})


def render() -> None:
    """Draw the page."""
    ctx = context()
    st.title("Data")
    st.caption("Läs in egen huvudboksdata (CSV eller Excel) och se valideringen.")
    help_box(HELP)
    _current(outcome_months(ctx.ds))
    st.subheader("Ladda upp egen huvudbok")
    st.file_uploader("Huvudbok (CSV, TXT eller XLSX, högst 50 MB)",
                     type=["csv", "txt", "xlsx"], key=K.UPLOADER, on_change=_import_upload)
    st.text_input("Blad i XLSX-filen (tomt: ett blad som heter Ledger eller Huvudbok, annars "
                  "det första bladet)", key=K.UPLOAD_SHEET, on_change=_import_upload)
    _report()
    if K.DATASET in st.session_state:
        st.button("Återställ exempeldata", on_click=_reset, icon=":material/restart_alt:")
