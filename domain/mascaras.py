"""Masks for one value the portal shows or logs where the whole one is not needed: an email
address (pages, emails, the outbox's log lines, SMTP errors) and a CURP (logs, the NSS email).

Masking whole log lines, whatever they hold, is ``domain.redact``'s job; it masks each CURP it
finds with ``mask_curp``.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

EMAIL_RE = re.compile(r"[^\s<>\"'(),;:\[\]@]+@[^\s<>\"'(),;:\[\]@]+\.[^\s<>\"'(),;:\[\]@.]+")


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


def mask_curp(curp: str) -> str:
    """A CURP as the portal shows it where the whole one is not needed (logs, the NSS email):
    its first four letters, the rest hidden.

    >>> mask_curp("PEGJ850315HJCRRN06")
    'PEGJ**************'
    """
    return curp[:4].upper() + "*" * 14
