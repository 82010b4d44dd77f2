"""Where rate limits are counted: memory windows that end, counts that add up across threads,
keys that do not outlive their windows; every window of a request counted at once, in memory
and in Redis alike, and a refused request counted only in the windows that refused it."""

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
    windows = [("k/min", 60, 10), ("k/day", 86400, 100)]
    [(minute, minute_ends), (day, day_ends)] = state.count(windows)
    assert (minute, day) == (1, 1)
    assert before + 59 <= minute_ends <= time.time() + 60
    assert before + 86399 <= day_ends <= time.time() + 86400
    assert [count for count, _ in state.count([("k/min", 60, 10)])] == [2]
    # Peeking (sign-in lockouts ask before counting) counts nothing.
    assert state.peek("k/min") == 2 and state.peek("k/min") == 2 and state.peek("k/none") == 0
    assert state.peek("k/day") == 1


def counts(state: State, windows: list[tuple[str, int, int]]) -> list[int]:
    return [count for count, _ends in state.count(windows)]


def test_a_refused_request_spends_no_budget_of_the_windows_with_room(state: State) -> None:
    # "2 per minute;3 per day": the minute's refusals leave the day's budget as it was.
    windows = [("k/min", 60, 2), ("k/day", 86400, 3)]
    assert [counts(state, windows) for _ in range(5)] == [[1, 1], [2, 2], [3, 2], [4, 2], [5, 2]]
    assert state.peek("k/day") == 2
    # Whichever window refuses: here the second, and a window exactly full is not over.
    windows = [("j/min", 60, 3), ("j/day", 86400, 1)]
    assert [counts(state, windows) for _ in range(3)] == [[1, 1], [1, 2], [1, 3]]
    assert state.peek("j/min") == 1
    # Alone, a window over its limit keeps counting (sign-in attempts per account).
    assert [counts(state, [("s/h", 3600, 1)]) for _ in range(2)] == [[1], [2]]


def test_a_count_given_back_leaves_its_window_as_before(state: State) -> None:
    # A right password is counted before it is checked, then given back (blueprints/oficina).
    assert [counts(state, [("g/h", 3600, 5)]) for _ in range(2)] == [[1], [2]]
    state.give_back("g/h")
    assert state.peek("g/h") == 1
    for _ in range(3):
        state.give_back("g/h")
    assert state.peek("g/h") == 0  # never below zero
    assert counts(state, [("g/h", 3600, 5)]) == [1]
    state.give_back("g/none")  # no window: nothing made, nothing to take from
    assert state.peek("g/none") == 0
    assert counts(state, [("g/none", 3600, 5)]) == [1]
