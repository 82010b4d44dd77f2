"""A private key printed anywhere (a log line, a traceback, a debugger, an f-string) shows its key
id, never its seed in any spelling."""

from __future__ import annotations

import base64
from pathlib import Path

from domain import signing, signing_config


def spellings(seed: bytes, pem: bytes) -> list[str]:
    """The seed as bytes, hex and base64, and every base64 line of its PEM file."""
    lines = [line for line in pem.decode().splitlines() if not line.startswith("-----")]
    return [
        repr(seed),
        repr(seed)[2:-1],  # without b'…', as inside a longer repr
        seed.hex(),
        seed.hex().upper(),
        base64.b64encode(seed).decode(),
        base64.b64encode(seed).decode().rstrip("="),
        base64.urlsafe_b64encode(seed).decode().rstrip("="),
        *lines,
    ]


def test_a_loaded_signer_and_its_key_print_their_key_id_only(tmp_path: Path) -> None:
    pem = signing.Signer.generate().private_pem()
    path = tmp_path / "clave.pem"
    path.write_bytes(pem)
    for configured in (str(path), pem.decode()):  # SIGNING_KEY as a path, or as the PEM itself
        signer = signing_config.load_signer(configured, tmp_path, demo=False)
        seed = signer.private_key.seed
        printed = [
            repr(signer),
            str(signer),
            f"{signer}",
            repr(signer.private_key),
            str(signer.private_key),
            repr([signer, signer.private_key]),  # containers print their items' repr
        ]
        for text in printed:
            assert signer.kid in text, text
            for secret in spellings(seed, pem):
                assert secret not in text, (secret, text)
