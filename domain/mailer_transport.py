"""The two ways to hand an outbox message over: SMTP (``MAIL_SERVER``) or .eml files.

Pure Python (stdlib ``smtplib``), as the message it sends (``domain.mailer``). A failure is a
``DeliveryError`` whose text never carries an address.
"""

from __future__ import annotations

import functools
import os
import re
import smtplib
import ssl
import tempfile
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol

from domain.mascaras import mask_emails_in
from domain.settings import Settings

SAFE_STEM = re.compile(r"[^A-Za-z0-9._-]")
SMTP_TIMEOUT = 15.0


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
