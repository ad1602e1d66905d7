"""Forecasting methods behind one interface, and their registry.

Use :func:`make_method` with an alias from :data:`REGISTRY`; every method has ``fit``,
``predict`` and ``simulate`` (see :mod:`forecast.methods.base`). ``REGISTRY`` and
``make_method`` live in :mod:`forecast.methods.registry` and are loaded on first use, so
importing a light module of this package (``names``, ``base``) does not load the statistical
libraries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forecast.methods.base import Method, MethodFailed

if TYPE_CHECKING:
    from forecast.methods.registry import REGISTRY, make_method

REFERENCE_METHODS: tuple[str, ...] = (
    "run_rate",
    "prior_year_profile",
    "three_year_profile",
    "seasonal_naive",
)
"""The protocol's four controller methods, under exactly these names."""

_LAZY = ("REGISTRY", "make_method")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from forecast.methods import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["REFERENCE_METHODS", "REGISTRY", "Method", "MethodFailed", "make_method"]
