"""Where rate limits are counted: memory windows that end, counts that add up across threads,
keys that do not outlive their windows; every window of a request counted at once, in memory
and in Redis alike."""

from __future__ import annotations

import threading
import time

import pytest
import redis

from blueprints import ratelimit_memory
from blueprints.ratelimit_memory import MemoryCounter
from blueprints.ratelimit_store import State, open_storage


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


@pytest.fixture(params=["memory", "redis"])
def state(request: pytest.FixtureRequest) -> State:
    if request.param == "memory":
        return State(primary=open_storage("memory://"), enabled=True, headers=True)
    url = request.getfixturevalue("redis_url")
    redis.Redis.from_url(url).flushdb()
    return State(primary=open_storage(url), enabled=True, headers=True)


def test_one_request_counts_in_every_window_of_its_limits(state: State) -> None:
    before = time.time()
    [(minute, minute_ends), (day, day_ends)] = state.count([("k/min", 60), ("k/day", 86400)])
    assert (minute, day) == (1, 1)
    assert before + 59 <= minute_ends <= time.time() + 60
    assert before + 86399 <= day_ends <= time.time() + 86400
    assert [count for count, _ in state.count([("k/min", 60)])] == [2]
    # Peeking (sign-in lockouts ask before counting) counts nothing.
    assert state.peek("k/min") == 2 and state.peek("k/min") == 2 and state.peek("k/none") == 0
    assert state.peek("k/day") == 1
