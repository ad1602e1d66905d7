"""SIE files (the Swedish standard exchange format, types 3 and 4; ``.se``, ``.si``, ``.sie``).

What is read:

- ``#PSALDO årsnr period konto {objekt} saldo`` (type 3): the month's balance of a result
  account per object → outcome; ``#PBUDGET`` (same shape) → budget.
- ``#VER serie nr datum …`` with ``{ #TRANS konto {objekt} belopp [transdat] … }`` (type 4):
  transactions → outcome per month (the transaction date when given, else the voucher's). When
  a file has transactions, its ``#PSALDO`` rows are not used (they would count twice): noted.
- ``#DIM nr "namn"``: the unit (ansvar) dimension is the one named ansvar, else
  kostnadsställe, resultatenhet or enhet (in that order), else dimension 1.
  ``#OBJEKT dim "kod" "namn"`` fill unit names.
- ``#KONTO nr "text"`` fill account texts; ``#KTYP nr T|S|K|I`` tells balance accounts (T, S;
  without ``#KTYP``: account classes 1–2) from result accounts. Balance accounts are left out
  and reported; ``#RTRANS``/``#BTRANS`` (corrections kept for history) are not used, as the
  format prescribes.

SIE amounts are kronor with debet positive (cost +, revenue −): they are divided by 1 000 and
flipped to the reports' sign. The text is CP437 (``#FORMAT PC8``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from forecast.io.collect import Collector
from forecast.io.limits import (
    MAX_SIE_BRACES,
    MAX_SIE_LINES,
    MAX_SIE_RECORDS,
    MAX_SIE_VOUCHERS,
    fmt_int,
)
from forecast.io.parsing import (
    ParseError,
    ValidationFailed,
    check_lines,
    parse_month_cell,
    show,
    utf8_line,
)
from forecast.io.readers import base as B
from forecast.ledger import schema as S

SIE_EXTENSIONS: Final = (".se", ".si", ".sie")
UNIT_DIM_NAMES: Final = ("ansvar", "kostnadsställe", "kostnadsstalle", "resultatenhet", "enhet")
_NESTED = re.compile(r"\{[^}]*\{")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\{[^}]*\}|[^\s"{}]+')
_AMOUNT = re.compile(r"-?\d+(?:\.\d+)?")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_OBJ_ALLOWED: Final = '{dimension "objekt" …}, t.ex. {1 "1101"}'


def tokens(line: str) -> list[str]:
    """Split one SIE line into fields (quotes removed and unescaped; ``{…}`` kept whole)."""
    out = []
    for t in _TOKEN.findall(line):
        if t.startswith('"'):
            t = re.sub(r"\\(.)", r"\1", t[1:-1])
        out.append(t)
    return out


def objects(field_: str) -> dict[str, str]:
    """An object list ``{1 "1101" 6 "P1"}`` as {dimension: object}.

    Raises:
        ParseError: If the list does not come in dimension/object pairs.
    """
    if not (field_.startswith("{") and field_.endswith("}")):
        raise ParseError(f"Objektlistan '{show(field_)}' saknar klammerparenteser")
    inner = tokens(field_[1:-1])
    if len(inner) % 2:
        raise ParseError(f"Objektlistan '{show(field_)}' har inte par av dimension och objekt")
    return {inner[i]: inner[i + 1] for i in range(0, len(inner), 2)}


def _amount(text: str) -> float:
    if not _AMOUNT.fullmatch(text):
        raise ParseError(f"Beloppet '{show(text)}' är inget SIE-belopp")
    return float(text)


def _month_of_date(text: str) -> int:
    m = _DATE.fullmatch(text)
    if not m:
        raise ParseError(f"Datumet '{show(text)}' är inget SIE-datum")
    return parse_month_cell(f"{m.group(1)}-{m.group(2)}-{m.group(3)}")


@dataclass
class _State:
    """Everything gathered while walking the lines of one file."""

    dims: dict[str, str] = field(default_factory=dict)
    objects: dict[tuple[str, str], str] = field(default_factory=dict)
    accounts: dict[str, str] = field(default_factory=dict)
    ktyp: dict[str, str] = field(default_factory=dict)
    balances: list[tuple[int, str, str, int, str, dict[str, str], float]] = field(
        default_factory=list)  # (line, record, kind, period, account, objects, amount)
    trans: list[tuple[int, str, str, int, str, dict[str, str], float]] = field(
        default_factory=list)
    voucher_month: int | None = None
    voucher_line: int = 0
    open_brace: int = 0  # line of the voucher's open '{', 0 outside a voucher body
    records: int = 0
    sietyp: str = ""
    fmt: str = ""


def read_sie(data: bytes, filename: str, options: B.ReadOptions) -> B.LedgerRead:
    """Read one SIE 3/4 file into the raw ledger frame.

    Raises:
        ValidationFailed: If the file is not SIE at all (no ``#`` records).
    """
    data = bytes(data)
    _check_size(data, filename)
    text = data.decode("cp437")
    lines = text.splitlines()
    if not any(line.lstrip().startswith("#") for line in lines[:50]):
        raise ValidationFailed([B.Problem(filename, 1, None, "Filen är ingen SIE-fil (inga "
                                          "#-poster i början)", "en SIE-fil typ 3 eller 4")])
    out = Collector(filename, {None: -1})
    st = _State()
    for n, line in enumerate(lines, start=1):
        _line(line.strip(), n, st, out)
    if st.open_brace:
        out.add(st.voucher_line, "#VER", f"Verifikationen på rad {st.voucher_line} saknar "
                f"sitt avslutande }} (öppnades med {{ på rad {st.open_brace})",
                _BRACES_ALLOWED, check="klammer")
    result = B.LedgerRead(filename, B.empty_raw(), sign_checked=True)
    _check_header(st, options, out)
    if (at := utf8_line(data)) is not None:
        out.add(at[0], "#FORMAT", f"Rad {at[0]} är skriven i UTF-8 ('{at[1]}'), men SIE-filer "
                f"är CP437 (#FORMAT {st.fmt or 'PC8'}): texterna skulle läsas fel",
                "en SIE-fil sparad med #FORMAT PC8 (CP437), som SIE-formatet föreskriver",
                check="format")
    result.frame = _frame(st, filename, out, result)
    result.unit_names = {obj: name for (dim, obj), name in st.objects.items()
                         if dim == _unit_dim(st)}
    result.account_texts = dict(st.accounts)
    result.problems, result.total_problems = out.items, out.total
    result.notes.append(B.unit_note(True, "SIE anger alltid kronor"))
    result.notes.append(B.sign_note(True))
    return result


_BRACES_ALLOWED: Final = ("varje #VER följd av { på egen rad, dess #TRANS-rader och } på "
                          "egen rad; inga andra { eller }")


def _check_size(data: bytes, filename: str) -> None:
    """Refuse a SIE file whose lines, records or vouchers exceed their limits, from its bytes.

    Raises:
        ValidationFailed: naming the count and the limit.
    """
    check_lines(data, filename, MAX_SIE_LINES, what="SIE-filen")
    records = sum(data.count(t) for t in (b"#TRANS", b"#PSALDO", b"#PBUDGET"))
    vouchers = data.count(b"#VER")
    for n, limit, what in ((records, MAX_SIE_RECORDS, "poster (#TRANS, #PSALDO, #PBUDGET)"),
                           (vouchers, MAX_SIE_VOUCHERS, "verifikationer (#VER)")):
        if n > limit:
            raise ValidationFailed([B.Problem(
                filename, None, None, f"SIE-filen har för många {what}: {fmt_int(n)} "
                f"(gränsen är {fmt_int(limit)})", f"högst {fmt_int(limit)}; exportera en "
                "kortare period per fil")])


def _brace(line: str, n: int, st: _State, out: Collector) -> None:
    """A voucher's ``{`` or ``}`` line; an unbalanced one is a problem naming its line."""
    if line == "{":
        if st.open_brace:
            out.add(n, None, f"Extra {{ på rad {n}: verifikationen öppnades redan på rad "
                    f"{st.open_brace}", _BRACES_ALLOWED, check="klammer")
        elif st.voucher_month is None and not st.voucher_line:
            out.add(n, None, f"{{ på rad {n} står inte efter en #VER", _BRACES_ALLOWED,
                    check="klammer")
        st.open_brace = st.open_brace or n
        return
    if not st.open_brace:
        out.add(n, None, f"}} på rad {n} stänger ingen verifikation", _BRACES_ALLOWED,
                check="klammer")
    st.open_brace, st.voucher_month, st.voucher_line = 0, None, 0


def _line(line: str, n: int, st: _State, out: Collector) -> None:
    if not line.startswith("#"):
        if line in ("{", "}"):
            _brace(line, n, st, out)
            return
        if not line:
            return
        out.add(n, None, f"Raden '{show(line)}' är ingen SIE-post", "rader som börjar med #, "
                "eller { och } runt en verifikations #TRANS-rader", check="post")
        return
    if "{" in line or "}" in line:
        opened, closed = line.count("{"), line.count("}")
        if opened != closed or opened > MAX_SIE_BRACES or _NESTED.search(line):
            out.add(n, None, f"Raden har obalanserade eller nästlade klammerparenteser "
                    f"({fmt_int(opened)} {{ och {fmt_int(closed)} }})",
                    f"objektlistor {{dimension \"objekt\" …}} utan nästling, högst "
                    f"{MAX_SIE_BRACES} per rad", check="klammer")
            return
    f = tokens(line)
    tag = f[0].upper()
    if tag == "#VER" and st.open_brace:
        out.add(st.voucher_line, "#VER", f"Verifikationen på rad {st.voucher_line} saknar "
                f"sitt avslutande }} (nästa #VER på rad {n})", _BRACES_ALLOWED, check="klammer")
        st.open_brace = 0
    if tag in ("#TRANS", "#PSALDO", "#PBUDGET"):
        st.records += 1
        if st.records > MAX_SIE_RECORDS:  # the byte count above makes this a second guard
            raise ValidationFailed([B.Problem(out.filename, n, tag, "SIE-filen har för många "
                                              f"poster (gränsen är {fmt_int(MAX_SIE_RECORDS)})",
                                              "en kortare period per fil")])
    try:
        _record(tag, f, n, st)
    except (ParseError, IndexError) as exc:
        msg = str(exc) if isinstance(exc, ParseError) else f"Posten {tag} har för få fält"
        out.add(n, tag, msg, _ALLOWED.get(tag, "en post enligt SIE-formatet"), check=tag)


_ALLOWED: Final = {
    "#PSALDO": '#PSALDO årsnr period konto {objekt} saldo, t.ex. #PSALDO 0 202304 5011 '
               '{1 "1101"} 123456.00',
    "#PBUDGET": '#PBUDGET årsnr period konto {objekt} belopp, t.ex. #PBUDGET 0 202304 5011 '
                '{1 "1101"} 120000.00',
    "#TRANS": '#TRANS konto {objekt} belopp [transdat], t.ex. #TRANS 5011 {1 "1101"} 1234.50',
    "#VER": '#VER serie nr datum ["text"], t.ex. #VER A 12 20230131 "Löner"',
    "#OBJEKT": '#OBJEKT dimension "kod" "namn"',
    "#KONTO": '#KONTO nummer "text"',
    "#DIM": '#DIM nummer "namn"',
}


def _record(tag: str, f: list[str], n: int, st: _State) -> None:
    if tag == "#SIETYP":
        st.sietyp = f[1]
    elif tag == "#FORMAT":
        st.fmt = f[1].upper()
    elif tag == "#DIM":
        st.dims[f[1]] = f[2] if len(f) > 2 else ""
    elif tag == "#OBJEKT":
        st.objects[(f[1], f[2])] = f[3] if len(f) > 3 else ""
    elif tag == "#KONTO":
        st.accounts[f[1]] = f[2] if len(f) > 2 else ""
    elif tag == "#KTYP":
        st.ktyp[f[1]] = f[2].upper()
    elif tag in ("#PSALDO", "#PBUDGET"):
        period = parse_month_cell(f[2])
        kind = S.UTFALL if tag == "#PSALDO" else S.BUDGET
        st.balances.append((n, tag, kind, period, f[3], objects(f[4]), _amount(f[5])))
    elif tag == "#VER":
        st.voucher_month, st.voucher_line = _month_of_date(f[3]), n
    elif tag == "#TRANS":
        if st.voucher_month is None:
            raise ParseError("#TRANS står utanför en verifikation (#VER … { … })")
        month = _month_of_date(f[4]) if len(f) > 4 and f[4] else st.voucher_month
        st.trans.append((n, tag, S.UTFALL, month, f[1], objects(f[2]), _amount(f[3])))


def _check_header(st: _State, options: B.ReadOptions, out: Collector) -> None:
    if st.fmt and st.fmt != "PC8":
        out.add(None, "#FORMAT", f"Teckenformatet '{show(st.fmt)}' stöds inte",
                "#FORMAT PC8 (CP437), som SIE-formatet föreskriver", check="format")
    ctl = options.controls
    if options.amount_unit == "tkr":
        out.add(None, None, f"{ctl.choose('belopp', 'tkr')} gäller inte SIE-filer: SIE har "
                "alltid belopp i kronor", f"{ctl.choose('belopp', 'kr')} eller inget val",
                check="belopp")
    if options.sign == "rapport":
        out.add(None, None, f"{ctl.choose('tecken', 'rapport')} gäller inte SIE-filer: SIE "
                "har alltid debet/kredit-tecken",
                f"{ctl.choose('tecken', 'debet')} eller inget val", check="tecken")


def _unit_dim(st: _State) -> str:
    """The ansvar dimension: by name in the order of ``UNIT_DIM_NAMES``, else dimension 1."""
    names = {name.strip().casefold(): dim for dim, name in st.dims.items()}
    for wanted in UNIT_DIM_NAMES:
        if wanted in names:
            return names[wanted]
    return "1"


def _is_balance(st: _State, account: str) -> bool:
    kt = st.ktyp.get(account)
    if kt is not None:
        return kt in ("T", "S")
    return account[:1] in ("1", "2")


def _frame(st: _State, filename: str, out: Collector, result: B.LedgerRead) -> pd.DataFrame:
    """The raw frame from the gathered records; notes on what was left out."""
    dim = _unit_dim(st)
    label = st.dims.get(dim) or f"dimension {dim}"
    result.notes.append(f"Enheterna lästes från SIE-dimension {dim} ({label}).")
    records = [r for r in st.balances if r[2] == S.BUDGET]
    saldo = [r for r in st.balances if r[2] == S.UTFALL]
    if st.trans:
        records += st.trans
        if saldo:
            result.notes.append(f"{len(saldo)} #PSALDO-rader användes inte: utfallet lästes "
                                "från verifikationernas #TRANS-rader.")
    else:
        records += saldo
    rows, balance_n, totals_n = [], 0, 0
    per_key = {(r[2], r[3], r[4]) for r in records if dim in r[5]}
    for n, tag, kind, period, account, objs, amount in records:
        if _is_balance(st, account):
            balance_n += 1
            continue
        unit = objs.get(dim)
        if unit is None:
            if tag != "#TRANS" and (kind, period, account) in per_key:
                totals_n += 1  # the total over objects beside the per-object rows
                continue
            out.add(n, tag, f"Raden för konto {account} saknar objekt i enhetsdimensionen "
                    f"{dim} ({label})", f"ett objekt för dimension {dim}, t.ex. "
                    f'{{{dim} "1101"}}', check="objekt")
            continue
        coding = "\x1f".join(f"{d}={o}" for d, o in sorted(objs.items()) if d != dim)
        rows.append((filename, n, period, unit, account, st.accounts.get(account), kind,
                     amount, None, f"{tag}:{n}" if tag == "#TRANS" else coding))
    if balance_n:
        result.notes.append(f"{balance_n} rader på balanskonton (klass 1–2 eller #KTYP T/S) "
                            "lämnades utanför: bara resultatkonton ingår i huvudboken.")
    if totals_n:
        result.notes.append(f"{totals_n} #PSALDO/#PBUDGET-rader utan objekt (totaler bredvid "
                            "raderna per objekt) användes inte.")
    result.dropped += balance_n + totals_n
    if not rows:
        return B.empty_raw()
    frame = pd.DataFrame(rows, columns=list(B.RAW_COLUMNS))
    frame[S.AMOUNT] = B.scale_and_sign(frame[S.AMOUNT].to_numpy(), kronor=True, debet=True)
    frame[S.PERIOD] = frame[S.PERIOD].astype(np.int64)
    frame[B.ROW] = frame[B.ROW].astype(np.int64)
    return frame


def is_sie(filename: str) -> bool:
    """Whether the file name has a SIE extension."""
    return filename.lower().endswith(SIE_EXTENSIONS)
