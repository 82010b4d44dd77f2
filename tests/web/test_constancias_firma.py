"""The key that signs the constancias: missing outside demo, broken, configured, made for demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from domain import sello, signing, signing_config
from tests.conftest import make_app
from tests.web.constancias_helpers import UNKNOWN, body, ledger


def test_without_a_key_outside_demo_mode_nothing_is_issued(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url, ENV={"DEMO_MODE": "0"})
    client = app.test_client()
    response = client.post("/constancias/no-afiliacion/descargar", data={"curp": UNKNOWN})
    assert response.status_code == 503 and "No podemos firmar documentos" in body(response)
    assert ledger(app) == [] and not (tmp_path / "instance" / signing_config.KEY_FILE).exists()
    # docs/despliegue.md, section 3: without a key, the keys are unavailable, not "none".
    keys = client.get("/api/v1/claves")
    assert keys.status_code == 503 and keys.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "bad",
    [
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----",
        "/no/existe/clave.pem",  # a path that cannot be read
    ],
)
def test_a_broken_key_is_a_503_not_a_500(tmp_path: Path, database_url: str, bad: str) -> None:
    app = make_app(tmp_path, database_url, ENV={"SIGNING_KEY": bad})
    client = app.test_client()
    response = client.post("/constancias/no-afiliacion/descargar", data={"curp": UNKNOWN})
    assert response.status_code == 503 and "No podemos firmar documentos" in body(response)
    assert ledger(app) == []
    keys = client.get("/api/v1/claves")
    assert keys.status_code == 503 and keys.mimetype == "application/problem+json"
    assert keys.get_json()["detail"] == "No podemos firmar ni verificar documentos en este momento."
    verify = client.get("/verificar/NA-2026-000001?c=AAAAAAAAAAAA")
    assert verify.status_code == 503 and verify.headers["Retry-After"] == "300"


def test_configured_key_outside_demo_mode_has_no_demo_mark(
    tmp_path: Path, database_url: str
) -> None:
    signer = signing.Signer.generate()
    app = make_app(
        tmp_path, database_url, ENV={"DEMO_MODE": "0", "SIGNING_KEY": signer.private_pem().decode()}
    )
    response = app.test_client().post(
        "/constancias/no-afiliacion/descargar", data={"curp": UNKNOWN}
    )
    assert response.status_code == 200
    assert "DEMOSTRACIÓN" not in sello.texto(response.data)
    assert ledger(app)[0].clave_id == signer.kid


def test_prepare_hook_creates_the_demo_key(app: Flask) -> None:
    for hook in app.extensions["prepare_hooks"]:
        hook()
    assert (Path(app.instance_path) / signing_config.KEY_FILE).exists()
