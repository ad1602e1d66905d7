"""One number field for the whole app: a text input read the Swedish way.

Streamlit's ``st.number_input`` reads "2,5" as 25 and speaks English ("Number is outside the
allowed range"). :func:`number_entry` is a text input whose text is parsed by the core
(:class:`forecast.io.entry.NumberField`): "2,5" is 2,5; anything else gets a Swedish message
under the field naming it and what is allowed, and the caller gets ``None`` so it can refuse to
compute from a value the user did not type.

The widget's session-state value is its *text*; :func:`set_entry` writes a number into it the
Swedish way (e.g. when a preset is loaded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import streamlit as st

from forecast.io.entry import MAX_ENTRY_CHARS, EntryError, NumberField

if TYPE_CHECKING:
    from streamlit.delta_generator import DeltaGenerator


def set_entry(key: str, field: NumberField, value: float) -> None:
    """Write ``value`` into the field ``key`` as Swedish text (before the widget is drawn)."""
    st.session_state[key] = field.show(value)


def read_entry(key: str, field: NumberField) -> tuple[float | None, str | None]:
    """The field's number and error message from session state (no widget drawn).

    Returns:
        ``(value, None)`` for valid text, ``(None, message)`` otherwise. A number stored by
        older code (not text) is taken as it is, range-checked.
    """
    raw: object = st.session_state.get(key, "")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = field.show(float(raw))
    try:
        return field.parse(str(raw)), None
    except EntryError as exc:
        return None, str(exc)


def number_entry(field: NumberField, key: str, *, default: float | None = None,
                 help: str | None = None,
                 label_visibility: Literal["visible", "hidden", "collapsed"] = "visible",
                 container: DeltaGenerator | None = None, show_error: bool = True
                 ) -> float | None:
    """Draw the field and return its number, or ``None`` (with a message shown) if invalid.

    Args:
        field: what the field accepts (label, range, decimals).
        key: the widget key (its session-state value is the text).
        default: the value shown when the key has no text yet.
        help: the field's help tooltip.
        label_visibility: Streamlit's label visibility; the label stays the field's
            accessible name even when collapsed.
        container: where to draw (default: the current container).
        show_error: draw the message under the field (else the caller shows
            :func:`read_entry`'s message, e.g. under a row of fields).
    """
    where = container if container is not None else st
    if key not in st.session_state and default is not None:
        set_entry(key, field, default)
    elif isinstance(st.session_state.get(key), int | float):
        set_entry(key, field, float(st.session_state[key]))
    where.text_input(field.label, key=key, max_chars=MAX_ENTRY_CHARS,
                     help=help or f"Tillåtet: {field.allowed()}.",
                     label_visibility=label_visibility)
    value, error = read_entry(key, field)
    if error is not None and show_error:
        where.error(error, icon=":material/error:")
    return value
