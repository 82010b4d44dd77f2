"""Confirming a new address ends every other session of the account, as a new password does:
recovery links go to that address now, and a session taken before the move (by whoever moved
it, or the one it was moved away from) must not stay open. The browser that confirms goes on
only if it was signed in to the account already."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from domain.models import Cuenta
from tests.web.cuenta_helpers import (
    PASSWORD,
    correos,
    enlace,
    entrar,
    otra_conexion_mientras,
    signed_in,
    texto,
)

NUEVO = "nuevo.correo@example.org"


def pedir(app: Flask, client: FlaskClient) -> str:
    """Ask for NUEVO from ``client``; the path of the link sent to it."""
    form = client.get("/oficina/correo").get_data(as_text=True)
    # "The others" are those of wherever the link is opened: this one too, if that is a phone.
    assert "cerramos tu sesión en los demás dispositivos; si lo confirmas en otro" in form
    response = client.post("/oficina/correo", data={"email": NUEVO, "actual": PASSWORD})
    assert response.status_code == 303
    [confirmar] = correos(app, NUEVO)
    return enlace(confirmar)


def fuera(client: FlaskClient) -> bool:
    """Whether ``client`` is sent to sign in, as after a new password elsewhere."""
    response = client.get("/oficina")
    destino = response.headers.get("Location", "")
    return response.status_code == 302 and destino.startswith("/cuenta/entrar")


def test_confirming_keeps_this_session_and_ends_the_others(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    laptop = signed_in(app, curp)
    other = app.test_client()
    assert entrar(other, curp).status_code == 303
    path = pedir(app, laptop)
    assert other.get("/oficina").status_code == 200  # asking moves nothing yet
    done = laptop.post(path)
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "Cerramos tu sesión en los demás dispositivos." in html
    assert 'href="/oficina"' in html
    assert laptop.get("/oficina").status_code == 200
    assert fuera(other)
    [cambiado] = [m for m in correos(app, "titular@example.org") if "Cambiaste" in m["Subject"]]
    assert "Cerramos tu sesión en los demás dispositivos." in texto(cambiado)
    assert entrar(other, curp).status_code == 303  # with the CURP, as before
    assert other.get("/oficina").status_code == 200


def test_confirming_where_nobody_is_signed_in_ends_every_session(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    laptop = signed_in(app, curp)
    other = app.test_client()
    assert entrar(other, curp).status_code == 303
    path = pedir(app, laptop)
    phone = app.test_client()  # the mail app's browser
    assert phone.get(path).status_code == 200
    done = phone.post(path)
    assert done.status_code == 200
    html = done.get_data(as_text=True)
    assert "Cerramos tu sesión en todos tus dispositivos." in html
    assert 'href="/cuenta/entrar"' in html
    assert fuera(laptop) and fuera(other) and fuera(phone)
    assert entrar(phone, curp).status_code == 303
    assert phone.get("/oficina").status_code == 200


def test_a_session_of_another_account_that_confirms_is_left_alone(app: Flask, curps: Any) -> None:
    titular, otro = curps["issste_titular"][:2]
    laptop = signed_in(app, titular)
    path = pedir(app, laptop)
    neighbour = signed_in(app, otro, "vecino@example.org")
    assert neighbour.post(path).status_code == 200
    assert fuera(laptop)
    assert neighbour.get("/oficina").status_code == 200


def cierre_mientras(app: Flask, statement: str) -> AbstractContextManager[list[str]]:
    """A sign-out on every device, from another request, committed just before the app first
    runs a statement starting with ``statement``."""
    salir = sa.update(Cuenta).values(session_version=Cuenta.session_version + 1)
    return otra_conexion_mientras(app, statement, salir)


def test_a_sign_out_everywhere_while_confirming_ends_this_session_too(
    app: Flask, curps: Any
) -> None:
    # This session was checked as the request began; the sign-out ended it after that. Going on
    # with the version the database holds after both would bring it back.
    laptop = signed_in(app, curps["issste_titular"][0])
    path = pedir(app, laptop)
    with cierre_mientras(app, "UPDATE cuenta SET token_version") as acted:
        done = laptop.post(path)
    assert acted and done.status_code == 200
    assert "Cerramos tu sesión en todos tus dispositivos." in done.get_data(as_text=True)
    assert fuera(laptop)
