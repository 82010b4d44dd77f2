"""The outbox without Flask: building messages, transports, claiming, backoff, concurrency."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session, sessionmaker

from domain import mailer, outbox
from domain.models import Correo
from domain.settings import Settings
from tests.smtp import SmtpServer, free_port

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
SENDER = "Derechohabiencia <no-responder@portal.example>"


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
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
    """A transport that remembers what it sent and can fail or dawdle on demand."""

    def __init__(self, fail: Exception | None = None, delay: float = 0.0) -> None:
        self.sent: list[str] = []
        self.fail = fail
        self.delay = delay
        self.lock = threading.Lock()

    def send(self, to: str, message: bytes, message_id: str) -> None:
        time.sleep(self.delay)
        if self.fail:
            raise self.fail
        with self.lock:
            self.sent.append(message_id)


def test_message_has_id_date_text_html_and_attachment() -> None:
    built = mailer.parse_message(mailer.message_bytes(message()))
    assert built["Message-ID"].endswith("@portal.example>")
    assert built["Date"] == "Thu, 26 Nov 2026 12:00:00 +0000"
    assert built["Auto-Submitted"] == "auto-generated"
    assert built.get_content_type() == "multipart/mixed"
    assert "https://portal.example/c/0" in built.get_body(("plain",)).get_content()
    assert "<a href=" in built.get_body(("html",)).get_content()
    [pdf] = built.iter_attachments()
    assert pdf.get_content() == b"%PDF-1.4 \x00\xff"
    assert mailer.message_bytes(message()).isascii()  # 7-bit clean for any relay


def test_header_injection_is_refused() -> None:
    with pytest.raises(ValueError):
        message(to="juana@example.org\r\nBcc: todos@example.org")


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("juana.perez@example.org", "j***@example.org"),
        ("J@example.org", "J***@example.org"),
        ("", "***"),
        ("sin-arroba", "***"),
        ("@example.org", "***"),
    ],
)
def test_mask_email(address: str, masked: str) -> None:
    assert outbox.mask_email(address) == masked


def test_backoff_doubles_up_to_an_hour() -> None:
    waits = [outbox.backoff(n) for n in range(1, outbox.MAX_ATTEMPTS + 1)]
    assert waits[0] == dt.timedelta(seconds=30)
    assert all(b >= a for a, b in itertools.pairwise(waits))
    assert max(waits) == dt.timedelta(hours=1)
    assert outbox.backoff(10_000) == dt.timedelta(hours=1)


def test_file_transport_names_the_file_after_the_message_id(tmp_path: Path) -> None:
    transport = mailer.FileTransport(tmp_path / "outbox")
    built = message()
    transport.send("juana@example.org", mailer.message_bytes(built), built["Message-ID"])
    transport.send("juana@example.org", mailer.message_bytes(built), built["Message-ID"])
    [eml] = (tmp_path / "outbox").iterdir()  # a retry overwrites: still one file
    assert eml.name == mailer.file_stem(built["Message-ID"]) + ".eml"
    assert eml.read_bytes() == mailer.message_bytes(built)


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
        report = outbox.deliver_pending(factory, down, now, limit=10)
        [row] = all_rows(factory)
        assert row.intentos == attempt and "ConnectionRefusedError" in (row.ultimo_error or "")
        due = row.siguiente_intento.replace(tzinfo=dt.UTC)
        waited = due - now - outbox.backoff(attempt)  # plus the run's own few milliseconds
        assert dt.timedelta(0) <= waited < dt.timedelta(seconds=2)
        # Nothing happens before the retry is due.
        assert outbox.deliver_pending(factory, down, due - dt.timedelta(seconds=1)).failed == 0
        now = due
    assert report.abandoned == 1 and report.pending == 0
    assert outbox.deliver_pending(factory, Recording(), now + dt.timedelta(days=1)).sent == 0


def test_permanent_refusal_is_abandoned_at_once(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1)
    refused = Recording(fail=mailer.DeliveryError("SMTP 550 <juana@example.org>", permanent=True))
    report = outbox.deliver_pending(factory, refused, NOW)
    assert report.abandoned == 1
    [row] = all_rows(factory)
    assert row.intentos == outbox.MAX_ATTEMPTS and row.ultimo_error == "SMTP 550 <j***@example.org>"


def test_a_claimed_message_is_not_sent_by_another_worker(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1)
    slow = Recording(delay=1.0)
    worker = threading.Thread(target=outbox.deliver_pending, args=(factory, slow, NOW))
    worker.start()
    time.sleep(0.3)  # the first worker holds the lease and is still "sending"
    fast = Recording()
    outbox.deliver_pending(factory, fast, NOW + dt.timedelta(minutes=5))
    worker.join()
    assert fast.sent == [] and len(slow.sent) == 1


def test_two_concurrent_workers_never_send_a_message_twice(
    factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    queue_many(factory, 30)
    transport = outbox.SmtpTransport(settings_for(smtp_server))
    reports: list[outbox.DeliveryReport] = []
    start = threading.Barrier(2)

    def work() -> None:
        start.wait()
        reports.append(outbox.deliver_pending(factory, transport, NOW, limit=100))

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    smtp_server.wait_for(30)
    time.sleep(0.2)
    counts = Counter(smtp_server.message_ids())
    assert len(counts) == 30 and set(counts.values()) == {1}
    assert sum(r.sent for r in reports) == 30
    assert all(row.enviado and row.intentos == 1 for row in all_rows(factory))


class Refusing:
    """An SMTP handler that refuses some recipients, permanently or for now."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("nadie"):
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        return "451 4.3.0 Intenta más tarde"


def test_smtp_refusals_are_classified_and_masked() -> None:
    port = free_port()
    controller = Controller(Refusing(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        transport = mailer.SmtpTransport(settings_for(port=port))
        raw = mailer.message_bytes(message())
        with pytest.raises(mailer.DeliveryError) as permanent:
            transport.send("nadie@example.org", raw, "<x@y>")
        with pytest.raises(mailer.DeliveryError) as temporary:
            transport.send("juana@example.org", raw, "<x@y>")
    finally:
        controller.stop()
    assert permanent.value.permanent and "550" in str(permanent.value)
    assert not temporary.value.permanent and "451" in str(temporary.value)
    assert "nadie@" not in str(permanent.value) and "juana@" not in str(temporary.value)


def test_smtp_down_is_a_temporary_error() -> None:
    transport = mailer.SmtpTransport(settings_for(port=free_port()))
    with pytest.raises(mailer.DeliveryError) as down:
        transport.send("juana@example.org", b"Subject: x\r\n\r\nx\r\n", "<x@y>")
    assert not down.value.permanent and "ConnectionRefusedError" in str(down.value)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"mail_use_tls": True}, "STARTTLS"),
        ({"mail_username": "portal", "mail_password": "secreta"}, "autenticación"),
    ],
)
def test_a_server_without_starttls_or_auth_is_a_setting_to_fix_not_a_lost_message(
    smtp_server: SmtpServer, change: dict[str, Any], words: str
) -> None:
    # aiosmtpd as set up here offers neither: what the settings ask for cannot happen. That is
    # the operator's to fix, and every message waiting must still go out once it is fixed.
    transport = outbox.SmtpTransport(replace(settings_for(smtp_server), **change))
    with pytest.raises(mailer.DeliveryError) as refused:
        transport.send("juana@example.org", mailer.message_bytes(message()), "<x@y>")
    assert not refused.value.permanent and words in str(refused.value)
    assert "secreta" not in str(refused.value)
    assert smtp_server.messages == []


def test_transport_for_chooses_by_mail_server(tmp_path: Path) -> None:
    settings = Settings.from_env({"SECRET_KEY": "x"}, tmp_path)
    file_transport = outbox.transport_for(settings)
    assert isinstance(file_transport, outbox.FileTransport)
    assert file_transport.outbox_dir == tmp_path / "outbox"
    assert isinstance(outbox.transport_for(settings_for()), outbox.SmtpTransport)


def test_accented_addresses_reach_an_smtputf8_server(smtp_server: SmtpServer) -> None:
    transport = outbox.SmtpTransport(settings_for(smtp_server))
    for to in ("josé@example.org", "juana@correo.méxico.mx"):
        built = message(to=to)
        envelope_to = built["To"].addresses[0].addr_spec  # what outbox.queue stores
        transport.send(envelope_to, mailer.message_bytes(built), built["Message-ID"])
    first, second = smtp_server.wait_for(2)
    assert first["To"] == "josé@example.org"
    assert second["To"] == "juana@correo.xn--mxico-bsa.mx"
    assert smtp_server.envelopes[0].rcpt_tos == ["josé@example.org"]
