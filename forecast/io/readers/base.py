"""The shared base of the ledger readers: options, the raw ledger frame and the problem list.

Every input format (table files in :mod:`forecast.io.readers.table`, SIE in
:mod:`forecast.io.readers.sie`) returns a :class:`LedgerRead`: the same raw frame of one row
per booked amount with the account *as written* (a number such as ``5011`` or a category
name), the same :class:`~forecast.io.parsing.Problem` list and the notes a user should see
(title rows skipped, kronor divided by 1 000, sum rows dropped). Mapping accounts to
categories, checking units against the organisation and assembling the
:class:`~forecast.ledger.dataset.Dataset` happen once, for every format, in
:mod:`forecast.io.dataset_files`.

Amounts in the raw frame are tkr in the reports' sign convention (revenue +, cost −).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from forecast.io.parsing import ParseError, Problem, parse_number, show
from forecast.ledger import schema as S

AmountUnit = Literal["kr", "tkr"]
SignConvention = Literal["rapport", "debet"]

# Columns of the raw frame (besides the ledger's period/unit/account/kind/amount_tkr).
FILE: Final = "file"
ROW: Final = "row"
ACCOUNT_TEXT: Final = "account_text"
CODING: Final = "coding"
"""Further coding dimensions of the row (Verksamhet, Motpart, …) joined as text; rows that
differ only there are summed, rows equal there too are duplicates."""
RAW_COLUMNS: Final = (FILE, ROW, S.PERIOD, S.UNIT, S.ACCOUNT, ACCOUNT_TEXT, S.KIND, S.AMOUNT,
                      S.DIVISION, CODING)

BELOPP_ALLOWED: Final = "kr eller tkr"
TECKEN_ALLOWED: Final = ("rapport (intäkter positiva, kostnader negativa) eller debet "
                         "(kostnader positiva, intäkter negativa, som i huvudboken)")


@dataclass(frozen=True)
class Controls:
    """How messages name the reading options: the CLI's flags, or the app's own fields.

    A message that tells the user to choose another option names the control the user has:
    ``--tecken debet`` on the command line, «debet» in the field «Tecken i huvudboken» in the
    app. :meth:`choose` writes that phrase.

    Attributes:
        names: option (``belopp``, ``tecken``, ``summarader``, ``blad``) → the control's name.
        values: (option, value) → how the control shows the value (default: the value).
        flags: True for command-line flags (``--belopp kr``), False for fields.
    """

    names: tuple[tuple[str, str], ...] = (("belopp", "--belopp"), ("tecken", "--tecken"),
                                          ("summarader", "--hoppa-over-summarader"),
                                          ("blad", "--blad"), ("organisation", "--organisation"),
                                          ("atgarder", "--atgarder"),
                                          ("atgardseffekter", "--atgardseffekter"),
                                          ("kontoplan", "--kontoplan FIL"),
                                          ("luckor", "--luckor-ar-noll"),
                                          ("kontoplansmall", "budgetprognos kontoplan "
                                                             "--data FIL --out mall.csv"))
    values: tuple[tuple[tuple[str, str], str], ...] = ()
    flags: bool = True

    def name(self, option: str) -> str:
        """The control of ``option``, e.g. ``--tecken`` or ``fältet «Tecken i huvudboken»``."""
        return dict(self.names).get(option) or dict(CLI_NAMES)[option]

    def choose(self, option: str, value: str | None = None) -> str:
        """``--tecken debet`` or ``«debet (…)» i fältet «Tecken i huvudboken»``."""
        if value is None:
            return self.name(option)
        if self.flags:
            return f"{self.name(option)} {value}"
        return f"«{dict(self.values).get((option, value), value)}» i {self.name(option)}"


CLI_CONTROLS: Final = Controls()
CLI_NAMES: Final = CLI_CONTROLS.names
"""The command line's flags."""


@dataclass(frozen=True)
class ReadOptions:
    """How to read amounts; the CLI flags ``--belopp``, ``--tecken``, ``--hoppa-over-summarader``.

    Attributes:
        amount_unit: ``kr`` (divided by 1 000 on read) or ``tkr``; None: what the amount
            column's header says (``Belopp kr``), else tkr.
        sign: ``rapport`` (revenue +, cost −, as the reports) or ``debet`` (cost +, revenue −,
            as most ledgers store them; flipped on read); None: not given, i.e. rapport for
            tables. SIE is always debet.
        skip_sum_rows: Drop ``Summa``/subtotal rows (reported) instead of refusing the file.
        sheet: The XLSX sheet to read (``--blad``); None: the importer's sheet rule.
        gaps_as_zero: A month missing inside a series (between its first and last month)
            is zero (``--luckor-ar-noll``, the app's «Saknade månader inom en serie är 0»)
            instead of a problem; the count is noted. Writing a row with 0 states it one
            month at a time.
        controls: How messages name these options (the CLI's flags or the app's fields);
            not part of the data (not compared, not in the dataset's hash).
    """

    amount_unit: AmountUnit | None = None
    sign: SignConvention | None = None
    skip_sum_rows: bool = False
    sheet: str | None = None
    gaps_as_zero: bool = False
    controls: Controls = field(default=CLI_CONTROLS, compare=False)

    def __post_init__(self) -> None:
        """Refuse values outside the allowed ones (Swedish message)."""
        if self.amount_unit not in (None, "kr", "tkr"):
            raise ValueError(f"Okänd beloppsenhet '{show(self.amount_unit)}'; tillåtet: "
                             f"{BELOPP_ALLOWED}")
        if self.sign not in (None, "rapport", "debet"):
            raise ValueError(f"Okänd teckenkonvention '{show(self.sign)}'; tillåtet: "
                             f"{TECKEN_ALLOWED}")


@dataclass
class LedgerRead:
    """What one ledger file gave: raw rows, problems, notes and names found on the way.

    Attributes:
        filename: The file name as the user gave it.
        frame: Columns :data:`RAW_COLUMNS`; ``period`` as month ordinals (int64), ``account``
            as written, ``amount_tkr`` in tkr and the reports' sign.
        problems: Everything wrong with the file (empty when it can be used).
        total_problems: How many problems were found (may exceed ``len(problems)``).
        notes: What was done that the user should know (Swedish sentences).
        unit_names: Unit code → name given by the file (SIE ``#OBJEKT``, a name column).
        account_texts: Account as written → its text (``Kontotext``, SIE ``#KONTO``).
        sign_checked: True when the format fixes the sign (SIE), so no sign warning applies.
        dropped: Rows dropped on purpose (sum rows with ``skip_sum_rows``, SIE rows outside
            the result accounts): how many, and their total in tkr per kind.
        unit_source: What decided the amount unit, in words (empty for SIE: always kronor).
    """

    filename: str
    frame: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    total_problems: int = 0
    notes: list[str] = field(default_factory=list)
    unit_names: dict[str, str] = field(default_factory=dict)
    account_texts: dict[str, str] = field(default_factory=dict)
    sign_checked: bool = False
    dropped: int = 0
    reading: list[str] = field(default_factory=list)
    """How the amounts were read: the unit and the sign, each with what decided it (also
    among ``notes``)."""
    sign_source: str = ""
    """What decided the sign convention, with its evidence (empty: the option or SIE)."""
    unit_source: str = ""
    """What decided the unit (the option, a header, a title row, the amounts' size)."""

    def read_totals(self) -> dict[str, float]:
        """Sum of the amounts kept, tkr, per kind (the totals-kept check's left side)."""
        return {k: float(v) for k, v in self.frame.groupby(S.KIND)[S.AMOUNT].sum().items()}


def empty_raw() -> pd.DataFrame:
    """A raw frame with no rows and the right dtypes."""
    return pd.DataFrame({
        FILE: pd.Series([], dtype=object), ROW: pd.Series([], dtype=np.int64),
        S.PERIOD: pd.Series([], dtype=np.int64), S.UNIT: pd.Series([], dtype=object),
        S.ACCOUNT: pd.Series([], dtype=object), ACCOUNT_TEXT: pd.Series([], dtype=object),
        S.KIND: pd.Series([], dtype=object), S.AMOUNT: pd.Series([], dtype=np.float64),
        S.DIVISION: pd.Series([], dtype=object), CODING: pd.Series([], dtype=object),
    })


_PARENS = re.compile(r"\(\s*([^()]*?)\s*\)")
_TRAILING_MINUS = re.compile(r"(.*\d)\s*[-\u2212]")


def parse_amount(text: str) -> float:
    """An amount as finance systems print it: ``-1 234,5``, ``(1 234)`` or ``1 234-``.

    Parentheses and a trailing minus mean a negative amount; otherwise as
    :func:`~forecast.io.parsing.parse_number` (strict: no units, no other characters).

    Raises:
        ParseError: If ``text`` is not such a number.
    """
    s = text.strip()
    if m := _PARENS.fullmatch(s):
        inner = m.group(1)
        if inner.startswith(("-", "+", "\u2212")):
            raise ParseError(f"Beloppet '{show(text)}' har både parentes och tecken")
        return -parse_number(inner)
    if m := _TRAILING_MINUS.fullmatch(s):
        inner = m.group(1)
        if inner.startswith(("-", "+", "\u2212")):
            raise ParseError(f"Beloppet '{show(text)}' har tecken både före och efter")
        return -parse_number(inner)
    return parse_number(s)


AMOUNT_ALLOWED: Final = (
    "ett tal, t.ex. -1 234,5, 1234.5, (1 234) eller 1 234- (parentes eller minus efter "
    "talet betyder negativt; mellanslag som tusentalsavgränsare; inga enheter)"
)


def scale_and_sign(values: np.ndarray, *, kronor: bool, debet: bool) -> np.ndarray:
    """Amounts as read → tkr in the reports' sign (kr / 1 000; debet flipped)."""
    out = np.asarray(values, dtype=np.float64)
    if kronor:
        out = out / 1000.0
    if debet:
        out = -out
    return out + 0.0  # no negative zeros


def unit_note(kronor: bool, source: str) -> str:
    """The note saying which unit the amounts were read in."""
    if kronor:
        return f"Beloppen lästes i kronor ({source}) och delades med 1 000 till tkr."
    return f"Beloppen lästes i tkr ({source})."


_TKR_WORDS = re.compile(r"(?<![\w])(tkr|tsek|ksek|kkr|tusental\s+kronor|tusen\s+kronor|"
                        r"tusentals\s+kronor)(?![\w])", re.IGNORECASE)
_KR_WORDS = re.compile(r"(?<![\w])(kronor|kr|sek)(?![\w])", re.IGNORECASE)
_MKR_WORDS = re.compile(r"(?<![\w])(mkr|mnkr|msek|miljoner\s+kronor)(?![\w])", re.IGNORECASE)


def stated_unit(text: str) -> AmountUnit | Literal["mkr"] | None:
    """The amount unit a title or header text states: ``tkr``, ``kr``, ``mkr`` or None.

    "Belopp i tkr", "tusental kronor" → tkr; "Belopp i kronor", "kr", "SEK" → kr;
    "mkr" → mkr (not a unit the ledger can be read in). A text naming two units states none.
    """
    found = {u for u, rx in (("tkr", _TKR_WORDS), ("mkr", _MKR_WORDS)) if rx.search(text)}
    rest = _MKR_WORDS.sub(" ", _TKR_WORDS.sub(" ", text))
    if _KR_WORDS.search(rest):
        found.add("kr")
    return found.pop() if len(found) == 1 else None  # type: ignore[return-value]


SIZE_TKR_BELOW: Final = 5_000.0
"""A file silent about its unit whose typical amount (median of the non-zero |amounts|) is
below this reads as tkr: a unit's month on one account is rarely 5 mkr."""
SIZE_KR_FROM: Final = 100_000.0
"""… and from this as kronor: a typical row of 100 mkr would be far beyond any region."""


def unit_by_size(amounts: np.ndarray) -> AmountUnit | None:
    """``tkr`` or ``kr`` when the typical size of ``amounts`` says it, None when ambiguous."""
    a = np.abs(np.asarray(amounts, dtype=np.float64))
    a = a[np.isfinite(a) & (a > 0)]
    if a.size == 0:
        return "tkr"
    typical = float(np.median(a))
    if typical < SIZE_TKR_BELOW:
        return "tkr"
    if typical >= SIZE_KR_FROM:
        return "kr"
    return None


def sign_note(debet: bool) -> str:
    """The note saying which sign convention was applied."""
    if debet:
        return ("Beloppen lästes med debet/kredit-tecken (kostnader positiva) och vändes till "
                "rapporternas tecken (intäkter +, kostnader −).")
    return "Beloppen lästes med rapporternas tecken (intäkter +, kostnader −)."


def per_distinct(values: pd.Series | np.ndarray, fn: Callable[[Any], Any],
                 dtype: Any = bool) -> np.ndarray:
    """``fn`` of every value, computed once per distinct value (missing values included).

    A ledger column holds a few hundred distinct texts in 300 000 rows; a Python call per
    row (``.str.strip()``, ``.str.startswith``) cost ~0,5 s a column.
    """
    codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
    out = np.array([fn(v) for v in uniques] + [fn(None)], dtype=dtype)
    return out[np.where(codes < 0, len(uniques), codes)]
