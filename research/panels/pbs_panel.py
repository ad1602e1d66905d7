"""The PBS cost panel in the benchmark's long format (``research/rules/pbs_rule.md``).

Reads ``data/PBS.rda`` of ``tidyverts/tsibbledata`` (Medicare Australia's monthly
Pharmaceutical Benefits Scheme data, July 1991 – June 2008: scripts and cost per concession
type, patient type and ATC2 drug group), checks its size and sha256, builds one series of
``Cost`` per concession × type × ATC2 group (months without gaps, amounts ≥ 0), keeps the
series whose every month is positive and writes ``series_id,category,start,t,value`` to a
path outside the repository; the series left out are counted. Needs ``pyreadr`` (research
only: ``.venv/bin/pip install pyreadr==0.5.8``).

Usage (``--help`` shows how to fetch the file from the mirror)::

    .venv/bin/python -m research.panels.pbs_panel /tmp/pbs/PBS.rda /tmp/pbs/pbs_long.csv
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from research.panels.convert import run
from research.panels.tourism_panel import rda_build

ORIGIN = ("tidyverts/tsibbledata", "data/PBS.rda")
SHA256 = "aad7b30c05b724bb7d9df152605c116b9e1f167ae3a344d8950b8f6da43ffa3c"
KEYS = ("Concession", "Type", "ATC2")


def _build(path: Path, raw: bytes) -> tuple[pd.DataFrame, str]:
    long, _ = rda_build("PBS", keys=KEYS, month_col="Month", value_col="Cost",
                        category="PBS")(path, raw)
    positive = long.groupby("series_id")["value"].transform("min") > 0
    n_out = long.loc[~positive, "series_id"].nunique()
    return long.loc[positive], f"; utelämnade (någon månad ≤ 0): {n_out}"


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, "rda", SHA256, "research/rules/pbs_rule.md", _build, ORIGIN)


if __name__ == "__main__":
    raise SystemExit(main())
