"""The SMTP transport against real aiosmtpd servers: refusals classified, STARTTLS and AUTH
actually used, configuration problems retried, accented addresses."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from domain import mailer, mailer_transport, outbox
from domain.settings import Settings
from tests.domain.outbox_helpers import message, settings_for
from tests.smtp import SmtpServer, free_port, serving


class Refusing:
    """An SMTP handler that refuses some recipients, permanently or for now."""

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.startswith("nadie"):
            return f"550 5.1.1 <{address}>: Recipient address rejected"
        return "451 4.3.0 Intenta más tarde"


def test_smtp_refusals_are_classified_and_masked() -> None:
    with serving(Refusing()) as port:
        transport = mailer_transport.SmtpTransport(settings_for(port=port))
        raw = mailer.message_bytes(message())
        with pytest.raises(mailer_transport.DeliveryError) as permanent:
            transport.send("nadie@example.org", raw, "<x@y>")
        with pytest.raises(mailer_transport.DeliveryError) as temporary:
            transport.send("juana@example.org", raw, "<x@y>")
    assert permanent.value.permanent and "550" in str(permanent.value)
    assert not temporary.value.permanent and "451" in str(temporary.value)
    assert "nadie@" not in str(permanent.value) and "juana@" not in str(temporary.value)


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
        transport = mailer_transport.SmtpTransport(
            replace(settings_for(port=port), mail_use_tls=True)
        )
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
        mailer_transport.SmtpTransport(settings).send("juana@example.org", raw, "<x@y>")


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
    with pytest.raises(mailer_transport.DeliveryError) as refused:
        send_logged_in(server_tls, handler, "otra-456")
    assert handler.received == []
    assert not refused.value.permanent and "SMTP 535" in str(refused.value)
    assert "otra-456" not in str(refused.value)


def test_smtp_down_is_a_temporary_error() -> None:
    transport = mailer_transport.SmtpTransport(settings_for(port=free_port()))
    with pytest.raises(mailer_transport.DeliveryError) as down:
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
    with pytest.raises(mailer_transport.DeliveryError) as refused:
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


def test_an_accented_address_a_server_cannot_take_is_given_up_not_retried() -> None:
    # Retrying cannot teach a server SMTPUTF8: the message is given up at once (REFUSED).
    with serving(Sessions(), enable_SMTPUTF8=False) as port:
        transport = mailer_transport.SmtpTransport(settings_for(port=port))
        built = message(to="josé@example.org")
        with pytest.raises(mailer_transport.DeliveryError) as refused:
            transport.send("josé@example.org", mailer.message_bytes(built), built["Message-ID"])
    assert refused.value.permanent and "SMTPUTF8" in str(refused.value)
