"""Captcha: an ALTCHA proof of work, and a question in words for when JavaScript is off.

Stateless across servers: challenges and questions are HMAC-signed with keys derived from
SECRET_KEY and carry their expiry. Each solved one has a replay key (``Verificacion.clave``)
that is recorded in ``UsoUnico`` until it expires, so it works once on any server.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hashlib
import hmac
import json
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

import altcha
from sqlalchemy import delete
from sqlalchemy.orm import Session

from domain import uso_unico
from domain.models import UsoUnico

ALGORITHM = "PBKDF2/SHA-256"
POW_TTL = dt.timedelta(minutes=20)
QUESTION_TTL = dt.timedelta(hours=1)  # as long as the form's CSRF token
MAX_PAYLOAD = 4096
# Index = value. Without accents: answers are compared with accents removed.
NUMEROS = (
    *("cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"),
    *("diez", "once", "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete"),
    *("dieciocho", "diecinueve", "veinte"),
)
NUMBERS_EN = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
)
# The question in each interface language. The answer is checked the same way whatever the
# language it was asked in: digits, or the number in Spanish or English words.
QUESTIONS = {
    "es": ("¿Cuánto es {a} más {b}?", NUMEROS),
    "en": ("What is {a} plus {b}?", NUMBERS_EN),
}
_WORD_VALUES = {word: value for words in (NUMEROS, NUMBERS_EN) for value, word in enumerate(words)}
TOKEN_RE = re.compile(r"(?P<expira>\d{10})\.(?P<nonce>[A-Za-z0-9_-]{16})\.(?P<firma>[0-9a-f]{32})")


class Resultado(enum.Enum):
    RESUELTO = "resuelto"
    FALTA = "falta"  # nothing was submitted
    INVALIDO = "invalido"  # malformed, forged or not solved
    INCORRECTO = "incorrecto"  # a genuine question, the wrong answer
    CADUCADO = "caducado"


@dataclass(frozen=True, slots=True)
class Verificacion:
    """The outcome; ``clave`` and ``expira`` name the one-time value to spend, if genuine."""

    resultado: Resultado
    clave: str | None = None
    expira: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Pregunta:
    texto: str  # "¿Cuánto es siete más tres?", "What is seven plus three?"
    token: str  # expiry, nonce and a signature over them and the answer


def derive_key(secret_key: str, purpose: str) -> str:
    """A key per purpose, so no captcha signature can be used as any other of our signatures.

    >>> derive_key("s", "reto") == derive_key("s", "reto") != derive_key("s", "pregunta")
    True
    """
    message = f"derechohabiencia/captcha/{purpose}".encode()
    return hmac.new(secret_key.encode(), message, hashlib.sha256).hexdigest()


def new_challenge(secret_key: str, now: dt.datetime, cost: int, counter: int) -> dict[str, Any]:
    """An ALTCHA v2 challenge (JSON-ready) that takes about ``counter`` KDF runs to solve."""
    challenge = altcha.create_challenge(
        ALGORITHM,
        cost,
        counter=counter,
        expires_at=now + POW_TTL,
        hmac_secret=derive_key(secret_key, "reto"),
        hmac_key_secret=derive_key(secret_key, "clave"),
    )
    return dict(challenge.to_dict())


def verify_solution(payload: str, secret_key: str, now: dt.datetime) -> Verificacion:
    """Check the widget's base64 payload: signed by us, not expired, solved."""
    try:
        if len(payload) > MAX_PAYLOAD:
            raise ValueError("payload too long")
        challenge = json.loads(base64.b64decode(payload, validate=True))["challenge"]
        signature = challenge["signature"]
        expires = challenge["parameters"]["expiresAt"]
        if not isinstance(signature, str) or type(expires) is not int:
            raise TypeError("unexpected challenge")
    except (ValueError, KeyError, TypeError, binascii.Error, RecursionError):
        return Verificacion(Resultado.INVALIDO)
    if expires <= now.timestamp():
        return Verificacion(Resultado.CADUCADO)
    result = altcha.verify_solution(
        payload,
        hmac_secret=derive_key(secret_key, "reto"),
        hmac_key_secret=derive_key(secret_key, "clave"),
    )
    if result.expired:
        return Verificacion(Resultado.CADUCADO)
    if not result.verified:
        return Verificacion(Resultado.INVALIDO)
    clave = "reto:" + hashlib.sha256(signature.encode()).hexdigest()
    return Verificacion(Resultado.RESUELTO, clave, dt.datetime.fromtimestamp(expires, dt.UTC))


def new_question(secret_key: str, now: dt.datetime, lang: str = "es") -> Pregunta:
    """An addition of two numbers from one to nine, in words of ``lang`` (es, en), signed.

    Any other ``lang`` gets the Spanish question.
    """
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    expira = int((now + QUESTION_TTL).timestamp())
    nonce = secrets.token_urlsafe(12)
    token = f"{expira}.{nonce}.{_question_mac(secret_key, expira, nonce, a + b)}"
    text, words = QUESTIONS.get(lang, QUESTIONS["es"])
    return Pregunta(text.format(a=words[a], b=words[b]), token)


def check_answer(secret_key: str, token: str, answer: str, now: dt.datetime) -> Verificacion:
    """Check the answer to a question; a wrong answer spends the question too."""
    match = TOKEN_RE.fullmatch(token.strip())
    if not match:
        return Verificacion(Resultado.INVALIDO)
    expira, nonce, firma = int(match["expira"]), match["nonce"], match["firma"]
    if expira <= now.timestamp():
        return Verificacion(Resultado.CADUCADO)
    clave = "pregunta:" + hashlib.sha256(nonce.encode()).hexdigest()
    spent = dt.datetime.fromtimestamp(expira, dt.UTC)
    number = parse_number(answer)
    if number is not None and hmac.compare_digest(
        firma, _question_mac(secret_key, expira, nonce, number)
    ):
        return Verificacion(Resultado.RESUELTO, clave, spent)
    # Wrong or forged: both fail the signature. Spend it either way, so guessing costs a
    # fresh question each time; forged tokens can only add rows that expire within the hour.
    return Verificacion(Resultado.INCORRECTO, clave, spent)


def _question_mac(secret_key: str, expira: int, nonce: str, answer: int) -> str:
    message = f"{expira}.{nonce}.{answer}".encode()
    key = derive_key(secret_key, "pregunta").encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


def parse_number(text: str) -> int | None:
    """A whole number from 0 to 99 in digits, or to 20 in Spanish or English words; else None.

    >>> [parse_number(t) for t in ("10", " diez ", "Dieciséis", "diez y seis", "VEINTE.", "3 ")]
    [10, 10, 16, 16, 20, 3]
    >>> [parse_number(t) for t in ("twelve", "Sixteen.", " TWENTY ")]
    [12, 16, 20]
    >>> [parse_number(t) for t in ("", "diez mil", "-4", "123", "treinta", "once upon")]
    [None, None, None, None, None, None]
    """
    folded = unicodedata.normalize("NFKD", text.strip().lower().rstrip("."))
    words = " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())
    if re.fullmatch(r"\d{1,2}", words):
        return int(words)
    words = re.sub(r"^diez ?y ?", "dieci", words).replace(" ", "")
    if words in ("un", "una"):
        return 1
    return _WORD_VALUES.get(words)


def spend(session: Session, clave: str, expira: dt.datetime) -> bool:
    """Record a one-time value as used and commit; False if it already was (a replay)."""
    if not uso_unico.apartar(session, clave, expira):
        return False
    session.commit()
    return True


def purge_expired(session: Session, now: dt.datetime) -> int:
    """Forget the spent values that have expired (they fail on expiry anyway). Commits."""
    result = session.execute(delete(UsoUnico).where(UsoUnico.expira < now))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)
