"""Ed25519 keys and signatures (RFC 8032) on libsodium, and their PEM forms (RFC 8410).

Why libsodium (PyNaCl) rather than ``cryptography``: a gunicorn worker that loads
``cryptography`` maps its ~14 MB Rust extension and holds ~10 MiB more RSS for it, and seals
are all it was used for (issue #6). The signatures are the same: Ed25519 is deterministic, so
both libraries give the same bytes for the same key and text (tests/domain/test_ed25519.py
checks it, and the RFC 8032 vectors).

Keys keep the PEM shapes ``cryptography`` and OpenSSL write, so existing key files and
``SIGNING_KEY`` values load unchanged: PKCS#8 ``PRIVATE KEY`` and SubjectPublicKeyInfo
``PUBLIC KEY``. A ``PRIVATE KEY`` may also be PKCS#8 v2 (OneAsymmetricKey, RFC 5958), as
Bouncy Castle and wolfSSL write it: attributes are skipped, and a public key in it must be the
seed's own, or the key is refused. Keys are always written as v1.

>>> key = SigningKey(bytes(32))
>>> public = key.verifying_key()
>>> public.raw.hex()[:16]
'3b6a27bcceb6a42d'
>>> public.verify(key.sign(b"hola"), b"hola"), public.verify(key.sign(b"hola"), b"Hola")
(True, False)
>>> load_private_pem(key.private_pem()).seed == key.seed
True
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from dataclasses import dataclass

from nacl.exceptions import BadSignatureError
from nacl.signing import SigningKey as _NaclSigningKey
from nacl.signing import VerifyKey as _NaclVerifyKey

# DER before the key bytes (RFC 8410 section 7 and 10.3): the Ed25519 OID is 1.3.101.112.
_PKCS8_V1 = bytes.fromhex("302e020100300506032b657004220420")
_SPKI = bytes.fromhex("302a300506032b6570032100")
_ED25519_OID = bytes.fromhex("06032b6570")
# DER tags in OneAsymmetricKey: attributes are [0] IMPLICIT SET, the public key [1] IMPLICIT
# BIT STRING (primitive). Version 0 is PKCS#8 v1, version 1 is v2; either is read with either
# optional field, since refusing a good key is worse (wolfSSL wrote v1 with a public key).
_SEQUENCE, _INTEGER, _OCTET_STRING, _ATTRIBUTES, _PUBLIC_KEY = 0x30, 0x02, 0x04, 0xA0, 0x81
_VERSIONS = (b"\x00", b"\x01")
_PEM = re.compile(r"-----BEGIN ([A-Z ]+)-----(.*?)-----END \1-----", re.DOTALL)


class KeyFormatError(ValueError):
    """The text is not a PEM key at all, a damaged one, or one whose two halves disagree."""


class NotEd25519(ValueError):
    """A readable key, of another algorithm (RSA, EC...)."""


@dataclass(frozen=True, slots=True)
class VerifyingKey:
    """A public key: 32 raw bytes."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != 32:
            raise KeyFormatError("Una clave pública Ed25519 mide 32 bytes.")

    def public_bytes_raw(self) -> bytes:
        return self.raw

    def verify(self, signature: bytes, data: bytes) -> bool:
        """True when ``signature`` (64 bytes) seals exactly ``data``."""
        try:
            _NaclVerifyKey(self.raw).verify(data, signature)
        except (BadSignatureError, ValueError, TypeError):
            return False
        return True

    def pem(self) -> str:
        """SubjectPublicKeyInfo PEM, as OpenSSL and ``cryptography`` write it."""
        return _pem("PUBLIC KEY", _SPKI + self.raw).decode("ascii")


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A private key: its 32-byte seed (what PKCS#8 stores).

    Its repr names it by its key id only: a key printed in a log line, a traceback or a
    debugger must not give the seed away.

    >>> SigningKey(bytes(32))
    SigningKey(kid='139e3940e64b5491')
    """

    seed: bytes

    def __post_init__(self) -> None:
        if len(self.seed) != 32:
            raise KeyFormatError("Una clave privada Ed25519 mide 32 bytes.")

    def __repr__(self) -> str:
        return f"SigningKey(kid={kid_of_raw(self.verifying_key().raw)!r})"

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(secrets.token_bytes(32))

    def verifying_key(self) -> VerifyingKey:
        return VerifyingKey(bytes(_NaclSigningKey(self.seed).verify_key))

    def sign(self, data: bytes) -> bytes:
        """The 64-byte signature of ``data``."""
        return _NaclSigningKey(self.seed).sign(data).signature

    def private_pem(self) -> bytes:
        """Unencrypted PKCS#8 PEM (version 1), as ``openssl genpkey -algorithm ed25519``."""
        return _pem("PRIVATE KEY", _PKCS8_V1 + self.seed)


def kid_of_raw(public_raw: bytes) -> str:
    """A key's short, stable name: the first 16 hex digits of SHA-256 of its 32 public bytes."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def load_private_pem(pem: bytes) -> SigningKey:
    """The key in a ``PRIVATE KEY`` PEM block (PKCS#8 v1 or v2); KeyFormatError or NotEd25519."""
    label, der = _read_pem(pem)
    if label != "PRIVATE KEY":
        if label.endswith("PRIVATE KEY"):
            raise NotEd25519(label)
        raise KeyFormatError(f"Es un bloque {label}, no PRIVATE KEY.")
    try:
        fields = _der_elements(_der_one(der, _SEQUENCE))
    except _DerError:
        raise _other_or_damaged(der) from None
    return _one_asymmetric_key(fields)


def load_public_pem(pem: bytes) -> VerifyingKey:
    """The key in a ``PUBLIC KEY`` PEM block; KeyFormatError or NotEd25519 otherwise."""
    label, der = _read_pem(pem)
    if label != "PUBLIC KEY":
        raise KeyFormatError(f"Es un bloque {label}, no PUBLIC KEY.")
    if len(der) == 44 and der.startswith(_SPKI):
        return VerifyingKey(der[12:])
    raise _other_or_damaged(der)


def _read_pem(pem: bytes) -> tuple[str, bytes]:
    match = _PEM.search(pem.decode("ascii", errors="replace"))
    if match is None:
        raise KeyFormatError("No es un bloque PEM.")
    try:
        der = base64.b64decode("".join(match[2].split()), validate=True)
    except binascii.Error as exc:
        raise KeyFormatError("El bloque PEM no es base64.") from exc
    return match[1], der


def _one_asymmetric_key(fields: list[tuple[int, bytes]]) -> SigningKey:
    """RFC 5958 section 2: version, algorithm, key, then [0] attributes and [1] public key."""
    damaged = KeyFormatError("Clave Ed25519 dañada.")
    if len(fields) < 3 or [tag for tag, _ in fields[:3]] != [_INTEGER, _SEQUENCE, _OCTET_STRING]:
        raise damaged
    (_, version), (_, algorithm), (_, private), *optional = fields
    if not algorithm.startswith(_ED25519_OID):
        raise NotEd25519("otro algoritmo")
    if version not in _VERSIONS or algorithm != _ED25519_OID:  # RFC 8410: no parameters
        raise damaged
    try:
        key = SigningKey(_der_one(private, _OCTET_STRING))  # CurvePrivateKey: the seed
    except _DerError:
        raise damaged from None
    tags = [tag for tag, _ in optional]
    if tags not in ([], [_ATTRIBUTES], [_PUBLIC_KEY], [_ATTRIBUTES, _PUBLIC_KEY]):
        raise damaged
    if tags[-1:] == [_PUBLIC_KEY]:
        public = optional[-1][1]
        if len(public) != 33 or public[0] != 0:  # a BIT STRING: no unused bits, then 32 bytes
            raise damaged
        if public[1:] != key.verifying_key().raw:
            raise KeyFormatError(
                "La clave pública que viene dentro de la clave privada no es la suya: "
                "el archivo mezcla dos claves o está dañado."
            )
    return key


class _DerError(Exception):
    """DER that runs past its end, or is not one element where one is expected."""


def _der_one(der: bytes, tag: int) -> bytes:
    """The contents of ``der`` when it is exactly one element with ``tag``."""
    found = _der_elements(der)
    if len(found) != 1 or found[0][0] != tag:
        raise _DerError
    return found[0][1]


def _der_elements(der: bytes) -> list[tuple[int, bytes]]:
    """The (tag, contents) of each element laid end to end in ``der``; single-byte tags only.

    >>> _der_elements(bytes.fromhex("020100" "0403616263"))
    [(2, b'\\x00'), (4, b'abc')]
    """
    elements: list[tuple[int, bytes]] = []
    at = 0
    while at < len(der):
        if at + 2 > len(der):
            raise _DerError
        tag, length, at = der[at], der[at + 1], at + 2
        if length & 0x80:  # long form: the next (length & 0x7F) bytes hold the length
            size = length & 0x7F
            if not 1 <= size <= 4 or at + size > len(der):  # 0 would be BER's indefinite
                raise _DerError
            length, at = int.from_bytes(der[at : at + size], "big"), at + size
        if tag & 0x1F == 0x1F or at + length > len(der):
            raise _DerError
        elements.append((tag, der[at : at + length]))
        at += length
    return elements


def _other_or_damaged(der: bytes) -> ValueError:
    # A DER SEQUENCE without the Ed25519 OID is another kind of key; with it, a damaged one.
    if der[:1] == b"\x30" and b"\x06\x03\x2b\x65\x70" not in der:
        return NotEd25519("otro algoritmo")
    return KeyFormatError("Clave Ed25519 dañada.")


def _pem(label: str, der: bytes) -> bytes:
    body = base64.encodebytes(der).decode("ascii").replace("\n", "")
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode()
