"""The one place work is spread: a pure function mapped over chunks of work.

Each chunk is sent to a worker whole (``fn(chunk, *args)`` returns a list); the results come
back in chunk order, so a result never depends on the number of workers, the chunking or the
machine as long as ``fn`` seeds its own randomness per item.

Where the chunks run:

- a **Dask cluster** when one is named: :func:`use_cluster` (the CLI's ``--kluster``) or the
  environment variable :data:`KLUSTER_ENV` (the app's setting). ``ADDRESS`` is a scheduler
  address (``tcp://host:8786``); ``lokalt`` starts a local cluster of :data:`LOCAL_WORKERS`
  worker processes on this machine for the run;
- else a pool of ``workers`` processes on this machine when ``workers > 1`` and there are
  two chunks or more; else this process.

``fn`` and ``args`` must be picklable (module-level functions, frozen dataclasses); a Dask
worker needs this program installed in the same version (it imports ``fn`` by name).
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

KLUSTER_ENV = "BUDGETPROGNOS_KLUSTER"
"""Environment variable naming the Dask scheduler (or ``lokalt``) the app's work runs on."""
LOCAL = "lokalt"
"""The cluster "address" that starts a local Dask cluster for the run."""
LOCAL_WORKERS = 2
_cluster: list[str | None] = [None]


def chunk_evenly(items: Sequence[T], n: int) -> list[list[T]]:
    """``items`` in at most ``n`` consecutive chunks of (nearly) equal size."""
    size = max(1, -(-len(items) // max(n, 1)))
    return [list(items[i: i + size]) for i in range(0, len(items), size)]


def chunk_by(items: Sequence[T], size: int) -> list[list[T]]:
    """``items`` in consecutive chunks of ``size`` (the last one shorter)."""
    return [list(items[i: i + size]) for i in range(0, len(items), max(size, 1))]


Progress = Callable[[int, int], None]
"""``progress(items_done, items_total)``, called after each chunk (in chunk order)."""


def check_address(address: str) -> str:
    """The cluster address as given, or a Swedish ValueError if it cannot be one.

    Allowed: :data:`LOCAL`, or ``[tcp://|tls://]host:port`` with a port 1–65535.
    """
    a = address.strip()
    if a == LOCAL:
        return a
    rest = a.split("://", 1)[1] if "://" in a else a
    scheme = a.split("://", 1)[0] if "://" in a else "tcp"
    host, _, port = rest.rpartition(":")
    if scheme not in ("tcp", "tls") or not host or not port.isdigit() \
            or not 1 <= int(port) <= 65535 or any(c.isspace() for c in a):
        raise ValueError(f"klusteradressen {address!r} går inte att läsa; ange "
                         f"'{LOCAL}' eller värd:port, t.ex. tcp://planering-01:8786")
    return a


def cluster_address() -> str | None:
    """The Dask cluster the work runs on: :func:`use_cluster`'s, else :data:`KLUSTER_ENV`'s."""
    if _cluster[0] is not None:
        return _cluster[0]
    env = os.environ.get(KLUSTER_ENV, "").strip()
    return check_address(env) if env else None


@contextlib.contextmanager
def use_cluster(address: str | None) -> Iterator[None]:
    """Within the block, run the chunks on the Dask cluster at ``address`` (None: as before)."""
    old = _cluster[0]
    _cluster[0] = check_address(address) if address else old
    try:
        yield
    finally:
        _cluster[0] = old


@contextlib.contextmanager
def _dask_client(address: str) -> Iterator[Any]:
    """A Dask client on ``address`` (a local cluster for :data:`LOCAL`), closed afterwards."""
    from distributed import Client, LocalCluster

    if address == LOCAL:
        with LocalCluster(n_workers=LOCAL_WORKERS, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(address, timeout="30s")
    except OSError as exc:
        raise ConnectionError(f"kan inte ansluta till klustret {address} ({exc})") from None
    try:
        yield client
    finally:
        client.close()


def _on_dask(address: str, fn: Callable[..., list[R]], chunks: Sequence[list[T]],
             args: tuple[Any, ...], consume: Callable[[list[R], int], None]) -> None:
    """Every chunk as one Dask task; ``consume(result, n_items)`` in chunk order."""
    with _dask_client(address) as client:
        futures: list[Any] = [client.submit(fn, chunk, *args, pure=False) for chunk in chunks]
        for i, chunk in enumerate(chunks):
            res = futures[i].result()
            futures[i].release()
            futures[i] = None  # the result is the consumer's now
            consume(res, len(chunk))


def for_chunks(fn: Callable[..., list[R]], chunks: Sequence[list[T]], workers: int,
               *args: Any, consume: Callable[[list[R], int], None]) -> None:
    """``consume(fn(chunk, *args), len(chunk))`` for every chunk, in chunk order.

    The results are handed over one chunk at a time (the caller keeps what it needs and
    drops the rest, so memory holds one chunk's results, not all of them). Where the
    chunks run: the module doc.
    """
    address = cluster_address()
    if address is not None:
        _on_dask(address, fn, chunks, args, consume)
        return
    if workers <= 1 or len(chunks) < 2:
        for chunk in chunks:
            consume(fn(chunk, *args), len(chunk))
        return
    # The forked workers share the parent's pages (the ledger, the libraries) until one is
    # written; a worker's garbage collector would write to every object it traverses, so the
    # objects existing now are kept out of collections while the pool runs (gc.freeze).
    gc.freeze()
    try:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures: list[Any] = [pool.submit(fn, chunk, *args) for chunk in chunks]
            for i, chunk in enumerate(chunks):
                res = futures[i].result()
                futures[i] = None  # the result is the consumer's now
                consume(res, len(chunk))
    finally:
        gc.unfreeze()


def map_chunks(fn: Callable[..., list[R]], chunks: Sequence[list[T]], workers: int,
               *args: Any, progress: Progress | None = None) -> list[R]:
    """``fn(chunk, *args)`` over every chunk, concatenated in chunk order.

    Where the chunks run: the module doc. ``progress`` (if given) is told the items done
    after each chunk.
    """
    out: list[R] = []
    total = sum(len(c) for c in chunks)
    done = [0]

    def keep(res: list[R], n: int) -> None:
        out.extend(res)
        done[0] += n
        if progress is not None:
            progress(done[0], total)

    for_chunks(fn, chunks, workers, *args, consume=keep)
    return out
