"""The rate limiter's memory: windows that end, counts that add up across threads, and keys
that do not outlive their windows."""

from __future__ import annotations

import threading
import time

import pytest

from blueprints import ratelimit_memory
from blueprints.ratelimit_memory import MemoryCounter


def test_a_window_counts_until_it_ends_then_starts_again() -> None:
    counter = MemoryCounter()
    assert [counter.incr("a", 0.2) for _ in range(3)] == [1, 2, 3]
    assert counter.get("a") == 3 and counter.get("b") == 0
    ends = counter.get_expiry("a")
    assert time.time() < ends <= time.time() + 0.2
    time.sleep(0.25)
    assert counter.get("a") == 0
    assert counter.incr("a", 0.2) == 1 and counter.get_expiry("a") > ends


def test_counts_from_many_threads_add_up() -> None:
    counter = MemoryCounter()

    def count() -> None:
        for _ in range(1000):
            counter.incr("shared", 60)

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counter.get("shared") == 8000


def test_ended_windows_are_swept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit_memory, "SWEEP_SECONDS", 0.1)
    counter = MemoryCounter()
    for n in range(1000):
        counter.incr(f"client-{n}", 0.05)
    time.sleep(0.15)
    counter.incr("late", 60)
    assert counter.keys() == ["late"]
