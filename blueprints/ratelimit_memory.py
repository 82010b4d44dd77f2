"""Fixed-window counters in this process's memory: the limits' home without Redis, and while
Redis is away.

By hand rather than ``limits.storage.MemoryStorage``: that one starts a timer thread after
each count which, 10 ms later, walks every key it holds. With one key per client address, a
busy server held tens of thousands and spent more time walking them than answering
(bench/load.py: the CURP API at half its speed, a p99 five times longer). Here an expired
window is dropped when its key is next counted, and all of them once a minute.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

SWEEP_SECONDS = 60.0


class MemoryCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()  # gthread workers count from several threads
        self._windows: dict[str, list[float]] = {}  # key -> [count, end of window]
        self._next_sweep = time.time() + SWEEP_SECONDS

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Count ``amount`` in ``key``'s window (a new one, ``expiry`` seconds long, if over)."""
        now = time.time()
        with self._lock:
            self._sweep(now)
            window = self._window(key, expiry, now)
            window[0] += amount
            return int(window[0])

    def count(self, windows: Sequence[tuple[str, float, int]]) -> list[tuple[int, float]]:
        """Count one request in each (key, seconds, limit) window, as ``ratelimit_store``'s
        script does in Redis: once one is over its limit, the others get their count back (a
        refused request spends no budget). Each window's count, and when (epoch) it ends."""
        now = time.time()
        with self._lock:  # one step: no other thread sees a count about to be given back
            self._sweep(now)
            counted = []
            over = False
            for key, expiry, limit in windows:
                window = self._window(key, expiry, now)
                window[0] += 1
                over = over or window[0] > limit
                counted.append(window)
            if over:
                for window, (_, _, limit) in zip(counted, windows, strict=True):
                    if window[0] <= limit:
                        window[0] -= 1
            return [(int(count), ends) for count, ends in counted]

    def give_back(self, key: str) -> None:
        """One count less in ``key``'s window, if it is still open and above zero."""
        with self._lock:
            window = self._windows.get(key)
            if window is not None and window[1] > time.time() and window[0] > 0:
                window[0] -= 1

    def _sweep(self, now: float) -> None:
        if now >= self._next_sweep:
            self._windows = {k: w for k, w in self._windows.items() if w[1] > now}
            self._next_sweep = now + SWEEP_SECONDS

    def _window(self, key: str, expiry: float, now: float) -> list[float]:
        window = self._windows.get(key)
        if window is None or window[1] <= now:
            window = self._windows[key] = [0, now + expiry]
        return window

    def get(self, key: str) -> int:
        window = self._windows.get(key)
        return int(window[0]) if window and window[1] > time.time() else 0

    def get_expiry(self, key: str) -> float:
        window = self._windows.get(key)
        return window[1] if window else time.time()

    def check(self) -> bool:
        return True

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._windows)
