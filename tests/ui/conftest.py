"""Fixtures shared by the browser tests (test_e2e.py, test_e2e_cycle.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e_support import chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium per test process: Playwright's sync API allows one
    ``sync_playwright`` at a time in a thread, so every browser test file shares it."""
    with chromium() as b:
        yield b
