"""One delivery run of the outbox (``domain.outbox`` says how it is safe): claim a due message
in a short transaction, send it outside any, record the outcome; then count what still waits."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from domain.mailer_transport import DeliveryError, Transport
from domain.mascaras import mask_email, mask_emails_in
from domain.models import Correo
from domain.outbox_estados import LEASE, MAX_ATTEMPTS, REFUSED, WAITING, backlog, backoff

# The outbox's logger, as before delivery had a module of its own: operators' filters stay.
log = logging.getLogger("domain.outbox")

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
class _Claim:
    id: int
    to: str
    message: bytes
    message_id: str
    attempt: int


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
