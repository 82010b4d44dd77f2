"""/verificar and its API when the portal lacks the key a genuine document was sealed with (a
rotation without the old public key, or no key at all): "we cannot check it", never "forged"."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from flask import Flask

from domain import signing, signing_config
from tests.conftest import make_app
from tests.web.constancias_helpers import UNKNOWN, body, download, result_panel

NO_FALSO = "Esto no quiere decir que el documento sea falso."


def issued_with(tmp_path: Path, database_url: str, signer: signing.Signer) -> tuple[str, str]:
    """The folio and code of a document ``signer`` sealed, in the shared database."""
    pem = signer.private_pem().decode()
    before = make_app(tmp_path / "antes", database_url, ENV={"SIGNING_KEY": pem})
    _, path = download(before.test_client())
    folio, code = path.removeprefix("/verificar/").split("?c=")
    return folio, code


def main(html: str) -> str:
    """The page's own content, without the header's links back to its address."""
    match = re.search(r"<main.*</main>", html, re.S)
    assert match
    return match.group()


def portal(tmp_path: Path, database_url: str, name: str, **env: str) -> Flask:
    return make_app(tmp_path / name, database_url, ENV=env)


def test_a_key_rotated_without_its_public_half_is_a_503_not_no_autentica(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    old, new = signing.Signer.generate(), signing.Signer.generate()
    folio, code = issued_with(tmp_path, database_url, old)
    after = portal(tmp_path, database_url, "despues", SIGNING_KEY=new.private_pem().decode())
    client = after.test_client()
    with caplog.at_level(logging.ERROR, logger="blueprints.verificacion"):
        page = client.get(f"/verificar/{folio}?c={code}")
        api = client.get(f"/api/v1/constancias/{folio}?c={code}")
    html = body(page)
    assert page.status_code == 503 and page.headers["Retry-After"] == "300"
    assert "No auténtica" not in html and "no lo emitimos" not in html
    assert NO_FALSO in html and "No podemos verificar documentos por ahora" in html
    assert "no-store" in page.headers["Cache-Control"]
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    assert "no-store" in api.headers["Cache-Control"]
    # The operator learns which key is missing; nothing of the document's holder or code.
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors and all(old.kid in message for message in errors), errors
    assert "SIGNING_OLD_PUBLIC_KEYS" in errors[0]
    # The folder where this portal reads old keys, wherever INSTANCE_PATH put it.
    assert f"{signing_config.old_keys_folder(Path(after.instance_path))}/" in errors[0]
    assert not any(secret in caplog.text for secret in (code, UNKNOWN))
    # Still no oracle: without the right code, an issued folio and an unknown one look alike.
    wrong = client.get(f"/verificar/{folio}?c=AAAAAAAAAAAA")
    unknown = client.get("/verificar/NA-2026-999999?c=AAAAAAAAAAAA")
    assert wrong.status_code == unknown.status_code == 200
    assert result_panel(body(wrong)) == result_panel(body(unknown))
    # The fix the log names: publish the old public key, and the same link verifies.
    fixed = portal(
        tmp_path,
        database_url,
        "arreglado",
        SIGNING_KEY=new.private_pem().decode(),
        SIGNING_OLD_PUBLIC_KEYS=old.public.pem,
    )
    again = fixed.test_client().get(f"/verificar/{folio}?c={code}")
    assert again.status_code == 200 and "Documento auténtico y vigente" in body(again)


def test_without_any_key_verifying_and_the_keys_are_a_503(
    tmp_path: Path, database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # docs/despliegue.md, section 3: without a key, verifying and /api/v1/claves answer 503.
    folio, code = issued_with(tmp_path, database_url, signing.Signer.generate())
    sin_clave = portal(tmp_path, database_url, "sin_clave", DEMO_MODE="0")
    client = sin_clave.test_client()
    with caplog.at_level(logging.ERROR, logger="blueprints.verificacion"):
        genuine = client.get(f"/verificar?folio={folio}&c={code}")
    assert genuine.status_code == 503 and NO_FALSO in body(genuine)
    # The log names the folder this portal reads old keys from, not a generic instance/.
    folder = signing_config.old_keys_folder(Path(sin_clave.instance_path))
    assert f"{folder}/" in caplog.text
    # With no key at all nothing can be judged: every folio gets the same answer.
    unknown = client.get("/verificar?folio=NA-2026-999999&c=AAAAAAAAAAAA")
    assert unknown.status_code == 503 and main(body(unknown)) == main(body(genuine))
    api = client.get(f"/api/v1/constancias/{folio}?c={code}")
    assert api.status_code == 503 and api.mimetype == "application/problem+json"
    keys = client.get("/api/v1/claves")
    assert keys.status_code == 503 and keys.mimetype == "application/problem+json"


def test_retired_keys_alone_are_still_published_and_verify(
    tmp_path: Path, database_url: str
) -> None:
    # A portal that no longer issues (no SIGNING_KEY) but keeps its old public keys still
    # answers for what it issued.
    old = signing.Signer.generate()
    folio, code = issued_with(tmp_path, database_url, old)
    client = portal(
        tmp_path,
        database_url,
        "solo_antiguas",
        DEMO_MODE="0",
        SIGNING_OLD_PUBLIC_KEYS=old.public.pem,
    ).test_client()
    assert [k["kid"] for k in client.get("/api/v1/claves").get_json()] == [old.kid]
    assert "Documento auténtico" in body(client.get(f"/verificar/{folio}?c={code}"))
