"""Australian retail turnover in the benchmark's long format (a script).

The rule: ``research/rules/standard_rule_v7.md``.

Reads ``data/aus_retail.rda`` of ``tidyverts/tsibbledata`` (the Australian Bureau of
Statistics' monthly retail turnover, million AUD, by state and industry, April 1982 –
December 2018), checks its size and sha256, builds one series per ``Series ID`` (months
without gaps, turnover ≥ 0) and writes ``series_id,category,start,t,value`` to a path outside
the repository. Needs ``pyreadr`` (research only: ``.venv/bin/pip install pyreadr==0.5.8``).

Usage (``--help`` shows how to fetch the file from the mirror)::

    .venv/bin/python -m research.panels.retail_panel /tmp/retail/aus_retail.rda \\
        /tmp/retail/retail_long.csv
"""

from __future__ import annotations

from research.panels.convert import run
from research.panels.tourism_panel import rda_build

ORIGIN = ("tidyverts/tsibbledata", "data/aus_retail.rda")
SHA256 = "1826ec66b3d82edbde26c37d710f2fb5cf2c7044540f7f59c4480e1a987314cf"


def main(argv: list[str] | None = None) -> int:
    return run(argv, __doc__, "rda", SHA256, "research/rules/standard_rule_v7.md",
               rda_build("aus_retail", keys=("Series ID",), month_col="Month",
                         value_col="Turnover", category="RETAIL"), ORIGIN)


if __name__ == "__main__":
    raise SystemExit(main())
