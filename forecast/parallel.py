"""The one process-pool helper: a pure function mapped over chunks of work.

Each chunk is sent to a worker process whole (``fn(chunk, *args)`` returns a list); the
results come back in chunk order, so a result never depends on the number of workers as long
as ``fn`` seeds its own randomness per item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def chunk_evenly(items: Sequence[T], n: int) -> list[list[T]]:
    """``items`` in at most ``n`` consecutive chunks of (nearly) equal size."""
    size = max(1, -(-len(items) // max(n, 1)))
    return [list(items[i: i + size]) for i in range(0, len(items), size)]


def chunk_by(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in consecutive chunks of ``size`` (the last one shorter)."""
    return [list(items[i: i + size]) for i in range(0, len(items), max(size, 1))]


Progress = Callable[[int, int], None]
"""``progress(items_done, items_total)``, called after each chunk (in chunk order)."""


def map_chunks(fn: Callable[..., list[R]], chunks: Sequence[list[T]], workers: int,
               *args: Any, progress: Progress | None = None) -> list[R]:
    """``fn(chunk, *args)`` over every chunk, concatenated in chunk order.

    In a pool of ``workers`` processes when ``workers > 1`` and there are two chunks or more;
    otherwise in this process. ``fn`` and ``args`` must be picklable for the pool.
    ``progress`` (if given) is told the items done after each chunk.
    """
    out: list[R] = []
    total = sum(len(c) for c in chunks)
    done = 0
    if workers <= 1 or len(chunks) < 2:
        for chunk in chunks:
            out.extend(fn(chunk, *args))
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        return out
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(fn, chunk, *args) for chunk in chunks]
        for chunk, f in zip(chunks, futures, strict=True):
            out.extend(f.result())
            done += len(chunk)
            if progress is not None:
                progress(done, total)
    return out
