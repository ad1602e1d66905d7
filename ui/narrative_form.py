"""The report's narrative written in the app: summary, comments, measures, risks, assumptions.

One ``st.form`` (nothing is saved until «Spara berättelsen»): a text field for the summary and
one per division of the dataset, and three ``st.data_editor`` tables with text cells, read by
the core (:func:`forecast.report.narrative_form.narrative_from_form`: Swedish numbers in the
stated unit, every problem named with table, row and column; nothing dropped or rounded). A
save is a new version in the store with the signed-in user as author (and a row in the audit
trail). The editors open on the latest saved version, keyed by it, so a save starts them anew.

Which narrative the report takes is the core's rule (:meth:`NarrativeStore.for_report`): a laid
forecast's own frozen narrative, else the latest draft; the page says which.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from forecast.report import narrative_form as NF
from forecast.report.narrative import KINDS, PROBABILITIES, Narrative, narrative_to_yaml
from forecast.store.base import StoreError
from ui import state_keys as K
from ui.text import md

if TYPE_CHECKING:
    from streamlit.elements.lib.column_types import ColumnConfig

Cell = str | float | None
"""A cell of the form's tables as typed (text) or stored (an amount)."""

UNIT_LABELS = {"mkr": "mkr (t.ex. 2,5)", "tkr": "tkr (t.ex. 2 500)"}


def _frame(rows: Sequence[Mapping[str, object]], columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame([{c: r.get(c, "") for c in columns} for r in rows], columns=list(columns),
                        dtype="object")


def _text_columns(columns: tuple[str, ...], unit: str,
                  amounts: tuple[str, ...]) -> dict[str, ColumnConfig]:
    cfg: dict[str, ColumnConfig] = {}
    for c in columns:
        label = f"{c}, {unit}" if c in amounts else c
        cfg[c] = st.column_config.TextColumn(label, max_chars=200)
    return cfg


def _editors(form: NF.NarrativeForm, suffix: str,
             ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    unit = form.unit
    st.markdown("**Åtgärder** (åtgärdsplanen: planerad effekt, effekt hittills och prognos)")
    measures = st.data_editor(
        _frame(form.measures, NF.MEASURE_COLUMNS), key=f"{K.NARR_MEASURES}__{suffix}",
        num_rows="dynamic", width="stretch", hide_index=True,
        column_config=_text_columns(NF.MEASURE_COLUMNS, unit, NF.MEASURE_COLUMNS[2:]))
    st.markdown("**Risker och möjligheter** (belopp från–till; en risk negativ, en möjlighet "
                "positiv)")
    cfg = _text_columns(NF.RISK_COLUMNS, unit, ("Belopp från", "Belopp till"))
    cfg["Typ"] = st.column_config.SelectboxColumn("Typ", options=list(KINDS), default="risk")
    cfg["Sannolikhet"] = st.column_config.SelectboxColumn("Sannolikhet",
                                                          options=list(PROBABILITIES))
    risks = st.data_editor(_frame(form.risks, NF.RISK_COLUMNS),
                           key=f"{K.NARR_RISKS}__{suffix}", num_rows="dynamic", width="stretch",
                           hide_index=True, column_config=cfg)
    st.markdown("**Prognosens antaganden**")
    assumptions = st.data_editor(
        _frame(form.assumptions, NF.ASSUMPTION_COLUMNS), key=f"{K.NARR_ASSUMPTIONS}__{suffix}",
        num_rows="dynamic", width="stretch", hide_index=True,
        column_config=_text_columns(NF.ASSUMPTION_COLUMNS, unit, ()))
    return measures, risks, assumptions


def _records(frame: object) -> list[dict[str, Cell]]:
    return list(frame.to_dict("records")) if isinstance(frame, pd.DataFrame) else []


def _show_message() -> None:
    msg = st.session_state.pop(K.NARR_MESSAGE, None)
    if msg is None:
        return
    kind, text = msg
    (st.success if kind == "success" else st.error)(text)


def narrative_form(draft: Narrative | None, divisions: list[str],
                   save: Callable[[Narrative], Narrative]) -> None:
    """The form, opened on ``draft``; ``save(narrative) -> Narrative`` stores a new version.

    ``save`` raises ``ValueError`` or ``StoreError`` with a Swedish message when it cannot
    store.
    """
    _show_message()
    unit = st.radio("Belopp anges i", list(NF.UNITS), key=K.NARR_UNIT, horizontal=True,
                    format_func=UNIT_LABELS.__getitem__,
                    help="Välj enhet innan du skriver; rapporten visar mkr med en decimal.")
    form = NF.form_of(draft, unit)
    suffix = f"{draft.version if draft else 0}__{unit}"
    with st.form(K.NARR_FORM, clear_on_submit=False, enter_to_submit=False):
        summary = st.text_area("Sammanfattning (inleder rapporten)", value=form.summary,
                               key=f"{K.NARR_SUMMARY}__{suffix}", max_chars=4000)
        comments = {d: st.text_area(f"Kommentar, {d}", value=form.comments.get(d, ""),
                                    key=f"{K.NARR_COMMENT_PREFIX}{d}__{suffix}",
                                    max_chars=4000, height=80)
                    for d in divisions}
        measures, risks, assumptions = _editors(form, suffix)
        st.caption("Tomma rader tas inte med; en rad med något ifyllt läses eller får ett "
                   "felmeddelande som namnger tabell, rad och kolumn.")
        submitted = st.form_submit_button("Spara berättelsen", type="primary")
    if not submitted:
        return
    typed = NF.NarrativeForm(summary=summary, comments=comments, measures=_records(measures),
                             risks=_records(risks), assumptions=_records(assumptions),
                             unit=unit)
    try:
        saved = save(NF.narrative_from_form(typed, divisions))
    except NF.NarrativeFormError as exc:
        st.error("Berättelsen sparades inte:\n" + "\n".join(f"- {md(p)}" for p in exc.problems))
        return
    except (ValueError, StoreError) as exc:
        st.error(f"Berättelsen sparades inte: {md(exc)}")
        return
    st.session_state[K.NARR_MESSAGE] = (
        "success", f"Berättelsen sparades som version {saved.version} av {md(saved.author)}.")
    st.rerun()


def download_button(draft: Narrative | None, as_of: str) -> None:
    """«Ladda ned berättelsen (YAML)»: the latest draft as the file the CLI and page read."""
    if draft is None:
        return
    st.download_button("Ladda ned berättelsen (YAML)", data=narrative_to_yaml(draft),
                       file_name=f"berattelse_{as_of}.yaml", mime="application/x-yaml",
                       key=K.NARR_DOWNLOAD, icon=":material/download:", on_click="ignore")
