"""budgetprognos forecast engine: data model, import, follow-up, forecasting, export.

``forecast.__version__`` is looked up in the installed package's metadata on first use
(importlib.metadata costs tens of milliseconds, which every CLI start would pay otherwise).
"""

from __future__ import annotations


def __getattr__(name: str) -> str:
    if name != "__version__":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("budgetprognos")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        value = "0.0.0+src"
    globals()["__version__"] = value
    return value
