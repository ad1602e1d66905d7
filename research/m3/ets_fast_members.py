"""Restricted ETS members for a next point rule (session 10; a script).

AutoETS as a fourth member of ``combo`` helped on all three panels read so far
(``research/panels/ets_member_explore.py``) but costs more than AutoETS alone. This script registers
restricted ETS model spaces as backtest variants and writes their year-total forecasts per
case with ``research/m3/m3_members.py`` (same options), so a rule can compare their accuracy and
cost with the full space:

- ``ets_ana_log``: ETS(A,N,A) on log values (one model; multiplicative season and error on
  the original scale), about 1/18 of AutoETS' time per fit on M3;
- ``ets_zna_log``: ETS(A,N,A) or ETS(M,N,A) on log values, by AICc;
- ``ets_aaa_log``: ETS(A,A,A) or ETS(A,Ad,A) on log values, by AICc;
- ``ets_mnm``: ETS(M,N,M) on the original values;
- ``ets_full_log``: AutoETS' whole space on log values (the member's own reference).

Usage::

    .venv/bin/python -m research.m3.ets_fast_members --sample dev --min-before 36 \\
        --members ets_ana_log,ets_mnm --out /tmp/etsf/dev_1.csv --part 1/2
"""

from __future__ import annotations

import sys

from forecast.evaluation.backtest import VARIANTS

RESTRICTED: dict[str, tuple[str, dict]] = {
    "ets_ana_log": ("ets", {"log": True, "model": "ANA"}),
    "ets_zna_log": ("ets", {"log": True, "model": "ZNA"}),
    "ets_aaa_log": ("ets", {"log": True, "model": "AAA"}),
    "ets_mnm": ("ets", {"log": False, "model": "MNM"}),
    "ets_full_log": ("ets", {"log": True}),
}
VARIANTS.update(RESTRICTED)

from research.m3 import m3_members  # noqa: E402  (after the variants are registered)

if __name__ == "__main__":
    sys.exit(m3_members.main())
