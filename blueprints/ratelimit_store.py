"""Where the rate-limit windows are counted: Redis (or memory), and memory while Redis is away.

A request counts itself in every window of its route's limits in one step: against Redis that
is one Lua script, one round trip, returning each count with the time its window has left
(``limits``' own RedisStorage takes two round trips per window: four for the search, whose
limit has two; bench/load.py on PostgreSQL and Redis went from 14 % to 19 % of the bare
endpoint for the search, 42 % to 48 % for the API).

A request refused by one window gives its count back to the others, in that same step: with
"10 per minute;100 per day", a minute's refusals would otherwise spend the day, and a client
that kept asking through a few refused minutes was locked out until the next day after a few
dozen answers. flask-limiter, which this replaced, stops counting at the window that refuses;
here no window with room keeps a refused request, whatever the order. The refusing window
keeps its count: it is over either way.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from limits import RateLimitItem, parse_many
from limits.storage import RedisStorage, Storage, storage_from_string

from blueprints.ratelimit_memory import MemoryCounter

log = logging.getLogger("blueprints.ratelimit")
RETRY_SECONDS = 10.0

# KEYS: the windows; ARGV: each window's length in seconds, then each one's limit. Returns
# {count, ms left} per key. A key without an expiry (new, or left so by a failure) gets its
# window's. Once one is over its limit, the others are given their count back.
COUNT_LUA = """
local n = #KEYS
local out = {}
local over = false
for i, key in ipairs(KEYS) do
  local count = redis.call('incr', key)
  local left = redis.call('pttl', key)
  if left < 0 then
    redis.call('expire', key, ARGV[i])
    left = tonumber(ARGV[i]) * 1000
  end
  if count > tonumber(ARGV[n + i]) then
    over = true
  end
  out[i] = {count, left}
end
if over then
  for i, key in ipairs(KEYS) do
    if out[i][1] <= tonumber(ARGV[n + i]) then
      out[i][1] = redis.call('decr', key)
    end
  end
end
return out
"""

# KEYS: one window. One count less, if it is still open and above zero: never a new key (one
# without an expiry would live for ever), never below zero. DECR keeps the key's expiry.
GIVE_BACK_LUA = """
local count = tonumber(redis.call('get', KEYS[1]) or '0')
if count > 0 then
  return redis.call('decr', KEYS[1])
end
return count
"""

Window = tuple[str, int, int]  # key, length in seconds, limit
T = TypeVar("T")


# A Redis that takes connections but never answers (hung, or a network that drops packets)
# would hold each limited request until gunicorn killed the worker, and the fallback to memory
# would never start. One on the same network answers in about a millisecond. A value in the
# URL (?socket_timeout=…) wins: redis-py lets the query string override these.
REDIS_TIMEOUTS = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}


def open_storage(uri: str) -> Storage | MemoryCounter:
    if uri.startswith("memory://"):
        return MemoryCounter()
    if uri.startswith(("redis://", "rediss://", "redis+unix://")):
        return storage_from_string(uri, **REDIS_TIMEOUTS)
    return storage_from_string(uri)


@dataclass
class State:
    """One app's limits: where they are counted, whether they apply, and their parsed rules."""

    primary: Storage | MemoryCounter
    enabled: bool
    headers: bool
    fallback: MemoryCounter | None = None
    retry_at: float = 0.0
    parsed: dict[str, tuple[RateLimitItem, ...]] = field(default_factory=dict)
    script: Any = None
    give_back_script: Any = None

    def __post_init__(self) -> None:
        if isinstance(self.primary, RedisStorage):
            # Registered, not sent: redis-py loads it on first use (and again after a restart).
            self.script = self.primary.get_connection().register_script(COUNT_LUA)
            self.give_back_script = self.primary.get_connection().register_script(GIVE_BACK_LUA)

    def items(self, value: str) -> tuple[RateLimitItem, ...]:
        found = self.parsed.get(value)
        if found is None:
            found = self.parsed[value] = tuple(parse_many(value))
        return found

    def count(self, windows: Sequence[Window]) -> list[tuple[int, float]]:
        """Count one request in each window; one over its limit refused it, and only the windows
        over theirs keep it. The counts, and when (epoch) each window ends."""
        storage = self._storage()
        try:
            if storage is self.primary and self.script is not None:
                keys = [self.primary.prefixed_key(key) for key, _, _ in windows]  # type: ignore[union-attr]
                arguments = [seconds for _, seconds, _ in windows]
                arguments += [limit for _, _, limit in windows]
                replies = self.script(keys, arguments)
                now = time.time()
                return [(int(count), now + int(left) / 1000) for count, left in replies]
            if isinstance(storage, MemoryCounter):
                return storage.count(windows)
            return _count_one_by_one(storage, windows)
        except Exception:
            if storage is not self.primary:
                raise
            self._fall_back()
            return self.count(windows)

    def give_back(self, key: str) -> None:
        """One count less in ``key``'s window, for a request that turned out not to count (a
        right password); nothing once the window is over. Other storages than Redis and memory
        keep the count: ``limits`` has no safe decrement for all of them."""

        def take(storage: Storage | MemoryCounter) -> None:
            if storage is self.primary and self.give_back_script is not None:
                self.give_back_script([self.primary.prefixed_key(key)])  # type: ignore[union-attr]
            elif isinstance(storage, MemoryCounter):
                storage.give_back(key)

        self._on_storage(take)

    def peek(self, key: str) -> int:
        """The count so far in ``key``'s window, counting nothing."""
        return int(self._on_storage(lambda storage: storage.get(key)))

    def _on_storage(self, use: Callable[[Storage | MemoryCounter], T]) -> T:
        storage = self._storage()
        try:
            return use(storage)
        except Exception:
            if storage is not self.primary:
                raise
            self._fall_back()
            return use(self._storage())

    def _fall_back(self) -> None:
        log.warning("El almacén de límites no responde: los límites siguen en memoria")
        self.fallback = MemoryCounter()
        self.retry_at = time.monotonic() + RETRY_SECONDS

    def _storage(self) -> Storage | MemoryCounter:
        if self.fallback is None:
            return self.primary
        if time.monotonic() >= self.retry_at:
            self.retry_at = time.monotonic() + RETRY_SECONDS
            try:
                alive = self.primary.check()
            except Exception:  # any failure means it is still away
                alive = False
            if alive:
                log.info("El almacén de límites volvió; los límites vuelven a compartirse")
                self.fallback = None
                return self.primary
        return self.fallback


def _count_one_by_one(storage: Storage, windows: Sequence[Window]) -> list[tuple[int, float]]:
    """``State.count`` for a storage other than Redis and memory (a URI ``limits`` reads), as
    flask-limiter counts: in order, none after the first window over its limit (so only those
    before it spend a refused request), with no decrement that every storage would have."""
    counted: list[tuple[int, float]] = []
    refused = False
    for key, seconds, limit in windows:
        count = storage.get(key) if refused else storage.incr(key, seconds)
        refused = refused or count > limit
        counted.append((count, storage.get_expiry(key)))
    return counted
