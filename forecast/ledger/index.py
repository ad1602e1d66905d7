"""The ledger indexed once per data set: each row's series, month and kind as integers.

Every page, table and report of a data set filters the same ledger by series, month and
kind. Comparing its text and Period columns on every call grows with the ledger (about
0,5 million rows for a region of 5 000 series); this index is made once per data set
(:meth:`Dataset.derived`) and the filters become integer comparisons.

- :func:`ledger_index`: per row the code of its (unit, account) pair, the month's ordinal and
  whether it is outcome or budget; the pairs as text.
- :func:`series_codes`: the pair codes of given units and accounts (-1: not in the ledger).
- :func:`outcome_order`: the outcome rows in the forecasting layer's order
  (``schema.to_nixtla``: by ``unique_id`` text, then month), so a sum over them adds the
  same numbers in the same order as a sum over ``to_nixtla``'s frame.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from forecast.ledger import schema as S
from forecast.ledger.dataset import Dataset


@dataclass(frozen=True)
class LedgerIndex:
    """Integer views of one data set's ledger (row order of ``ds.ledger``; read-only).

    Attributes:
        pairs: the (unit, account) pairs as text, in code order (unique).
        series: (n_rows,) the code of each row's pair in ``pairs``.
        month: (n_rows,) each row's month as its Period ordinal.
        outcome: (n_rows,) whether the row is outcome (``utfall``).
        budget: (n_rows,) whether the row is budget.
        text: whether every unit and account in the ledger is text (``str``), so a value
            mapped per pair is the value mapped per row (the readers give text; a frame
            built by hand may not).
    """

    pairs: pd.MultiIndex
    series: np.ndarray
    month: np.ndarray
    outcome: np.ndarray
    budget: np.ndarray
    text: bool = True

    @property
    def n_pairs(self) -> int:
        """How many distinct (unit, account) pairs the ledger has."""
        return len(self.pairs)


def ledger_index(ds: Dataset) -> LedgerIndex:
    """The data set's :class:`LedgerIndex`, made once per data set."""
    return ds.derived("ledger.index", _make_index)


def _text_codes(col: pd.Series) -> tuple[np.ndarray, pd.Index, bool]:
    """Codes of a column's values as text (``astype(str)``) and the texts, in code order.

    With whether every value was text already.
    """
    codes, uniques = pd.factorize(col, sort=False)
    text = all(isinstance(v, str) for v in uniques)
    texts = pd.Index(uniques).astype(str)
    merged, texts_unique = pd.factorize(texts, sort=False)  # values equal as text: one code
    return merged[codes], pd.Index(texts_unique), text


def _make_index(ds: Dataset) -> LedgerIndex:
    led = ds.ledger
    ucodes, units, units_text = _text_codes(led[S.UNIT])
    acodes, accounts, accounts_text = _text_codes(led[S.ACCOUNT])
    pair, first = pd.factorize(ucodes.astype(np.int64) * len(accounts) + acodes, sort=False)
    pairs = pd.MultiIndex.from_arrays([units[first // len(accounts)],
                                       accounts[first % len(accounts)]])
    kind = led[S.KIND].to_numpy()
    out = LedgerIndex(pairs=pairs, series=pair.astype(np.int64),
                      month=np.asarray(led[S.PERIOD].array.asi8, dtype=np.int64),
                      outcome=kind == S.UTFALL, budget=kind == S.BUDGET,
                      text=units_text and accounts_text)
    for a in (out.series, out.month, out.outcome, out.budget):
        a.setflags(write=False)
    return out


def outcome_months(ds: Dataset) -> tuple[pd.Period, ...]:
    """The months with outcome in the ledger, sorted (from the index: no Period boxed per row)."""
    idx = ledger_index(ds)
    return tuple(pd.PeriodIndex.from_ordinals(np.unique(idx.month[idx.outcome]), freq="M"))


def series_codes(idx: LedgerIndex, units: Iterable[object], accounts: Iterable[object]
                 ) -> np.ndarray:
    """(n,) the pair codes of ``units[i]``, ``accounts[i]`` compared as text (-1: absent)."""
    keys = pd.MultiIndex.from_arrays([pd.Index(list(units)).astype(str),
                                      pd.Index(list(accounts)).astype(str)])
    return np.asarray(idx.pairs.get_indexer(keys), dtype=np.int64)


def period_ordinal(p: pd.Period) -> int:
    """A month's ordinal, as :attr:`LedgerIndex.month` holds it."""
    return int(pd.Period(p, freq="M").ordinal)


@dataclass(frozen=True)
class OutcomeOrder:
    """The outcome rows in ``schema.to_nixtla``'s order (by ``unique_id`` text, then month).

    Attributes:
        uids: per pair code, its ``unique_id`` (``schema.series_id``).
        series: (n_outcome,) pair code per row, in that order.
        month: (n_outcome,) month ordinal per row.
        amount: (n_outcome,) the amount, tkr (float64).
    """

    uids: pd.Index
    series: np.ndarray
    month: np.ndarray
    amount: np.ndarray


def outcome_order(ds: Dataset) -> OutcomeOrder:
    """The data set's :class:`OutcomeOrder`, made once per data set."""
    return ds.derived("ledger.outcome_order", _make_outcome_order)


def _make_outcome_order(ds: Dataset) -> OutcomeOrder:
    idx = ledger_index(ds)
    units, accounts = (idx.pairs.get_level_values(i) for i in (0, 1))  # not the pairs' tuples
    uids = pd.Index([S.series_id(u, a) for u, a in zip(units, accounts, strict=True)])
    # dense rank of each pair's unique_id text: equal texts rank alike, as in a sort by text
    _, rank = np.unique(uids.to_numpy(dtype=object), return_inverse=True)
    rows = np.flatnonzero(idx.outcome)
    series, month = idx.series[rows], idx.month[rows]
    order = _by_rank_then_month(rank[series], month)
    amount = ds.ledger[S.AMOUNT].to_numpy(dtype=float)[rows[order]]
    out = OutcomeOrder(uids=uids, series=series[order], month=month[order], amount=amount)
    for a in (out.series, out.month, out.amount):
        a.setflags(write=False)
    return out


def _by_rank_then_month(rank: np.ndarray, month: np.ndarray) -> np.ndarray:
    """The order of rows by ``rank``, then ``month``, ties in row order.

    ``np.lexsort((positions, month, rank))`` as one stable sort of a single integer key.
    """
    if not len(month):
        return np.empty(0, dtype=np.int64)
    first = int(month.min())
    span = int(month.max()) - first + 1
    key = rank.astype(np.int64) * span + (month - first)
    return np.argsort(key, kind="stable")
