"""The tourism monthly panel in the benchmark's long format (``research/rules/tourism_rule.md``).

Reads ``data/tourists.rda`` of ``rstudio/academyDatasets`` (an R data file with columns
``month``, ``city``, ``country``, ``tourists``: the 366 monthly series of Athanasopoulos,
Hyndman, Song & Wu 2010, whole series, under coded names), checks its size and sha256 and
that every series' months follow each other without gaps or repeats, and writes
``series_id,category,start,t,value`` to a path outside the repository. Needs ``pyreadr``
(research only, not a dependency of the product: ``.venv/bin/pip install pyreadr==0.5.8``).

Usage (``--help`` shows how to fetch the file from the mirror)::

    .venv/bin/python -m research.panels.tourism_panel /tmp/tour/tourists.rda \\
        /tmp/tour/tourism_long.csv
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from research.panels.convert import Build, run

ORIGIN = ("rstudio/academyDatasets", "data/tourists.rda")
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


def rda_build(obj: str, keys: tuple[str, ...] = ("city", "country"), month_col: str = "month",
              value_col: str = "tourists", category: str = "TOURISM") -> Build:
    """A :data:`Build` that reads the R object ``obj`` of an ``.rda`` file and returns its
    long panel (:func:`to_long` with the other arguments)."""
    def build(path: Path, _raw: bytes) -> tuple[pd.DataFrame, str]:
        import pyreadr

        frame = pyreadr.read_r(str(path))[obj]
        return to_long(frame, keys, month_col, value_col, category), ""
    return build


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, "rda", SHA256, "research/rules/tourism_rule.md",
               rda_build("tourists"), ORIGIN)


if __name__ == "__main__":
    raise SystemExit(main())
