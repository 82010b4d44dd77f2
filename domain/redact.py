"""Masking of personal data in text bound for logs: CURPs, NSS, emails, tokens and query values.

>>> redact("GET /curp?curp=PEGJ850315HJCRRN06&x=1 from ana.lopez@example.org")
'GET /curp?curp=***&x=1 from a***@example.org'
>>> redact("GET /idioma?lang=en&next=/verificar/VI-2026-000001?c%3DSGGJ3JH23XF5")
'GET /idioma?lang=en&next=/verificar/VI-2026-000001?c%3D***'
>>> redact('NSS 12345678903, "juan perez"@example.org y maria#1990@localhost')
'NSS ***********, "***"@example.org y m***@localhost'
>>> redact("/api/v1/curp/pegj850315hjcrrn06")
'/api/v1/curp/***'
>>> redact("titular PEGJ850315HJCRRN06, también MURA-900721-MOCXZN01 y MURA 900721 MOCXZN01")
'titular PEGJ**************, también MURA************** y MURA**************'
"""

from __future__ import annotations

import logging
import re
from urllib.parse import quote, unquote

from domain import redact_nss
from domain.mascaras import mask_curp

# A name may follow a "?" or "&" a client encoded (once or more) and an "=" it did not:
# "next=%2Fverificar%2FVI-2026-000001%3Fc=...".
_NAME = (
    r"(?i)((?:[?&]|%(?:25)*(?:3f|26))"
    r"(?:curp|email|c|token|nss|password|q|nombre|primer_apellido|segundo_apellido"
    r"|fecha_nacimiento)=)"
)
_QUERY = re.compile(
    _NAME
    # A quoted word of a local part is part of the value: email="juan perez"@x.mx.
    + r"(?:[^&\s\"']++|\"(?:[^\"\\\r\n]|\\.){0,64}+\"(?=[.@]))*+"
)
# In a run the client percent-encoded, a space, quote or line break came encoded, so it is part
# of a value ("next=/preguntas-frecuentes?q%3Dmaria%20lopez"): only an "&" ends one there.
_QUERY_IN_RUN = re.compile(_NAME + r"[^&]*+")
_API_PREFIX = re.compile(r"(?i)/api/v1/(?:curp|estatus)/")
_API_PATH = re.compile(r"(?i)(/api/v1/(?:curp|estatus)/)[^\s?\"']+")
# The API and the forms drop spaces, hyphens and underscores anywhere in a CURP
# (domain.curp.compact), so people write them anywhere: one may sit between any two of its 18
# characters, as typed or percent-encoded in a raw URL ("+" is a space in a query string).
# Possessive gaps and no IGNORECASE: the pattern runs on every access line; they save a quarter.
_GAP = r"(?:[\s_+-]|%2[0Dd])?+"
_GAPS = re.compile(r"[\s_+-]|%2[0Dd]")
_L = "[A-Za-z]"
_CURP = re.compile(
    r"(?<![A-Za-z0-9])(?:%2[0Dd])?+"  # not inside a word; an encoded gap may come first
    rf"((?:{_L}{_GAP}){{3}}{_L}){_GAP}(?:\d{_GAP}){{6}}[HMXhmx]{_GAP}(?:{_L}{_GAP}){{5}}"
    rf"[A-Za-z0-9]{_GAP}\d(?![A-Za-z0-9])"
)
# RFC 5322 lets a local part hold any atext (internationalized: any letter) and dots, or quoted
# words: all of it is masked, from the first character after one that cannot be part of it (in
# a URL, "/x?a=ana@example.org" is masked from the "/"). Leading apostrophes are taken for
# quotes, as in Python's reprs ('ana@example.org'): o'brien@ is masked whole. A quoted word
# starts the local part or follows a dot, as in RFC 5322, so that '"email":"ana@x"' keeps its
# key; or it follows an "=", which is atext but, in a key=value line or a query, ends the key:
# to="ana lopez"@example.org. The domain may be a bare host or an address literal.
# Linear time, as every access line passes here: a match starts only where a run of atext, dots
# and apostrophes does, or at a quote after "=", so each run is read once from its start; quoted
# words (not one opening after a backslash) and address literals are bounded (64), and so is
# the number of words (16).
_CORE = r"-\w!#$%&*+/=?^`{|}~"  # atext, but the dot and the apostrophe
_WORD = rf"(?:[{_CORE}.](?:[{_CORE}']|\.(?!\"))*+|(?<!\\)\"(?:[^\"\\\r\n]|\\.){{0,64}}+\")"
_EMAIL = re.compile(
    rf"(?:(?<![{_CORE}.'])|(?<==)(?=\"))('*+)({_WORD}(?:\.{_WORD}){{0,15}}+)"
    r"@([\w-]+(?:\.[\w-]+)*|\[[^\]\s]{0,64}\])"
)
# A run holding a percent-encoding: a query value (each on its own: "=" and "&" end it), a
# path, a word. "next=/curp?curp%3D..." (the language switch) hides a query in a query value.
_ENCODED = re.compile(r"(?<![^\s\"'<>&=])(?=[^\s\"'<>&=]*?%[0-9A-Fa-f]{2})[^\s\"'<>&=]++")
# What the masked decoded run cannot show bare: what would end the run or the line, "%" (it
# would read as an encoding), "@" (the email pattern would take the path before it).
_UNSAFE = re.compile(r"[\s\"'<>&=%@#]")
_DECODINGS = 4  # a value encoded twice (a "next" holding a "next") and then some
# itsdangerous tokens and other long opaque path segments (activation and recovery links). A
# token whose content itsdangerous compressed starts with a dot (an email-change link with a
# repetitive address does).
_TOKEN = re.compile(r"/\.?[A-Za-z0-9_\-]{12,}\.[A-Za-z0-9_\-.]{12,}")


def redact(text: str) -> str:
    """Replace personal data in ``text`` by masks that keep a log line useful."""
    # Every request's log line passes here: a substring test skips a pattern that cannot match.
    if "%" in text:
        text = _ENCODED.sub(_decoded, text)
    return _plain(text)


def _decoded(match: re.Match[str]) -> str:
    """A percent-encoded run masked as its decoded form is, unchanged when nothing is."""
    run = decoded = match.group()
    for _ in range(_DECODINGS):
        once = unquote(decoded)
        if once == decoded:
            break
        decoded = once
    masked = _plain(decoded, _QUERY_IN_RUN)
    if masked == decoded:
        return run
    return _UNSAFE.sub(lambda m: quote(m.group(), safe=""), masked)


def _plain(text: str, query: re.Pattern[str] = _QUERY) -> str:
    if "." in text:
        text = _TOKEN.sub("/***", text)
    # CURP and NSS after the tokens, whose segments they could break up, and before the query
    # values and the API path, which end at a space they may hold: "?nss=12 34 56 7890 3",
    # "/api/v1/curp/peg j850315-hjcrrn06". The CURP first: an NSS pattern could take its last
    # two digits.
    text = _CURP.sub(lambda m: mask_curp(_GAPS.sub("", m.group(1))), text)
    text = redact_nss.mask(text)
    if "=" in text:
        text = query.sub(r"\1***", text)
    if "/api/" in text.lower():
        text = _API_PATH.sub(r"\1***", text)
    if "@" in text:
        text = _EMAIL.sub(_email, text)
    return text


def _email(match: re.Match[str]) -> str:
    quotes, local, domain = match.groups()
    # A quoted local part stays quoted, so that masking the line again changes nothing.
    return f'{quotes}"***"@{domain}' if local[0] == '"' else f"{quotes}{local[0]}***@{domain}"


def redact_request(method: str, path: str, query: str) -> str:
    """The method and target of a request, masked, for its access line.

    The path is known apart from the query here, so the API's segment is masked whole,
    whatever it holds (spaces and hyphens included, and a CURP they break up):

    >>> redact_request("GET", "/api/v1/curp/peg j850315-hjcrrn06", "")
    'GET /api/v1/curp/***'
    >>> redact_request("GET", "/curp", "curp=PEGJ850315HJCRRN06")
    'GET /curp?curp=***'
    """
    prefix = _API_PREFIX.match(path)
    if prefix and prefix.end() < len(path):
        path = path[: prefix.end()] + "***"
    return redact(f"{method} {path}?{query}" if query else f"{method} {path}")


_FORMATTER = logging.Formatter()


def redact_record(record: logging.LogRecord) -> None:
    """Mask a log record in place: its message (arguments merged in), exception and stack.

    >>> record = logging.makeLogRecord({"msg": "alta de %s", "args": ("ana@example.org",)})
    >>> redact_record(record)
    >>> record.msg, record.args
    ('alta de a***@example.org', ())
    """
    try:
        message = record.getMessage()
    except Exception:  # what a bad argument's __str__ or the % operator raise
        # Arguments that do not fit the message: logging would print both, unmasked, in its
        # "--- Logging error ---" report, so the line shows them instead, masked.
        message = f"{record.msg} {record.args}"
    record.msg, record.args = redact(message), ()
    if record.exc_info and not record.exc_text:
        # Formatters use this text rather than format the exception again (logging.Formatter).
        record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
