"""``budgetprognos backtest`` with the research methods registered (``combo_cal``).

The same command, arguments and output as the product's backtest; only the method registry
of this process also holds :class:`research.methods.calibrated.CalibratedCombination`.

Usage::

    .venv/bin/python -m research.methods.backtest --bench ../shared/bench/m3_monthly.csv.gz \\
        --split dev --methods combo,combo_cal --out /tmp/m3_cal.csv
"""

from __future__ import annotations

import sys

from cli.main import main as cli_main
from research.methods.calibrated import register


def main(argv: list[str] | None = None) -> int:
    """Register the research methods, then run ``budgetprognos backtest`` with ``argv``."""
    register()
    return cli_main(["backtest", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
