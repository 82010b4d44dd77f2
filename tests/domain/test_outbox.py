"""The outbox's delivery without Flask: due messages sent once, backoff, giving up, requeue.
Building messages: test_outbox_mensajes.py; two workers at once: test_outbox_concurrencia.py;
the SMTP transport on its own: tests/domain/test_smtp_transport.py."""

from __future__ import annotations

import datetime as dt
import itertools
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from domain import mailer_transport, outbox
from tests.domain.outbox_helpers import (
    NOW,
    Recording,
    all_rows,
    queue_many,
    sessions_on,
    settings_for,
)
from tests.smtp import SmtpServer, serving


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    yield from sessions_on(database_url)


def test_backoff_doubles_up_to_an_hour() -> None:
    waits = [outbox.backoff(n) for n in range(1, outbox.MAX_ATTEMPTS + 1)]
    assert waits[0] == dt.timedelta(seconds=30)
    assert all(b >= a for a, b in itertools.pairwise(waits))
    assert max(waits) == dt.timedelta(hours=1)
    assert outbox.backoff(10_000) == dt.timedelta(hours=1)


def test_deliver_pending_sends_each_due_message_once(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 3)
    transport = Recording()
    report = outbox.deliver_pending(factory, transport, NOW, limit=10)
    assert (report.sent, report.failed, report.pending) == (3, 0, 0)
    assert outbox.deliver_pending(factory, transport, NOW, limit=10).sent == 0
    assert len(set(transport.sent)) == len(transport.sent) == 3
    assert all(row.enviado and row.enviado_en for row in all_rows(factory))


def test_limit_and_not_yet_due(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 3)
    early = NOW - dt.timedelta(seconds=1)
    assert outbox.deliver_pending(factory, Recording(), early, limit=10).sent == 0
    report = outbox.deliver_pending(factory, Recording(), NOW, limit=2)
    assert (report.sent, report.pending) == (2, 1)


def test_failure_backs_off_then_gives_up(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1)
    down = Recording(fail=ConnectionRefusedError(111, "Connection refused"))
    now = NOW
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        started = time.monotonic()
        report = outbox.deliver_pending(factory, down, now, limit=10)
        run = dt.timedelta(seconds=time.monotonic() - started)
        [row] = all_rows(factory)
        assert row.intentos == attempt and "ConnectionRefusedError" in (row.ultimo_error or "")
        # The wait counts from the failure: `now` moved on by this run's own time, however long.
        due = row.siguiente_intento.replace(tzinfo=dt.UTC)
        assert now + outbox.backoff(attempt) <= due <= now + outbox.backoff(attempt) + run
        # Nothing happens before the retry is due.
        assert outbox.deliver_pending(factory, down, due - dt.timedelta(seconds=1)).failed == 0
        now = due
    assert report.abandoned == 1 and report.pending == 0
    assert outbox.deliver_pending(factory, Recording(), now + dt.timedelta(days=1)).sent == 0


def test_permanent_refusal_is_abandoned_at_once(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1)
    refused = Recording(
        fail=mailer_transport.DeliveryError("SMTP 550 <juana@example.org>", permanent=True)
    )
    report = outbox.deliver_pending(factory, refused, NOW)
    assert report.abandoned == 1
    [row] = all_rows(factory)
    assert row.intentos == outbox.REFUSED and row.ultimo_error == "SMTP 550 <j***@example.org>"


def test_an_unexpected_error_is_kept_without_the_address(
    factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    queue_many(factory, 1)
    broken = Recording(fail=RuntimeError("sin buzón para juana@example.org"))
    assert outbox.deliver_pending(factory, broken, NOW).retrying == 1
    [row] = all_rows(factory)
    assert row.ultimo_error == "RuntimeError('sin buzón para j***@example.org')"
    assert "juana@" not in caplog.text


def test_a_database_that_cannot_be_reached_ends_the_run_at_the_first_claim(
    tmp_path: Path,
) -> None:
    # Not a claim lost to another worker: counted as one, each of the run's hundred claims
    # waited for the database again (a TCP timeout each on a host that does not answer).
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'no-existe' / 'base.sqlite3'}")
    tries: list[object] = []
    sa.event.listen(engine, "do_connect", lambda *args: tries.append(args))
    with pytest.raises(sa.exc.OperationalError):
        outbox.deliver_pending(sessionmaker(engine), Recording(), NOW)
    engine.dispose()
    assert len(tries) == 1


class RefusingOne:
    """Fails for one recipient, delivers to the others."""

    def __init__(self, refused: str) -> None:
        self.refused = refused
        self.sent: list[str] = []

    def send(self, to: str, message: bytes, message_id: str) -> None:
        if to == self.refused:
            raise ConnectionRefusedError(111, "Connection refused")
        self.sent.append(to)


def test_retry_brings_back_only_what_was_never_delivered(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1, to="juana@example.org")
    queue_many(factory, 1, to="pedro@example.org")
    now, down = NOW, Recording(fail=ConnectionRefusedError(111, "Connection refused"))
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        assert outbox.deliver_pending(factory, down, now).retrying == 2
        now += outbox.LONGEST_WAIT + dt.timedelta(minutes=1)
    # The last attempt: Pedro's message goes out, Juana's runs out of attempts.
    report = outbox.deliver_pending(factory, RefusingOne("juana@example.org"), now)
    assert (report.sent, report.abandoned) == (1, 1)
    with factory() as session:
        assert outbox.requeue_abandoned(session, now) == 1  # what the operator is told
    transport = Recording()
    assert outbox.deliver_pending(factory, transport, now).sent == 1
    assert [row.enviado for row in all_rows(factory)] == [True, True]


class RefusingData:
    """Takes every recipient, then refuses the message itself: too big for good, or busy."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos[0].startswith("grande"):
            return "554 5.3.4 Message too big for system"
        return "451 4.3.0 Intenta más tarde"


def test_a_message_refused_after_data_is_abandoned_if_5xx_and_retried_if_4xx(
    factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    queue_many(factory, 1, to="grande@example.org")
    queue_many(factory, 1, to="juana@example.org")
    with serving(RefusingData()) as port:
        transport = mailer_transport.SmtpTransport(settings_for(port=port))
        report = outbox.deliver_pending(factory, transport, NOW)
    assert (report.abandoned, report.retrying, report.pending) == (1, 1, 1)
    too_big, busy = all_rows(factory)
    assert too_big.intentos == outbox.REFUSED and "SMTP 554" in (too_big.ultimo_error or "")
    assert busy.intentos == 1 and "SMTP 451" in (busy.ultimo_error or "")
    later = NOW + dt.timedelta(hours=1)
    report = outbox.deliver_pending(factory, outbox.SmtpTransport(settings_for(smtp_server)), later)
    assert (report.sent, report.pending) == (1, 0)
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["juana@example.org"]
