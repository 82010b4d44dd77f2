"""The RFC 5322 message of an outbox row, and the two ways to hand it over: SMTP or .eml files.

Pure Python (stdlib ``email`` and ``smtplib``): the web app, the CLI worker and the tests build
and send messages the same way. Error texts never carry an address (see ``mask_emails_in``).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import secrets
import smtplib
import ssl
import tempfile
from collections.abc import Iterable
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Protocol

from domain.settings import Settings

# (file name, MIME type, content): ("constancia.pdf", "application/pdf", b"%PDF-...").
Attachment = tuple[str, str, bytes]
EMAIL_RE = re.compile(r"[^\s<>\"'(),;:\[\]@]+@[^\s<>\"'(),;:\[\]@]+\.[^\s<>\"'(),;:\[\]@.]+")
SAFE_STEM = re.compile(r"[^A-Za-z0-9._-]")
SMTP_TIMEOUT = 15.0


def mask_email(address: str) -> str:
    """Keep the first character and the domain: enough to recognise it, not to harvest it.

    >>> mask_email("juana.perez@example.org")
    'j***@example.org'
    >>> mask_email("Juana <juana@example.org>"), mask_email("no es un correo")
    ('j***@example.org', '***')
    """
    local, at, domain = parseaddr(address)[1].rpartition("@")
    if not at or not local or not domain:
        return "***"
    return f"{local[0]}***@{domain}"


def mask_emails_in(text: str) -> str:
    """Mask every address inside a free text, such as an SMTP server's reply.

    >>> mask_emails_in("550 5.1.1 <juana@example.org>: Recipient address rejected")
    '550 5.1.1 <j***@example.org>: Recipient address rejected'
    """
    return EMAIL_RE.sub(lambda match: mask_email(match.group()), text)


def domain_of(sender: str) -> str:
    """The domain for Message-IDs: the sender's own.

    >>> domain_of("Derechohabiencia <no-responder@portal.example>")
    'portal.example'
    """
    return parseaddr(sender)[1].rpartition("@")[2] or "derechohabiencia.localhost"


def new_message_id(domain: str, now: dt.datetime) -> str:
    """A unique Message-ID whose left part sorts by time (it also names the .eml file).

    To the microsecond: the demo's outbox lists the newest first by name, and a second link
    asked for within the same second must not be listed under the first, spent one.

    >>> new_message_id("portal.example", dt.datetime(2026, 11, 26, 7, 46, 12, 5))[:22]
    '<20261126074612000005.'
    """
    return f"<{now:%Y%m%d%H%M%S%f}.{secrets.token_hex(8)}@{domain}>"


def build_message(
    *,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str,
    message_id: str,
    now: dt.datetime,
    attachments: Iterable[Attachment] = (),
    language: str = "es",
) -> EmailMessage:
    """A multipart message in ``language``: text, its HTML alternative, then the attachments."""
    name, address = parseaddr(to)
    if not address or "\n" in to or "\r" in to:
        raise ValueError("destinatario no válido")
    message = EmailMessage()
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(now)
    message["From"] = sender
    username, _, domain = ascii_domain(address).rpartition("@")
    message["To"] = Address(display_name=name, username=username, domain=domain)
    message["Subject"] = subject
    # RFC 3834: tells autoresponders ("out of office") not to answer a no-reply address.
    message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps the message 7-bit clean for any relay, and readable in source.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    for filename, mime_type, content in attachments:
        maintype, _, subtype = mime_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    # Last: set_content and add_attachment move Content-* headers into the parts they make.
    # RFC 3282: mail programs pick the reading voice and the spell checker of a reply from it.
    message["Content-Language"] = language
    return message


def message_bytes(message: EmailMessage) -> bytes:
    """The message as SMTP expects it: CRLF line ends, UTF-8 headers only for josé@…"""
    addresses = [*message["To"].addresses, *message["From"].addresses]
    ascii_only = all(address.addr_spec.isascii() for address in addresses)
    return message.as_bytes(policy=policy.SMTP if ascii_only else policy.SMTPUTF8)


def ascii_domain(address: str) -> str:
    """The address with its domain in ASCII (IDNA), which every mail server understands.

    >>> ascii_domain("juana@correo.méxico.mx"), ascii_domain("josé@example.org")
    ('juana@correo.xn--mxico-bsa.mx', 'josé@example.org')
    """
    local, at, domain = address.rpartition("@")
    if not at or domain.isascii():
        return address
    try:
        return f"{local}@{domain.encode('idna').decode('ascii')}"
    except UnicodeError:
        return address


def parse_message(raw: bytes) -> EmailMessage:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


def file_stem(message_id: str) -> str:
    """The .eml name of a message: the left part of its Message-ID, made path-safe.

    >>> file_stem("<20261126074612.0a1b2c3d4e5f6071@portal.example>")
    '20261126074612.0a1b2c3d4e5f6071'
    """
    return SAFE_STEM.sub("_", message_id.strip().strip("<>").partition("@")[0]) or "correo"


class DeliveryError(Exception):
    """A message that could not be handed over; ``permanent`` means retrying will not help."""

    def __init__(self, description: str, *, permanent: bool = False) -> None:
        super().__init__(mask_emails_in(description))
        self.permanent = permanent


class Transport(Protocol):
    def send(self, to: str, message: bytes, message_id: str) -> None: ...


class FileTransport:
    """Writes each message to ``outbox_dir/<message-id>.eml``: for development and demos."""

    def __init__(self, outbox_dir: Path) -> None:
        self.outbox_dir = Path(outbox_dir)

    def path_for(self, message_id: str) -> Path:
        return self.outbox_dir / f"{file_stem(message_id)}.eml"

    def send(self, to: str, message: bytes, message_id: str) -> None:
        try:
            self.outbox_dir.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a reader never sees half a message; a retry overwrites.
            fd, tmp = tempfile.mkstemp(dir=self.outbox_dir, suffix=".tmp")
            with os.fdopen(fd, "wb") as handle:
                handle.write(message)
            os.replace(tmp, self.path_for(message_id))
        except OSError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc.strerror}") from None


class SmtpTransport:
    """Hands messages to ``MAIL_SERVER``: STARTTLS with ``MAIL_USE_TLS``, implicit TLS on 465."""

    def __init__(self, settings: Settings, timeout: float = SMTP_TIMEOUT) -> None:
        if not settings.mail_server:
            raise ValueError("SmtpTransport necesita MAIL_SERVER")
        self.host = settings.mail_server
        self.port = settings.mail_port
        self.username = settings.mail_username
        self.password = settings.mail_password
        self.use_tls = settings.mail_use_tls
        self.envelope_from = parseaddr(settings.mail_default_sender)[1]
        self.timeout = timeout

    @functools.cached_property
    def tls_context(self) -> ssl.SSLContext:
        # Built once: loading the system CA store takes a good part of a second.
        return ssl.create_default_context()

    def _connect(self) -> smtplib.SMTP:
        if self.port == 465:
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self.tls_context
            )
        smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        try:
            if self.use_tls:
                smtp.starttls(context=self.tls_context)
        except smtplib.SMTPNotSupportedError:
            smtp.close()
            raise DeliveryError("El servidor no ofrece STARTTLS: revisa MAIL_USE_TLS") from None
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, to: str, message: bytes, message_id: str) -> None:
        # Configuration problems (no STARTTLS, no AUTH, a refused login) are retried like an
        # outage: someone can fix them, and every message waiting must still go out. Only
        # what this one message asks for and the server can never do is given up.
        try:
            with self._connect() as smtp:
                if self.username and self.password:
                    try:
                        smtp.login(self.username, self.password)
                    except smtplib.SMTPNotSupportedError:
                        reason = "El servidor no ofrece autenticación: revisa MAIL_USERNAME"
                        raise DeliveryError(reason) from None
                # A non-ASCII local part (josé@…) needs a server that offers SMTPUTF8.
                options = [] if to.isascii() else ["SMTPUTF8"]
                try:
                    smtp.sendmail(self.envelope_from, [to], message, mail_options=options)
                except smtplib.SMTPNotSupportedError:
                    reason = "El servidor no acepta direcciones con acentos (SMTPUTF8)"
                    raise DeliveryError(reason, permanent=True) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            permanent = all(code >= 500 for code in codes)
            raise DeliveryError(
                f"Destinatario rechazado (SMTP {codes})", permanent=permanent
            ) from None
        except smtplib.SMTPDataError as exc:
            # 5xx after DATA: the server refuses this message (size, content); retrying won't help.
            reply = _reply_text(exc.smtp_error)
            raise DeliveryError(
                f"SMTP {exc.smtp_code}: {reply}", permanent=exc.smtp_code >= 500
            ) from None
        except smtplib.SMTPResponseException as exc:
            # Sender refused, authentication: our configuration, which someone can fix. Retry.
            raise DeliveryError(f"SMTP {exc.smtp_code}: {_reply_text(exc.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None


def _reply_text(reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return " ".join(text.split())[:300]


def transport_for(settings: Settings) -> Transport:
    """SMTP when ``MAIL_SERVER`` is set, .eml files under ``instance/outbox/`` otherwise."""
    if settings.mail_server:
        return SmtpTransport(settings)
    return FileTransport(settings.outbox_dir)
