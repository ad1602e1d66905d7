"""Shared test settings and fixtures.

Hypothesis: the ``ci`` profile (derandomised, no deadline) is the default so every run, in
CI and locally, tries the same examples; ``HYPOTHESIS_PROFILE=dev`` explores new random
examples (still no deadline: the 2 shared cores make timings noisy). Tests set only their
``max_examples``.

Fixtures: ``small_dataset`` (the builder of a small offline data set, called with its
options), ``fake_methods`` (fake per-series methods passed to the engine as its
``forecaster``).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

from tests import fakes

settings.register_profile("ci", derandomize=True, deadline=None)
settings.register_profile("dev", derandomize=False, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The CLI's last-resort guard turns unexpected errors into one Swedish line; in the tests they
# must propagate, so a bug is never passed off as a handled exit code (cli.main.RAISE_ENV).
os.environ.setdefault("BUDGETPROGNOS_RAISE", "1")

# Stored forecasts, laid versions and scenarios go to a database of this test process, never to
# the user's ~/.budgetprognos (a test that needs its own store passes --db or sets the variable).
SESSION_DB_URL = os.environ.setdefault(
    "BUDGETPROGNOS_DB_URL", f"sqlite:///{tempfile.mkdtemp(prefix='budgetprognos-test-')}/store.db")
# Stored datasets likewise (the CLI's --data and the app's uploads store them), and the roles
# file: none unless a test writes one (single-user mode), never the user's own.
os.environ.setdefault("BUDGETPROGNOS_DATA_DIR", tempfile.mkdtemp(prefix="budgetprognos-data-"))
os.environ.setdefault("BUDGETPROGNOS_ROLES",
                      os.path.join(tempfile.mkdtemp(prefix="budgetprognos-roles-"), "ingen.toml"))


@pytest.fixture(autouse=True)
def _own_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own store: a forecast stored by one test (fakes included) never reaches
    another. A store a module fixture set is kept, as are servers' (set above)."""
    if os.environ.get("BUDGETPROGNOS_DB_URL") != SESSION_DB_URL:
        return
    path = tmp_path_factory.mktemp("store") / "store.db"
    monkeypatch.setenv("BUDGETPROGNOS_DB_URL", f"sqlite:///{path}")


@pytest.fixture
def store_url(tmp_path: Path) -> str:
    """The URL of a new SQLite store in the test's own folder."""
    return f"sqlite:///{tmp_path / 'store.db'}"


@pytest.fixture
def small_dataset():
    """The builder :func:`tests.fakes.small_dataset` (4 units × 5 accounts, a plan)."""
    return fakes.small_dataset


@pytest.fixture
def fake_methods():
    """Fake per-series methods for the engine (:data:`tests.fakes.FAKE_METHODS`)."""
    return fakes.FAKE_METHODS
