"""The mail outbox: each message is a ``Correo`` row written with the change that causes it.

Delivery claims one row at a time in a short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite ignores it and the conditional UPDATE settles races), commits a lease, sends
outside any transaction, then records the outcome. So several workers never send one message
twice, and no database lock is held while an SMTP server is slow. A worker that dies between
sending and recording leaves the lease to expire and the message is sent again: the one case
of a duplicate, with the same Message-ID so mail clients can fold it.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, and_, func, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from domain.mailer import (
    DeliveryError,
    FileTransport,
    SmtpTransport,
    Transport,
    mask_email,
    mask_emails_in,
    message_bytes,
    transport_for,
)
from domain.models import Correo

__all__ = [
    "Backlog",
    "DeliveryReport",
    "FileTransport",
    "SmtpTransport",
    "Transport",
    "backlog",
    "backoff",
    "deliver_ids",
    "deliver_pending",
    "mask_email",
    "queue",
    "transport_for",
]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 12  # 30 s, 1 min, 2 min … then hourly: about six hours in all
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

SessionFactory = Callable[[], Session]
Lost = Literal["lost"]


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """What one delivery run did, and how many messages still wait."""

    sent: int = 0
    retrying: int = 0
    abandoned: int = 0
    pending: int = 0

    @property
    def failed(self) -> int:
        return self.retrying + self.abandoned


@dataclass(frozen=True, slots=True)
class Backlog:
    """The messages not sent: those still waiting their turn, and those given up on."""

    waiting: int  # what delivery will still try: the backlog an alert should watch
    exhausted: int  # attempts ran out; `outbox retry` puts the last day's back in line
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


@dataclass(frozen=True, slots=True)
class _Claim:
    id: int
    to: str
    message: bytes
    message_id: str
    attempt: int


def backoff(attempt: int) -> dt.timedelta:
    """How long to wait after the given failed attempt (1 is the first).

    >>> [int(backoff(n).total_seconds()) for n in (1, 2, 3, 8, 20)]
    [30, 60, 120, 3600, 3600]
    """
    wait: dt.timedelta = FIRST_RETRY * 2 ** min(max(attempt - 1, 0), 20)
    return min(wait, LONGEST_WAIT)


def queue(session: Session, message: EmailMessage, now: dt.datetime) -> Correo:
    """Add the message to the session as a pending row; the caller commits it with its change."""
    correo = Correo(
        message_id=str(message["Message-ID"]),
        destinatario=message["To"].addresses[0].addr_spec,
        asunto=str(message["Subject"])[:255],
        mensaje=message_bytes(message),
        creado=now,
        enviado=False,
        intentos=0,
        siguiente_intento=now,
    )
    session.add(correo)
    return correo


def deliver_pending(
    session_factory: SessionFactory, transport: Transport, now: dt.datetime, limit: int = 100
) -> DeliveryReport:
    """Send up to ``limit`` messages that are due, oldest first."""
    clock = _RunClock(now)
    outcomes: list[str] = []
    for _ in range(limit):
        claim = _claim(session_factory, clock())
        if claim is None:
            break
        if isinstance(claim, _Claim):
            outcomes.append(_attempt(session_factory, transport, claim, clock))
    return _report(session_factory, outcomes)


def deliver_ids(
    session_factory: SessionFactory, transport: Transport, ids: Iterable[int], now: dt.datetime
) -> DeliveryReport:
    """Try these messages now (right after the commit that created them), if still pending."""
    clock = _RunClock(now)
    outcomes = []
    for correo_id in ids:
        claim = _claim(session_factory, clock(), only=correo_id)
        if isinstance(claim, _Claim):
            outcomes.append(_attempt(session_factory, transport, claim, clock))
    return _report(session_factory, outcomes)


class _RunClock:
    """``now`` moved on by the time the run has taken: a lease is counted from its claim, not
    from the start of a run that may have spent minutes waiting on a slow server."""

    def __init__(self, now: dt.datetime) -> None:
        self.start, self.started = now, time.monotonic()

    def __call__(self) -> dt.datetime:
        return self.start + dt.timedelta(seconds=time.monotonic() - self.started)


def _claim(
    session_factory: SessionFactory, now: dt.datetime, only: int | None = None
) -> _Claim | Lost | None:
    """Lease one due message: a ``_Claim``, ``"lost"`` to another worker, or None if none due."""
    due = select(Correo.id, Correo.intentos).where(WAITING, Correo.siguiente_intento <= now)
    if only is not None:
        due = due.where(Correo.id == only)
    due = due.order_by(Correo.siguiente_intento, Correo.id).limit(1)
    with session_factory() as session:
        try:
            row = session.execute(due.with_for_update(skip_locked=True)).first()
            if row is None:
                return None
            # The attempt count doubles as a version: only one worker can move it on.
            result = session.execute(
                update(Correo)
                .where(
                    Correo.id == row.id, Correo.intentos == row.intentos, Correo.enviado.is_(False)
                )
                .values(intentos=row.intentos + 1, siguiente_intento=now + LEASE)
            )
            if cast(CursorResult[Any], result).rowcount != 1:
                session.rollback()
                return "lost"
            correo = session.execute(
                select(Correo.destinatario, Correo.mensaje, Correo.message_id).where(
                    Correo.id == row.id
                )
            ).one()
            session.commit()
        except OperationalError as exc:
            if exc.statement is None or exc.connection_invalidated:
                # Not reached at all: each of the run's claims would wait for it again.
                raise
            # SQLite: another writer moved first (stale snapshot or busy). Leave it to them.
            session.rollback()
            return "lost"
    return _Claim(row.id, correo.destinatario, correo.mensaje, correo.message_id, row.intentos + 1)


def _attempt(
    session_factory: SessionFactory, transport: Transport, claim: _Claim, clock: _RunClock
) -> str:
    masked = mask_email(claim.to)
    try:
        transport.send(claim.to, claim.message, claim.message_id)
    except Exception as exc:
        now = clock()
        permanent = isinstance(exc, DeliveryError) and exc.permanent
        error = mask_emails_in(str(exc) if isinstance(exc, DeliveryError) else repr(exc))[:500]
        abandoned = permanent or claim.attempt >= MAX_ATTEMPTS
        values: dict[str, Any] = {
            "ultimo_error": error,
            "siguiente_intento": now + backoff(claim.attempt),
        }
        if abandoned:
            values["intentos"] = REFUSED if permanent else MAX_ATTEMPTS
        _record(session_factory, claim.id, values)
        level = logging.ERROR if abandoned else logging.WARNING
        log.log(
            level,
            "Correo %s a %s no entregado (intento %s): %s",
            claim.id,
            masked,
            claim.attempt,
            error,
        )
        return "abandoned" if abandoned else "retrying"
    _record(
        session_factory, claim.id, {"enviado": True, "enviado_en": clock(), "ultimo_error": None}
    )
    log.info("Correo %s entregado a %s (intento %s)", claim.id, masked, claim.attempt)
    return "sent"


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


def _record(session_factory: SessionFactory, correo_id: int, values: dict[str, Any]) -> None:
    with session_factory() as session:
        session.execute(update(Correo).where(Correo.id == correo_id).values(**values))
        session.commit()


def _report(session_factory: SessionFactory, outcomes: list[str]) -> DeliveryReport:
    with session_factory() as session:
        pending = backlog(session).waiting
    return DeliveryReport(
        sent=outcomes.count("sent"),
        retrying=outcomes.count("retrying"),
        abandoned=outcomes.count("abandoned"),
        pending=pending,
    )
