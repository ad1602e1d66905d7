"""A user's dataset as a set of files, loaded and validated together.

The set: one or more ledger files (outcome and budget in one file or several; CSV/TXT/XLSX in
the finance systems' export shapes, or SIE 3/4), an optional organisation file, an optional
account mapping (kontoplan), and optional agency-FTE and transition-plan files. Every problem
of every file is collected and raised together (:class:`ValidationFailed`); a rejected set
changes nothing. Whatever is not given is absent: nothing from the embedded example is mixed
into a user's dataset.

Rules applied to every format alike:

- every account is mapped (kontoplan row, or the category's own name); an unmapped account is
  a problem naming the account, its text, its rows and its amount;
- with an organisation file every unit must be in it; without one, the units are those of the
  ledger (division from a ``division`` column, else ``Utan division``; names from the file);
- the same row twice in a file, or the same month/unit/account/kind in two files, is a problem
  (it would count twice); rows differing only in further coding (Verksamhet, Motpart, SIE
  transactions) are summed;
- a month missing for a kind in the whole set (between its first and last month) is warned
  of and never read as zero (the forecast refuses such history);
- a month missing inside one series (unit, category, kind: between the series' first and last
  month) is a problem naming the unit, the category and the months, unless the user states
  it as zero: a row with amount 0 for that month, or the option ``gaps_as_zero``
  (``--luckor-ar-noll``; the app's checkbox), which notes how many months were read as 0.
  SIE transactions (``#TRANS``) are exempt: a month without transactions is zero by the
  format;
- outcome after the as-of month is a problem;
- totals are kept: per file and kind, the amounts read = the amounts held + those mapped to
  ``ingår ej`` (checked on every load; the figures are in the load report).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TypeVar

import numpy as np
import pandas as pd

from forecast.io import kontoplan as KP
from forecast.io.extras import read_agency_fte, read_measure_effects, read_measures
from forecast.io.formatting import fmt_number
from forecast.io.limits import MAX_ABS_AMOUNT_TKR, MAX_ACCOUNTS, MAX_UNITS, fmt_int, too_many
from forecast.io.organisation import read_organisation, unknown_units
from forecast.io.parsing import MAX_UPLOAD_BYTES, Problem, ValidationFailed, ordinal_label, show
from forecast.io.readers import LedgerRead, ReadOptions, read_ledger_source
from forecast.io.readers import base as B
from forecast.io.readers.sign import judge_sign
from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import AccountHierarchy, Measure, OrgHierarchy, Unit

T = TypeVar("T")
NO_DIVISION: Final = "Utan division"
LISTED_PER_FILE: Final = 1000


@dataclass(frozen=True)
class InputFile:
    """One file of the set: its name as the user gave it and its bytes."""

    name: str
    data: bytes

    @classmethod
    def from_path(cls, path: Path | str) -> InputFile:
        """Read a file from disk, its size checked before reading.

        Raises:
            ValidationFailed: If the file is larger than ``MAX_UPLOAD_BYTES``.
        """
        p = Path(path)
        size = p.stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise ValidationFailed([Problem(
                p.name, None, None, f"Filen är för stor ({size / 1024 / 1024:.1f} MB)",
                f"högst {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")])
        return cls(p.name, p.read_bytes())


@dataclass(frozen=True)
class DatasetFiles:
    """The files of one dataset (ledger files required; the rest optional)."""

    ledgers: tuple[InputFile, ...]
    organisation: InputFile | None = None
    kontoplan: InputFile | None = None
    agency_fte: InputFile | None = None
    measures: InputFile | None = None
    measure_effects: InputFile | None = None

    def roles(self) -> list[tuple[str, InputFile]]:
        """(role, file) for every file given, in a fixed order."""
        out = [("huvudbok", f) for f in self.ledgers]
        for role in ("organisation", "kontoplan", "agency_fte", "measures", "measure_effects"):
            f = getattr(self, role)
            if f is not None:
                out.append((role, f))
        return out

    def digest(self) -> str:
        """SHA-256 over every file's role, name and bytes: the dataset's hash."""
        h = hashlib.sha256()
        for role, f in self.roles():
            for part in (role.encode(), f.name.encode("utf-8"), len(f.data).to_bytes(8, "big"),
                         f.data):
                h.update(part)
        return h.hexdigest()


def dataset_key(files: DatasetFiles, options: ReadOptions) -> str:
    """The dataset's hash over its files and the reading options.

    The same files read as kr or as tkr are different data. Used as ``Dataset.source_hash``
    and as the key the app stores the dataset under.
    """
    h = hashlib.sha256(files.digest().encode())
    h.update(repr((options.amount_unit, options.sign, options.skip_sum_rows,
                   options.sheet)).encode("utf-8"))
    if options.gaps_as_zero:  # only then, so the keys of stored datasets stay the same
        h.update(b"gaps_as_zero")
    return h.hexdigest()


@dataclass(frozen=True)
class LoadReport:
    """What a load did: notes, warnings, totals read vs held, the account mapping used."""

    notes: tuple[str, ...]
    warnings: tuple[str, ...]
    totals: pd.DataFrame
    mapping: pd.DataFrame
    reading: tuple[str, ...] = ()
    """Per file, how its amounts were read (unit and sign, with what decided each)."""


@dataclass(frozen=True)
class LoadedDataset:
    """An accepted dataset and its load report."""

    dataset: Dataset
    report: LoadReport


@dataclass
class _Work:
    """State of one load: problems, notes and warnings so far."""

    problems: list[Problem] = field(default_factory=list)
    total: int = 0
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def fail(self, exc: ValidationFailed) -> None:
        self.problems += exc.problems
        self.total += exc.total

    def add(self, p: Problem) -> None:
        self.problems.append(p)
        self.total += 1

    def raise_if_any(self) -> None:
        if self.total:
            raise ValidationFailed(self.problems, self.total)


def load_dataset(files: DatasetFiles, options: ReadOptions | None = None, *,
                 as_of: pd.Period | None = None,
                 accounts: AccountHierarchy | None = None) -> LoadedDataset:
    """Load and validate a dataset from its files.

    Args:
        files: The set of files.
        options: How to read amounts (``--belopp``, ``--tecken``, ``--hoppa-over-summarader``).
        as_of: The forecast month; outcome after it is a problem. None: no check.
        accounts: The account hierarchy (default: the standard categories).

    Returns:
        The new Dataset and the load report.

    Raises:
        ValidationFailed: With every problem of every file.
    """
    options = options or ReadOptions()
    accounts = accounts or AccountHierarchy()
    work = _Work()
    if not files.ledgers:
        work.add(Problem("(ingen fil)", None, None, "Ingen huvudboksfil angavs",
                         "minst en huvudbok (CSV, TXT, XLSX eller SIE)"))
    reads = _read_ledgers(files, options, work)
    org = _side(work, files.organisation, lambda f: read_organisation(f.data, f.name))
    kmap = _side(work, files.kontoplan, lambda f: KP.read_kontoplan(f.data, f.name, accounts))
    if (files.kontoplan is not None and kmap is None) or (
            files.organisation is not None and org is None):
        work.raise_if_any()  # without a valid mapping/organisation every row would be a problem
    raw = pd.concat([r.frame for r in reads], ignore_index=True) if reads else B.empty_raw()
    if not _within_limits(raw, work, options.controls):
        work.raise_if_any()  # bounded before the mapping and checks that scale with them
    texts = {k: v for r in reads for k, v in r.account_texts.items()}
    raw = _detect_sign(raw, reads, _types_as_written(raw, accounts, kmap), options, work)
    raw, mapping, excluded = _map_accounts(raw, texts, accounts, kmap, files, work,
                                           options.controls)
    org = _organisation(raw, reads, org, files, work, options.controls)
    _check_rows(raw, reads, work)
    _check_series_gaps(raw, options, work)
    if as_of is not None:
        _late_outcome(raw, as_of, work)
    extras = _extras(files, accounts, org, work, options.controls)
    work.raise_if_any()
    ledger = _aggregate(raw)
    totals = _totals(reads, excluded, ledger)
    for r in reads:
        work.notes += [f"{r.filename}: {n}" for n in r.notes]
    ds = Dataset(ledger=ledger, org=org, accounts=accounts, agency_fte=extras[0],
                 measures=extras[1], measure_effects=extras[2],
                 source=", ".join(f.name for _, f in files.roles()),
                 source_hash=dataset_key(files, options),
                 notes=tuple(work.notes + work.warnings), account_mapping=mapping,
                 load_totals=totals)
    reading = tuple(f"{r.filename}: {n}" for r in reads for n in r.reading)
    return LoadedDataset(ds, LoadReport(tuple(work.notes), tuple(work.warnings), totals,
                                        mapping, reading))


def _side(work: _Work, f: InputFile | None, read: Callable[[InputFile], T]) -> T | None:
    if f is None:
        return None
    try:
        return read(f)
    except ValidationFailed as exc:
        work.fail(exc)
        return None


def _read_ledgers(files: DatasetFiles, options: ReadOptions, work: _Work) -> list[LedgerRead]:
    reads = []
    names = [f.name for f in files.ledgers]
    for f in files.ledgers:
        if names.count(f.name) > 1:
            work.add(Problem(f.name, None, None, "Samma filnamn anges flera gånger",
                             "varje huvudboksfil en gång"))
            continue
        try:
            r = read_ledger_source(f.data, f.name, options)
        except ValidationFailed as exc:
            work.fail(exc)
            continue
        work.problems += r.problems
        work.total += r.total_problems
        reads.append(r)
    return reads


def _within_limits(raw: pd.DataFrame, work: _Work,
                   controls: B.Controls = B.CLI_CONTROLS) -> bool:
    """Distinct units and accounts, and each amount, within :mod:`forecast.io.limits`."""
    ok = True
    for column, what, limit in ((S.UNIT, "enheter", MAX_UNITS),
                                (S.ACCOUNT, "olika konton", MAX_ACCOUNTS)):
        n = raw[column].nunique()
        if n > limit:
            ok = False
            work.add(Problem(", ".join(pd.unique(raw[B.FILE])), None, None,
                             f"Datamängden har {too_many(what, n, limit)}",
                             f"högst {fmt_int(limit)} {what}"))
    big = raw[raw[S.AMOUNT].abs() > MAX_ABS_AMOUNT_TKR]
    for r in big.head(20).itertuples():
        ok = False
        work.add(Problem(r.file, int(r.row), None, f"Beloppet {fmt_number(r.amount_tkr, 0)} "
                         "tkr är orimligt stort", f"högst {fmt_int(MAX_ABS_AMOUNT_TKR)} tkr "
                         f"per rad (kontrollera {controls.name('belopp')}: kr eller tkr)"))
    return ok


def _map_accounts(raw: pd.DataFrame, texts: dict[str, str], accounts: AccountHierarchy,
                  kmap: KP.AccountMap | None, files: DatasetFiles, work: _Work,
                  controls: B.Controls = B.CLI_CONTROLS
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Raw rows with the leaf in ``account``; the mapping shown; the excluded totals."""
    kp_name = files.kontoplan.name if files.kontoplan else None
    leaf_of: dict[str, str | None] = {}
    via: dict[str, str] = {}
    for acc in pd.unique(raw[S.ACCOUNT]):
        hit = kmap.lookup(acc) if kmap is not None else None
        if hit is not None:
            leaf_of[acc], via[acc] = hit.leaf, f"kontoplanen rad {hit.row}"
        else:
            leaf_of[acc] = accounts.resolve(acc)
            via[acc] = "kostnadsslagets namn"
    leaf = raw[S.ACCOUNT].map(leaf_of)
    for (fname, acc), grp in raw[leaf.isna()].groupby([B.FILE, S.ACCOUNT], sort=False):
        column = "konto"
        work.add(KP.unmapped_problem(fname, column, acc, texts.get(acc),
                                     grp[B.ROW].to_numpy(), float(grp[S.AMOUNT].sum()),
                                     kp_name, controls))
    mapping = _mapping_frame(raw, leaf, texts, via)
    out = raw.assign(account_as_written=raw[S.ACCOUNT], **{S.ACCOUNT: leaf})
    gone = out[S.ACCOUNT] == KP.EXCLUDED
    excluded = out[gone].groupby([B.FILE, S.KIND])[S.AMOUNT].sum()
    if gone.any():
        total = fmt_number(float(out.loc[gone, S.AMOUNT].sum()), 1)
        work.notes.append(f"{int(gone.sum())} rader på konton markerade '{KP.EXCLUDED}' i "
                          f"kontoplanen lämnades utanför (summa {total} tkr).")
    out = out[~gone & out[S.ACCOUNT].notna()]
    return out, mapping, excluded.rename("excluded").reset_index()


def _mapping_frame(raw: pd.DataFrame, leaf: pd.Series, texts: dict[str, str],
                   via: dict[str, str]) -> pd.DataFrame:
    frame = raw.assign(_leaf=leaf.fillna("(saknas)"))
    g = frame.groupby([S.ACCOUNT, "_leaf", S.KIND], sort=False)[S.AMOUNT].sum().unstack(
        fill_value=0.0)
    n = frame.groupby([S.ACCOUNT, "_leaf"], sort=False).size()
    recs = [(acc, texts.get(acc, ""), lf, via.get(acc, ""), int(n.loc[(acc, lf)]),
             float(g.loc[(acc, lf)].get(S.UTFALL, 0.0)),
             float(g.loc[(acc, lf)].get(S.BUDGET, 0.0))) for acc, lf in g.index]
    return pd.DataFrame(recs, columns=["Konto", "Kontotext", "Kostnadsslag", "Mappning",
                                       "Rader", "Utfall tkr", "Budget tkr"])


def _organisation(raw: pd.DataFrame, reads: list[LedgerRead], org: OrgHierarchy | None,
                  files: DatasetFiles, work: _Work, controls: B.Controls = B.CLI_CONTROLS
                  ) -> OrgHierarchy:
    names = {k: v for r in reads for k, v in r.unit_names.items()}
    if org is not None and files.organisation is not None:
        for fname, grp in raw.groupby(B.FILE, sort=False):
            used = grp.groupby(S.UNIT, sort=False)[B.ROW].apply(list).to_dict()
            for p in unknown_units(org, used, str(fname), "enhet", files.organisation.name):
                work.add(p)
        units = tuple(u if u.name != u.id or u.id not in names else
                      u.model_copy(update={"name": names[u.id]}) for u in org.units)
        return OrgHierarchy(region=org.region, units=units)
    return _org_from_ledger(raw, names, work, controls)


def _org_from_ledger(raw: pd.DataFrame, names: dict[str, str], work: _Work,
                     controls: B.Controls = B.CLI_CONTROLS) -> OrgHierarchy:
    divisions: dict[str, str] = {}
    has_div = B.per_distinct(raw[S.DIVISION], lambda d: d is not None and not pd.isna(d)
                             and str(d).strip() != "")
    for (unit, div), grp in raw[has_div].groupby([S.UNIT, S.DIVISION], sort=False):
        if unit in divisions and divisions[unit].casefold() != str(div).casefold():
            r = grp.iloc[0]
            work.add(Problem(r[B.FILE], int(r[B.ROW]), "division",
                             f"Enheten '{show(unit)}' har olika divisioner: "
                             f"'{divisions[unit]}' och '{show(div)}'",
                             "samma division på alla rader för en enhet, eller en "
                             f"organisationsfil ({controls.name('organisation')})"))
        divisions.setdefault(unit, str(div))
    units = [Unit(id=u, name=names.get(u) or u, division=divisions.get(u, NO_DIVISION))
             for u in pd.unique(raw[S.UNIT])]
    missing = sum(1 for u in units if u.division == NO_DIVISION)
    work.notes.append(f"Ingen organisationsfil: {len(units)} enheter togs ur huvudboken"
                      + (f", {missing} av dem utan division ('{NO_DIVISION}')." if missing
                         else "."))
    return OrgHierarchy(region="Egen data", units=tuple(units))


def _check_rows(raw: pd.DataFrame, reads: list[LedgerRead], work: _Work) -> None:
    """Doubled rows in a file, the same key in two files, months missing in the whole set."""
    key = [S.PERIOD, S.UNIT, "account_as_written", S.KIND]
    dup = raw[raw.duplicated([B.FILE, *key, B.CODING], keep=False)]
    for _, grp in dup.groupby([B.FILE, *key, B.CODING], sort=False):
        first, *later = grp[B.ROW].tolist()
        r = grp.iloc[0]
        for row in later[:LISTED_PER_FILE]:
            work.add(Problem(r[B.FILE], int(row), None,
                             f"Raden upprepar rad {first}: samma månad, enhet, konto och typ "
                             f"({ordinal_label(r[S.PERIOD])}, {r[S.UNIT]} / "
                             f"{r['account_as_written']} / {r[S.KIND]})",
                             "en rad per månad, enhet, konto och typ (och kodsträng)"))
    per_file = raw.drop_duplicates([B.FILE, *key])
    cross = per_file[per_file.duplicated(key, keep=False)]
    if cross.empty:
        _check_months(raw, work)
        return
    files_of = cross.groupby(key, sort=False)[B.FILE].agg(lambda f: tuple(dict.fromkeys(f)))
    first = cross.drop_duplicates(key).set_index(key)
    for (pair, kind), grp in files_of.groupby([files_of, files_of.index.get_level_values(
            S.KIND)], sort=False):
        k = grp.index[0]
        r = first.loc[k]
        work.add(Problem(pair[1], None, None,
                         f"Filerna {' och '.join(repr(x) for x in pair)} har båda {kind} för "
                         f"samma månad, enhet och konto ({len(grp)} rader, t.ex. "
                         f"{ordinal_label(k[0])}, enhet {k[1]}, konto {k[2]}); det skulle "
                         "räknas två gånger",
                         "varje månad, enhet, konto och typ i en fil; t.ex. utfall i en fil "
                         f"och budget i en annan (rad {int(r[B.ROW])} i {r[B.FILE]})"))
    _check_months(raw, work)


def _check_months(raw: pd.DataFrame, work: _Work) -> None:
    """Months a kind lacks in the whole set are unknown, not zero: warned of.

    The follow-up tables only compare months that exist (a seed table of Jan–Apr of two years
    is complete for them); the forecast refuses history with such a gap.
    """
    for kind, grp in raw.groupby(S.KIND):
        have = set(grp[S.PERIOD].unique().tolist())
        lo, hi = min(have), max(have)
        missing = [m for m in range(lo, hi + 1) if m not in have]
        if missing:
            from forecast.io.formatting import runs_of, span_label

            runs = runs_of(list(pd.PeriodIndex.from_ordinals(missing, freq="M")))
            shown = ", ".join(span_label(r) for r in runs[:6]) + (
                f" och {len(runs) - 6} perioder till" if len(runs) > 6 else "")
            work.warnings.append(
                f"Varning: {kind} saknas helt för {len(missing)} månader mellan "
                f"{ordinal_label(lo)} och {ordinal_label(hi)} ({shown}). De läses inte som "
                "noll: uppföljningen jämför bara månader som finns, och prognosen bygger på "
                "det obrutna utfallet fram till prognosmånaden.")


def _check_series_gaps(raw: pd.DataFrame, options: ReadOptions, work: _Work) -> None:
    """A month missing inside a series is a problem (or, with ``gaps_as_zero``, a note).

    A series is (unit, category, kind) after mapping; series read only from SIE ``#TRANS``
    rows are exempt (no transactions in a month is zero by the format).
    """
    if raw.empty:
        return
    trans = B.per_distinct(raw[B.CODING], lambda c: str(c).startswith("#TRANS:"))
    keys = [S.UNIT, S.ACCOUNT, S.KIND]
    rows = raw.loc[~trans, [*keys, S.PERIOD, B.FILE]]
    if rows.empty:
        return
    stats = rows.groupby(keys, sort=False, observed=True).agg(
        lo=(S.PERIOD, "min"), hi=(S.PERIOD, "max"), n=(S.PERIOD, "nunique"),
        file=(B.FILE, "first"))
    # months the set has for the kind (a month the whole set lacks is warned of elsewhere)
    kind_months = {k: np.sort(g.unique()) for k, g in raw.groupby(S.KIND)[S.PERIOD]}
    expected = np.zeros(len(stats), dtype=np.int64)
    for k, have_k in kind_months.items():
        sel = (stats.index.get_level_values(S.KIND) == k)
        expected[sel] = (np.searchsorted(have_k, stats["hi"].to_numpy()[sel], side="right")
                         - np.searchsorted(have_k, stats["lo"].to_numpy()[sel], side="left"))
    stats["expected"] = expected
    gappy = stats[stats["expected"] > stats["n"]]
    if gappy.empty:
        return
    months = int((gappy["expected"] - gappy["n"]).sum())
    if options.gaps_as_zero:
        work.notes.append(f"{fmt_int(months)} saknade månader inom {fmt_int(len(gappy))} "
                          f"serier lästes som 0 ({options.controls.name('luckor')}).")
        return
    have = rows.drop_duplicates([*keys, S.PERIOD]).set_index(keys)[S.PERIOD]
    for key, st in gappy.head(LISTED_PER_FILE).iterrows():
        present = set(have.loc[[key]].tolist())
        missing = [int(m) for m in kind_months[key[2]]
                   if st["lo"] <= m <= st["hi"] and m not in present]
        shown = ", ".join(ordinal_label(m) for m in missing[:6]) + (
            f" och {len(missing) - 6} till" if len(missing) > 6 else "")
        unit, account, kind = key
        work.add(Problem(str(st["file"]), None, "period",
                         f"Enhet {show(unit)}, konto {show(account)} ({kind}) saknar "
                         f"{shown} (mellan {ordinal_label(st['lo'])} och "
                         f"{ordinal_label(st['hi'])}); en saknad månad läses inte som 0",
                         "en rad för varje månad i serien; skriv 0 för en månad som "
                         "verkligen är 0, eller välj att saknade månader är 0 "
                         f"({options.controls.name('luckor')})"))
    work.total += max(len(gappy) - LISTED_PER_FILE, 0)


def _late_outcome(raw: pd.DataFrame, as_of: pd.Period, work: _Work) -> None:
    """A problem per file and month of outcome rows after ``as_of`` (the import's row check)."""
    late = raw[(raw[S.KIND] == S.UTFALL) & (raw[S.PERIOD] > as_of.ordinal)]
    for (fname, period), grp in late.groupby([B.FILE, S.PERIOD], sort=True):
        work.add(Problem(str(fname), int(grp[B.ROW].iloc[0]), "period",
                         f"Utfall för {ordinal_label(period)} ligger efter prognosmånaden "
                         f"{as_of} ({len(grp)} rader)",
                         f"utfall till och med {as_of}; budget får gälla senare månader"))


def _types_as_written(raw: pd.DataFrame, accounts: AccountHierarchy,
                      kmap: KP.AccountMap | None) -> dict[str, str]:
    """Account as written → ``intakt``/``kostnad`` where the mapping or a name tells it."""
    types = accounts.type_of()
    out: dict[str, str] = {}
    for acc in pd.unique(raw[S.ACCOUNT]):
        hit = kmap.lookup(acc) if kmap is not None else None
        leaf = hit.leaf if hit is not None else accounts.resolve(acc)
        if leaf in types:
            out[acc] = types[leaf]
    return out


def _detect_sign(raw: pd.DataFrame, reads: list[LedgerRead], types: dict[str, str],
                 options: ReadOptions, work: _Work) -> pd.DataFrame:
    """Each table file read without a chosen sign, in the sign its outcome rows show.

    A file whose data show the debit sign (:func:`~forecast.io.readers.sign.judge_sign`) is
    flipped to the reports' sign, with the evidence in the notes; an unclear file is read
    with the reports' sign and warned of. A sign the user chose is kept, with a warning when
    the data show the other one.
    """
    ctl = options.controls
    raw = raw.copy()  # the reads' frames may share memory with the concatenation
    for r in reads:
        if r.sign_checked:
            continue
        rows = raw[B.FILE] == r.filename
        part = raw[rows & (raw[S.KIND] == S.UTFALL)]
        kind = part[S.ACCOUNT].map(types)
        # The amounts as the file wrote them (a chosen debet sign was already flipped).
        written = -1.0 if options.sign == "debet" else 1.0
        ev = judge_sign(written * part.loc[kind == "kostnad", S.AMOUNT].to_numpy(),
                        written * part.loc[kind == "intakt", S.AMOUNT].to_numpy())
        if options.sign is not None:
            if ev.verdict in ("debet", "rapport") and ev.verdict != options.sign:
                work.warnings.append(
                    f"Varning, {r.filename}: {ev.evidence()}, men filen lästes med tecknet "
                    f"{options.sign} ({ctl.name('tecken')}). Välj "
                    f"{ctl.choose('tecken', ev.verdict)} om datan har rätt.")
            continue
        if ev.verdict == "debet":
            raw.loc[rows, S.AMOUNT] = -raw.loc[rows, S.AMOUNT] + 0.0
            r.frame = r.frame.assign(**{S.AMOUNT: -r.frame[S.AMOUNT] + 0.0})
            r.sign_source = f"debet enligt datan: {ev.evidence()}"
            r.notes.append(
                f"Tecknet lästes som debet (kostnader positiva) eftersom {ev.evidence()}; "
                "beloppen vändes till rapporternas tecken (intäkter +, kostnader −). Är det "
                f"fel: välj {ctl.choose('tecken', 'rapport')}.")
            r.reading.append(r.notes[-1])
        elif ev.verdict == "rapport":
            r.sign_source = f"rapportens tecken enligt datan: {ev.evidence()}"
            r.notes.append("Beloppen lästes med rapporternas tecken (intäkter +, kostnader −) "
                           f"eftersom {ev.evidence()}.")
            r.reading.append(r.notes[-1])
        elif ev.verdict == "oklart":
            r.sign_source = "rapportens tecken (datan avgör inte)"
            work.warnings.append(
                f"Varning, {r.filename}: tecknet går inte att avgöra ur datan ({ev.evidence()}); "
                "filen lästes med rapporternas tecken (kostnader negativa). Välj "
                f"{ctl.choose('tecken', 'debet')} om kostnaderna är positiva i filen.")
    return raw


def _extras(files: DatasetFiles, accounts: AccountHierarchy, org: OrgHierarchy, work: _Work,
            controls: B.Controls = B.CLI_CONTROLS
            ) -> tuple[pd.DataFrame, tuple[Measure, ...], pd.DataFrame]:
    empty = Dataset(ledger=pd.DataFrame(), org=org)
    fte = _side(work, files.agency_fte, lambda f: read_agency_fte(f.data, f.name))
    measures = _side(work, files.measures, lambda f: read_measures(f.data, f.name, accounts))
    effects = None
    if files.measure_effects is not None and files.measures is None:
        work.add(Problem(files.measure_effects.name, None, None, "Åtgärdseffekter utan "
                         "åtgärdsfil", f"{controls.name('atgardseffekter')} tillsammans med "
                         f"{controls.name('atgarder')}"))
    elif measures is not None:
        effects = _side(work, files.measure_effects,
                        lambda f: read_measure_effects(f.data, f.name, measures))
    known = set(org.unit_ids)
    if fte is not None and files.agency_fte is not None:
        for u in sorted(set(fte["unit"]) - known):
            work.add(Problem(files.agency_fte.name, None, "enhet", f"Enheten '{show(u)}' finns "
                             "inte i organisationen", "en enhet ur organisationen/huvudboken"))
    for m in measures or ():
        if m.unit not in known and files.measures is not None:
            work.add(Problem(files.measures.name, None, "enhet", f"Åtgärden '{show(m.id)}' "
                             f"gäller enheten '{show(m.unit)}' som inte finns i organisationen",
                             "en enhet ur organisationen/huvudboken"))
    return (fte if fte is not None else empty.agency_fte, tuple(measures or ()),
            effects if effects is not None else empty.measure_effects)


def _aggregate(raw: pd.DataFrame) -> pd.DataFrame:
    g = raw.groupby([S.PERIOD, S.UNIT, S.ACCOUNT, S.KIND], sort=True, as_index=False)[
        S.AMOUNT].sum()
    ledger = pd.DataFrame({
        S.PERIOD: pd.PeriodIndex.from_ordinals(g[S.PERIOD].to_numpy(np.int64), freq="M"),
        S.UNIT: g[S.UNIT].astype(str).to_numpy(), S.ACCOUNT: g[S.ACCOUNT].astype(str).to_numpy(),
        S.KIND: g[S.KIND].astype(str).to_numpy(),
        S.AMOUNT: g[S.AMOUNT].astype(np.float64).to_numpy() + 0.0,
    })
    return S.validate_ledger(ledger)


def _totals(reads: list[LedgerRead], excluded: pd.DataFrame, ledger: pd.DataFrame
            ) -> pd.DataFrame:
    """Per file and kind: read, excluded, held; checked against the ledger's sums."""
    ex = {(r.file, r.kind): r.excluded for r in excluded.itertuples()}
    recs = []
    for r in reads:
        for kind, total in r.read_totals().items():
            x = ex.get((r.filename, kind), 0.0)
            recs.append((r.filename, kind, total, x, total - x))
    frame = pd.DataFrame(recs, columns=["Fil", "Typ", "Läst tkr", "Ingår ej tkr",
                                        "I huvudboken tkr"])
    held = ledger.groupby(S.KIND)[S.AMOUNT].sum()
    for kind, grp in frame.groupby("Typ"):
        want = float(grp["I huvudboken tkr"].sum())
        got = float(held.get(kind, 0.0))
        if not np.isclose(want, got, rtol=1e-9, atol=1e-6):  # a bug, never the user's file
            raise RuntimeError(f"totals not kept for {kind}: read {want}, held {got}")
    return frame
