"""The states of an unsent message in the outbox, how long it waits between tries, and what
an operator sees of them: the backlog (/metrics, `outbox deliver`) and `outbox retry`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, select, update
from sqlalchemy.orm import Session

from domain.models import Correo

# The first try is right after the commit; the 11 waits between the 12 tries are 30 s, 1, 2, 4,
# 8, 16 and 32 min, then 1 h four times (backoff below): about 5 h from first try to last.
MAX_ATTEMPTS = 12
# Given up for good (the server refused this message or its recipient): past MAX_ATTEMPTS, so
# nothing claims it, and apart from the messages whose attempts ran out, which `outbox retry`
# puts back in line once an operator fixed what stopped them.
REFUSED = MAX_ATTEMPTS + 1
# How far back `outbox retry` looks: older mail (a recovery link, an activation) is stale.
RETRY_WINDOW = dt.timedelta(days=1)
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_WAIT = dt.timedelta(hours=1)
# Longer than any send can take (SMTP timeout 15 s per step): a claim that outlives it is dead.
LEASE = dt.timedelta(minutes=10)

# The one definition of each state of an unsent message, for delivery, `outbox retry`, the
# run's report and /metrics alike: an alert on the backlog must clear once delivery gives up.
WAITING = and_(Correo.enviado.is_(False), Correo.intentos < MAX_ATTEMPTS)
EXHAUSTED = and_(Correo.enviado.is_(False), Correo.intentos == MAX_ATTEMPTS)
REFUSED_FOR_GOOD = and_(Correo.enviado.is_(False), Correo.intentos > MAX_ATTEMPTS)


@dataclass(frozen=True, slots=True)
class Backlog:
    """The messages not sent: those still waiting their turn, and those given up on."""

    waiting: int  # what delivery will still try: the backlog an alert should watch
    exhausted: int  # attempts ran out; `outbox retry` requeues those created in the last day
    refused: int  # the server refused them for good; never tried again


def backlog(session: Session) -> Backlog:
    """How many unsent messages wait, and how many were given up on (one query)."""
    row = session.execute(
        select(
            func.count().filter(WAITING),
            func.count().filter(EXHAUSTED),
            func.count().filter(REFUSED_FOR_GOOD),
        ).where(Correo.enviado.is_(False))
    ).one()
    return Backlog(waiting=row[0], exhausted=row[1], refused=row[2])


def backoff(attempt: int) -> dt.timedelta:
    """How long to wait after the given failed attempt (1 is the first).

    >>> [int(backoff(n).total_seconds()) for n in (1, 2, 3, 8, 20)]
    [30, 60, 120, 3600, 3600]
    """
    wait: dt.timedelta = FIRST_RETRY * 2 ** min(max(attempt - 1, 0), 20)
    return min(wait, LONGEST_WAIT)


def requeue_abandoned(
    session: Session, now: dt.datetime, window: dt.timedelta = RETRY_WINDOW
) -> int:
    """Put back in line, with their attempts anew, the messages of the last ``window`` whose
    attempts ran out; how many.

    For after an operator fixed what stopped them (a wrong password, a server that was away
    for hours). Messages a server refused for good stay given up, and older ones stay too: a
    link inside may have expired, and a day-old "tu contraseña cambió" would only alarm.
    """
    result = session.execute(
        update(Correo)
        .where(EXHAUSTED, Correo.creado >= now - window)
        .values(intentos=0, siguiente_intento=now)
    )
    session.commit()
    return int(cast(CursorResult[Any], result).rowcount)
