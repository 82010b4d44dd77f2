"""Short texts sealed for a cookie: only the portal can read them back.

Flask's session cookie is signed, not encrypted: anyone who holds it (a shared computer, a
browser extension, a proxy's log) can read what it carries. An address that "revisa tu correo"
and its resend button need later travels in it sealed instead: XSalsa20-Poly1305 (libsodium's
secret box) under a key derived from SECRET_KEY for the purpose, a fresh nonce each time.
SECRET_KEY_FALLBACKS still open what they sealed, as they still check what they signed.

>>> sellado = cifrar(["vieja", "nueva"], b"uso", "juana@example.org")
>>> "juana" in sellado, descifrar(["nueva"], b"uso", sellado)
(False, 'juana@example.org')
>>> descifrar(["otra"], b"uso", sellado), descifrar(["nueva"], b"otro-uso", sellado)
(None, None)
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

from domain.seudonimos import clave

MAX_SELLADO = 1024  # an address (254) sealed and in base64 takes about 400


def cifrar(secret_keys: Sequence[str], proposito: bytes, texto: str) -> str:
    """``texto`` sealed under the newest key (the last of ``secret_keys``), in URL-safe base64."""
    caja = SecretBox(clave(secret_keys[-1], proposito))
    return base64.urlsafe_b64encode(bytes(caja.encrypt(texto.encode()))).decode("ascii")


def descifrar(secret_keys: Sequence[str], proposito: bytes, sellado: object) -> str | None:
    """What ``cifrar`` sealed for ``proposito`` under any of ``secret_keys``; None for anything
    else (tampered, another purpose, a key gone, not a sealed text at all)."""
    if not isinstance(sellado, str) or len(sellado) > MAX_SELLADO:
        return None
    try:
        crudo = base64.urlsafe_b64decode(sellado.encode("ascii"))
    except (ValueError, binascii.Error):
        return None
    for secret_key in reversed(secret_keys):
        try:
            texto = SecretBox(clave(secret_key, proposito)).decrypt(crudo)
        except (CryptoError, ValueError):
            continue
        return bytes(texto).decode("utf-8", "replace")
    return None
