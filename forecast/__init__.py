"""budgetprognos forecast engine: data model, import, follow-up, forecasting, export."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("budgetprognos")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+src"
