"""What the outbox tests share: a message like the portal's, a queue of them on the test
database, and a transport that records what it sent."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from domain import mailer, outbox
from domain.models import Correo
from domain.settings import Settings
from tests.smtp import SmtpServer, free_port

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
SENDER = "Derechohabiencia <no-responder@portal.example>"


def sessions_on(database_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on the test database, for delivery runs that open their own (a fixture's body)."""
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    args = {"timeout": 30} if url.startswith("sqlite") else {}
    engine = sa.create_engine(url, connect_args=args)
    yield sessionmaker(engine)
    engine.dispose()


def settings_for(smtp: SmtpServer | None = None, port: int | None = None) -> Settings:
    base = Settings.from_env({"SECRET_KEY": "x"}, Path("/nonexistent"))
    return replace(
        base,
        mail_server="127.0.0.1",
        mail_port=port or (smtp.port if smtp else free_port()),
        mail_default_sender=SENDER,
    )


def message(to: str = "juana@example.org", n: int = 0) -> Any:
    return mailer.build_message(
        sender=SENDER,
        to=to,
        subject=f"Aviso {n}: tu constancia está lista",
        text=f"Hola:\n\nDescárgala en https://portal.example/c/{n}\n",
        html=f'<p>Descárgala en <a href="https://portal.example/c/{n}">https://portal.example/c/{n}</a></p>',
        message_id=mailer.new_message_id("portal.example", NOW),
        now=NOW,
        attachments=[("constancia.pdf", "application/pdf", b"%PDF-1.4 \x00\xff")],
    )


def queue_many(factory: sessionmaker[Session], count: int, to: str = "juana@example.org") -> None:
    with factory() as session:
        for n in range(count):
            outbox.queue(session, message(to, n), NOW)
        session.commit()


def all_rows(factory: sessionmaker[Session]) -> list[Correo]:
    with factory() as session:
        return list(session.scalars(sa.select(Correo).order_by(Correo.id)))


class Recording:
    """A transport that remembers what it sent and can fail on demand."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[str] = []
        self.fail = fail
        self.lock = threading.Lock()

    def send(self, to: str, message: bytes, message_id: str) -> None:
        if self.fail:
            raise self.fail
        with self.lock:
            self.sent.append(message_id)
