"""Helpers of the end-to-end tests: a Streamlit server on a free port and headless Chromium.

Each pytest-xdist worker that runs e2e tests starts its own server on its own free port (the
fixture is session-scoped per worker process), so ``pytest -n 2`` is safe.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STREAMLIT_FLAGS = [
    "--server.headless", "true",
    "--server.fileWatcherType", "none",
    "--browser.gatherUsageStats", "false",
]
STARTUP_TIMEOUT_S = 90.0

APP_VIEW = "[data-testid='stAppViewContainer']"
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
APP_CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


def key_selector(key: str) -> str:
    """CSS selector of the element container of the widget with ``key``.

    Streamlit gives it the class ``st-key-<key>`` with every character outside
    ``[a-zA-Z0-9_-]`` replaced by ``-`` (so ``a.b`` becomes ``st-key-a-b``).
    """
    return ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def chromium_missing_reason() -> str | None:
    """Why the e2e tests cannot run here, or None if they can."""
    if not CHROMIUM.exists():
        return f"{CHROMIUM} saknas (installera Debians paket chromium; ingen webbläsare laddas ned)"
    return None


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def streamlit_server(app: str = "app.py", env: dict[str, str] | None = None) -> Iterator[str]:
    """Run ``streamlit run app`` on a free port; yield its base URL; stop it afterwards.

    The server's output goes to ``test-artifacts/streamlit-<port>.log``; ``env`` adds
    environment variables (e.g. a private scenario database).
    """
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = ARTIFACTS / f"streamlit-{port}.log"
    cmd = [sys.executable, "-m", "streamlit", "run", app, "--server.port", str(port),
           "--server.address", "127.0.0.1", *STREAMLIT_FLAGS]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    # datasets the tests load are stored beside the logs, never in the user's home
    env.setdefault("BUDGETPROGNOS_DATA_DIR", str(ARTIFACTS / f"datamangder-{port}"))
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(cmd, cwd=REPO, stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while not _healthy(url):
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit avslutades ({proc.returncode}); se {log_path}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit svarade inte inom {STARTUP_TIMEOUT_S} s")
                time.sleep(0.2)  # polling the health endpoint, not waiting for the UI
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def e2e_marks() -> list[Any]:
    """The marks of an end-to-end test module: ``e2e``, skipped without chromium or data."""
    import pytest

    from forecast.ledger.dataset import DATA_DIR

    reason = chromium_missing_reason()
    return [pytest.mark.e2e, pytest.mark.skipif(reason is not None, reason=reason or ""),
            pytest.mark.skipif(not (DATA_DIR / "ledger.csv").exists(),
                               reason="den inbäddade exempeldatan (data/) saknas")]


def launch_chromium(playwright):
    """Launch Debian's headless chromium through Playwright (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=CHROMIUM_ARGS)


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium (:func:`launch_chromium`), closed on exit. Playwright's sync API
    allows one ``sync_playwright`` at a time in a thread, so a browser fixture holds one."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = launch_chromium(pw)
        yield b
        b.close()


def wait_for_app(page) -> None:
    """Wait (auto-waiting expects, no sleeps) until the app is connected and idle."""
    from playwright.sync_api import expect

    expect(page.locator(APP_VIEW)).to_be_visible(timeout=90_000)
    expect(page.locator(APP_CONNECTED)).to_have_count(1, timeout=90_000)
    expect(page.locator(APP_IDLE)).to_have_count(1, timeout=90_000)


def screenshot(page, name: str) -> Path:
    """Save a screenshot of the whole page under ``test-artifacts/screenshots/<name>.png``.

    Streamlit scrolls inside its main container, so a "full page" screenshot shows only the
    viewport; the viewport is made as tall as the content for the shot, then restored.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stAppViewContainer], section')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)")
    tall = min(max(int(height) + 40, size["height"]), 12_000)
    page.set_viewport_size({"width": size["width"], "height": tall})
    try:
        # two animation frames: Vega charts re-lay out to the new viewport (no fixed sleep)
        page.evaluate("() => new Promise(r => requestAnimationFrame("
                      "() => requestAnimationFrame(() => r(true))))")
        page.screenshot(path=str(path), full_page=True)
    finally:
        page.set_viewport_size(size)
    return path


def download(page, key: str, target_dir: Path) -> Path:
    """Click the download button of widget ``key``; the saved file (suggested name)."""
    with page.expect_download() as info:
        page.locator(f"{key_selector(key)} button").click()
    dl = info.value
    assert dl.failure() is None, dl.failure()
    path = target_dir / dl.suggested_filename
    dl.save_as(path)
    return path
