"""The account mapping (kontoplan): the region's account numbers → the report's categories.

A CSV/TXT or XLSX table ``konto_från;konto_till;kostnadsslag``: a single account (``konto_till``
empty) or a range of account numbers, mapped to one of the categories of the account hierarchy
(its name or an alias, e.g. ``Personalkostnader``, ``Inhyrd personal``, ``Inhyrd personal
läkare``), or to ``ingår ej`` for accounts deliberately left out (reported with their total).
A single key may also be an account *name* as the ledger writes it. Regions' Region-Bas
numbers differ, so the mapping is the user's: shown, checked, never guessed.

Rules: a range inside another range (or a single account inside a range) takes precedence
over it, so exceptions are written as narrower rows; ranges that partly overlap, or the same
account twice, are problems. Extra columns (``kontotext``, totals of the template made by
:func:`template`) are allowed and ignored.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from forecast.io.collect import Collector, parse_text
from forecast.io.parsing import ParseError, Problem, ValidationFailed, show
from forecast.io.readers.base import CLI_CONTROLS, Controls, ReadOptions
from forecast.io.small_tables import Column, read_side_table
from forecast.ledger.dimensions import AccountHierarchy

WHAT: Final = "kontoplanen"
EXCLUDED: Final = "ingår ej"
_NUMBER = re.compile(r"\d{1,12}")


def _key(v: Any) -> str:
    s = parse_text(v)
    if not s:
        raise ParseError("Kontot är tomt")
    return s


def _number(v: Any) -> str:
    s = parse_text(v)
    if not _NUMBER.fullmatch(s):
        raise ParseError(f"'{show(s)}' är inget kontonummer", "ett kontonummer (siffror)")
    return s


COLUMNS: Final = (
    Column("from", ("konto_från", "konto_fran", "konto från", "från", "fran", "konto",
                    "kontonummer", "from"), _key, "ett kontonummer eller ett kontonamn"),
    Column("to", ("konto_till", "konto till", "till", "to"), _number,
           "ett kontonummer (tomt för ett enskilt konto)", required=False),
    Column("category", ("kostnadsslag", "kategori", "category"), parse_text,
           "ett kostnadsslag i kontoplanen eller 'ingår ej'", required=False),
)


@dataclass(frozen=True)
class MapRow:
    """One mapping row: an account or a range of numbers → a leaf (or EXCLUDED)."""

    row: int
    start: str
    end: str | None
    leaf: str

    @property
    def numeric(self) -> bool:
        """Whether the row is a number or a number range (not a name)."""
        return bool(_NUMBER.fullmatch(self.start))

    @property
    def span(self) -> tuple[int, int]:
        """The range as integers (a single number is a range of one)."""
        return int(self.start), int(self.end or self.start)


@dataclass(frozen=True)
class AccountMap:
    """A checked kontoplan: map account keys as written to leaves of the hierarchy."""

    filename: str
    rows: tuple[MapRow, ...]

    def lookup(self, account: str) -> MapRow | None:
        """The mapping row for ``account``: exact name, else the narrowest range holding it."""
        key = " ".join(str(account).split()).casefold()
        for r in self.rows:
            if not r.numeric and r.start.casefold() == key:
                return r
        if not _NUMBER.fullmatch(str(account)):
            return None
        n = int(account)
        best: MapRow | None = None
        for r in self.rows:
            if r.numeric and r.span[0] <= n <= r.span[1]:
                if best is None or r.span[1] - r.span[0] < best.span[1] - best.span[0]:
                    best = r
        return best

    def to_frame(self) -> pd.DataFrame:
        """The mapping as shown to the user (Swedish headings)."""
        return pd.DataFrame([(r.start, r.end or "", r.leaf) for r in self.rows],
                            columns=["Konto från", "Konto till", "Kostnadsslag"])


def _category(accounts: AccountHierarchy, text: str) -> str | None:
    if " ".join(text.split()).casefold() == EXCLUDED:
        return EXCLUDED
    return accounts.resolve(text)


def read_kontoplan(data: bytes, filename: str, accounts: AccountHierarchy) -> AccountMap:
    """Read and check a kontoplan file.

    Raises:
        ValidationFailed: With every problem (unknown category, range backwards or partly
            overlapping another, a name with a range, an account twice).
    """
    t = read_side_table(data, filename, COLUMNS, what=WHAT, allow_extra=True)
    out = t.out
    rows: list[MapRow] = []
    listing = ", ".join(accounts.categories) + f", eller '{EXCLUDED}'"
    cat = t.parsed.get("category")
    to = t.parsed.get("to")
    for i, r in enumerate(t.rows):
        start = t.parsed["from"].values[i] if "from" in t.parsed else None
        if start is None:
            continue
        end = None if to is None or to.empty[i] or not to.ok[i] else to.values[i]
        text = None if cat is None or cat.empty[i] else cat.values[i]
        if text is None:
            if cat is not None and cat.ok[i]:
                out.add(int(r), t.headers.get("category", "kostnadsslag"),
                        f"Kontot {show(start)} saknar kostnadsslag", listing, check="kategori")
            continue
        leaf = _category(accounts, text)
        if leaf is None:
            out.add(int(r), t.headers["category"], f"Kostnadsslaget '{show(text)}' finns inte "
                    "i kontoplanen", listing, check="kategori")
            continue
        if not _range_ok(start, end, int(r), t.headers, out):
            continue
        rows.append(MapRow(int(r), start, end, leaf))
    _overlaps(rows, t.headers.get("from", "konto_från"), out)
    out.raise_if_any()
    return AccountMap(filename, tuple(rows))


def _range_ok(start: str, end: str | None, row: int, headers: dict[str, str],
              out: Collector) -> bool:
    if end is None:
        return True
    if not _NUMBER.fullmatch(start):
        out.add(row, headers["from"], f"'{show(start)}' är inget kontonummer men raden har "
                f"konto_till {end}", "ett kontonummer när konto_till är ifyllt", check="intervall")
        return False
    if int(end) < int(start):
        out.add(row, headers["to"], f"Intervallet {start}–{end} går baklänges",
                "konto_till större än eller lika med konto_från", check="intervall")
        return False
    return True


def _overlaps(rows: list[MapRow], column: str, out: Collector) -> None:
    """Partly overlapping ranges and doubled accounts are problems; nesting is allowed."""
    numeric = sorted((r for r in rows if r.numeric), key=lambda r: (r.span[0], -r.span[1]))
    for i, a in enumerate(numeric):
        for b in numeric[i + 1:]:
            if b.span[0] > a.span[1]:
                break
            nested = b.span[1] <= a.span[1] and b.span != a.span
            if not nested:
                out.add(b.row, column, f"Raden överlappar rad {a.row} ({_show(a)} och "
                        f"{_show(b)})", "intervall som inte överlappar, eller ett smalare "
                        "intervall helt inuti ett bredare (det smalare gäller)",
                        check="överlapp")
    names: dict[str, int] = {}
    for r in rows:
        if r.numeric:
            continue
        key = r.start.casefold()
        if key in names:
            out.add(r.row, column, f"Kontot '{show(r.start)}' står redan på rad {names[key]}",
                    "varje konto en gång", check="överlapp")
        names.setdefault(key, r.row)


def _show(r: MapRow) -> str:
    return r.start if r.end is None else f"{r.start}–{r.end}"


def unmapped_problem(filename: str, column: str, account: str, text: str | None,
                     rows: np.ndarray, amount: float, kontoplan: str | None,
                     controls: Controls | None = None) -> Problem:
    """The problem of an account of the ledger that the mapping does not cover.

    ``controls`` names where a kontoplan is given and a template made: the CLI's flags and
    command (default) or the app's field and button.
    """
    ctl = controls or CLI_CONTROLS
    shown = ", ".join(str(int(r)) for r in rows[:5]) + (
        f" och {len(rows) - 5} rader till" if len(rows) > 5 else "")
    label = f"Kontot {show(account)}" + (f" ({show(text)})" if text else "")
    where = f"i kontoplanen '{kontoplan}'" if kontoplan else "i någon kontoplan"
    allowed = ("en rad för kontot i kontoplanen (konto_från;konto_till;kostnadsslag)"
               if kontoplan else "ett kostnadsslag i kontoplanen, eller kontonummer med "
               f"{ctl.name('kontoplan')}; gör en mall med {ctl.name('kontoplansmall')}")
    return Problem(filename, int(rows[0]), column,
                   f"{label} finns inte {where} (rad {shown}; summa "
                   f"{_tkr(amount)} tkr)", allowed)


def _tkr(x: float) -> str:
    from forecast.io.formatting import fmt_number

    return fmt_number(x, 0) if abs(x) >= 10 else fmt_number(x, 1)


def template(raw: pd.DataFrame, texts: dict[str, str], accounts: AccountHierarchy,
             mapping: AccountMap | None = None) -> pd.DataFrame:
    """The kontoplan template: every account found, its text and totals, category if known.

    Args:
        raw: The raw ledger rows of all files (``forecast.io.readers.base.RAW_COLUMNS``).
        texts: Account → text (Kontotext, SIE ``#KONTO``).
        accounts: The hierarchy whose names fill ``kostnadsslag`` where the account is one.
        mapping: An existing kontoplan whose categories are filled in.

    Returns:
        Columns konto_från, konto_till, kostnadsslag, kontotext, utfall_tkr, budget_tkr,
        rader; sorted by account (numbers numerically first).
    """
    from forecast.ledger import schema as S

    g = raw.groupby([S.ACCOUNT, S.KIND])[S.AMOUNT].sum().unstack(fill_value=0.0)
    n = raw.groupby(S.ACCOUNT).size()
    recs = []
    for acc in g.index:
        hit = mapping.lookup(acc) if mapping is not None else None
        cat = hit.leaf if hit is not None else (accounts.resolve(acc) or "")
        recs.append((acc, "", cat, texts.get(acc, ""),
                     float(g.loc[acc].get("utfall", 0.0)), float(g.loc[acc].get("budget", 0.0)),
                     int(n.loc[acc])))
    frame = pd.DataFrame(recs, columns=["konto_från", "konto_till", "kostnadsslag", "kontotext",
                                        "utfall_tkr", "budget_tkr", "rader"])
    order = frame["konto_från"].map(lambda a: (0, int(a), "") if _NUMBER.fullmatch(a)
                                    else (1, 0, a.casefold()))
    return frame.iloc[sorted(range(len(frame)), key=lambda i: order.iat[i])].reset_index(
        drop=True)


def template_of_ledgers(ledgers: list[tuple[bytes, str]], options: ReadOptions,
                        kontoplan: tuple[bytes, str] | None = None
                        ) -> tuple[pd.DataFrame, list[Problem]]:
    """The kontoplan template of ledger files (the app's button, the CLI's ``kontoplan``).

    Args:
        ledgers: (bytes, file name) of each ledger file.
        options: how the amounts are read.
        kontoplan: an existing kontoplan whose categories are filled in.

    Returns:
        :func:`template`'s frame, and the problems that stopped reading the files (then the
        frame is empty).
    """
    from forecast.io.readers import read_ledger_source
    from forecast.io.readers.base import empty_raw

    accounts = AccountHierarchy()
    try:
        reads = [read_ledger_source(data, name, options) for data, name in ledgers]
    except ValidationFailed as exc:
        return template(empty_raw(), {}, accounts), list(exc.problems)
    problems = [p for r in reads for p in r.problems]
    mapping = None
    if kontoplan is not None and not problems:
        try:
            mapping = read_kontoplan(kontoplan[0], kontoplan[1], accounts)
        except ValidationFailed as exc:
            problems = list(exc.problems)
    if problems:
        return template(empty_raw(), {}, accounts), problems
    raw = pd.concat([r.frame for r in reads], ignore_index=True) if reads else empty_raw()
    texts = {k: v for r in reads for k, v in r.account_texts.items()}
    return template(raw, texts, accounts, mapping), []


def template_bytes(frame: pd.DataFrame) -> bytes:
    """A template as Swedish CSV bytes (``;``, decimal comma, UTF-8 with BOM).

    Texts are neutralised against spreadsheet formula injection and quoted; amounts are written
    with a decimal comma and no thousands separator, so the file reads back as a kontoplan.
    """
    from forecast.io.export import neutralise

    out = frame.copy()
    for col in ("konto_från", "konto_till", "kostnadsslag", "kontotext"):
        out[col] = out[col].map(lambda v: neutralise(str(v)) if v else "")
    for col in ("utfall_tkr", "budget_tkr"):
        out[col] = out[col].map(lambda x: f"{x:.3f}".replace(".", ","))
    return out.to_csv(sep=";", index=False, quoting=csv.QUOTE_ALL,
                      lineterminator="\r\n").encode("utf-8-sig")


def template_download(ledgers: list[tuple[bytes, str]], options: ReadOptions,
                      kontoplan: tuple[bytes, str] | None = None) -> bytes:
    """The app's «Ladda ned kontoplansmall»: :func:`template_bytes` of the ledgers.

    When the files cannot be read the file lists the problems instead (``fil;rad;kolumn;
    problem;tillåtet``), so the click never fails silently.
    """
    frame, problems = template_of_ledgers(ledgers, options, kontoplan)
    if not problems:
        return template_bytes(frame)
    from forecast.io.export import neutralise

    rows = pd.DataFrame([(p.file, "" if p.row is None else p.row, p.column or "", p.message,
                          p.allowed or "") for p in problems],
                        columns=["fil", "rad", "kolumn", "problem", "tillåtet"])
    rows = rows.map(lambda v: neutralise(str(v)))
    return rows.to_csv(sep=";", index=False, quoting=csv.QUOTE_ALL,
                       lineterminator="\r\n").encode("utf-8-sig")


def write_template(frame: pd.DataFrame, path: Path | str) -> None:
    """Write :func:`template_bytes` of ``frame`` to ``path``."""
    Path(path).write_bytes(template_bytes(frame))


__all__ = ["EXCLUDED", "AccountMap", "ValidationFailed", "read_kontoplan", "template",
           "template_bytes", "template_download", "template_of_ledgers", "unmapped_problem",
           "write_template"]
