"""Readers of the ledger's input formats: one small module per format over ``base``.

:func:`read_ledger_source` picks the reader by the file's extension: SIE (``.se``, ``.si``,
``.sie``) or a table (``.csv``, ``.txt``, ``.xlsx``).
"""

from __future__ import annotations

from forecast.io.readers.base import LedgerRead, ReadOptions
from forecast.io.readers.sie import is_sie, read_sie
from forecast.io.readers.table import read_table_ledger

__all__ = ["LedgerRead", "ReadOptions", "read_ledger_source"]


def read_ledger_source(data: bytes, filename: str, options: ReadOptions) -> LedgerRead:
    """Read one ledger file of any supported format into the shared raw shape.

    Raises:
        ValidationFailed: If the file cannot be read at all.
    """
    if is_sie(filename):
        return read_sie(data, filename, options)
    return read_table_ledger(data, filename, options)
