"""Where the research scripts find the repository and the shared benchmark data.

The M3 panel and the protocol live outside the repository (``../shared/bench/`` beside the
checkout) and are read there at run time, never copied in.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
"""The repository's root (the folder that holds ``research/`` and ``forecast/``)."""
SHARED_BENCH = REPO.parent / "shared" / "bench"
"""The shared benchmark folder beside the checkout (M3 panel, ``PROTOCOL.md``)."""
M3_MONTHLY = SHARED_BENCH / "m3_monthly.csv.gz"
"""The M3 monthly panel in the long format ``series_id,category,start,t,value``."""
