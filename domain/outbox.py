"""The mail outbox: each message is a ``Correo`` row written with the change that causes it.

Delivery claims one row at a time in a short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL; SQLite ignores it and the conditional UPDATE settles races), commits a lease, sends
outside any transaction, then records the outcome. So several workers never send one message
twice, and no database lock is held while an SMTP server is slow. A worker that dies between
sending and recording leaves the lease to expire and the message is sent again: the one case
of a duplicate, with the same Message-ID so mail clients can fold it.

``domain.outbox`` is the outbox's API: it queues a message here; the states and waits are in
``domain.outbox_estados``, a delivery run in ``domain.outbox_entrega``.
"""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage

from sqlalchemy.orm import Session

from domain.mailer import message_bytes
from domain.mailer_transport import FileTransport, SmtpTransport, Transport, transport_for
from domain.models import Correo
from domain.outbox_entrega import DeliveryReport, deliver_ids, deliver_pending
from domain.outbox_estados import (
    LONGEST_WAIT,
    MAX_ATTEMPTS,
    REFUSED,
    RETRY_WINDOW,
    Backlog,
    backlog,
    backoff,
    requeue_abandoned,
)

__all__ = [
    "LONGEST_WAIT",
    "MAX_ATTEMPTS",
    "REFUSED",
    "RETRY_WINDOW",
    "Backlog",
    "DeliveryReport",
    "FileTransport",
    "SmtpTransport",
    "Transport",
    "backlog",
    "backoff",
    "deliver_ids",
    "deliver_pending",
    "queue",
    "requeue_abandoned",
    "transport_for",
]


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
