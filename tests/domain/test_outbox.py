"""The outbox without Flask: building messages, transports, claiming, backoff, concurrency."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import itertools
import ssl
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
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
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
    refused = Recording(fail=mailer.DeliveryError("SMTP 550 <juana@example.org>", permanent=True))
    report = outbox.deliver_pending(factory, refused, NOW)
    assert report.abandoned == 1
    [row] = all_rows(factory)
    assert row.intentos == outbox.MAX_ATTEMPTS and row.ultimo_error == "SMTP 550 <j***@example.org>"


class Holding:
    """A transport that, once it starts sending, waits until the test lets it go."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.sending = threading.Event()
        self.let_go = threading.Event()

    def send(self, to: str, message: bytes, message_id: str) -> None:
        self.sending.set()
        if self.let_go.wait(30):
            self.sent.append(message_id)


def test_a_claimed_message_is_not_sent_by_another_worker(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1)
    first = Holding()
    worker = threading.Thread(target=outbox.deliver_pending, args=(factory, first, NOW))
    worker.start()
    try:
        assert first.sending.wait(30)  # the first worker holds the lease and is mid-send
        second = Recording()
        report = outbox.deliver_pending(factory, second, NOW + dt.timedelta(minutes=5))
    finally:
        first.let_go.set()
        worker.join(30)
    assert second.sent == [] and report == outbox.DeliveryReport(pending=1)
    assert len(first.sent) == 1 and all(row.enviado for row in all_rows(factory))


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


@contextlib.contextmanager
def serving(handler: Any, **options: Any) -> Iterator[int]:
    """An aiosmtpd server with this handler and these ``SMTP`` options; yields its port."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def test_smtp_refusals_are_classified_and_masked() -> None:
    with serving(Refusing()) as port:
        transport = mailer.SmtpTransport(settings_for(port=port))
        raw = mailer.message_bytes(message())
        with pytest.raises(mailer.DeliveryError) as permanent:
            transport.send("nadie@example.org", raw, "<x@y>")
        with pytest.raises(mailer.DeliveryError) as temporary:
            transport.send("juana@example.org", raw, "<x@y>")
    assert permanent.value.permanent and "550" in str(permanent.value)
    assert not temporary.value.permanent and "451" in str(temporary.value)
    assert "nadie@" not in str(permanent.value) and "juana@" not in str(temporary.value)


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
        transport = mailer.SmtpTransport(settings_for(port=port))
        report = outbox.deliver_pending(factory, transport, NOW)
    assert (report.abandoned, report.retrying, report.pending) == (1, 1, 1)
    too_big, busy = all_rows(factory)
    assert too_big.intentos == outbox.MAX_ATTEMPTS and "SMTP 554" in (too_big.ultimo_error or "")
    assert busy.intentos == 1 and "SMTP 451" in (busy.ultimo_error or "")
    later = NOW + dt.timedelta(hours=1)
    report = outbox.deliver_pending(factory, outbox.SmtpTransport(settings_for(smtp_server)), later)
    assert (report.sent, report.pending) == (1, 0)
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["juana@example.org"]


class Sessions:
    """Accepts every message and keeps the SMTP session it came in: TLS, who logged in."""

    def __init__(self) -> None:
        self.received: list[tuple[Any, Any]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append((session.ssl, session.auth_data))
        return "250 Message accepted for delivery"


@pytest.fixture
def server_tls(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """The server's TLS, with a self-signed certificate for 127.0.0.1 the client trusts.

    Trusted as an operator would a private CA: OpenSSL's ``SSL_CERT_FILE``, which the
    transport's ``ssl.create_default_context()`` reads.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.pruebas")])
    today = dt.datetime.now(dt.UTC)  # OpenSSL checks validity against the real clock
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(today - dt.timedelta(days=1))
        .not_valid_after(today + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "smtp.crt", tmp_path / "smtp.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context


def test_mail_use_tls_sends_only_over_starttls(server_tls: ssl.SSLContext) -> None:
    handler = Sessions()
    with serving(handler, tls_context=server_tls, require_starttls=True) as port:
        transport = mailer.SmtpTransport(replace(settings_for(port=port), mail_use_tls=True))
        transport.send("juana@example.org", mailer.message_bytes(message()), "<x@y>")
    [(tls, _)] = handler.received
    assert tls is not None and tls["ssl_object"].version().startswith("TLS")


def only_portal(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    right = data == LoginPassword(b"portal", b"secreta-123")
    return AuthResult(success=right, handled=False, auth_data=data if right else None)


def send_logged_in(server_tls: ssl.SSLContext, handler: Sessions, password: str) -> None:
    """Send one message as user "portal" to a server that wants STARTTLS, then AUTH."""
    options = {"tls_context": server_tls, "require_starttls": True, "auth_required": True}
    with serving(handler, authenticator=only_portal, **options) as port:
        settings = replace(
            settings_for(port=port),
            mail_use_tls=True,
            mail_username="portal",
            mail_password=password,
        )
        raw = mailer.message_bytes(message())
        mailer.SmtpTransport(settings).send("juana@example.org", raw, "<x@y>")


def test_mail_username_logs_in(server_tls: ssl.SSLContext) -> None:
    handler = Sessions()
    send_logged_in(server_tls, handler, "secreta-123")
    [(_, login)] = handler.received
    assert login == LoginPassword(b"portal", b"secreta-123")


def test_a_refused_login_is_retried_and_its_error_shows_no_password(
    server_tls: ssl.SSLContext,
) -> None:
    # A wrong MAIL_PASSWORD is the operator's to fix; the messages must wait, not be lost.
    handler = Sessions()
    with pytest.raises(mailer.DeliveryError) as refused:
        send_logged_in(server_tls, handler, "otra-456")
    assert handler.received == []
    assert not refused.value.permanent and "SMTP 535" in str(refused.value)
    assert "otra-456" not in str(refused.value)


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
