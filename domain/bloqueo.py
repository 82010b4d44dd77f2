"""Failed sign-ins: five within 15 minutes lock an account for 15 minutes.

Pure: the current time comes in as an argument; the counts live in the account's row, or,
for a CURP without an account, in its own (domain/intentos_sin_cuenta), counted the same way.
The database applies the rule (domain/fallos) to every attempt before its password is checked,
and a right password then takes the count back.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=15)
LOCK_TIME = dt.timedelta(minutes=15)


def as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    """SQLite returns naive datetimes: we store UTC, so naive means UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class Intentos:
    """An account's failed sign-ins: how many since the first one, and any lock."""

    fallidos: int = 0
    primer_fallo: dt.datetime | None = None
    bloqueada_hasta: dt.datetime | None = None


def bloqueada(bloqueada_hasta: dt.datetime | None, now: dt.datetime) -> bool:
    until = as_utc(bloqueada_hasta)
    return until is not None and until > now


def minutos_restantes(bloqueada_hasta: dt.datetime | None, now: dt.datetime) -> int:
    """Whole minutes, rounded up, until the lock ends (0 when not locked), never more than
    a lock lasts: a request that began just before another one locked counts from a moment
    a little earlier than the lock's own.

    >>> t = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    >>> minutos_restantes(t + dt.timedelta(minutes=14, seconds=1), t)
    15
    >>> minutos_restantes(t + LOCK_TIME + dt.timedelta(seconds=1), t)
    15
    """
    until = as_utc(bloqueada_hasta)
    if until is None or until <= now:
        return 0
    return math.ceil(min(until - now, LOCK_TIME).total_seconds() / 60)


def tras_fallo(actual: Intentos, now: dt.datetime) -> Intentos:
    """The state after one more failure: the 5th within 15 minutes locks for 15 minutes.

    >>> t = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    >>> state = Intentos()
    >>> for minute in range(5):
    ...     state = tras_fallo(state, t + dt.timedelta(minutes=minute))
    >>> state.bloqueada_hasta == t + dt.timedelta(minutes=19)
    True
    """
    first = as_utc(actual.primer_fallo)
    if first is None or now - first >= FAILURE_WINDOW:
        count, first = 1, now
    else:
        count = actual.fallidos + 1
    if count >= MAX_FAILURES:
        return Intentos(0, None, now + LOCK_TIME)
    return Intentos(count, first, None)
