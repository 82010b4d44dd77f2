"""Masking of personal data in text bound for logs: CURPs, emails, tokens and query values.

>>> redact("GET /curp?curp=PXNE660720HMCXTN06&x=1 from ana.lopez@example.org")
'GET /curp?curp=***&x=1 from a***@example.org'
>>> redact("/api/v1/curp/pxne660720hmcxtn06")
'/api/v1/curp/***'
>>> redact("titular PXNE660720HMCXTN06")
'titular PXNE**************'
"""

from __future__ import annotations

import re

_QUERY = re.compile(
    r"(?i)([?&](?:curp|email|c|token|nss|password|q|nombre|primer_apellido|segundo_apellido"
    r"|fecha_nacimiento)=)[^&\s\"']*"
)
_API_PATH = re.compile(r"(?i)(/api/v1/(?:curp|estatus)/)[^\s?\"']+")
_CURP = re.compile(r"(?i)\b([A-Z]{4})\d{6}[HMX][A-Z]{5}[A-Z0-9]\d\b")
_EMAIL = re.compile(r"([\w.+-])[\w.+-]*@([\w-]+(?:\.[\w-]+)+)")
# itsdangerous tokens and other long opaque path segments (activation and recovery links).
_TOKEN = re.compile(r"/[A-Za-z0-9_\-]{12,}\.[A-Za-z0-9_\-.]{12,}")


def redact(text: str) -> str:
    """Replace personal data in ``text`` by masks that keep a log line useful."""
    # Every request's log line passes here: a substring test skips a pattern that cannot match.
    if "=" in text:
        text = _QUERY.sub(r"\1***", text)
    if "/api/" in text.lower():
        text = _API_PATH.sub(r"\1***", text)
    if "." in text:
        text = _TOKEN.sub("/***", text)
    text = _CURP.sub(lambda m: m.group(1).upper() + "*" * 14, text)
    if "@" in text:
        text = _EMAIL.sub(r"\1***@\2", text)
    return text
