"""Which sign convention a ledger file uses, told by its own data, with the evidence.

Ledgers store amounts with the debit sign (costs positive, revenue negative); the reports use
the opposite (revenue +, cost −). A file read without a chosen sign is judged by its outcome
rows: on cost accounts nearly all positive and on revenue accounts nearly all negative is the
debit sign; the opposite is the reports' sign; anything else is unclear and read as the
reports' sign with a warning. The decision and its evidence are one pure function,
:func:`judge_sign`, so the load can apply it and say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import numpy as np

from forecast.io.formatting import fmt_number

SHARE: Final = 0.9
"""Share of the non-zero outcome rows of one type that must carry the expected sign."""
MIN_ROWS: Final = 10
"""Fewer non-zero outcome rows on cost accounts than this: too few to judge (reports' sign)."""

Verdict = Literal["debet", "rapport", "oklart", "för få rader"]


@dataclass(frozen=True)
class SignEvidence:
    """What a file's outcome rows say about its sign convention."""

    verdict: Verdict
    cost_rows: int
    cost_positive: float
    """Share of the non-zero cost rows that are positive (0–1; NaN without rows)."""
    revenue_rows: int
    revenue_negative: float
    """Share of the non-zero revenue rows that are negative (0–1; NaN without rows)."""

    def evidence(self, debet: bool | None = None) -> str:
        """The evidence in Swedish, e.g. "100 % av 84 utfallsrader på kostnadskonton …".

        Args:
            debet: state the shares that speak for the debit sign (True) or the reports' sign
                (False); None: for the verdict (debit when unclear).
        """
        d = self.verdict != "rapport" if debet is None else debet
        cost = self.cost_positive if d else 1 - self.cost_positive
        rev = self.revenue_negative if d else 1 - self.revenue_negative
        parts = [f"{_pct(cost)} av {fmt_number(self.cost_rows)} utfallsrader på kostnadskonton "
                 f"är {'positiva' if d else 'negativa'}"]
        if self.revenue_rows:
            parts.append(f"{_pct(rev)} av {fmt_number(self.revenue_rows)} på intäktskonton "
                         f"{'negativa' if d else 'positiva'}")
        return " och ".join(parts)


def _pct(share: float) -> str:
    return f"{fmt_number(share * 100, 0)} %"


def judge_sign(cost: np.ndarray, revenue: np.ndarray) -> SignEvidence:
    """The sign convention shown by outcome amounts as read on cost and revenue accounts.

    Args:
        cost: outcome amounts (as written in the file) on cost accounts.
        revenue: outcome amounts (as written) on revenue accounts.
    """
    c = np.asarray(cost, dtype=np.float64)
    r = np.asarray(revenue, dtype=np.float64)
    c, r = c[np.isfinite(c) & (c != 0)], r[np.isfinite(r) & (r != 0)]
    c_pos = float((c > 0).mean()) if c.size else float("nan")
    r_neg = float((r < 0).mean()) if r.size else float("nan")
    verdict: Verdict
    if c.size < MIN_ROWS:
        verdict = "för få rader"
    elif c_pos >= SHARE and (r.size == 0 or r_neg >= SHARE):
        verdict = "debet"
    elif 1 - c_pos >= SHARE and (r.size == 0 or 1 - r_neg >= SHARE):
        verdict = "rapport"
    else:
        verdict = "oklart"
    return SignEvidence(verdict, int(c.size), c_pos, int(r.size), r_neg)
