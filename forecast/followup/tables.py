"""Follow-up (uppföljning) for any month: the tables of the committees' monthly reports.

Pure functions over a :class:`~forecast.ledger.dataset.Dataset` and an as-of month. Amounts are
tkr in the reports' sign convention (revenue +, cost −); *diff* = outcome − budget, *diff fg år* =
outcome − the previous year's outcome for the same months. Everything later than the as-of
month is ignored, so a report for an earlier month is what it was then.

Table shapes follow seed 001 (Region Jämtland Härjedalen, tertial 1 2023): the economic summary,
the division table, the *Ekonomisk analys* table per kostnadsslag, the agency staff table; and
seed 000's transition plan follow-up (reported effect vs planned to date, e.g. 65 of 101 = 64 %).
Each frame has row labels as index (named by the row header) and Swedish column headings, ready
for :mod:`forecast.io.export`; :func:`followup_tables` wraps them as export tables.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from forecast import __version__
from forecast.io.export import ExportMetadata, ExportTable
from forecast.io.formatting import MONTHS_SHORT, month_label, runs_of, span_label, ytd_label
from forecast.ledger import schema as S
from forecast.ledger.as_of import available_months, check_as_of
from forecast.ledger.dataset import Dataset
from forecast.ledger.dimensions import (
    AGENCY_TARGET_PCT,
    INHYRD,
    PERSONAL,
    TOTAL_GROSS_COST,
    TOTAL_NET_COST,
    TOTAL_REVENUE,
    UNSPLIT_AGENCY,
    AgencyCategory,
    agency_account,
    planned_to_date,
    split_agency_accounts,
)
from forecast.ledger.index import LedgerIndex, ledger_index, period_ordinal
from forecast.ledger.month import month_of, month_text

# Row labels of the summary (seed 001's "Ekonomisk sammanfattning").
REVENUE = "Intäkter"
GROSS = "Bruttokostnader"
NET = "Nettokostnader"

# Column headings that do not depend on the month.
ACK_UTFALL = "Ack utfall"
ACK_BUDGET = "Ack budget"
DIFF = "Diff"
ACK_FG = "Ack utfall fg år"
DIFF_FG = "Diff fg år"
UTVECKLING = "Utveckling %"
FORANDRING = "Förändring"

AGENCY_LABELS: dict[AgencyCategory, str] = {
    "läkare": "Läkare", "sjuksköterskor": "Sjuksköterskor", "övriga": "Övriga"}
UNSPLIT_LABEL = "ej uppdelad på personalgrupp"
NO_MEASURES_NOTE = "Omställningsplanens åtgärder saknas i indata (ingen åtgärdsfil given)."
NO_SPLIT_NOTE = ("Inhyrd personal är inte uppdelad per personalgrupp i indata: raderna per "
                 "personalgrupp saknas och totalen används.")
NO_DIVISION = "Utan division"

_FIG = ("m_out", "m_bud", "ack_out", "ack_bud", "ack_prev", "bud_year")


# --------------------------------------------------------------------------- helpers


def month_columns(as_of: pd.Period) -> tuple[str, str, str]:
    """The month's outcome, budget and diff headings, e.g. ``Utfall apr 2023``."""
    m = month_label(as_of)
    return f"Utfall {m}", f"Budget {m}", f"Diff {m}"


def annual_budget_column(as_of: pd.Period) -> str:
    """Heading of the annual budget column, e.g. ``Budget 2023``."""
    return f"Budget {as_of.year}"


def _enriched(ds: Dataset) -> pd.DataFrame:
    """The ledger with the account's type and category and the unit's division (read-only).

    Made once per data set (every table of a month filters the same frame); its ``kind``
    is categorical, so the many filters by kind compare codes, not strings.
    """
    return ds.derived("followup.enriched", _make_enriched)


def _make_enriched(ds: Dataset) -> pd.DataFrame:
    led = ds.ledger
    idx = ledger_index(ds)
    out = led.copy(deep=False)  # new columns only: the ledger's own arrays are not written
    if idx.text:  # each (unit, account) pair mapped once, then taken per row by its code
        dims = _pair_dims(ds)
        for col in ("type", "category", "division"):
            out[col] = dims[col].to_numpy()[idx.series]
    else:
        types = ds.accounts.type_of()
        _check_accounts(led[S.ACCOUNT].unique(), types)
        out["type"] = out[S.ACCOUNT].map(types)
        out["category"] = out[S.ACCOUNT].map(ds.accounts.category_of())
        out["division"] = out[S.UNIT].map(ds.org.division_of()).fillna(NO_DIVISION)
    out[S.KIND] = _kind_categorical(led, idx)
    return out


def _kind_categorical(led: pd.DataFrame, idx: LedgerIndex) -> pd.Categorical:
    """The ledger's kind as ``astype("category")`` gives it, from the index's flags.

    Categories: the kinds present, sorted (as ``astype`` sorts them); a ledger with a row of
    neither kind (never validated) is converted from its text.
    """
    if not bool((idx.outcome | idx.budget).all()):
        return pd.Categorical(led[S.KIND])
    kinds = sorted(k for k, rows in ((S.UTFALL, idx.outcome), (S.BUDGET, idx.budget))
                   if rows.any())
    codes = np.where(idx.outcome, kinds.index(S.UTFALL) if S.UTFALL in kinds else -1,
                     kinds.index(S.BUDGET) if S.BUDGET in kinds else -1)
    return pd.Categorical.from_codes(codes.astype(np.int8),
                                     categories=pd.Index(kinds, dtype=object))


def _check_accounts(accounts: Iterable[object], types: Mapping[str, object]) -> None:
    unknown = sorted(set(accounts) - set(types), key=str)
    if unknown:
        raise ValueError(f"Okända konton i ledgern: {unknown[:10]}")


PAIR_COLUMNS = frozenset({S.UNIT, S.ACCOUNT, "type", "category", "division"})
"""The enriched ledger's columns that are a function of the row's (unit, account) pair."""


def _pair_dims(ds: Dataset) -> pd.DataFrame:
    """Per (unit, account) pair of the ledger's index: :data:`PAIR_COLUMNS` (once per data set).

    Mapped as the enriched ledger maps its rows (a ledger whose units and accounts are text).
    """
    def make(d: Dataset) -> pd.DataFrame:
        pairs = ledger_index(d).pairs
        units = pd.Series(pairs.get_level_values(0), dtype=object)
        accounts = pd.Series(pairs.get_level_values(1), dtype=object)
        types = d.accounts.type_of()
        _check_accounts(accounts, types)
        return pd.DataFrame({
            S.UNIT: units, S.ACCOUNT: accounts, "type": accounts.map(types),
            "category": accounts.map(d.accounts.category_of()),
            "division": units.map(d.org.division_of()).fillna(NO_DIVISION)})

    return ds.derived("followup.pair_dims", make)


def _rows(ds: Dataset, kind: str, start: pd.Period, end: pd.Period) -> np.ndarray:
    """Positions of the ledger's rows of ``kind`` in ``start`` … ``end``, in ledger order.

    From the ledger's index (:func:`forecast.ledger.index.ledger_index`, made once per data
    set): integer comparisons instead of the text and Period columns'.
    """
    idx = ledger_index(ds)
    of_kind = idx.outcome if kind == S.UTFALL else idx.budget
    lo, hi = period_ordinal(start), period_ordinal(end)
    return np.flatnonzero(of_kind & (idx.month >= lo) & (idx.month <= hi))


def _key_codes(ds: Dataset, keys: list[str]) -> tuple[np.ndarray, list[pd.Index]]:
    """Per ledger row the code of its ``keys`` values in the enriched ledger (-1: one missing).

    Made once per data set and keys; with the distinct values of each key, in code order.
    Keys that are a function of the (unit, account) pair are coded once per pair and taken
    per row by the pair's code; others over the enriched ledger's rows.
    """
    def make(d: Dataset) -> tuple[np.ndarray, list[pd.Index]]:
        idx = ledger_index(d)
        per_pair = idx.text and set(keys) <= PAIR_COLUMNS
        frame = _pair_dims(d) if per_pair else _enriched(d)
        code = np.zeros(len(frame), dtype=np.int64)
        missing = np.zeros(len(frame), dtype=bool)
        uniques = []
        for k in keys:
            c, u = pd.factorize(frame[k], sort=False)
            code = code * max(len(u), 1) + c
            missing |= c < 0
            uniques.append(pd.Index(u, dtype=object))
        code[missing] = -1
        if per_pair:
            code = code[idx.series]
        code.setflags(write=False)
        return code, uniques

    return ds.derived(f"followup.codes.{'/'.join(keys)}", make)


def _group_sum(ds: Dataset, rows: np.ndarray, keys: list[str]) -> pd.Series:
    """``_enriched(ds).iloc[rows].groupby(keys, sort=False)[amount].sum()``, by integer codes.

    The same groups in the same order (first seen), each summed over the same rows in the
    same order (so the same sums, to the last bit), without factorising text on each call.
    """
    code, uniques = _key_codes(ds, keys)
    c = code[rows]
    keep = c >= 0
    amount = ds.ledger[S.AMOUNT].to_numpy()[rows[keep]]
    sums = pd.Series(amount).groupby(c[keep], sort=False).sum()
    flat = sums.index.to_numpy(dtype=np.int64)
    parts = []
    for u in reversed(uniques):
        parts.append(u[flat % max(len(u), 1)])
        flat = flat // max(len(u), 1)
    parts.reverse()
    index = (pd.Index(parts[0], dtype=object, name=keys[0]) if len(keys) == 1
             else pd.MultiIndex.from_arrays(parts, names=keys))
    return pd.Series(sums.to_numpy(), index=index, name=S.AMOUNT)


def _figures(ds: Dataset, as_of: pd.Period, keys: list[str]) -> pd.DataFrame:
    """Sums per ``keys``: month, YTD, previous YTD outcome and the year's budget."""
    jan = month_of(as_of.year, 1)
    dec = month_of(as_of.year, 12)
    prev_jan, prev_end = jan - 12, as_of - 12
    parts = {
        "m_out": _rows(ds, S.UTFALL, as_of, as_of),
        "m_bud": _rows(ds, S.BUDGET, as_of, as_of),
        "ack_out": _rows(ds, S.UTFALL, jan, as_of),
        "ack_bud": _rows(ds, S.BUDGET, jan, as_of),
        "ack_prev": _rows(ds, S.UTFALL, prev_jan, prev_end),
        "bud_year": _rows(ds, S.BUDGET, jan, dec),
    }
    cols = {name: _group_sum(ds, rows, keys) for name, rows in parts.items()}
    return pd.DataFrame(cols).reindex(columns=list(_FIG)).fillna(0.0)


def _has_prev(ds: Dataset, as_of: pd.Period) -> bool:
    """Whether the ledger has any outcome in the previous year's months Jan–as_of."""
    return bool(_rows(ds, S.UTFALL, month_of(as_of.year - 1, 1), as_of - 12).size)


def budget_months(ds: Dataset, year: int) -> list[pd.Period]:
    """The months of ``year`` with any budget row in the ledger, sorted."""
    idx = ledger_index(ds)
    jan = period_ordinal(month_of(year, 1))
    rows = idx.budget & (idx.month >= jan) & (idx.month < jan + 12)
    return list(pd.PeriodIndex.from_ordinals(np.unique(idx.month[rows]), freq="M"))


def budget_coverage(ds: Dataset, year: int) -> str | None:
    """A Swedish sentence when the year's budget is missing or covers only part of the year.

    None when every month of ``year`` has budget. Absent is not zero: the tables print
    no budget where none exists, and a partial budget's year total is the sum of the months
    it covers.
    """
    months = budget_months(ds, year)
    if len(months) == 12:
        return None
    if not months:
        return (f"Budget för {year} saknas i indata: budget och avvikelse mot budget redovisas "
                "inte (de är inte noll).")
    spans = ", ".join(span_label(r) for r in runs_of(months))
    return (f"Budget {year} finns bara för {spans}: "
            f"'{annual_budget_column(month_of(year, 1))}' är summan av de "
            "månaderna, inte en helårsbudget.")


def _has_budget(ds: Dataset, as_of: pd.Period) -> bool:
    """Whether the ledger has any budget in the year of ``as_of``."""
    return bool(_rows(ds, S.BUDGET, month_of(as_of.year, 1), month_of(as_of.year, 12)).size)


def _columns(fig: pd.DataFrame, as_of: pd.Period, *, month: bool, has_prev: bool,
             has_budget: bool = True) -> pd.DataFrame:
    """Report headings and diffs from :func:`_figures` sums (rows kept).

    Without previous-year outcome the fg år columns are missing (NaN), not zero; without
    any budget in the year the budget and diff columns are.
    """
    out = pd.DataFrame(index=fig.index)
    if month:
        u, b, d = month_columns(as_of)
        out[u] = fig["m_out"]
        out[b] = fig["m_bud"]
        out[d] = fig["m_out"] - fig["m_bud"]
    out[ACK_UTFALL] = fig["ack_out"]
    out[ACK_BUDGET] = fig["ack_bud"]
    out[DIFF] = fig["ack_out"] - fig["ack_bud"]
    out[ACK_FG] = fig["ack_prev"]
    out[DIFF_FG] = fig["ack_out"] - fig["ack_prev"]
    if not has_prev:
        out[[ACK_FG, DIFF_FG]] = np.nan
    out[annual_budget_column(as_of)] = fig["bud_year"]
    if not has_budget:
        gone = [c for c in out.columns if c.startswith(("Budget", "Diff"))
                or c in (ACK_BUDGET, DIFF)]
        out[[c for c in gone if c != DIFF_FG]] = np.nan
    return out


def _by_type(fig: pd.DataFrame) -> pd.DataFrame:
    """Rows Intäkter, Bruttokostnader, Nettokostnader from figures indexed by account type."""
    fig = fig.reindex(["intakt", "kostnad"]).fillna(0.0)
    rev, cost = fig.loc["intakt"], fig.loc["kostnad"]
    return pd.DataFrame({REVENUE: rev, GROSS: cost, NET: rev + cost}).T


# --------------------------------------------------------------------------- tables


def summary(ds: Dataset, as_of: pd.Period) -> pd.DataFrame:
    """Seed 001's economic summary: Intäkter / Bruttokostnader / Nettokostnader, tkr.

    Columns: month outcome/budget/diff, YTD outcome/budget/diff, previous YTD outcome and diff,
    the year's budget.
    """
    p = check_as_of(ds, as_of)
    fig = _figures(ds, p, ["type"])
    out = _columns(_by_type(fig), p, month=True, has_prev=_has_prev(ds, p),
                   has_budget=_has_budget(ds, p))
    out.index.name = "Intäkter och kostnader"
    return out


def _division_order(ds: Dataset, present: list[str]) -> list[str]:
    order = [d for d in ds.org.divisions if d in present]
    return order + sorted(d for d in present if d not in order)


def by_division(ds: Dataset, as_of: pd.Period) -> pd.DataFrame:
    """Seed 001's division table: revenue, gross and net cost per division with totals.

    Rows ``Intäkter – <division>`` … ``Intäkter``, then the same for Bruttokostnader and
    Nettokostnader; each total row is the sum of its division rows.
    """
    p = check_as_of(ds, as_of)
    fig = _figures(ds, p, ["division", "type"])
    divisions = _division_order(ds, list(fig.index.get_level_values(0).unique()))
    per_div = {d: _by_type(fig.xs(d, level=0)) for d in divisions}
    rows: dict[str, pd.Series] = {}
    for measure in (REVENUE, GROSS, NET):
        parts = [per_div[d].loc[measure] for d in divisions]
        for d, part in zip(divisions, parts, strict=True):
            rows[f"{measure} – {d}"] = part
        rows[measure] = pd.concat(parts, axis=1).sum(axis=1) if parts else \
            pd.Series(0.0, index=list(_FIG))
    out = _columns(pd.DataFrame(rows).T.reindex(columns=list(_FIG)), p, month=True,
                   has_prev=_has_prev(ds, p), has_budget=_has_budget(ds, p))
    out.index.name = "Division"
    return out


def by_category(ds: Dataset, as_of: pd.Period, *, agency_detail: bool = True
                ) -> pd.DataFrame:
    """Seed 001's *Ekonomisk analys*: YTD per kostnadsslag with the three totals.

    Rows: the revenue categories, ``Summa intäkter``, the cost categories (Inhyrd personal
    summed over its leaves, followed by ``varav …`` rows when ``agency_detail``),
    ``Summa bruttokostnader``, ``Summa verksamhetens nettokostnader``. The ``varav`` rows are
    not part of the sums.
    """
    p = check_as_of(ds, as_of)
    fig = _figures(ds, p, [S.ACCOUNT])
    fig = fig.reindex(ds.accounts.leaves).fillna(0.0)
    cat_of = ds.accounts.category_of()
    type_of = ds.accounts.type_of()
    cats = fig.groupby(fig.index.map(cat_of), sort=False).sum()
    rows: dict[str, pd.Series] = {}
    revenue_cats = [c for c in ds.accounts.categories
                    if type_of[next(a for a in ds.accounts.leaves if cat_of[a] == c)] == "intakt"]
    cost_cats = [c for c in ds.accounts.categories if c not in revenue_cats]
    for c in revenue_cats:
        rows[c] = cats.loc[c]
    rows[TOTAL_REVENUE] = cats.loc[revenue_cats].sum()
    split = has_agency_split(ds)
    for c in cost_cats:
        rows[c] = cats.loc[c]
        if agency_detail and c == INHYRD and split:
            for cat, label in AGENCY_LABELS.items():
                leaf = agency_account(cat)
                if leaf in fig.index:
                    rows[f"varav {label.lower()}"] = fig.loc[leaf]
            if has_unsplit_agency(ds):
                rows[f"varav {UNSPLIT_LABEL}"] = fig.loc[UNSPLIT_AGENCY]
    rows[TOTAL_GROSS_COST] = cats.loc[cost_cats].sum()
    rows[TOTAL_NET_COST] = rows[TOTAL_REVENUE] + rows[TOTAL_GROSS_COST]
    out = _columns(pd.DataFrame(rows).T, p, month=False, has_prev=_has_prev(ds, p),
                   has_budget=_has_budget(ds, p))
    out.index.name = "Kostnadsslag"
    return out


def _ledger_accounts(ds: Dataset) -> frozenset[object]:
    """The accounts the ledger has rows on (once per data set; from its index's pairs)."""
    def make(d: Dataset) -> frozenset[object]:
        idx = ledger_index(d)
        return frozenset(idx.pairs.get_level_values(1) if idx.text
                         else d.ledger[S.ACCOUNT].unique())

    return ds.derived("followup.accounts", make)


def has_agency_split(ds: Dataset) -> bool:
    """Whether the ledger holds agency cost on any staff-group leaf (läkare, …)."""
    return not _ledger_accounts(ds).isdisjoint(split_agency_accounts())


def has_unsplit_agency(ds: Dataset) -> bool:
    """Whether the ledger holds agency cost not split by staff group (``Inhyrd personal``)."""
    return UNSPLIT_AGENCY in _ledger_accounts(ds)


def development_pct(current: float, previous: float) -> float:
    """Change in % from ``previous`` to ``current``: ``(current / previous − 1) · 100``.

    On cost (negative numbers) a larger cost gives a positive %, as the reports publish
    *nettokostnadsutveckling*. NaN if ``previous`` is zero or missing.
    """
    if previous is None or not np.isfinite(previous) or previous == 0:
        return float("nan")
    return (current / previous - 1.0) * 100.0


def cost_development(ds: Dataset, as_of: pd.Period) -> pd.DataFrame:
    """Revenue, gross and net cost development, YTD vs previous YTD, in %.

    Columns: Ack utfall, Ack utfall fg år, Förändring (tkr), Utveckling %.
    """
    p = check_as_of(ds, as_of)
    s = summary(ds, p)
    out = pd.DataFrame(index=s.index)
    out[ACK_UTFALL] = s[ACK_UTFALL]
    out[ACK_FG] = s[ACK_FG]
    out[FORANDRING] = s[ACK_UTFALL] - s[ACK_FG]
    out[UTVECKLING] = [development_pct(a, b) for a, b in zip(s[ACK_UTFALL], s[ACK_FG],
                                                             strict=True)]
    out.index = pd.Index([REVENUE, "Bruttokostnadsutveckling", "Nettokostnadsutveckling"],
                         name="Utveckling")
    return out


def _avg_fte(ds: Dataset, start: pd.Period, end: pd.Period,
             units: set[str] | None = None) -> pd.Series:
    """Average monthly FTE per agency category over the months present in [start, end].

    Empty if the FTE table has no month in the window at all; units without rows then count
    as zero FTE.
    """
    fte = ds.agency_fte
    if fte is None or fte.empty:
        return pd.Series(dtype=float)
    per = ds.derived("followup.fte_periods", lambda d: pd.PeriodIndex(d.agency_fte["period"],
                                                                      freq="M"))
    in_window = (per >= start) & (per <= end)
    n_months = per[in_window].nunique()
    if n_months == 0:
        return pd.Series(dtype=float)
    mask = in_window
    if units is not None:
        mask &= fte["unit"].isin(units).to_numpy()
    part = fte.loc[mask]
    return part.groupby("category")["fte"].sum() / n_months


def agency_share(ds: Dataset, as_of: pd.Period, *,
                 target_pct: float = AGENCY_TARGET_PCT) -> pd.DataFrame:
    """Agency staff (hyrpersonal): R12 share of own personnel cost, history and FTE.

    Rows: Läkare, Sjuksköterskor, Övriga, Totalt, then ``<division> – totalt`` per division.
    Columns: agency cost and own personnel cost over the 12 months ending at ``as_of`` (tkr,
    negative), the share in % (agency / Personalkostnader · 100) against ``target_pct``, the
    agency cost YTD this year and the two previous years (same months), and the average FTE
    (årsarbetare) YTD this year and the previous year from ``ds.agency_fte``. When the ledger
    holds agency cost not split by staff group, the staff-group rows are missing (NaN) and
    the totals include the unsplit cost.
    """
    p = check_as_of(ds, as_of)
    leaves = {cat: agency_account(cat) for cat in AGENCY_LABELS}
    years = [p.year - 2, p.year - 1, p.year]
    any_outcome = {y: bool(_rows(ds, S.UTFALL, month_of(y, 1), month_of(y, p.month)).size)
                   for y in years}
    every = [*leaves.values(), UNSPLIT_AGENCY]
    # Only agency and personnel accounts are summed: every row below takes its rows from
    # this part (the same rows, in the same order, as filtering the whole outcome ledger).
    rel = _AgencyRows.of(_enriched(ds).iloc[outcome_rows_on(ds, [*every, PERSONAL])])

    def row(at: np.ndarray | None, accounts: list[str], fte_cats: list[str],
            units: set[str] | None) -> dict[str, float]:
        return _agency_row(ds, p, any_outcome, rel.part(at), accounts, fte_cats, units,
                           target_pct, years)

    unsplit = has_unsplit_agency(ds)
    rows: dict[str, dict[str, float]] = {}
    for cat, label in AGENCY_LABELS.items():
        rows[label] = row(None, [leaves[cat]], [cat], None)
        if unsplit:  # part of the cost has no staff group: not available
            rows[label] = {k: (v if k == "Mål %" else float("nan"))
                           for k, v in rows[label].items()}
    rows["Totalt"] = row(None, every, list(AGENCY_LABELS), None)
    present = _outcome_divisions(ds)
    div_of = ds.org.division_of()
    by_division = _row_groups(rel.frame, "division")
    for d in _division_order(ds, present):
        units = {u for u, dv in div_of.items() if dv == d}
        rows[f"{d} – totalt"] = row(by_division.get(d, np.empty(0, dtype=np.int64)), every,
                                    list(AGENCY_LABELS), units)
    out = pd.DataFrame(rows).T
    out.index.name = "Hyrpersonal"
    return out


@dataclass(frozen=True)
class _AgencyRows:
    """Outcome rows of the agency and personnel accounts as arrays (ledger order).

    ``account`` holds each row's code in ``accounts`` (one pass over the text column), so a
    row of :func:`agency_share` compares integers, and its sums add the same rows in the same
    order as filtering the frame did.
    """

    frame: pd.DataFrame
    month: np.ndarray
    account: np.ndarray
    accounts: pd.Index
    amount: np.ndarray

    @classmethod
    def of(cls, frame: pd.DataFrame) -> _AgencyRows:
        codes, accounts = pd.factorize(frame[S.ACCOUNT], sort=False)
        return cls(frame=frame, month=np.asarray(frame[S.PERIOD].array.asi8, dtype=np.int64),
                   account=codes, accounts=pd.Index(accounts),
                   amount=frame[S.AMOUNT].to_numpy(dtype=float))

    def part(self, at: np.ndarray | None) -> _AgencyRows:
        """The rows at positions ``at`` (in that order); all rows when None."""
        if at is None:
            return self
        return replace(self, frame=self.frame.iloc[at], month=self.month[at],
                       account=self.account[at], amount=self.amount[at])

    def on(self, accounts: list[str]) -> np.ndarray:
        """Whether each row is on one of ``accounts``."""
        codes = [self.accounts.get_loc(a) for a in accounts if a in self.accounts]
        return np.isin(self.account, codes)

    def sum(self, mask: np.ndarray) -> float:
        """The sum of the amounts where ``mask`` (NaN as 0, as ``Series.sum``), tkr."""
        return float(np.nansum(self.amount[mask]))


def outcome_rows_on(ds: Dataset, accounts: list[str]) -> np.ndarray:
    """Positions of the ledger's outcome rows on ``accounts``, in ledger order."""
    idx = ledger_index(ds)
    if idx.text:
        on = np.asarray(idx.pairs.get_level_values(1).isin(accounts))[idx.series]
    else:
        on = ds.ledger[S.ACCOUNT].isin(accounts).to_numpy()
    return np.flatnonzero(idx.outcome & on)


def _outcome_divisions(ds: Dataset) -> list[str]:
    """The divisions of the units with outcome in the ledger (unordered)."""
    idx = ledger_index(ds)
    if idx.text:
        pairs = np.unique(idx.series[idx.outcome])
        return list(pd.unique(_pair_dims(ds)["division"].to_numpy()[pairs]))
    led = _enriched(ds)
    return list(led.loc[led[S.KIND] == S.UTFALL, "division"].unique())


def _row_groups(frame: pd.DataFrame, col: str) -> dict[str, np.ndarray]:
    """Positions of ``frame``'s rows per value of ``col``, in row order.

    One pass over the text column instead of one comparison of it per value.
    """
    codes, uniques = pd.factorize(frame[col], sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    return {str(u): order[bounds[i]: bounds[i + 1]] for i, u in enumerate(uniques)}


def _ytd_months(month: np.ndarray, p: pd.Period, year: int) -> np.ndarray:
    """Whether each month ordinal is in January … ``p.month`` of ``year``."""
    return ((month >= period_ordinal(month_of(year, 1)))
            & (month <= period_ordinal(month_of(year, p.month))))


def _agency_row(ds: Dataset, p: pd.Period, any_outcome: Mapping[int, bool],
                sel: _AgencyRows, accounts: list[str], fte_cats: list[str],
                units: set[str] | None, target_pct: float, years: list[int]
                ) -> dict[str, float]:
    """One row of :func:`agency_share`: R12 cost and share, YTD cost per year, FTE.

    ``any_outcome``: per year, whether the ledger has any outcome in January … ``p.month``.
    """
    now = period_ordinal(p)
    window = (sel.month > now - 12) & (sel.month <= now)
    on = sel.on(accounts)
    agency = sel.sum(window & on)
    personal = sel.sum(window & sel.on([PERSONAL]))
    rec = {"Hyrkostnad R12": agency, "Personalkostnad R12": personal,
           "Hyrandel R12 %": (agency / personal * 100.0 + 0.0) if personal else float("nan"),
           "Mål %": target_pct}
    for y in years:
        ytd = _ytd_months(sel.month, p, y)
        has = bool(ytd.any()) or any_outcome[y]
        rec[f"Ack utfall {ytd_label(month_of(y, p.month))}"] = (
            sel.sum(ytd & on) if has else float("nan"))
    for y in years[1:]:
        fte = _avg_fte(ds, month_of(y, 1), month_of(y, p.month),
                       units)
        rec[f"Snitt åa {ytd_label(month_of(y, p.month))}"] = (
            float(fte.reindex(fte_cats).fillna(0.0).sum()) if len(fte) else float("nan"))
    return rec


def amount_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """The tkr columns of a follow-up table (numeric, not a percent)."""
    return tuple(c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])
                 and "%" not in str(c))


def agency_amount_columns(frame: pd.DataFrame) -> tuple[str, ...]:
    """The tkr columns of an :func:`agency_share` frame."""
    return tuple(c for c in frame.columns if "kostnad" in c or c.startswith("Ack utfall"))


def r12_months(ds: Dataset, as_of: pd.Period) -> int:
    """How many months of the 12 ending at ``as_of`` have outcome (12 when complete)."""
    p = as_of
    return sum(1 for m in available_months(ds) if p - 12 < m <= p)


def transition_plan(ds: Dataset, as_of: pd.Period) -> pd.DataFrame:
    """Transition plan (omställningsplan) follow-up for the plan year of ``as_of``.

    Rows per measure of that year (label ``<id> <name>``) and ``Totalt``. Columns: unit,
    account, planned annual effect, planned to date (:func:`planned_to_date`), reported to date
    (``measure_effects`` from January through ``as_of``), deviation (reported − planned) and
    realisation % (reported / planned to date · 100). Savings are positive tkr.
    """
    p = check_as_of(ds, as_of)
    measures = [m for m in ds.measures if m.year == p.year]
    eff = ds.measure_effects
    if eff is not None and not eff.empty:
        per = pd.PeriodIndex(eff["period"], freq="M")
        mask = (per >= month_of(p.year, 1)) & (per <= p)
        reported = eff.loc[mask].groupby("measure_id")["effect_tkr"].sum()
    else:
        reported = pd.Series(dtype=float)
    cols = ["Enhet", "Konto", "Planerad årseffekt", "Planerad hittills", "Rapporterad hittills",
            "Avvikelse", "Realisering %"]
    rows = []
    for m in measures:
        plan = planned_to_date(m, p)
        rep = float(reported.get(m.id, 0.0))
        rows.append((f"{m.id} {m.name}", m.unit, m.account, m.planned_annual_tkr, plan, rep))
    out = pd.DataFrame(rows, columns=["Åtgärd", *cols[:5]]).set_index("Åtgärd")
    total = pd.DataFrame(
        [("", "", *(out[c].sum() for c in cols[2:5]))], columns=cols[:5],
        index=pd.Index(["Totalt"], name="Åtgärd"))
    out = pd.concat([out, total]) if len(out) else total
    out[cols[2:5]] = out[cols[2:5]].astype(float)
    out["Avvikelse"] = out["Rapporterad hittills"] - out["Planerad hittills"]
    plan = out["Planerad hittills"]
    out["Realisering %"] = np.where(plan > 0, out["Rapporterad hittills"] / plan.where(plan > 0)
                                    * 100.0, np.nan)
    out.index.name = "Åtgärd"
    return out


def _month_sum(ds: Dataset, rows: np.ndarray) -> pd.Series:
    """``ds.ledger.iloc[rows].groupby(period)[amount].sum()``: by the months' ordinals.

    The same sums (each month over the same rows in the same order), months ascending.
    """
    idx = ledger_index(ds)
    amount = ds.ledger[S.AMOUNT].to_numpy()[rows]
    sums = pd.Series(amount).groupby(idx.month[rows]).sum()
    months = pd.PeriodIndex.from_ordinals(sums.index.to_numpy(dtype=np.int64), freq="M")
    return pd.Series(sums.to_numpy(), index=months.rename(S.PERIOD), name=S.AMOUNT)


def monthly(ds: Dataset, as_of: pd.Period) -> pd.DataFrame:
    """Net result month by month for the year of ``as_of``: outcome vs budget, tkr.

    Rows: the 12 months (``jan 2023`` …). Outcome after ``as_of`` is missing (NaN).
    Columns: Utfall, Budget, Diff, Ack utfall, Ack budget, Ack diff, Utfall fg år.
    """
    p = check_as_of(ds, as_of)
    months = pd.period_range(f"{p.year}-01", f"{p.year}-12", freq="M")
    out_m = _month_sum(ds, _rows(ds, S.UTFALL, months[0], p))
    bud_m = _month_sum(ds, _rows(ds, S.BUDGET, months[0], months[-1]))
    prev = _rows(ds, S.UTFALL, months[0] - 12, months[-1] - 12)
    prev_m = _month_sum(ds, prev)
    utfall = out_m.reindex(months).where(months <= p)
    utfall = utfall.where(~((months <= p) & utfall.isna()), 0.0)
    budget = bud_m.reindex(months)  # a month without any budget row: missing, not zero
    frame = pd.DataFrame({
        "Utfall": utfall.to_numpy(),
        "Budget": budget.to_numpy(),
    }, index=pd.Index([f"{MONTHS_SHORT[m.month - 1]} {m.year}" for m in months], name="Månad"))
    frame["Diff"] = frame["Utfall"] - frame["Budget"]
    frame["Ack utfall"] = frame["Utfall"].cumsum().where(frame["Utfall"].notna())
    frame["Ack budget"] = frame["Budget"].cumsum().where(frame["Budget"].notna())
    frame["Ack diff"] = frame["Ack utfall"] - frame["Ack budget"]
    frame["Utfall fg år"] = (prev_m.reindex(months - 12).to_numpy() if prev.size
                             else np.nan)
    return frame


# --------------------------------------------------------------------------- export


def followup_metadata(ds: Dataset, as_of: pd.Period, *,
                      created: datetime | None = None) -> ExportMetadata:
    """Provenance of a follow-up export of ``ds`` per ``as_of``."""
    return ExportMetadata(
        as_of=month_text(as_of),
        input_hash=ds.source_hash,
        source=ds.source,
        method="uppföljning (utfall mot budget och föregående år)",
        program_version=__version__,
        created=created or datetime.now(UTC),
        parameters=load_notes(ds),
    )


def followup_export(ds: Dataset, as_of: pd.Period, *, created: datetime | None = None
                    ) -> tuple[list[ExportTable], ExportMetadata]:
    """The one builder of the follow-up export (the CLI's ``rapport`` and the app's Export).

    Returns:
        :func:`followup_tables` and :func:`followup_metadata`.

    Raises:
        ValueError: if there is no outcome for ``as_of``.
    """
    tables = followup_tables(ds, as_of)
    return tables, followup_metadata(ds, as_of, created=created)


def load_notes(ds: Dataset) -> dict[str, str]:
    """The dataset's load notes (kr → tkr, title rows, …) as metadata rows."""
    return {f"Inläsning {i}": note for i, note in enumerate(ds.notes, start=1)}


def followup_tables(ds: Dataset, as_of: pd.Period) -> list[ExportTable]:
    """All follow-up tables for ``as_of`` as export tables, in report order.

    Raises:
        ValueError: if there is no outcome for ``as_of`` (Swedish message naming the months
            that are available).
    """
    p = check_as_of(ds, as_of)
    m, ytd = month_label(p), ytd_label(p)

    def amounts(frame: pd.DataFrame, exclude: tuple[str, ...] = ()) -> tuple[str, ...]:
        return tuple(c for c in frame.columns
                     if c not in exclude and pd.api.types.is_numeric_dtype(frame[c]))

    s = summary(ds, p)
    d = by_division(ds, p)
    c = by_category(ds, p)
    dev = cost_development(ds, p)
    ag = agency_share(ds, p)
    tp = transition_plan(ds, p)
    mo = monthly(ds, p)
    n12 = r12_months(ds, p)
    r12_note = (f"R12 = de 12 månaderna t.o.m. {m}." if n12 == 12 else
                f"R12 bygger på endast {n12} månader med utfall t.o.m. {m}.")
    has_fte = ds.agency_fte is not None and not ds.agency_fte.empty
    return [
        ExportTable("Sammanfattning", f"Ekonomisk sammanfattning, {m} och {ytd}", s,
                    amount_columns=amounts(s),
                    note="Diff = utfall − budget; negativ diff är sämre än budget."),
        ExportTable("Per division", f"Intäkter och kostnader per division, {ytd}", d,
                    amount_columns=amounts(d)),
        ExportTable("Per kostnadsslag", f"Ekonomisk analys per kostnadsslag, {ytd}", c,
                    amount_columns=amounts(c),
                    note=("Varav-raderna ingår i Inhyrd personal och summeras inte separat."
                          if has_agency_split(ds) else NO_SPLIT_NOTE)),
        ExportTable("Kostnadsutveckling", f"Kostnadsutveckling {ytd} mot samma period fg år",
                    dev, amount_columns=(ACK_UTFALL, ACK_FG, FORANDRING),
                    percent_columns=(UTVECKLING,)),
        ExportTable("Hyrpersonal", f"Inhyrd personal per {m}", ag,
                    amount_columns=agency_amount_columns(ag),
                    percent_columns=("Hyrandel R12 %", "Mål %"),
                    note=f"{r12_note} Hyrandel = kostnad för inhyrd personal / "
                         f"personalkostnader egen personal. Åa = årsarbetare"
                         f"{'' if has_fte else ' (saknas i indata)'}."
                         + (f" {NO_SPLIT_NOTE}" if has_unsplit_agency(ds) else "")),
        ExportTable("Omställningsplan", f"Omställningsplan {p.year}, uppföljning per {m}", tp,
                    amount_columns=amounts(tp, ("Realisering %",)),
                    percent_columns=("Realisering %",),
                    note=("Planerad hittills = årseffekten jämnt fördelad från startmånaden."
                          if ds.measures else NO_MEASURES_NOTE)),
        ExportTable("Månadsutfall", f"Nettokostnad per månad {p.year}", mo,
                    amount_columns=amounts(mo)),
    ]
