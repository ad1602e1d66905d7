"""A forecast computed once for every session that asks for it, with progress in each."""

from __future__ import annotations

import threading

import pytest

from ui.data_access import _Slot, compute_shared


class FakeBar:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int, int, bool]] = []
        self.started = self.closed = False

    def start(self) -> None:
        self.started = True

    def __call__(self, step: str, done: int, total: int, *, elsewhere: bool = False) -> None:
        self.calls.append((step, done, total, elsewhere))

    def close(self) -> None:
        self.closed = True


def test_a_second_session_shows_the_progress_of_the_computation_it_waits_for() -> None:
    slot = _Slot()
    reached, go_on = threading.Event(), threading.Event()
    runs: list[int] = []
    result = object()

    def compute(progress):
        runs.append(1)
        progress("Backtest per serie", 10, 40)
        reached.set()
        assert go_on.wait(10)
        progress("Prognos per serie", 40, 40)
        return result

    first, second = FakeBar(), FakeBar()
    out: dict[str, object] = {}
    a = threading.Thread(target=lambda: out.update(a=compute_shared(slot, compute, first)))
    a.start()
    assert reached.wait(10)
    b = threading.Thread(target=lambda: out.update(
        b=compute_shared(slot, compute, second, poll_s=0.01)))
    b.start()
    # The waiting session draws the step under way on its own bar, marked as elsewhere.
    for _ in range(1000):
        if second.calls:
            break
        threading.Event().wait(0.01)
    go_on.set()
    a.join(10)
    b.join(10)
    assert out == {"a": result, "b": result}
    assert runs == [1]  # computed once
    assert first.calls == [("Backtest per serie", 10, 40, False),
                           ("Prognos per serie", 40, 40, False)]
    assert second.calls[0] == ("Backtest per serie", 10, 40, True)
    assert second.started and second.closed and first.closed
    assert slot.progress is None and slot.rf is result


def test_a_ready_result_draws_no_bar() -> None:
    slot = _Slot()
    slot.rf = "klar"
    bar = FakeBar()
    assert compute_shared(slot, lambda p: "ny", bar) == "klar"
    assert not bar.started and bar.calls == []


def test_a_failed_computation_frees_the_slot_for_the_next_try() -> None:
    slot = _Slot()

    def fail(progress):
        progress("Backtest per serie", 1, 2)
        raise RuntimeError("fel")

    bar = FakeBar()
    with pytest.raises(RuntimeError, match="fel"):
        compute_shared(slot, fail, bar)
    assert bar.closed and slot.progress is None and not slot.lock.locked()
    assert compute_shared(slot, lambda p: "andra försöket", FakeBar()) == "andra försöket"
