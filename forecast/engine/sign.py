"""A cost stays a cost: sample paths keep the sign their series has always had.

A statistical method's interval can reach past zero for a small, volatile cost (hyrpersonal in
one unit): P90 of "Inhyrd personal" above 0 mkr would mean the cost turning into revenue. A
series whose every outcome so far is ≤ 0 (a cost in the reports' sign convention) gets its
paths capped at 0; one whose every outcome is ≥ 0 (revenue) gets them floored at 0. A series
that has had both signs (corrections, net accounts) is left as it is.
"""

from __future__ import annotations

import numpy as np


def history_sign(outcome: np.ndarray) -> np.ndarray:
    """Per series: -1 for a cost, +1 for revenue, 0 for a series that had both signs.

    -1 if every known outcome is ≤ 0 (and some < 0), +1 if every one is ≥ 0 (and some > 0).
    ``outcome`` is (n_series, n_months) with NaN for missing months.
    """
    y = np.asarray(outcome, dtype=float)
    known = np.isfinite(y)
    neg = np.where(known, y < 0, False).any(axis=1)
    pos = np.where(known, y > 0, False).any(axis=1)
    return np.where(neg & ~pos, -1, np.where(pos & ~neg, 1, 0)).astype(np.int8)


def constrain_sign(paths: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Series' paths (n_series, n_paths, n_months) clipped to the sign of their history.

    Returns a boolean array: which series had a path value moved (the others are untouched).
    ``paths`` is changed in place.
    """
    changed = np.zeros(len(sign), dtype=bool)
    for i in np.flatnonzero(sign != 0):
        p = paths[i]
        bad = p > 0 if sign[i] < 0 else p < 0
        if bad.any():
            p[bad] = 0
            changed[i] = True
    return changed
