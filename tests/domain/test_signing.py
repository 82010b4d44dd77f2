"""Ed25519 keys: where they come from, who may create them, published old keys, sign/verify."""

from __future__ import annotations

import base64
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from domain import signing, signing_config

DATA = "||v=1|doc=NA|folio=NA-2026-000001|nombre=JOSÉ PEÑA||"


def test_signature_verifies_and_any_change_breaks_it() -> None:
    signer = signing.Signer.generate()
    signature = signer.sign(DATA)
    ring = signing.KeyRing.of(signer)
    assert len(signature) == 88
    assert ring.verify(signer.kid, DATA, signature)
    for i in range(len(DATA.encode())):
        changed = bytearray(DATA.encode())
        changed[i] ^= 0x01
        assert not ring.verify(signer.kid, changed.decode("utf-8", "replace"), signature)


@pytest.mark.parametrize("signature", ["", "no es base64!", "AAAA", "A" * 88])
def test_malformed_signatures_are_false_not_errors(signature: str) -> None:
    signer = signing.Signer.generate()
    assert signing.KeyRing.of(signer).verify(signer.kid, DATA, signature) is False


@pytest.mark.parametrize("junk", ["!", " ", "\n", "=", "AAAA"])
def test_a_valid_signature_with_anything_appended_does_not_verify(junk: str) -> None:
    # A lenient base64 decoder drops what it does not expect (even whole groups after the
    # padding), so one seal would have endless spellings and a seal with a message tacked on
    # would still pass: exactly the 88 characters Signer.sign wrote, or nothing.
    signer = signing.Signer.generate()
    signature = signer.sign(DATA)
    assert signing.KeyRing.of(signer).verify(signer.kid, DATA, signature + junk) is False


def test_unknown_key_id_or_other_key_does_not_verify() -> None:
    signer, other = signing.Signer.generate(), signing.Signer.generate()
    signature = other.sign(DATA)
    ring = signing.KeyRing.of(signer)
    assert not ring.verify(other.kid, DATA, signature)
    assert not ring.verify(signer.kid, DATA, signature)


def test_key_id_is_a_short_stable_hash_of_the_public_key() -> None:
    signer = signing.Signer.generate()
    again = signing_config.load_signer(signer.private_pem().decode(), Path("/x"), False)
    assert again.kid == signer.kid
    assert len(signer.kid) == 16 and int(signer.kid, 16) >= 0


def test_key_from_environment_as_pem_text_or_path(tmp_path: Path) -> None:
    signer = signing.Signer.generate()
    path = tmp_path / "clave.pem"
    path.write_bytes(signer.private_pem())
    from_text = signing_config.load_signer(signer.private_pem().decode(), tmp_path, False)
    from_path = signing_config.load_signer(str(path), tmp_path, False)
    assert from_text.kid == from_path.kid == signer.kid
    assert not (tmp_path / signing_config.KEY_FILE).exists()


def test_a_key_pasted_without_its_header_is_not_repeated_in_the_error(tmp_path: Path) -> None:
    # Without "-----BEGIN" the value is read as a path; the error goes to the logs.
    body = b"".join(signing.Signer.generate().private_pem().splitlines()[1:-1]).decode()
    with pytest.raises(signing_config.SigningKeyInvalid) as raised:
        signing_config.load_signer(body, tmp_path, False)
    assert body not in str(raised.value) and body[:12] not in str(raised.value)
    missing = str(tmp_path / "no-existe.pem")
    with pytest.raises(signing_config.SigningKeyInvalid, match=r"no-existe\.pem"):
        signing_config.load_signer(missing, tmp_path, False)  # a path is named, for the typo


def test_outside_demo_mode_no_key_is_created(tmp_path: Path) -> None:
    with pytest.raises(signing_config.SigningKeyMissing, match="SIGNING_KEY"):
        signing_config.load_signer(None, tmp_path, demo=False)
    assert not (tmp_path / signing_config.KEY_FILE).exists()


def test_demo_mode_creates_a_private_key_file_once(tmp_path: Path) -> None:
    first = signing_config.load_signer(None, tmp_path, demo=True)
    path = tmp_path / signing_config.KEY_FILE
    assert path.stat().st_mode & 0o077 == 0
    assert signing_config.load_signer(None, tmp_path, demo=True).kid == first.kid
    assert signing_config.load_signer(None, tmp_path, demo=False).kid == first.kid


def test_concurrent_first_runs_agree_on_one_key(tmp_path: Path) -> None:
    kids: list[str] = []
    barrier = threading.Barrier(8)

    def load() -> None:
        barrier.wait()
        kids.append(signing_config.load_signer(None, tmp_path, demo=True).kid)

    threads = [threading.Thread(target=load) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(kids)) == 1
    assert [p.name for p in tmp_path.iterdir()] == [signing_config.KEY_FILE]


def test_keys_that_are_not_ed25519_are_refused(tmp_path: Path) -> None:
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(signing_config.SigningKeyInvalid, match="Ed25519"):
        signing_config.load_signer(ec_pem.decode(), tmp_path, False)
    garbage = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"
    with pytest.raises(signing_config.SigningKeyInvalid):
        signing_config.load_signer(garbage, tmp_path, False)
    with pytest.raises(signing_config.SigningKeyInvalid):
        signing_config.parse_public_keys("esto-no-es-una-clave")


def test_a_pkcs8_v2_signing_key_loads_and_one_with_a_foreign_public_key_says_so(
    tmp_path: Path,
) -> None:
    from tests.domain.pkcs8_helpers import RFC_8410_V2, RFC_SEED, pem_text, pkcs8

    v2 = pem_text("PRIVATE KEY", base64.b64decode(RFC_8410_V2)).decode()
    signer = signing_config.load_signer(v2, tmp_path, False)
    assert signer.private_key.seed == RFC_SEED
    assert signer.private_pem().startswith(b"-----BEGIN PRIVATE KEY-----\nMC4CAQAw")  # v1
    foreign = signing.Signer.generate().public.key.raw
    mixed = pem_text("PRIVATE KEY", pkcs8(RFC_SEED, public=foreign)).decode()
    with pytest.raises(signing_config.SigningKeyInvalid, match=r"clave pública .* no es la suya"):
        signing_config.load_signer(mixed, tmp_path, False)


def test_old_keys_are_published_from_folder_and_environment(tmp_path: Path) -> None:
    current = signing.Signer.generate()
    old_private, old_public, old_raw = (signing.Signer.generate() for _ in range(3))
    folder = tmp_path / signing_config.OLD_KEYS_DIR
    folder.mkdir()
    (folder / "2025.pem").write_bytes(old_private.private_pem())
    (folder / "2024.pem").write_text(old_public.public.pem)
    (folder / "notas.txt").write_text("ignored")
    configured = f"{old_raw.public.raw_base64}, {current.public.raw_base64}"
    ring = signing.KeyRing.of(current, signing_config.load_old_keys(configured, tmp_path))
    assert [(k.kid, k.active) for k in ring.keys] == [
        (current.kid, True),
        (old_public.kid, False),
        (old_private.kid, False),
        (old_raw.kid, False),
    ]
    signature = old_raw.sign(DATA)
    assert ring.verify(old_raw.kid, DATA, signature)
    assert base64.b64decode(ring.keys[0].raw_base64) == base64.b64decode(current.public.raw_base64)
    assert ring.keys[1].pem.startswith("-----BEGIN PUBLIC KEY-----")


def test_an_unreadable_old_key_is_refused_naming_where_it_is(tmp_path: Path) -> None:
    # SigningKeyInvalid is what the portal turns into a 503 and the CLI into a plain error;
    # anything else (a binary file read as text) would be a 500 or a traceback.
    with pytest.raises(
        signing_config.SigningKeyInvalid, match=r"^SIGNING_OLD_PUBLIC_KEYS: .*base64"
    ):
        signing_config.load_old_keys("garbage", tmp_path)
    folder = tmp_path / signing_config.OLD_KEYS_DIR
    folder.mkdir()
    (folder / "2025.pem").write_bytes(b"\xff\xfe binary, not a PEM")
    with pytest.raises(signing_config.SigningKeyInvalid, match=r"2025\.pem"):
        signing_config.load_old_keys("", tmp_path)
    (folder / "2025.pem").write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
    with pytest.raises(signing_config.SigningKeyInvalid, match=r"2025\.pem: .*PEM legible"):
        signing_config.load_old_keys("", tmp_path)
