"""How the region engine cuts its series into chunks for the worker pool."""

from __future__ import annotations

from forecast.engine.region import CHUNK_SERIES, TAIL_SPLIT, _chunks


def test_chunks_keep_every_series_in_order_and_end_small() -> None:
    for n in (1, 7, 30, 443, 2000, 5000):
        tasks = list(range(n))
        chunks = _chunks(tasks, 2, 8, progress=False)
        assert [t for c in chunks for t in c] == tasks
        assert all(chunks)
        if n >= 443:  # the bulk in chunks of about CHUNK_SERIES, the last four in quarters
            assert max(len(c) for c in chunks) <= CHUNK_SERIES
            assert max(len(c) for c in chunks[-4 * TAIL_SPLIT:]) <= -(-CHUNK_SERIES // TAIL_SPLIT)


def test_one_process_keeps_its_few_chunks() -> None:
    assert len(_chunks(list(range(443)), 1, 8, progress=False)) == 1
