"""Signed, expiring links for the account emails: activate, recover, confirm a new address.

One itsdangerous serializer per purpose, each with its own salt, so a token made for one purpose
fails under another. The payload carries the account id and the account's ``token_version``:
using a token bumps the version, so each works once and dies whenever the account changes.
The secret (or the list of secrets, newest last, for key rotation) comes in as an argument.

>>> token = emitir("s3cret", "activar", Contenido(7, 0), now=1_000_000)
>>> leer("s3cret", "activar", token, now=1_000_000 + 3600)
Contenido(cuenta_id=7, version=0, email=None)
>>> leer("s3cret", "recuperar", token, now=1_000_000)
Traceback (most recent call last):
...
domain.tokens.TokenInvalido: el enlace no es válido
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

# Purpose -> how long its links work.
VIGENCIA: dict[str, dt.timedelta] = {
    "activar": dt.timedelta(hours=24),
    "recuperar": dt.timedelta(hours=1),
    "correo": dt.timedelta(hours=24),
}
MAX_TOKEN_LENGTH = 1024  # a longer value was never issued here: refuse it before any work

Secreto = str | Sequence[str]


@dataclass(frozen=True, slots=True)
class Contenido:
    """What a token says: whose account, at which token_version, and (to change it) an address."""

    cuenta_id: int
    version: int
    email: str | None = None


class TokenInvalido(ValueError):
    """Tampered, malformed, or made for another purpose."""

    def __init__(self, mensaje: str = "el enlace no es válido") -> None:
        super().__init__(mensaje)


class TokenVencido(ValueError):
    """Genuine but older than its purpose allows; ``contenido`` says whose it was."""

    def __init__(self, contenido: Contenido) -> None:
        super().__init__("el enlace venció")
        self.contenido = contenido


class TokenUsado(ValueError):
    """Genuine and on time, but already used or replaced by a newer one."""

    def __init__(self, contenido: Contenido) -> None:
        super().__init__("el enlace ya se usó")
        self.contenido = contenido


def _serializer(secret: Secreto, proposito: str, now: float | None) -> URLSafeTimedSerializer:
    if proposito not in VIGENCIA:
        raise ValueError(f"propósito desconocido: {proposito}")
    signer: type[TimestampSigner] = TimestampSigner
    if now is not None:
        fixed = int(now)

        class _At(TimestampSigner):
            def get_timestamp(self) -> int:
                return fixed

        signer = _At
    keys = [secret] if isinstance(secret, str) else list(secret)
    return URLSafeTimedSerializer(keys, salt=f"cuenta.{proposito}", signer=signer)


def _contenido(data: Any) -> Contenido:
    if not isinstance(data, dict):
        raise TokenInvalido()
    cuenta_id, version, email = data.get("c"), data.get("v"), data.get("e")
    # bool is an int subclass: demand exactly int, so {"c": true} is not account 1.
    if type(cuenta_id) is not int or type(version) is not int:
        raise TokenInvalido()
    if email is not None and not isinstance(email, str):
        raise TokenInvalido()
    return Contenido(cuenta_id, version, email)


def emitir(secret: Secreto, proposito: str, contenido: Contenido, now: float | None = None) -> str:
    """A URL-safe token for ``proposito`` carrying ``contenido``, signed at ``now``."""
    data: dict[str, Any] = {"c": contenido.cuenta_id, "v": contenido.version}
    if contenido.email is not None:
        data["e"] = contenido.email
    token = _serializer(secret, proposito, now).dumps(data)
    return token if isinstance(token, str) else token.decode("ascii")


def leer(secret: Secreto, proposito: str, token: str, now: float | None = None) -> Contenido:
    """The token's content; raises TokenInvalido, or TokenVencido (with its content)."""
    if not token or len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise TokenInvalido()
    serializer = _serializer(secret, proposito, now)
    max_age = int(VIGENCIA[proposito].total_seconds())
    try:
        return _contenido(serializer.loads(token, max_age=max_age))
    except SignatureExpired as exc:
        signed = exc.date_signed.timestamp() if exc.date_signed else None
        current = now if now is not None else dt.datetime.now(dt.UTC).timestamp()
        if signed is None or exc.payload is None or signed > current:
            raise TokenInvalido() from None  # "signed in the future": not one of ours
        raise TokenVencido(_contenido(serializer.load_payload(exc.payload))) from None
    except (BadSignature, ValueError, TypeError):
        raise TokenInvalido() from None


def comprobar(
    secret: Secreto,
    proposito: str,
    token: str,
    version_actual: Callable[[int], int | None],
    now: float | None = None,
) -> Contenido:
    """Like ``leer``, and also TokenUsado when the account's token_version moved on.

    ``version_actual(cuenta_id)`` returns the account's current token_version, or None when the
    account no longer exists (then the token is invalid).
    """
    contenido = leer(secret, proposito, token, now)
    actual = version_actual(contenido.cuenta_id)
    if actual is None:
        raise TokenInvalido()
    if actual != contenido.version:
        raise TokenUsado(contenido)
    return contenido
