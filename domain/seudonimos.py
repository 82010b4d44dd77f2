"""Keyed pseudonyms: what the portal keeps or counts about a CURP or an address, never the value.

An unkeyed hash would not do: CURPs (and the common addresses) are few enough to hash them all
and look a stored hash up. An HMAC under a key derived from SECRET_KEY can be worked out only
by whoever holds that key. Each use names its own purpose, so that a pseudonym from one table or
limit matches no other's.

>>> seudonimo("s", b"uso", "AAAA000000HDFAAA00") == seudonimo("t", b"uso", "AAAA000000HDFAAA00")
False
>>> seudonimo("s", b"uso", "x") == seudonimo("s", b"otro-uso", "x")
False
"""

from __future__ import annotations

import hashlib
import hmac


def clave(secret_key: str, proposito: bytes) -> bytes:
    """The 32-byte key for one purpose, derived from ``secret_key``."""
    return hmac.new(secret_key.encode(), proposito, hashlib.sha256).digest()


def seudonimo(secret_key: str, proposito: bytes, valor: str) -> str:
    """HMAC-SHA256 of ``valor`` under ``clave(secret_key, proposito)``, in hex (64 characters).

    >>> len(seudonimo("s", b"uso", "AAAA000000HDFAAA00"))
    64
    """
    return hmac.new(clave(secret_key, proposito), valor.encode(), hashlib.sha256).hexdigest()
