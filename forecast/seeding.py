"""Per-key random generators: a result depends on the seed and the key only."""

from __future__ import annotations

import zlib

import numpy as np


def series_rng(seed: int, key: str) -> np.random.Generator:
    """The generator of one series (or measure): independent of chunking and worker count."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), zlib.crc32(key.encode())]))
