"""Whole-region path arithmetic in blocks of series, so memory holds one block's temporaries.

A region of 20 000 series × 1 000 paths × 32 months is 2,6 GB of float32 paths; an
expression over the whole array (``paths + add``, ``paths[:, :, mask]``) would make a float64
or masked copy of it at once. These helpers give the same numbers block by block.
"""

from __future__ import annotations

import numpy as np

BLOCK = 256
"""Series per block (256 × 1 000 paths × 36 months × 8 bytes ≈ 74 MB of temporaries)."""


def month_sums(paths: np.ndarray, months: np.ndarray) -> np.ndarray:
    """(n_series, n_paths) float64 sums of ``paths`` over the months selected by ``months``.

    Args:
        paths: (n_series, n_paths, h).
        months: boolean mask over h, or an integer count of leading months.
    """
    sel = _selector(months, paths.shape[2])
    out = np.empty(paths.shape[:2], dtype=np.float64)
    for s in range(0, len(paths), BLOCK):
        out[s: s + BLOCK] = paths[s: s + BLOCK, :, sel].sum(axis=2, dtype=np.float64)
    return out


def add_months(paths: np.ndarray, add: np.ndarray) -> None:
    """``paths[i, p] += add[i]`` in place, each value rounded once from the float64 sum.

    The same numbers as ``(paths + add[:, None, :]).astype(paths.dtype)``.
    """
    for s in range(0, len(paths), BLOCK):
        paths[s: s + BLOCK] = (paths[s: s + BLOCK] + add[s: s + BLOCK, None, :]).astype(
            paths.dtype)


def _selector(months: np.ndarray | int, h: int) -> slice | np.ndarray:
    """A slice where the selected months are one run (no copy), else the mask."""
    if isinstance(months, int | np.integer):
        return slice(0, max(int(months), 1))
    idx = np.flatnonzero(months)
    if idx.size and idx[-1] - idx[0] + 1 == idx.size:
        return slice(int(idx[0]), int(idx[-1]) + 1)
    return np.asarray(months, dtype=bool)
