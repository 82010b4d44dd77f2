"""Signed, expiring links for the account emails: activate, recover, confirm a new address.

One itsdangerous serializer per purpose, each with its own salt, so a token made for one purpose
fails under another. The payload carries the account id and the account's ``token_version``:
using a token bumps the version, so each works once and dies whenever the account changes.
The secret (or the list of secrets, newest last, for key rotation) comes in as an argument.

A payload is signed, not encrypted: anyone who sees a link can read it. So the link that
confirms a new address names it only by a keyed hash (``huella_correo``); the address itself
is the account's ``email_pendiente``.

>>> token = emitir("s3cret", "activar", Contenido(7, 0), now=1_000_000)
>>> leer("s3cret", "activar", token, now=1_000_000 + 3600)
Contenido(cuenta_id=7, version=0, email=None, huella=None)
>>> leer("s3cret", "recuperar", token, now=1_000_000)
Traceback (most recent call last):
...
domain.tokens.TokenInvalido: el enlace no es válido
"""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from domain.seudonimos import seudonimo

# Purpose -> how long its links work.
VIGENCIA: dict[str, dt.timedelta] = {
    "activar": dt.timedelta(hours=24),
    "recuperar": dt.timedelta(hours=1),
    "correo": dt.timedelta(hours=24),
}
MAX_TOKEN_LENGTH = 1024  # a longer value was never issued here: refuse it before any work
HUELLA = b"derechohabiencia/enlace-correo"
HUELLA_LARGO = 24  # hex characters, 96 bits: without the key, no address can be tried against it

Secreto = str | Sequence[str]


@dataclass(frozen=True, slots=True)
class Contenido:
    """What a token says: whose account, at which token_version, and (to change it) which
    address: ``huella``, its keyed hash. ``email``, the address itself, only in the links sent
    before the hash (read for their 24 hours, never written by the portal)."""

    cuenta_id: int
    version: int
    email: str | None = None
    huella: str | None = None


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
    cuenta_id, version, email, huella = (data.get(k) for k in ("c", "v", "e", "h"))
    # bool is an int subclass: demand exactly int, so {"c": true} is not account 1.
    if type(cuenta_id) is not int or type(version) is not int:
        raise TokenInvalido()
    if not all(value is None or isinstance(value, str) for value in (email, huella)):
        raise TokenInvalido()
    return Contenido(cuenta_id, version, email, huella)


def emitir(secret: Secreto, proposito: str, contenido: Contenido, now: float | None = None) -> str:
    """A URL-safe token for ``proposito`` carrying ``contenido``, signed at ``now``."""
    data: dict[str, Any] = {"c": contenido.cuenta_id, "v": contenido.version}
    if contenido.email is not None:
        data["e"] = contenido.email
    if contenido.huella is not None:
        data["h"] = contenido.huella
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


def huella_correo(secret_key: str, email: str) -> str:
    """What a link says of an address: a short keyed hash of it, in any case of letters.

    >>> huella_correo("s", "Ana@Example.org") == huella_correo("s", "ana@example.org")
    True
    >>> len(huella_correo("s", "ana@example.org"))
    24
    """
    return seudonimo(secret_key, HUELLA, email.lower())[:HUELLA_LARGO]


def es_para(secret: Secreto, contenido: Contenido, email: str) -> bool:
    """Whether the link of ``contenido`` was made for ``email``: its hash under any of the keys
    (one made before a SECRET_KEY rotation still works), or, in a link sent before the hash,
    the address itself.

    >>> de_antes = Contenido(1, 0, huella=huella_correo("vieja", "a@b.mx"))
    >>> es_para(["vieja", "nueva"], de_antes, "A@b.mx"), es_para("nueva", de_antes, "a@b.mx")
    (True, False)
    >>> es_para("s", Contenido(1, 0, huella=huella_correo("s", "a@b.mx")), "otra@b.mx")
    False
    >>> es_para("s", Contenido(1, 0, email="A@b.mx"), "a@b.mx")
    True
    """
    if contenido.huella is not None:
        keys = [secret] if isinstance(secret, str) else list(secret)
        return any(hmac.compare_digest(huella_correo(key, email), contenido.huella) for key in keys)
    # A link sent before the hash carries the address itself: accepted as it was, for the rest
    # of its 24 hours, so nobody changing their address across the deploy must ask again. A
    # day after that deploy every such link has expired (``leer`` refuses it first), and this
    # branch can go.
    return contenido.email is not None and contenido.email.lower() == email.lower()
