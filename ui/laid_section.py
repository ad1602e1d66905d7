"""The Prognos page's laid forecast, its adjustments (edit table) and the «Lägg prognos» step.

Thin: every figure comes from :mod:`forecast.cycle` (the laid forecast's own tables); the
edit table keeps its source frame immutable and commits only on «Spara» (STYLE.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from forecast.cycle import tables as CT
from forecast.cycle.adjustment_file import parse_table, to_table
from forecast.cycle.adjustments import (
    SPREAD_RULES,
    Adjustment,
    AdjustmentError,
    apply_adjustments,
)
from forecast.cycle.laid import LaidError, LaidForecast, build_laid
from forecast.io.entry import MAX_ENTRY_CHARS
from forecast.io.formatting import fmt_mkr, fmt_timestamp
from forecast.io.parsing import ValidationFailed
from forecast.store.core import StoreError
from ui import cycle_access as CA
from ui import state_keys as K
from ui import user_access as UA
from ui.data_access import Context, statistical_entry
from ui.text import md
from ui.widgets import show_table

if TYPE_CHECKING:
    from streamlit.elements.lib.column_types import ColumnConfig

    from forecast.cycle.laid_store import LaidStore

AMOUNTS = (CT.ARSBUDGET, CT.STAT, CT.ADJ, CT.FINAL, CT.DEV)


def laid_summary(lf: LaidForecast) -> None:
    """The laid forecast at once (no recomputation): banner, metrics, statistical/adjusted."""
    s = lf.summary()
    st.info(f"Visar lagd prognos {lf.label()} av {md(lf.author)}, lagd "
            f"{fmt_timestamp(lf.created)}: {md(lf.comment)}", icon=":material/lock:")
    c1, c2 = st.columns(2)
    c3, c4 = st.columns(2)
    c1.metric(f"Årsprognos {lf.as_of.year} (lagd)", fmt_mkr(s["final"], 1), border=True)
    c2.metric("P10–P90", f"{fmt_mkr(s['p10'], 1)} – {fmt_mkr(s['p90'], 1)}", border=True)
    c3.metric("Avvikelse mot budget", fmt_mkr(s["deviation"], 1), border=True)
    c4.metric("Varav justeringar", fmt_mkr(s["adj"], 1), border=True,
              delta=f"{len(lf.adjustments)} st", delta_color="off", delta_arrow="off")
    st.subheader("Statistisk prognos, justeringar och årsprognos")
    adjusted_tables(lf)


def adjusted_tables(lf: LaidForecast) -> None:
    """Statistical → adjusted per division, and per division and category in an expander."""
    frame = CT.adjusted_frame(lf)
    show_table(CT.labelled(CT.division_totals(frame)), amount_columns=AMOUNTS)
    with st.expander("Per division och kostnadsslag"):
        show_table(CT.labelled(frame), amount_columns=AMOUNTS)


def saved_adjustments(ctx: Context) -> list[Adjustment]:
    """The month's latest saved adjustment set ([] if none, or after showing a fault)."""
    store = UA.store()
    if store is None:
        return []
    try:
        return store.adjustment_set(CA.dataset_name(ctx), ctx.as_of)
    except StoreError as exc:
        st.error(str(exc))
        return []


def _source_frame(ctx: Context, lf: LaidForecast | None) -> pd.DataFrame:
    saved = saved_adjustments(ctx)
    if not saved and lf is not None:
        saved = list(lf.adjustments)
    return to_table(saved)


AMOUNT_COLUMNS = ("belopp_tkr", "låg_tkr", "hög_tkr")
"""The edit table's amount columns: text, read by the core's Swedish number parser on «Spara»
(a number column would let the browser read "2,5" as 25 or drop it)."""
AMOUNT_HELP = ("tkr för hela perioden, kostnad −, intäkt +; decimalkomma och mellanslag som "
               "tusentalsavgränsare, t.ex. -2 500,5")


EDITOR_ORDER = ("enhet", "konto", "division", "kostnadsslag", "från_månad", "till_månad",
                "belopp_tkr", "kommentar", "låg_tkr", "hög_tkr", "fördelning", "författare")
"""The edit table's column order: what a row needs (targets, months, amount, reason) first."""
EDITOR_WIDTHS = {"enhet": 70, "konto": 110, "division": 100, "kostnadsslag": 110,
                 "från_månad": 100, "till_månad": 100, "belopp_tkr": 100, "kommentar": 200,
                 "låg_tkr": 90, "hög_tkr": 90, "fördelning": 100, "författare": 110}
"""Column widths in px (fixed, so the table looks the same whatever is typed in it)."""


def editor_columns() -> dict[str, ColumnConfig]:
    """The edit table's column configuration: amounts as right-aligned text, rules a list."""
    config: dict[str, ColumnConfig] = {
        c: st.column_config.TextColumn(c, width=EDITOR_WIDTHS[c]) for c in EDITOR_ORDER}
    for c in AMOUNT_COLUMNS:
        config[c] = st.column_config.TextColumn(c, help=AMOUNT_HELP, alignment="right",
                                                max_chars=MAX_ENTRY_CHARS,
                                                width=EDITOR_WIDTHS[c])
    config["fördelning"] = st.column_config.SelectboxColumn(
        options=list(SPREAD_RULES), width=EDITOR_WIDTHS["fördelning"])
    return config


def save_report(exc: ValidationFailed) -> str:
    """Why the edit table was not saved: a Swedish header, then each problem.

    Each problem names its row (1 = the table's first row) and column.
    """
    lines = exc.report(limit=10).splitlines()[1:]
    return "\n".join([f"Justeringarna sparades inte: {exc.total} problem i tabellen.", *lines])


def adjustment_editor(ctx: Context, lf: LaidForecast | None, user: str | None) -> None:
    """The edit table of the month's adjustments; «Spara» stores a new version of the set."""
    st.subheader("Justeringar")
    st.caption("En rad per justering: belopp i tkr för hela perioden från–till (kostnad −, "
               "intäkt +; decimalkomma, t.ex. -2 500,5), jämnt per månad; tomma mål gäller "
               "alla; fördelning prognos, budget eller lika; låg–hög vidgar fördelningen. "
               "Kommentar (orsak) krävs. Ny rad: klicka på den tomma sista raden; ta bort en "
               "rad: markera den i vänsterkanten och tryck Delete.")
    may = UA.is_controller(user)
    source = _source_frame(ctx, lf)
    edited = st.data_editor(source, key=K.ADJ_EDITOR, num_rows="dynamic", width="stretch",
                            disabled=not may or ["författare"], placeholder="",
                            alt="Justeringar: en rad per justering",
                            column_config=editor_columns(), column_order=EDITOR_ORDER)
    if not may:
        st.caption("Endast controllers kan ändra justeringar och lägga prognoser"
                   + ("" if user else " (logga in)") + ".")
        return
    if st.button("Spara justeringar", icon=":material/save:"):
        _save(ctx, edited, user or "")
    msg = st.session_state.get(K.ADJ_MESSAGE)
    if msg:
        (st.success if msg[0] == "ok" else st.error)(msg[1])


def _save(ctx: Context, edited: pd.DataFrame, user: str) -> None:
    try:
        adjs = parse_table(edited.drop(columns=["författare"]), "tabellen", author=user)
        n = UA.store().save_adjustment_set(  # type: ignore[union-attr]
            CA.dataset_name(ctx), ctx.as_of, adjs, author=user)
        st.session_state[K.ADJ_MESSAGE] = ("ok", f"Sparade {len(adjs)} justeringar "
                                                 f"(version {n}).")
    except ValidationFailed as exc:
        st.session_state[K.ADJ_MESSAGE] = ("fel", save_report(exc))
    except (StoreError, AttributeError) as exc:
        st.session_state[K.ADJ_MESSAGE] = ("fel", f"Justeringarna sparades inte: {exc}")


def lay_controls(ctx: Context, lf: LaidForecast | None, user: str | None) -> None:
    """«Lägg prognos»: the statistical forecast plus the saved adjustments, as a new version.

    The comment box is keyed by data, month and current version, so each starts empty; after
    a lay the page is drawn again with the new version (and an empty box).
    """
    if not UA.is_controller(user):
        return
    st.subheader("Lägg prognos")
    month = K.month_key(ctx.data_hash, str(ctx.as_of))
    box = K.lay_comment(ctx.data_hash, str(ctx.as_of), lf.version if lf is not None else 0)
    comment = st.text_input("Kommentar till den lagda prognosen", key=box)
    st.caption("Berättelsen till rapporten som gäller nu (sidan Export) fryses med den lagda "
               "versionen; senare ändringar av den blir ett nytt utkast.")
    if st.button("Lägg prognos", icon=":material/lock:", disabled=not comment.strip()):
        outcome = _lay(ctx, comment, user or "")
        st.session_state[K.LAY_MESSAGE] = (month, *outcome)
        if outcome[0] == "ok":
            del st.session_state[box]
            st.rerun()
    msg = st.session_state.get(K.LAY_MESSAGE)
    if msg and msg[0] == month:
        (st.success if msg[1] == "ok" else st.error)(msg[2])


def _lay(ctx: Context, comment: str, user: str) -> tuple[str, str]:
    store = UA.store()
    if store is None:
        return "fel", "Prognosen lades inte: lagret kan inte öppnas."
    try:
        adjs = store.adjustment_set(CA.dataset_name(ctx), ctx.as_of)
        rf, sid = statistical_entry(ctx)
        draft = build_laid(apply_adjustments(rf, adjs), dataset=CA.dataset_name(ctx),
                           author=user, comment=comment, method="standard årsprognos (appen)",
                           parameters={"Banor per serie": str(rf.n_paths),
                                       "Slumpfrö": str(rf.seed), "Källa": ctx.ds.source},
                           stat_forecast_id=sid)
        rec = store.lay(draft)
    except (AdjustmentError, LaidError, StoreError) as exc:
        return "fel", f"Prognosen lades inte: {exc}"
    return "ok", f"Lagd prognos {rec.label()} av {md(rec.author)}.{_frozen_words(store, rec.id)}"


def _frozen_words(store: LaidStore, laid_id: int) -> str:
    """Which narrative was frozen with the version just laid, as a sentence (empty on a fault)."""
    from forecast.report.narrative_store import NarrativeStore

    try:
        _, words = NarrativeStore(store.url).frozen(laid_id)
    except StoreError:
        return ""
    return (" Ingen berättelse var sparad för månaden." if words is None else
            f" Berättelsen version {words.version} av {md(words.author)} är fryst med den.")
