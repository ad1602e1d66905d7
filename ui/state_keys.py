"""Every session-state and widget key of the app, in one place.

Pages read and write ``st.session_state`` only through these names, so a test (AppTest or
Playwright) and the code agree on them and two pages never collide by accident.
"""

from __future__ import annotations

from typing import Final

# --- application state (set by code) -------------------------------------------------------
DATASET: Final = "bp_dataset"
"""The current Dataset when the user has uploaded one (absent: the embedded example)."""
UPLOAD_REPORT: Final = "bp_upload_report"
"""The last rejected upload's problems as a list of dicts (file/row/column/message/allowed)."""
UPLOAD_MESSAGE: Final = "bp_upload_message"
"""The last upload's outcome message (Swedish)."""
UPLOAD_DIGEST: Final = "bp_upload_digest"
"""SHA-256 of the last processed upload, so a rerun does not import the same file again."""
SCENARIO_BASE: Final = "bp_sc_base"
"""The Scenario the controls edit (preset or stored); unshown fields keep its values."""
SCENARIO_LAST: Final = "bp_sc_last"
"""The last valid Scenario shown on the Scenarier page (exported by the Export page)."""
SCENARIO_LOADED: Final = "bp_scenario_loaded"
"""Name of the scenario/preset whose values were last written into the controls."""
LAST_SAVED: Final = "bp_last_saved"
"""(name, version) of the scenario this session saved last (Jämför preselects it)."""
SAVE_MESSAGE: Final = "bp_save_message"
"""The outcome of the last «Spara exempelscenarierna i lagret» on Jämför (Swedish)."""
SC_SAVE_NOTE: Final = "bp_sc_save_note"
"""(message, scenario) of the last «Spara scenariot»: the message stays while that scenario is
the one on screen (a later rerun of any kind does not take it away)."""

SC_DRAFT: Final = "bp_sc_draft"
"""The scenario being edited (:class:`ui.scenario_state.Draft`): one object, read by every
page and export; the Scenarier controls are a view of it."""
SC_URL_MESSAGE: Final = "bp_sc_url_message"
"""Why the scenario named in the address could not be read (Swedish), shown once."""
SC_PENDING: Final = "bp_sc_pending"
"""(question, scenario, name) of a save waiting for the user's confirmation."""
SC_MEASURES_MESSAGE: Final = "bp_sc_measures_message"
"""The outcome of the last «Spara åtgärderna» (kind, text)."""
SC_PARAM_NAME: Final = "scenario"
"""URL query parameter: the saved scenario the draft is based on."""
SC_PARAM_VERSION: Final = "version"
"""URL query parameter: its version."""
SC_PARAM_DRAFT: Final = "utkast"
"""URL query parameter: the unsaved draft (``scenarios.document.encode``)."""
SC_PARAM_ORIGIN: Final = "forval"
"""URL query parameter: the preset an unsaved draft was opened from."""

DATA_PARAM: Final = "data"
"""URL query parameter holding the key of the user's stored dataset (survives a reload)."""
MONTH_PARAM: Final = "manad"
"""URL query parameter holding the as-of month (``YYYY-MM``; survives a reload)."""
MONTH_NOTE: Final = "bp_month_note"
"""(month shown, Swedish note) when the URL's month could not be used; shown until the user
picks another month."""
ROLES_AUDITED: Final = "bp_roles_audited"
"""Digest of the roles last checked against the audit trail in this session."""
DATASET_ID: Final = "bp_dataset_id"
"""The identity of the session's stored dataset (``ds-…``; absent for the example)."""
"""True once the user asked to recompute the statistical forecast over a laid one."""
ADJ_MESSAGE: Final = "bp_adj_message"
"""The outcome of the last "Spara" / "Lägg prognos" on the Prognos page (kind, text)."""
LAY_MESSAGE: Final = "bp_lay_message"
"""(month key, kind, text): the outcome of the last «Lägg prognos», shown on that month."""
LOCK_MESSAGE: Final = "bp_lock_message"
"""(month key, text): why the last «Fastställ» was refused, shown on that month."""

# --- widgets (set by the user) ---------------------------------------------------------------
ADJ_EDITOR: Final = "w_adj_editor"
LAY_COMMENT: Final = "w_lay_comment"
"""Prefix of the lay comment box's key (:func:`lay_comment`)."""
LOCK_CONFIRM: Final = "w_lock_confirm"
"""Prefix of the fastställ confirmation checkbox's key (:func:`lock_confirm`)."""
LOCK_BUTTON: Final = "w_lock_button"
CHG_PREVIOUS: Final = "w_chg_previous"
CHG_CURRENT: Final = "w_chg_current"
ACC_YEAR: Final = "w_acc_year"
FVA_DIVISION: Final = "w_fva_division"
FVA_CATEGORY: Final = "w_fva_category"
AS_OF: Final = "w_as_of"
UPLOADER: Final = "w_uploader"
"""The ledger files (one or more: outcome and budget together or apart; CSV/TXT/XLSX/SIE)."""
UP_ORG: Final = "w_up_org"
UP_KONTOPLAN: Final = "w_up_kontoplan"
UP_FTE: Final = "w_up_fte"
UP_MEASURES: Final = "w_up_measures"
UP_EFFECTS: Final = "w_up_effects"
DATA_BELOPP: Final = "w_data_belopp"
DATA_TECKEN: Final = "w_data_tecken"
DATA_SUMMA: Final = "w_data_summa"
DATA_LUCKOR: Final = "w_data_luckor"
DATA_BLAD: Final = "w_data_blad"
"""Widget: the XLSX sheet to read (empty: the importer's sheet rule)."""
DATA_LOAD: Final = "w_data_load"
DATA_EXAMPLE: Final = "w_data_example"
FC_DIVISION: Final = "w_fc_division"
FC_UNIT: Final = "w_fc_unit"
FC_CATEGORY: Final = "w_fc_category"
FC_YEAR: Final = "w_fc_year"
SC_PRESET: Final = "w_sc_preset"
SC_NAME: Final = "w_sc_name"
SC_DESCRIPTION: Final = "w_sc_description"
SC_AUTHOR: Final = "w_sc_author"
SC_DEFICIT: Final = "w_sc_deficit"
OV_CEILING: Final = "w_ov_ceiling"
LAST_FIGURES: Final = "bp_last_figures"
"""The year-end figures last shown (:class:`ui.recompute.Shown`), kept on screen as old
figures while a new month's forecast is computed."""
SC_STORED: Final = "w_sc_stored"
SC_VERSION: Final = "w_sc_version"
SC_DRAWS: Final = "w_sc_draws"
SC_MEASURE_NAME: Final = "w_sc_measure_name"
SC_MEASURE_AMOUNT: Final = "w_sc_measure_amount"
SC_MEASURE_START: Final = "w_sc_measure_start"
SC_MEASURE_UNIT: Final = "w_sc_measure_unit"
SC_MEASURE_ACCOUNT: Final = "w_sc_measure_account"
SC_MEASURE_LOW: Final = "w_sc_measure_low"
SC_MEASURE_LIKELY: Final = "w_sc_measure_likely"
SC_MEASURE_HIGH: Final = "w_sc_measure_high"
SC_MEASURE_ADD: Final = "w_sc_measure_add"
SC_MEASURE_REMOVE: Final = "w_sc_measure_remove"
SC_MEASURE_REMOVE_BUTTON: Final = "w_sc_measure_remove_button"
SC_DATA_MEASURES: Final = "w_sc_data_measures"
SC_SAVE_CONFIRM: Final = "w_sc_save_confirm"
SC_SAVE_CANCEL: Final = "w_sc_save_cancel"
CMP_DOWNLOAD_XLSX: Final = "w_cmp_dl_xlsx"
CMP_DOWNLOAD_DOCX: Final = "w_cmp_dl_docx"
CMP_DOWNLOAD_PDF: Final = "w_cmp_dl_pdf"
CMP_WITH_DRAFT: Final = "w_cmp_with_draft"
CMP_SELECTION: Final = "w_cmp_selection"
EXPORT_UNIT: Final = "w_export_unit"
EXPORT_DIALECT: Final = "w_export_dialect"
EXPORT_FORM: Final = "w_export_form"
EXPORT_REPORT_SCENARIO: Final = "w_export_report_scenario"
EXPORT_NARRATIVE: Final = "w_export_narrative"
EXPORT_NARRATIVE_SAVE: Final = "w_export_narrative_save"
EXPORT_TEMPLATE: Final = "w_export_template"

SC_CONTROL_PREFIX: Final = "w_sc_ctl__"
"""Prefix of the scenario assumption controls: ``w_sc_ctl__<path>``."""


def scenario_control(path: str) -> str:
    """The widget key of one scenario assumption control, e.g. ``dygnsvila.extra_fte``."""
    return f"{SC_CONTROL_PREFIX}{path}"


def month_key(data_hash: str, month: str) -> str:
    """The identity of a dataset's month in session state: ``<data hash>|<YYYY-MM>``."""
    return f"{data_hash}|{month}"


def lay_comment(data_hash: str, month: str, version: int) -> str:
    """The lay comment box's key for a dataset, month and current laid version (0: none).

    A new month, dataset or version is a new widget, so its box starts empty.
    """
    return f"{LAY_COMMENT}__{month_key(data_hash, month)}|v{version}"


def lock_confirm(data_hash: str, month: str, version: int) -> str:
    """The fastställ confirmation's key: a confirmation holds for one version only."""
    return f"{LOCK_CONFIRM}__{month_key(data_hash, month)}|v{version}"
