"""Ed25519 keys that seal the constancias: the signer, the published keys, and verifying.

Where the keys come from (SIGNING_KEY, the instance's files, retired keys) is
``domain.signing_config``: this module takes keys already loaded, so sealing and verifying
need no configuration, paths or files.

>>> signer = Signer.generate()
>>> signature = signer.sign("||v=1|folio=NA-2026-000001||")
>>> KeyRing.of(signer).verify(signer.kid, "||v=1|folio=NA-2026-000001||", signature)
True
>>> KeyRing.of(signer).verify(signer.kid, "||v=1|folio=NA-2026-000002||", signature)
False
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from domain.ed25519 import SigningKey, VerifyingKey, kid_of_raw

ALGORITHM = "Ed25519"


class RawPublicKey(Protocol):
    """An Ed25519 public key from any library that gives its 32 raw bytes (``cryptography``'s
    Ed25519PublicKey too, which tests use to check our keys independently)."""

    def public_bytes_raw(self) -> bytes: ...


def key_id(public_key: RawPublicKey) -> str:
    """A short, stable name for a key: the first 16 hex digits of SHA-256 of its raw bytes."""
    return kid_of_raw(public_key.public_bytes_raw())


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A key that verifies seals: the current one (``active``) or a retired one."""

    kid: str
    key: VerifyingKey
    active: bool

    @property
    def raw_base64(self) -> str:
        return base64.b64encode(self.key.raw).decode("ascii")

    @property
    def pem(self) -> str:
        return self.key.pem()

    def verify(self, data: str, signature: str) -> bool:
        """True when ``signature`` (base64) seals exactly ``data`` (UTF-8 text)."""
        try:
            raw = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError):
            return False
        return self.key.verify(raw, data.encode("utf-8"))


@dataclass(frozen=True, slots=True)
class Signer:
    """The private key that seals new documents, and its key id (all its repr shows)."""

    private_key: SigningKey = field(repr=False)
    kid: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kid", key_id(self.private_key.verifying_key()))

    @classmethod
    def generate(cls) -> Signer:
        return cls(SigningKey.generate())

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.kid, self.private_key.verifying_key(), active=True)

    def sign(self, data: str) -> str:
        """The base64 Ed25519 signature of ``data`` encoded as UTF-8 (88 characters)."""
        return base64.b64encode(self.private_key.sign(data.encode("utf-8"))).decode("ascii")

    def private_pem(self) -> bytes:
        return self.private_key.private_pem()


@dataclass(frozen=True, slots=True)
class KeyRing:
    """Every public key a document may have been sealed with, by key id."""

    keys: tuple[PublicKey, ...]

    @classmethod
    def of(cls, signer: Signer | None, old: Iterable[RawPublicKey] = ()) -> KeyRing:
        return cls((signer.public,) if signer else ()).plus(old)

    def plus(self, more: Iterable[RawPublicKey]) -> KeyRing:
        """This ring and ``more`` keys (as retired ones), without duplicates."""
        keys = list(self.keys)
        for public in more:
            kid = key_id(public)
            if all(k.kid != kid for k in keys):
                keys.append(PublicKey(kid, VerifyingKey(public.public_bytes_raw()), active=False))
        return KeyRing(tuple(keys))

    def get(self, kid: str) -> PublicKey | None:
        return next((k for k in self.keys if k.kid == kid), None)

    def verify(self, kid: str, data: str, signature: str) -> bool:
        """True when the key ``kid`` is known and its signature over ``data`` holds."""
        key = self.get(kid)
        return key is not None and key.verify(data, signature)
