"""The RFC 5322 message of an outbox row; the two ways to hand it over (SMTP or .eml files)
are in ``domain.mailer_transport``.

Pure Python (stdlib ``email``): the web app, the CLI worker and the tests build messages the
same way. Error texts never carry an address (see ``domain.mascaras.mask_emails_in``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, parseaddr

# (file name, MIME type, content): ("constancia.pdf", "application/pdf", b"%PDF-...").
Attachment = tuple[str, str, bytes]


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
    reply_to: str | None = None,
) -> EmailMessage:
    """A multipart message in ``language``: text, its HTML alternative, then the attachments.

    ``reply_to`` (see ``reply_address``) is where a reply goes instead of the no-reply sender.
    """
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
    if reply_to:
        username, _, domain = reply_to.rpartition("@")
        message["Reply-To"] = Address(username=username, domain=domain)
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


def reply_address(contact: str | None) -> str | None:
    """The operator's contact as a Reply-To address: an email, never an https page.

    Only an address every mail server carries (ASCII, the domain in IDNA): the transport asks
    for SMTPUTF8 by the recipient alone, so a reply address with accents could stop the message.

    >>> reply_address("datos@inst.example"), reply_address("https://inst.example/arco")
    ('datos@inst.example', None)
    >>> reply_address("datos@institución.mx"), reply_address("josé@inst.example")
    ('datos@xn--institucin-obb.mx', None)
    """
    if not contact or contact.startswith("https://"):
        return None
    address = ascii_domain(contact)
    return address if address.isascii() and "@" in address else None


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
