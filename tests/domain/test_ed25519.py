"""Ed25519 on libsodium: the RFC 8032 vectors, the same bytes as ``cryptography`` (kept as a
test-only, independent implementation), and PEM files either library wrote."""

from __future__ import annotations

import base64
import random
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from domain.ed25519 import (
    KeyFormatError,
    NotEd25519,
    SigningKey,
    VerifyingKey,
    load_private_pem,
    load_public_pem,
)
from tests.domain.pkcs8_helpers import (
    RFC_8410_SPKI,
    RFC_8410_V1,
    RFC_8410_V2,
    RFC_ATTRIBUTES,
    RFC_PUBLIC,
    RFC_SEED,
    der,
    pem_text,
    pkcs8,
)

# RFC 8032, section 7.1: TEST 1 (empty message), TEST 2 (one byte) and TEST 3 (two bytes).
VECTORS = [
    (
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
        "",
        "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
    ),
    (
        "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
        "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
        "72",
        "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    ),
    (
        "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
        "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
        "af82",
        "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
    ),
]
CRYPTOGRAPHY_PUBLIC = (serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
CRYPTOGRAPHY_PRIVATE = (
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
)


@pytest.mark.parametrize(("seed", "public", "message", "signature"), VECTORS)
def test_rfc_8032_vectors(seed: str, public: str, message: str, signature: str) -> None:
    key = SigningKey(bytes.fromhex(seed))
    assert key.verifying_key().raw.hex() == public
    assert key.sign(bytes.fromhex(message)).hex() == signature
    assert VerifyingKey(bytes.fromhex(public)).verify(
        bytes.fromhex(signature), bytes.fromhex(message)
    )


def test_same_signatures_and_pem_as_cryptography() -> None:
    ours = SigningKey.generate()
    theirs = ed25519.Ed25519PrivateKey.from_private_bytes(ours.seed)
    data = "||v=1|nombre=JOSÉ PEÑA||".encode()
    assert ours.sign(data) == theirs.sign(data)
    theirs.public_key().verify(ours.sign(data), data)  # raises if it does not hold
    assert ours.private_pem() == theirs.private_bytes(*CRYPTOGRAPHY_PRIVATE)
    assert (
        ours.verifying_key().pem()
        == theirs.public_key().public_bytes(*CRYPTOGRAPHY_PUBLIC).decode()
    )
    other = ed25519.Ed25519PrivateKey.generate()
    loaded = load_private_pem(other.private_bytes(*CRYPTOGRAPHY_PRIVATE))
    assert loaded.verifying_key().raw == other.public_key().public_bytes_raw()
    public = load_public_pem(other.public_key().public_bytes(*CRYPTOGRAPHY_PUBLIC))
    assert public.verify(other.sign(data), data)


def test_other_algorithms_and_damaged_keys_are_told_apart() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    with pytest.raises(NotEd25519):
        load_private_pem(ec_key.private_bytes(*CRYPTOGRAPHY_PRIVATE))
    with pytest.raises(NotEd25519):
        load_public_pem(ec_key.public_key().public_bytes(*CRYPTOGRAPHY_PUBLIC))
    good = SigningKey.generate().private_pem()
    for damaged in (b"", b"no es PEM", pem_text("PRIVATE KEY", b"\x00\x00\x00"), good[:-40]):
        with pytest.raises(KeyFormatError):
            load_private_pem(damaged)
    with pytest.raises(KeyFormatError):
        load_public_pem(good)  # a private key where a public one was expected
    for size in (0, 31, 33):
        with pytest.raises(KeyFormatError):
            VerifyingKey(bytes(size))


def test_bad_signatures_are_false_not_errors() -> None:
    key = SigningKey.generate()
    public, signature = key.verifying_key(), key.sign(b"datos")
    assert public.verify(signature, b"datos")
    for bad in (b"", signature[:63], signature + b"\x00", bytes(64), signature[::-1]):
        assert public.verify(bad, b"datos") is False
    assert public.verify(signature, b"datos ") is False


# --- PKCS#8 v2 (OneAsymmetricKey, RFC 5958) -------------------------------------------------


def b64(text: str) -> bytes:
    return base64.b64decode(text)


def test_the_rfc_8410_v2_example_loads_with_its_attribute_and_public_key() -> None:
    v2 = b64(RFC_8410_V2)
    assert pkcs8(RFC_SEED, attributes=RFC_ATTRIBUTES, public=RFC_PUBLIC) == v2
    key = load_private_pem(pem_text("PRIVATE KEY", v2))
    assert key.seed == RFC_SEED
    assert key.verifying_key().raw == RFC_PUBLIC  # what PyNaCl derives is what the RFC states
    assert key.verifying_key() == load_public_pem(pem_text("PUBLIC KEY", b64(RFC_8410_SPKI)))
    assert load_private_pem(pem_text("PRIVATE KEY", b64(RFC_8410_V1))) == key
    # cryptography reads the v1 form (it refuses v2) and derives the same public key.
    theirs = serialization.load_der_private_key(b64(RFC_8410_V1), password=None)
    assert isinstance(theirs, ed25519.Ed25519PrivateKey)
    assert theirs.private_bytes_raw() == key.seed
    assert theirs.public_key().public_bytes_raw() == RFC_PUBLIC
    assert key.sign(b"Curdle Chairs") == theirs.sign(b"Curdle Chairs")


@pytest.mark.parametrize(
    "variant",
    [
        {"public": RFC_PUBLIC},  # v2 without attributes
        {"attributes": RFC_ATTRIBUTES},  # v2 without its optional public key
        {"version": 0, "attributes": RFC_ATTRIBUTES},  # v1 with attributes
        {"version": 0, "public": RFC_PUBLIC},  # as wolfSSL wrote v2 before it set the version
        {"public": RFC_PUBLIC, "long_form": True},  # a length spelled in long form
    ],
)
def test_v2_and_lenient_variants_load_the_same_key(variant: dict[str, Any]) -> None:
    key = load_private_pem(pem_text("PRIVATE KEY", pkcs8(RFC_SEED, **variant)))
    assert key.seed == RFC_SEED


def test_cryptography_reads_what_it_can_of_the_same_keys() -> None:
    theirs = ed25519.Ed25519PrivateKey.generate()
    seed, public = theirs.private_bytes_raw(), theirs.public_key().public_bytes_raw()
    with_attributes = pkcs8(seed, version=0, attributes=RFC_ATTRIBUTES)
    loaded = serialization.load_der_private_key(with_attributes, password=None)
    assert isinstance(loaded, ed25519.Ed25519PrivateKey)
    assert loaded.private_bytes_raw() == seed
    assert load_private_pem(pem_text("PRIVATE KEY", with_attributes)).seed == seed
    ours = load_private_pem(pem_text("PRIVATE KEY", pkcs8(seed, public=public)))
    assert ours.verifying_key().raw == public
    assert ours.sign(b"datos") == theirs.sign(b"datos")
    assert ours.private_pem() == theirs.private_bytes(*CRYPTOGRAPHY_PRIVATE)  # written as v1


def test_a_v2_key_whose_public_key_is_not_its_own_is_refused() -> None:
    other = SigningKey.generate().verifying_key().raw
    for attributes in (None, RFC_ATTRIBUTES):
        mixed = pkcs8(RFC_SEED, attributes=attributes, public=other)
        with pytest.raises(KeyFormatError, match="no es la suya"):
            load_private_pem(pem_text("PRIVATE KEY", mixed))


@pytest.mark.parametrize(
    "variant",
    [
        {"version": 2, "public": RFC_PUBLIC},  # no such version
        {"public": RFC_PUBLIC, "unused_bits": 1},  # a public key is whole bytes
        {"public": RFC_PUBLIC[:31]},
        {"algorithm": bytes.fromhex("300706032b65700500"), "public": RFC_PUBLIC},  # parameters
    ],
)
def test_malformed_v2_keys_are_damaged(variant: dict[str, Any]) -> None:
    with pytest.raises(KeyFormatError, match="dañada"):
        load_private_pem(pem_text("PRIVATE KEY", pkcs8(RFC_SEED, **variant)))


def test_other_algorithms_in_v2_are_not_ed25519() -> None:
    ed448 = bytes.fromhex("300506032b6571")
    with pytest.raises(NotEd25519):
        load_private_pem(pem_text("PRIVATE KEY", pkcs8(bytes(57), algorithm=ed448)))


def test_truncated_reordered_and_garbage_der_is_the_modules_error() -> None:
    v2 = b64(RFC_8410_V2)
    public = der(0x81, b"\x00" + RFC_PUBLIC)
    reordered = der(0x30, v2[2:][: -len(public) - 33] + public + der(0xA0, RFC_ATTRIBUTES))
    junk = random.Random(8410)
    samples = [v2[:size] for size in range(len(v2))]
    indefinite = b"\x30\x80" + v2[2:] + b"\x00\x00"  # BER, not DER
    samples += [reordered, indefinite, v2 + b"\x00", v2[:-1] + b"\x30\x84\xff\xff\xff\xff"]
    samples += [bytes(junk.randrange(256) for _ in range(junk.randrange(120))) for _ in range(300)]
    samples += [b"\x30" + bytes(junk.randrange(256) for _ in range(60)) for _ in range(300)]
    for sample in samples:
        with pytest.raises((KeyFormatError, NotEd25519)):
            load_private_pem(pem_text("PRIVATE KEY", sample))


def test_a_flipped_byte_in_a_v2_key_never_loads_another_key() -> None:
    v2 = b64(RFC_8410_V2)
    for at in range(len(v2)):
        flipped = v2[:at] + bytes([v2[at] ^ 0xFF]) + v2[at + 1 :]
        try:
            key = load_private_pem(pem_text("PRIVATE KEY", flipped))
        except (KeyFormatError, NotEd25519):
            continue
        assert key.seed == RFC_SEED, at  # only the attribute's bytes can change unnoticed
