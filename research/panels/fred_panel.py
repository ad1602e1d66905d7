"""FRED-MD (Monash ``.tsf``) in the benchmark's long format (``research/rules/fred_rule.md``).

Reads ``fred_md_dataset.tsf`` (header lines, then ``name:start:v1,v2,…`` per series),
checks its sha256, keeps the series whose every value is positive and writes
``series_id,category,start,t,value`` to a path outside the repository.

Usage::

    .venv/bin/python -m research.panels.fred_panel /tmp/fred.tsf /tmp/fred_long.csv
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from research.panels.convert import run

SHA256 = "b62383200451cd400e372583f76dfd4054d7045fe1a7ee994d97734c8cf62f3d"


def parse(text: str) -> tuple[list[pd.DataFrame], list[str]]:
    """Long frames of the positive series, and the names of those left out."""
    frames, left_out = [], []
    in_data = False
    for no, line in enumerate(text.splitlines(), start=1):
        if not in_data:
            in_data = line.strip().lower() == "@data"
            continue
        if not line.strip():
            continue
        try:
            name, start, values = line.split(":", 2)
            y = np.array([float(v) for v in values.split(",")])
        except ValueError as exc:
            raise ValueError(f"rad {no}: väntade 'namn:start:v1,v2,…' ({exc})") from None
        if not np.all(np.isfinite(y)):
            raise ValueError(f"rad {no} ({name}): värden saknas")
        if not np.all(y > 0):
            left_out.append(name)
            continue
        frames.append(pd.DataFrame({"series_id": name, "category": "FRED-MD",
                                    "start": start[:7], "t": np.arange(len(y)), "value": y}))
    return frames, left_out


def _build(_path: Path, raw: bytes) -> tuple[pd.DataFrame, str]:
    frames, left_out = parse(raw.decode("latin-1"))
    return (pd.concat(frames, ignore_index=True),
            f"; utelämnade (inte alla > 0): {', '.join(left_out)}")


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, "tsf", SHA256, "research/rules/fred_rule.md", _build)


if __name__ == "__main__":
    raise SystemExit(main())
