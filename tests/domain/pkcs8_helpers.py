"""RFC 8410's example Ed25519 key (PKCS#8 v1 and v2, its public key) and PKCS#8 and PEM built
by hand, field by field."""

from __future__ import annotations

import base64


def pem_text(label: str, der: bytes) -> bytes:
    body = base64.b64encode(der).decode()
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----\n".encode()


# RFC 8410, section 10.3: one private key as PKCS#8 v1, and as v2 with an attribute [0] (a
# friendly name, "Curdle Chairs") and its public key [1]; section 10.1 gives that public key.
RFC_8410_V1 = "MC4CAQAwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC"
RFC_8410_V2 = (
    "MHICAQEwBQYDK2VwBCIEINTuctv5E1hK1bbY8fdp+K06/nwoy/HU++CXqI9EdVhC"
    "oB8wHQYKKoZIhvcNAQkJFDEPDA1DdXJkbGUgQ2hhaXJzgSEAGb9ECWmEzf6FQbrB"
    "Z9w7lshQhqowtrbLDFw4rXAxZuE="
)
RFC_8410_SPKI = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE="
RFC_SEED = bytes.fromhex("d4ee72dbf913584ad5b6d8f1f769f8ad3afe7c28cbf1d4fbe097a88f44755842")
RFC_PUBLIC = bytes.fromhex("19bf44096984cdfe8541bac167dc3b96c85086aa30b6b6cb0c5c38ad703166e1")
RFC_ATTRIBUTES = bytes.fromhex("301d060a2a864886f70d01090914310f0c0d437572646c6520436861697273")
ED25519_ALGORITHM = bytes.fromhex("300506032b6570")


def der(tag: int, contents: bytes, long_form: bool = False) -> bytes:
    """One DER element (contents under 256 bytes); ``long_form`` spells even short lengths long."""
    size = len(contents)
    length = bytes([0x81, size]) if long_form or size >= 0x80 else bytes([size])
    return bytes([tag]) + length + contents


def pkcs8(
    seed: bytes,
    *,
    version: int = 1,
    algorithm: bytes = ED25519_ALGORITHM,
    attributes: bytes | None = None,
    public: bytes | None = None,
    unused_bits: int = 0,
    long_form: bool = False,
) -> bytes:
    """A OneAsymmetricKey built field by field, as RFC 5958 section 2 lays it out."""
    fields = der(0x02, bytes([version])) + algorithm + der(0x04, der(0x04, seed))
    if attributes is not None:
        fields += der(0xA0, attributes)
    if public is not None:
        fields += der(0x81, bytes([unused_bits]) + public)
    return der(0x30, fields, long_form)
