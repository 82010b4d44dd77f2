"""The per-CURP and per-address limits are keyed by HMACs under SECRET_KEY: a plain SHA-256 of a
CURP in the limiter's storage would be undone by hashing every CURP."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask

from blueprints import cuenta_limites, imss_nss
from tests.conftest import make_app

CURP = "PEGJ850315HJCRRN06"
EMAIL = "juana.prueba@example.org"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def claves(app: Flask) -> tuple[str, str, str]:
    """The account limit's key for an address, and the NSS lookup's for a CURP and a mailbox."""
    with app.test_request_context("/imss/nss", method="POST", data={"curp": CURP}):
        return (
            cuenta_limites._clave("reenviar", EMAIL),
            imss_nss._curp_key(),
            imss_nss._email_key(EMAIL),
        )


def test_the_keys_are_not_plain_hashes_and_change_with_secret_key(
    tmp_path: Path, database_url: str
) -> None:
    una = claves(make_app(tmp_path / "a", database_url, ENV={"SECRET_KEY": "una-clave"}))
    otra = claves(make_app(tmp_path / "b", database_url, ENV={"SECRET_KEY": "otra-clave"}))
    cuenta, curp, correo = una
    assert cuenta != sha256(f"reenviar:{EMAIL}")
    assert curp != "nss-curp:" + sha256(CURP)[:24]
    assert correo != "nss-correo:" + sha256(EMAIL)[:24]
    assert curp.startswith("nss-curp:") and correo.startswith("nss-correo:")
    for mine, theirs in zip(una, otra, strict=True):
        assert mine != theirs
    # The same key under the same SECRET_KEY: a limit still counts one CURP as one.
    assert claves(make_app(tmp_path / "c", database_url, ENV={"SECRET_KEY": "una-clave"})) == una
