"""The expsmooth hospital panel in the benchmark's long format (a script).

The rule: ``research/rules/hospital_rule.md``.

Reads the public wide CSV (``data-raw/hospital/hospital.csv`` of ``rstudio/academyDatasets``:
two key columns, then ``Month1 2000`` … ``Month12 2006``), checks it and writes
``series_id,category,start,t,value`` — the layout of ``../shared/bench/m3_monthly.csv.gz`` —
to a path outside the repository. The data are never copied into the repository.

Usage::

    .venv/bin/python -m research.panels.hospital_panel /tmp/hosp/hospital.csv \\
        /tmp/hosp/hospital_long.csv
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from research.panels.convert import run

SHA256 = "00cfbae07c282023908e25d1652c910accd52a54fb7418110e4fe1fe2019a111"
MONTH = re.compile(r"^Month(\d{1,2}) (\d{4})$")


def month_columns(columns: list[str]) -> tuple[int, int]:
    """(first year, first month) of the month columns, which must follow each other."""
    parsed = []
    for c in columns:
        m = MONTH.match(c)
        if m is None:
            raise ValueError(f"kolumn {c!r}: väntade 'MonthM ÅÅÅÅ'")
        parsed.append((int(m.group(2)), int(m.group(1))))
    for (y0, m0), (y1, m1) in zip(parsed, parsed[1:], strict=False):
        if (y1 * 12 + m1) - (y0 * 12 + m0) != 1:
            raise ValueError(f"månaderna följer inte på varandra: {m0}/{y0} → {m1}/{y1}")
    return parsed[0]


def to_long(wide: pd.DataFrame) -> pd.DataFrame:
    """The long panel of a checked wide file."""
    key_a, key_b, *months = list(wide.columns)
    year, month = month_columns(months)
    values = wide[months].apply(pd.to_numeric, errors="coerce").to_numpy(float)
    bad = np.argwhere(~np.isfinite(values) | (values < 0))
    if len(bad):
        r, c = bad[0]
        raise ValueError(f"rad {r + 2}, kolumn {months[c]!r}: väntade ett tal ≥ 0")
    ids = wide[key_a].astype(str) + "|" + wide[key_b].astype(str)
    if ids.duplicated().any():
        raise ValueError(f"serien {ids[ids.duplicated()].iloc[0]!r} finns två gånger")
    n = len(months)
    return pd.DataFrame({
        "series_id": np.repeat(ids.to_numpy(), n),
        "category": "HOSPITAL",
        "start": f"{year}-{month:02d}",
        "t": np.tile(np.arange(n), len(ids)),
        "value": values.reshape(-1),
    })


def _build(path: Path, _raw: bytes) -> tuple[pd.DataFrame, str]:
    return to_long(pd.read_csv(path)), ""


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, "wide", SHA256, "research/rules/hospital_rule.md", _build)


if __name__ == "__main__":
    raise SystemExit(main())
