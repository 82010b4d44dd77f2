"""Every form that asks for an email address judges it by one rule (domain/buzones.py,
``email_problem``) and says what is wrong in the same words: the constancias and the NSS lookup
used to take an accent before the @, which registration refuses as the slip it nearly always is.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from blueprints.extensions import db
from domain.models import Correo
from tests.web.constancias_helpers import UNKNOWN, imss_form
from tests.web.cuenta_helpers import PASSWORD, registrar, seed, signed_in
from tests.web.imss_helpers import NSS_URL, VIGENCIA, summary_and_fields

ACENTO = "Antes de la @ tu correo no puede llevar acentos ni ñ: revísalo."
SIN_ARROBA = "Escribe tu correo completo, con @: por ejemplo, nombre@ejemplo.com."
CONSTANCIAS = ("/constancias/no-derechohabiencia", VIGENCIA, NSS_URL)


def enviar(app: Flask, path: str, email: str) -> Any:
    """``path``'s form with ``email``, its other fields as a person would fill them in."""
    if path == "/cuenta/registro":
        return registrar(app.test_client(), {"email": email})
    if path == "/oficina/correo":
        client = signed_in(app, seed(app)["issste_titular"][0])
        return client.post(path, data={"email": email, "actual": PASSWORD})
    client = app.test_client()
    return client.post(path, data=imss_form(client, path, curp=UNKNOWN, email=email))


@pytest.mark.parametrize("path", [*CONSTANCIAS, "/cuenta/registro", "/oficina/correo"])
@pytest.mark.parametrize(("email", "message"), [("josé@example.org", ACENTO), ("jose", SIN_ARROBA)])
def test_every_form_refuses_an_address_in_the_same_words(
    app: Flask, path: str, email: str, message: str
) -> None:
    response = enviar(app, path, email)
    assert response.status_code == 422
    _summary, inline = summary_and_fields(response)
    assert inline["email"] == message


@pytest.mark.parametrize("path", [NSS_URL, "/constancias/no-derechohabiencia"])
def test_a_constancia_goes_to_the_address_in_its_normal_form(app: Flask, path: str) -> None:
    # The same normal form as an account's address: lower case, the domain in ASCII.
    assert enviar(app, path, " Ana.Ruiz@Bücher.example.org ").status_code == 200
    with app.app_context():
        [to] = db.session.scalars(db.select(Correo.destinatario)).all()
    assert to == "ana.ruiz@xn--bcher-kva.example.org"
