"""The tourism monthly panel in the benchmark's long format (``research/rules/tourism_rule.md``).

Reads ``data/tourists.rda`` of ``rstudio/academyDatasets`` (an R data file with columns
``month``, ``city``, ``country``, ``tourists``: the 366 monthly series of Athanasopoulos,
Hyndman, Song & Wu 2010, whole series, under coded names), checks its size and sha256 and
that every series' months follow each other without gaps or repeats, and writes
``series_id,category,start,t,value`` to a path outside the repository. Needs ``pyreadr``
(research only, not a dependency of the product: ``.venv/bin/pip install pyreadr==0.5.8``).

Usage::

    git -C /work/.mirror/rstudio+academyDatasets/repo show HEAD:data/tourists.rda \\
        > /tmp/tour/tourists.rda
    .venv/bin/python -m research.panels.tourism_panel /tmp/tour/tourists.rda \\
        /tmp/tour/tourism_long.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from research.panels.hospital_panel import read_checked

SHA256 = "0f2b610c7af92b8a544c73f67728a64f91cafc9e4586a76666eab63abc38c738"
COLUMNS = ("month", "city", "country", "tourists")


def to_long(df: pd.DataFrame, keys: tuple[str, ...] = ("city", "country"),
            month_col: str = "month", value_col: str = "tourists",
            category: str = "TOURISM") -> pd.DataFrame:
    """The long panel of a checked data frame: one series per combination of ``keys``.

    ``month_col`` holds dates (the first of each month; R's ``yearmonth`` arrives as days
    since 1970-01-01) and ``value_col`` counts or amounts ≥ 0. Raises ValueError naming the
    first bad row, a missing column or a series whose months do not follow each other.
    """
    missing = [c for c in (month_col, *keys, value_col) if c not in df.columns]
    if missing:
        raise ValueError(f"kolumnerna {missing} saknas; väntade {[month_col, *keys, value_col]}")
    raw = df[month_col]
    month = (pd.Timestamp("1970-01-01") + pd.to_timedelta(raw, unit="D")
             if pd.api.types.is_numeric_dtype(raw) else pd.to_datetime(raw, errors="coerce"))
    value = pd.to_numeric(df[value_col], errors="coerce").astype(float)
    bad = np.flatnonzero(month.isna().to_numpy() | ~np.isfinite(value.to_numpy())
                         | (value.to_numpy() < 0) | (month.dt.day.to_numpy() != 1))
    if bad.size:
        raise ValueError(f"rad {bad[0] + 1}: väntade en månads första dag och ett värde ≥ 0")
    sid = df[keys[0]].astype(str)
    for k in keys[1:]:
        sid = sid + "|" + df[k].astype(str)
    frame = pd.DataFrame({"series_id": sid, "m": month.dt.year * 12 + month.dt.month - 1,
                          "value": value})
    frame = frame.sort_values(["series_id", "m"], kind="stable")
    out = []
    for name, g in frame.groupby("series_id", sort=True):
        steps = np.diff(g["m"].to_numpy())
        if np.any(steps != 1):
            raise ValueError(f"serien {name!r}: månaderna följer inte på varandra")
        first = int(g["m"].iloc[0])
        out.append(pd.DataFrame({"series_id": name, "category": category,
                                 "start": f"{first // 12}-{first % 12 + 1:02d}",
                                 "t": np.arange(len(g)), "value": g["value"].to_numpy()}))
    return pd.concat(out, ignore_index=True)


def convert(argv: list[str] | None, doc: str, sha256: str, rule: str, obj: str,
            **long_kwargs) -> tuple[int, pd.DataFrame | None, Path | None]:
    """Parse ``RDA OUT``, check the file against ``sha256`` and return the long panel of the
    R object ``obj`` (:func:`to_long` with ``long_kwargs``); exit code 2 and a message
    naming the file on bad input."""
    p = argparse.ArgumentParser(description=doc.splitlines()[0])
    p.add_argument("rda", type=Path)
    p.add_argument("out", type=Path)
    a = p.parse_args(argv)
    try:
        read_checked(a.rda, sha256, rule)
        import pyreadr

        return 0, to_long(pyreadr.read_r(str(a.rda))[obj], **long_kwargs), a.out
    except (ValueError, KeyError) as exc:
        print(f"{a.rda}: {exc}", file=sys.stderr)
        return 2, None, None


def write(long: pd.DataFrame, out: Path, extra: str = "") -> int:
    long.to_csv(out, index=False)
    print(f"{long.series_id.nunique()} serier, {len(long)} rader → {out}{extra}")
    return 0


def main(argv: list[str] | None = None) -> int:
    code, long, out = convert(argv, __doc__, SHA256, "research/rules/tourism_rule.md", "tourists")
    return code if long is None or out is None else write(long, out)


if __name__ == "__main__":
    raise SystemExit(main())
