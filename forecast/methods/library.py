"""statsforecast imported without Dask: Dask is loaded only when a cluster is named.

statsforecast imports ``utilsforecast.compat``, which imports ``dask.dataframe`` whenever Dask
is installed (``from dask.dataframe import DataFrame``, for type hints of its distributed
back end) and so loads Dask, Dask's arrays and data frames into every process that forecasts:
seconds of start-up in the app, the CLI and each worker process, for nothing this program
uses (its cluster runs plain functions through ``distributed``, :mod:`forecast.parallel`).

:func:`statsforecast_models` imports statsforecast with ``dask`` reported missing for the
duration of that import, which ``utilsforecast`` already handles (it catches
``ModuleNotFoundError`` and leaves its Dask names undefined); nothing statsforecast computes
changes. Where Dask is already loaded (a Dask worker, or after ``--kluster``), only
``dask.dataframe`` is held back if it is not loaded yet; nothing loaded is unloaded.
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType

HELD_BACK = "dask"
"""The package whose import is refused while statsforecast is imported."""


class _HoldBack(importlib.abc.MetaPathFinder):
    """A finder that reports :data:`HELD_BACK` and its submodules as not installed."""

    def find_spec(self, fullname: str, path: object = None, target: object = None) -> None:
        if fullname == HELD_BACK or fullname.startswith(HELD_BACK + "."):
            raise ModuleNotFoundError(f"No module named {fullname!r} (not loaded for "
                                      "statsforecast)", name=fullname)


@contextmanager
def without_dask() -> Iterator[None]:
    """Within the block, importing a Dask module not yet loaded raises ModuleNotFoundError."""
    finder = _HoldBack()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def statsforecast_models() -> ModuleType:
    """``statsforecast.models``, imported (the first time) without loading Dask."""
    loaded = sys.modules.get("statsforecast.models")
    if loaded is not None:
        return loaded
    with without_dask():
        return importlib.import_module("statsforecast.models")
