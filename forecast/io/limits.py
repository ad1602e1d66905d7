"""Bounds on every size a file or a flag controls, checked before the work they would cost.

Each limit is a module constant with its reason; the checks return or raise a Swedish message
that names the limit and the value found, so a hostile or careless input is refused in
milliseconds instead of taking the machine. The ledger importer, the scenario files and the
CLI flags all check against this one table:

=========================  ==============  ==================================================
limit                      value           why
=========================  ==============  ==================================================
``MAX_COLUMNS``            50              a ledger has 5–6 columns; room for a few extras
``MAX_UNITS``              5 000           a region has a few hundred org units
``MAX_ACCOUNTS``           1 000           distinct texts in the account column (the chart
                                           has a few dozen leaves; typos are listed)
``MAX_SERIES``             20 000          unit × account pairs forecast
``MAX_ABS_AMOUNT_TKR``     1e9             1 000 000 mkr; a region's whole budget is ~ 1e8
``MIN_PATHS/MAX_PATHS``    10 / 10 000     simulated paths per series (flag ``--paths``,
                                           checked before any data is read)
``MAX_PATH_CELLS``         720 000 000     series × paths × months held in memory: the
                                           float32 paths array (2,9 GB), the one copy the
                                           engine keeps (outputs are written into it as
                                           they arrive, the joint paths, level and floor
                                           work in place); 1 000 paths for every series up
                                           to ``MAX_SERIES`` at any as-of month (≤ 36
                                           months), measured in ``bench/bench_scale.py``
``MIN_DRAWS/MAX_DRAWS``    100 / 1 000 000 Monte Carlo draws (file field and ``--draws``)
``MAX_DRAW_VALUES``        30 000 000      draws × (uncertain parameters + 3 years)
``MAX_ASSUMPTIONS``        100             assumptions in one scenario
``MAX_LIST_ITEMS``         5 000           units / categories / measures in one assumption
``MAX_SEED``               2³² − 1         numpy's seed range (``--seed``, file field
                                           ``seed``); 0 is the smallest
``MAX_ROWS``               300 000         lines of one CSV/TXT ledger file, counted from
                                           its line breaks *before* parsing (more refused
                                           in < 1 s). A region's 20 000 series × 60 months
                                           is read as several files (one year per file:
                                           240 000 rows), which form one set; one file of
                                           1 000 000 rows would cost ~4 s CPU and > 600 MB
                                           even to refuse a bad account (bench_hostile;
                                           docs/limits.md)
``MAX_XLSX_ROWS``          50 000          rows of an XLSX sheet, counted in the sheet's XML
                                           before openpyxl parses it (openpyxl reads only
                                           ~10 000 ledger rows a second, so 50 000 is its
                                           5 s; larger ledgers go as CSV, up to
                                           ``MAX_ROWS``; 200 000 rows took 19–26 s)
``MAX_LINE_BYTES``         100 000         bytes of one CSV/TXT/SIE line (a ledger line is
                                           < 200; one 40 MB line took 3,5 GB)
``MAX_SHARED_STRINGS``     1 000 000       ``<si>`` items in an XLSX's shared strings
``MAX_STYLES``             65 000          cell formats (``<xf>``) in an XLSX's styles; Excel
                                           itself allows 64 000
``MAX_SIE_RECORDS``        300 000         ``#TRANS``/``#PSALDO``/``#PBUDGET`` records of a
                                           SIE file (as ``MAX_ROWS``), counted on the bytes
                                           before parsing and again while reading
``MAX_SIE_VOUCHERS``       100 000         ``#VER`` vouchers of a SIE file (the same way)
``MAX_SIE_LINES``          1 000 000       lines of a SIE file (vouchers, braces, records)
``MAX_SIE_BRACES``         10              ``{`` on one SIE record line (an object list
                                           has one pair; 100 000 took 13,6 s)
``MAX_YAML_DEPTH``         20              nesting of a scenario file (a scenario needs 4)
=========================  ==============  ==================================================
"""

from __future__ import annotations

from typing import Final

MAX_COLUMNS: Final = 50
MAX_UNITS: Final = 5_000
MAX_ACCOUNTS: Final = 1_000
MAX_SERIES: Final = 20_000
MAX_ABS_AMOUNT_TKR: Final = 1e9
MIN_PATHS: Final = 10
MAX_PATHS: Final = 10_000
MAX_PATH_CELLS: Final = 720_000_000
MIN_DRAWS: Final = 100
MAX_DRAWS: Final = 1_000_000
MAX_DRAW_VALUES: Final = 30_000_000
MAX_ASSUMPTIONS: Final = 100
MAX_COMPARED: Final = 20
"""Scenarios in one comparison at most (the CLI refuses more before any work)."""
MAX_SHEET_SCENARIOS: Final = 4
"""The one-page sheet holds at most this many scenarios side by side."""
MAX_LIST_ITEMS: Final = 5_000
MAX_SEED: Final = 2**32 - 1
MAX_ROWS: Final = 300_000
MAX_XLSX_ROWS: Final = 50_000
MAX_LINE_BYTES: Final = 100_000
MAX_SHARED_STRINGS: Final = 1_000_000
MAX_STYLES: Final = 65_000
MAX_SIE_RECORDS: Final = 300_000
MAX_SIE_VOUCHERS: Final = 100_000
MAX_SIE_LINES: Final = 1_000_000
MAX_SIE_BRACES: Final = 10
MAX_YAML_DEPTH: Final = 20


def line_stats(data: bytes) -> tuple[int, int, int]:
    """(line breaks, length of the longest line in bytes, its 1-based line number) of ``data``.

    Counted on the bytes with numpy, before anything is decoded or split: ~50 ms for 50 MB.
    A line ends at LF (CR LF counts once); a file of only CR line ends counts CRs instead.
    """
    import numpy as np

    buf = np.frombuffer(data, dtype=np.uint8)
    ends = np.flatnonzero(buf == 10)
    if len(ends) == 0 and data.count(b"\r"):
        ends = np.flatnonzero(buf == 13)
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(buf)]))
    lengths = stops - starts
    i = int(np.argmax(lengths)) if len(lengths) else 0
    return len(ends), int(lengths[i]) if len(lengths) else 0, i + 1


class LimitExceeded(ValueError):
    """A size given by a file or a flag is above its limit; the message is Swedish."""


def fmt_int(n: int | float) -> str:
    """An integer the Swedish way: ``1 000 000`` (no-break-free plain spaces)."""
    return f"{int(n):,}".replace(",", " ")


def too_many(what: str, value: int | float, limit: int | float) -> str:
    """The message for a count above its limit: names both figures.

    >>> too_many("kolumner", 500000, 50)
    'för många kolumner: 500 000 (gränsen är 50)'
    """
    return f"för många {what}: {fmt_int(value)} (gränsen är {fmt_int(limit)})"


def check_range(name: str, value: int, low: int, high: int) -> None:
    """Refuse an integer flag or field outside ``low..high``.

    Raises:
        LimitExceeded: naming ``name``, the value and the range.
    """
    if not low <= value <= high:
        raise LimitExceeded(f"{name} måste vara mellan {fmt_int(low)} och {fmt_int(high)}, "
                            f"fick {fmt_int(value)}")


def check_paths(n_paths: int, n_series: int, n_months: int) -> None:
    """Refuse a path count above ``MAX_PATHS`` or a forecast too large to hold in memory.

    (The CLI and the app also refuse fewer than ``MIN_PATHS``; the engine takes any n ≥ 1.)

    Raises:
        LimitExceeded: naming the limit and the values.
    """
    check_range("antalet banor (--paths)", n_paths, 1, MAX_PATHS)
    cells = n_paths * n_series * n_months
    if cells > MAX_PATH_CELLS:
        most = max(MAX_PATH_CELLS // max(n_series * n_months, 1), 0)
        raise LimitExceeded(
            f"prognosen blir för stor: {fmt_int(n_series)} serier × {fmt_int(n_paths)} banor × "
            f"{n_months} månader = {fmt_int(cells)} värden (gränsen är "
            f"{fmt_int(MAX_PATH_CELLS)}); välj högst {fmt_int(most)} banor")


def check_draws(n_draws: int, n_params: int) -> None:
    """Refuse a Monte Carlo draw count above ``MAX_DRAWS`` or too large for its parameters.

    (Files and the CLI also refuse fewer than ``MIN_DRAWS``; the engine takes any n ≥ 1.)

    Raises:
        LimitExceeded: naming the limit and the values.
    """
    check_range("antalet dragningar (--draws)", n_draws, 1, MAX_DRAWS)
    values = n_draws * (n_params + 3)
    if values > MAX_DRAW_VALUES:
        most = MAX_DRAW_VALUES // (n_params + 3)
        raise LimitExceeded(
            f"Monte Carlo blir för stor: {fmt_int(n_draws)} dragningar × ({n_params} osäkra "
            f"parametrar + 3 år) = {fmt_int(values)} värden (gränsen är "
            f"{fmt_int(MAX_DRAW_VALUES)}); välj högst {fmt_int(most)} dragningar")
