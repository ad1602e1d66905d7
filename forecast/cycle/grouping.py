"""The row grouping of the forecast-cycle tables: per group, per first-level total, the region."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

GROUP_NAMES = {"division": "Division", "category": "Kostnadsslag", "unit": "Enhet",
               "account": "Konto"}
"""Swedish column heading of each grouping column."""


def group_rows(s: pd.DataFrame, by: tuple[str, ...]
               ) -> Iterator[tuple[dict[str, object], np.ndarray]]:
    """Label columns and row mask per group of ``by``, per ``by[0]`` total, then the region.

    A first-level total is labelled "Summa" and the region "Region totalt" in the next column.
    """
    levels = [(by, s.groupby(list(by), sort=False).groups),
              ((by[0],), s.groupby(by[0], sort=False).groups), ((), {(): s.index})]
    for level, groups in levels:
        for key, idx in groups.items():
            key = key if isinstance(key, tuple) else (key,)
            rec: dict[str, object] = {GROUP_NAMES[c]: "" for c in by}
            for c, v in zip(level, key, strict=False):
                rec[GROUP_NAMES[c]] = v
            if len(level) < len(by):
                rec[GROUP_NAMES[by[len(level)]]] = "Summa" if level else "Region totalt"
            yield rec, s.index.isin(idx)
