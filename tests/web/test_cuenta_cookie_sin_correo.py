"""The session cookie is signed, not encrypted: whoever holds it can read it. After a
registration, a resend or a recovery it never carries the address typed, and every flow that
needs the address afterwards ("revisa tu correo", its resend button) still works."""

from __future__ import annotations

import base64
import zlib
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.web.cuenta_helpers import (
    correos,
    crear_cuenta,
    entrar,
    formulario,
    registrar,
    seed,
)

EMAIL = "juana.prueba@example.org"
MASK = "j***@example.org"


@pytest.fixture
def curps(app: Flask) -> Any:
    return seed(app)


def cookie(client: FlaskClient) -> str:
    """The session cookie's payload, read as anyone holding the cookie can: no key needed."""
    found = client.get_cookie("session")
    assert found is not None
    value = found.value
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(raw) if compressed else raw).decode()


def assert_hidden(client: FlaskClient) -> None:
    seen = cookie(client).lower()
    assert "juana.prueba" not in seen, seen  # a mask ("j***@example.org") may be there


def revisa(client: FlaskClient, path: str = "/cuenta/registro/revisa-tu-correo") -> str:
    page = client.get(path)
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_registration_and_its_resend_button(app: Flask, curps: Any) -> None:
    client = app.test_client()
    posted = registrar(client, formulario(app, curps["issste_titular"][0], EMAIL))
    assert posted.status_code == 303
    assert_hidden(client)
    assert MASK in revisa(client)
    # "Enviar otro enlace" posts nothing but its token: the address comes from the cookie.
    assert client.post("/cuenta/activar/reenviar").status_code == 303
    assert_hidden(client)
    assert MASK in revisa(client)
    activaciones = [m for m in correos(app, EMAIL) if "Activa tu cuenta" in str(m["Subject"])]
    assert len(activaciones) == 2


def test_a_registration_whose_address_has_no_account_resends_to_that_address(
    app: Flask, curps: Any
) -> None:
    # The CURP is taken by another address: the address typed has no account, and the resend
    # button still answers it as it would any other (word that nothing waits there).
    curp = curps["issste_titular"][0]
    crear_cuenta(app, curp, "otra.persona@example.net")
    client = app.test_client()
    registrar(client, formulario(app, curp, EMAIL))
    assert_hidden(client)
    assert MASK in revisa(client)
    assert client.post("/cuenta/activar/reenviar").status_code == 303
    assert [str(m["Subject"]) for m in correos(app, EMAIL)] == [
        "[Demostración] Ninguna cuenta espera activarse con este correo"
    ]


def test_a_resend_for_a_typed_address(app: Flask, curps: Any) -> None:
    client = app.test_client()
    assert client.post("/cuenta/activar/reenviar", data={"email": EMAIL}).status_code == 303
    assert_hidden(client)
    assert MASK in revisa(client)


def test_signing_in_to_an_account_not_yet_active(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    registrar(app.test_client(), formulario(app, curp, EMAIL))
    client = app.test_client()
    assert entrar(client, curp).status_code == 303
    assert_hidden(client)
    assert MASK in revisa(client)


def test_recovery(app: Flask, curps: Any) -> None:
    crear_cuenta(app, curps["issste_titular"][0], EMAIL)
    client = app.test_client()
    assert client.post("/cuenta/recuperar", data={"email": EMAIL}).status_code == 303
    assert_hidden(client)
    assert MASK in revisa(client, "/cuenta/recuperar/revisa-tu-correo")
