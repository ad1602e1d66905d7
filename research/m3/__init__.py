"""Experiments on the M3 monthly panel (development and confirmation halves)."""
