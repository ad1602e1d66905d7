"""Test-suite wide settings."""

import os

# The CLI's last-resort guard turns unexpected errors into one Swedish line; in the tests they
# must propagate, so a bug is never passed off as a handled exit code (cli.main.RAISE_ENV).
os.environ.setdefault("BUDGETPROGNOS_RAISE", "1")
