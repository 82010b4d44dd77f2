"""An account closed on one device while another of its sessions is sending a form: that
request is answered as one whose session had already ended (signed out, off to sign in), never
with an error, and writes nothing for the account that is gone.

Each request that races runs in a thread of its own and, right before its first write, waits
for the closing, sent from another device, to be done (tests/web/a_la_vez_helpers.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.a_la_vez_helpers import a_la_vez, antes_de_escribir, en_hilos
from tests.web.cierre_helpers import DONE, URL, accounts, eml_to
from tests.web.cuenta_helpers import PASSWORD, correos, entrar, signed_in

EMAIL = "titular@example.org"
NUEVO = "nuevo@example.org"
CERRASTE = "[Demostración] Cerraste tu cuenta de la Oficina Virtual"


def dos_dispositivos(app: Flask, curp: str) -> tuple[FlaskClient, FlaskClient]:
    laptop = signed_in(app, curp, EMAIL)
    phone = app.test_client()
    assert entrar(phone, curp).status_code == 303
    return laptop, phone


def cerrada_mientras(
    app: Flask, phone: FlaskClient, enviar: Callable[[], TestResponse]
) -> TestResponse:
    """``enviar``'s answer when ``phone`` closes the account right before its first write."""

    def cerrar() -> None:
        [closed] = en_hilos([lambda: phone.post(URL, data={"actual": PASSWORD})], nuestros=False)
        assert closed.status_code == 303 and closed.headers["Location"] == DONE

    with antes_de_escribir(app, cerrar):
        [response] = en_hilos([enviar])
    return response


def como_sin_sesion(app: Flask, client: FlaskClient, response: TestResponse, path: str) -> None:
    """``response`` is what a session that had ended gets, and ``client`` is signed out."""
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cuenta/entrar?next={path.replace('/', '%2F')}"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Entra a tu cuenta para ver esa página." in page
    assert client.get("/oficina").status_code == 302
    assert accounts(app) == []


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/oficina/correo", {"email": NUEVO, "actual": PASSWORD}),
        ("/oficina/contrasena", {"password": "una frase bastante nueva", "actual": PASSWORD}),
    ],
)
def test_a_change_sent_as_the_account_closes_signs_out(
    app: Flask, curps: Any, path: str, data: dict[str, str]
) -> None:
    laptop, phone = dos_dispositivos(app, curps["issste_titular"][0])
    response = cerrada_mientras(app, phone, lambda: laptop.post(path, data=data))
    como_sin_sesion(app, laptop, response, path)
    # Nothing was sent for the account that is gone: only the notice of its closing.
    assert [str(m["Subject"]) for m in correos(app)] == [CERRASTE]
    assert eml_to(app, NUEVO) == []


def test_signing_out_as_the_account_closes_signs_out(app: Flask, curps: Any) -> None:
    laptop, phone = dos_dispositivos(app, curps["issste_titular"][0])
    response = cerrada_mientras(app, phone, lambda: laptop.post("/cuenta/salir"))
    assert response.status_code == 303 and response.headers["Location"] == "/cuenta/entrar"
    assert laptop.get("/oficina").status_code == 302


def test_a_carnet_asked_for_as_the_account_closes_is_no_error(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    laptop, phone = dos_dispositivos(app, curp)
    carnet = "/oficina/constancia-vigencia"
    response = cerrada_mientras(app, phone, lambda: laptop.post(carnet, data={"curp": curp}))
    # Asked for while the session lived: issued, as the institution's record (the ledger).
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert laptop.get("/oficina").status_code == 302


def test_closing_from_two_devices_at_once_closes_it_once(app: Flask, curps: Any) -> None:
    laptop, phone = dos_dispositivos(app, curps["issste_titular"][0])
    answers = a_la_vez(
        app, [lambda c=c: c.post(URL, data={"actual": PASSWORD}) for c in (laptop, phone)]
    )
    assert [(r.status_code, r.headers["Location"]) for r in answers] == [(303, DONE)] * 2
    assert accounts(app) == []
    assert [str(m["Subject"]) for m in correos(app)] == [CERRASTE]
