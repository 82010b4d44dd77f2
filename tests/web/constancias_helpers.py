"""What the constancia tests share: demo people, the ledger, the published keys, forms, emails,
a downloaded document's verification link.

Used by test_constancias*.py, test_imss*.py, test_derechos.py, test_carnet.py,
test_verificacion*.py and test_cli_constancias.py.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import Flask
from flask.testing import FlaskClient

from blueprints.extensions import db
from domain import demo, sello, signing
from domain.models import Constancia
from tests.captcha_helpers import solve_captcha

ADDRESS = "persona.prueba@example.org"
UNKNOWN = "XEXX010101HNEXXXA4"  # well formed, never in the demo registry


def seed(app: Flask) -> dict[str, str]:
    """Demo people; the first CURP of each case."""
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "7"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        return {e.key: e.curps[0] for e in demo.examples(db.session)}


def published_keys(client: FlaskClient) -> signing.KeyRing:
    keys = [
        Ed25519PublicKey.from_public_bytes(base64.b64decode(k["public_key"]))
        for k in client.get("/api/v1/claves").get_json()
    ]
    return signing.KeyRing.of(None, keys)


def ledger(app: Flask) -> list[Constancia]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(Constancia).order_by(Constancia.folio)))
        db.session.expunge_all()
        return rows


def imss_form(client: FlaskClient, url: str, **fields: str) -> dict[str, str]:
    page = client.get(url).get_data(as_text=True)
    return {**solve_captcha(client, page), **fields}


def body(response: Any) -> str:
    return str(response.get_data(as_text=True))


def emailed_pdf(message: Any) -> tuple[str, bytes]:
    [part] = list(message.iter_attachments())
    return part.get_filename(), part.get_payload(decode=True)


def resend_token(page: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', page)
    assert match
    return match.group(1)


def download(client: FlaskClient, curp: str = UNKNOWN) -> tuple[bytes, str]:
    """A fresh no-afiliación PDF and the verification path printed on it."""
    response = client.post("/constancias/no-afiliacion/descargar", data={"curp": curp})
    assert response.status_code == 200
    match = re.search(r"https?://[^/\s]+(/verificar/\S+)", sello.texto(response.data))
    assert match
    return response.data, match.group(1)


def result_panel(html: str) -> str:
    match = re.search(r'<div class="panel[^"]*">.*?</div>', html, re.S)
    assert match
    return match.group()
