"""Numbers typed by a user into a form field, read the Swedish way (pure functions).

A field's text is parsed by the importer's own strict parser
(:func:`forecast.io.parsing.parse_number`): "2,5" is two and a half, "2.5" too, "10 000"
ten thousand; "2,5 %" or "två" are refused, never guessed. A value outside the field's range
is refused with a Swedish message that names the field and what is allowed, so the caller can
show it and keep computing nothing from a value the user did not mean.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from forecast.io.formatting import NBSP, fmt_number
from forecast.io.parsing import ParseError, parse_number

MAX_ENTRY_CHARS = 40
"""Longest text a number field accepts (checked before parsing)."""


class EntryError(ValueError):
    """A field's text is not an allowed number; the message is Swedish and names the field."""


@dataclass(frozen=True)
class NumberField:
    """What a number field accepts.

    Attributes:
        label: the field's Swedish label (named in messages).
        minimum: smallest allowed value, or None.
        maximum: largest allowed value, or None.
        decimals: decimals shown (and accepted: more decimals are refused, never rounded).
        unit: shown after the range in messages, e.g. "%" or "mkr".
    """

    label: str
    minimum: float | None = None
    maximum: float | None = None
    decimals: int = 2
    unit: str = ""

    def __post_init__(self) -> None:
        if self.decimals < 0:
            raise ValueError("decimals must be ≥ 0")
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError("minimum > maximum")

    def allowed(self) -> str:
        """The allowed values in Swedish, e.g. "ett tal från 0 till 100 %, högst 2 decimaler"."""
        unit = f"{NBSP}{self.unit}" if self.unit else ""
        lo, hi = self.minimum, self.maximum
        if lo is not None and hi is not None:
            span = f"från {self.show(lo)} till {self.show(hi)}{unit}"
        elif lo is not None:
            span = f"minst {self.show(lo)}{unit}"
        elif hi is not None:
            span = f"högst {self.show(hi)}{unit}"
        else:
            span = ""
        dec = "ett heltal" if self.decimals == 0 else \
            f"ett tal med högst {self.decimals} decimal{'er' if self.decimals > 1 else ''}"
        return f"{dec}{' ' + span if span else ''} (decimalkomma, t.ex. {self.example()})"

    def example(self) -> str:
        """An example value inside the range, written the Swedish way."""
        lo = self.minimum if self.minimum is not None else 0.0
        hi = self.maximum if self.maximum is not None else lo + 10.0
        mid = lo + (hi - lo) / 4
        return self.show(round(mid, self.decimals) if self.decimals else math.floor(mid))

    def show(self, value: float) -> str:
        """``value`` as the field shows it: Swedish, without superfluous trailing zeros.

        At least one decimal is kept where the field has decimals ("2,5", "3,0"), so a
        decimal field never looks like an integer field.
        """
        text = fmt_number(value, self.decimals)
        if self.decimals > 1 and "," in text:
            whole, frac = text.split(",")
            frac = frac.rstrip("0") or "0"
            text = f"{whole},{frac}"
        return text

    def parse(self, text: str) -> float:
        """The number ``text`` stands for.

        Raises:
            EntryError: empty, not a number, too many decimals, or out of range.
        """
        raw = "" if text is None else str(text)
        if len(raw) > MAX_ENTRY_CHARS:
            raise EntryError(f"{self.label}: texten är för lång. Tillåtet: {self.allowed()}.")
        if not raw.strip():
            raise EntryError(f"{self.label}: ange ett värde. Tillåtet: {self.allowed()}.")
        try:
            value = parse_number(raw)
        except ParseError:
            raise EntryError(f"{self.label}: '{raw.strip()}' är inte ett tal. "
                             f"Tillåtet: {self.allowed()}.") from None
        if _decimals_of(raw) > self.decimals:
            raise EntryError(f"{self.label}: '{raw.strip()}' har för många decimaler. "
                             f"Tillåtet: {self.allowed()}.")
        if (self.minimum is not None and value < self.minimum) or \
                (self.maximum is not None and value > self.maximum):
            raise EntryError(f"{self.label}: {self.show(value)} ligger utanför det tillåtna. "
                             f"Tillåtet: {self.allowed()}.")
        return value


def _decimals_of(text: str) -> int:
    s = text.strip()
    for sep in (",", "."):
        if sep in s:
            return len(s.rsplit(sep, 1)[1].rstrip())
    return 0
