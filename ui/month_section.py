"""The end of the controller's month on the Prognos page: preview, «Lägg prognos», fastställ.

Thin: the preview is the core's unsaved draft (:func:`forecast.cycle.preview.preview`) shown
with the laid forecast's own tables; fastställ is :meth:`LaidStore.lock`, which writes the
audit trail. Errors are one Swedish line on the page.
"""

from __future__ import annotations

import streamlit as st

from forecast.cycle.adjustments import AdjustmentError
from forecast.cycle.laid import LaidError, LaidForecast
from forecast.cycle.preview import preview, same_adjustments
from forecast.io.formatting import fmt_mkr, fmt_timestamp, month_label
from forecast.store.base import StoreError
from ui import cycle_access as CA
from ui import state_keys as K
from ui import user_access as UA
from ui.data_access import Context, statistical
from ui.laid_section import adjusted_tables, lay_controls, saved_adjustments
from ui.text import md


def month_controls(ctx: Context, lf: LaidForecast | None, user: str | None) -> None:
    """Preview of the saved adjustments, then «Lägg prognos», then fastställ.

    Args:
        ctx: the data and month.
        lf: the month's current laid forecast (None if none).
        user: the user's name (None if unknown).
    """
    adjustment_preview(ctx, lf)
    lay_controls(ctx, lf, user)
    lock_controls(ctx, lf, user)


def adjustment_preview(ctx: Context, lf: LaidForecast | None) -> None:
    """The effect of the saved adjustments, statistical → adjusted, before they are laid.

    Shown at once: the statistical forecast is the month's stored one (no recomputation).
    """
    saved = saved_adjustments(ctx)
    if not saved:
        return
    if lf is not None and same_adjustments(saved, lf.adjustments):
        st.caption("De sparade justeringarna är de som ingår i den lagda prognosen ovan.")
        return
    st.subheader("Förhandsvisning av sparade justeringar (ej lagda)")
    try:
        draft = preview(statistical(ctx), saved, dataset=CA.dataset_name(ctx))
    except AdjustmentError as exc:
        st.error(f"Förhandsvisningen kan inte visas: {exc}")
        return
    s = draft.summary()
    st.caption(f"Den statistiska prognosen med de sparade justeringarna ({len(saved)} st), så "
               "som «Lägg prognos» skulle lägga den.")
    c1, c2, c3 = st.columns(3)
    c1.metric("Statistisk prognos", fmt_mkr(s["stat"], 1), border=True)
    c2.metric("Justerad prognos", fmt_mkr(s["final"], 1), border=True)
    c3.metric("Varav justeringar", fmt_mkr(s["adj"], 1), border=True)
    adjusted_tables(draft)


def lock_controls(ctx: Context, lf: LaidForecast | None, user: str | None) -> None:
    """Fastställ the month's current laid version: controllers, after an explicit confirmation.

    A month already fastställd says by whom and when, to everyone.
    """
    if lf is None:
        return
    info = CA.lock_info(ctx)
    if info is not None:
        st.success(f"Prognosen för {month_label(ctx.as_of, long=True)} är fastställd: version "
                   f"{info.version}, av {md(info.author)} {fmt_timestamp(info.created)}.",
                   icon=":material/verified:")
        return
    if not UA.is_controller(user):
        return
    st.subheader("Fastställ prognos")
    st.caption("Den fastställda versionen blir månadens prognos och kan inte ändras; senare "
               "lagda versioner sparas bredvid den.")
    month = K.month_key(ctx.data_hash, str(ctx.as_of))
    sure = st.checkbox(f"Jag bekräftar att version {lf.version} fastställs som prognos för "
                       f"{month_label(ctx.as_of, long=True)}",
                       key=K.lock_confirm(ctx.data_hash, str(ctx.as_of), lf.version))
    if st.button(f"Fastställ version {lf.version}", key=K.LOCK_BUTTON,
                 icon=":material/verified:", disabled=not sure):
        st.session_state[K.LOCK_MESSAGE] = (
            month, "Bekräfta först i rutan ovan." if not sure else _lock(ctx, lf, user or ""))
    msg = st.session_state.get(K.LOCK_MESSAGE)
    if msg and msg[0] == month:
        st.error(msg[1])


def _lock(ctx: Context, lf: LaidForecast, user: str) -> str:
    """Lock ``lf`` and draw the page again (now fastställd); else the Swedish reason."""
    store = UA.store()
    if store is None:
        return "Prognosen fastställdes inte: lagret kan inte öppnas."
    try:
        store.lock(CA.dataset_name(ctx), ctx.as_of, author=user, version=lf.version)
    except (LaidError, StoreError) as exc:
        return f"Prognosen fastställdes inte: {exc}"
    st.session_state.pop(K.LOCK_MESSAGE, None)
    st.rerun()
