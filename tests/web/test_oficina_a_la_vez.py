"""The Oficina's forms sent at the same moment (two tabs, two devices, a script holding a
stolen session): the sessions ended by a sign-out or a new password stay ended.

The requests run in threads of their own (tests/web/test_cuenta_enlaces_a_la_vez.py), each
with its own client: they share the account, as the devices of one person do.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.web.cuenta_helpers import PASSWORD, cuenta, entrar
from tests.web.test_cuenta_enlaces_a_la_vez import a_la_vez
from tests.web.test_oficina import signed_in

MAX = 5  # oficina.CHANGE_RULE
INCORRECTA = "Tu contraseña actual no es correcta."
ESPERA = "Espera una hora"


def sesiones(app: Flask, curp: str, n: int) -> list[FlaskClient]:
    """``n`` signed-in sessions of one new account, one per client."""
    first = signed_in(app, curp)
    others = [app.test_client() for _ in range(n - 1)]
    assert all(entrar(client, curp).status_code == 303 for client in others)
    return [first, *others]


def cambiar(client: FlaskClient, actual: str, n: int = 0) -> TestResponse:
    data = {"actual": actual, "password": f"río de plata {n}"}
    # From an address of its own: the per-address limit is not what this is about.
    return client.post(
        "/oficina/contrasena", data=data, environ_base={"REMOTE_ADDR": f"10.2.0.{n}"}
    )


def test_two_sign_outs_at_once_both_count(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    clients = sesiones(app, curp, 3)
    salidas = a_la_vez(app, [lambda c=c: c.post("/cuenta/salir") for c in clients[:2]])
    assert [r.status_code for r in salidas] == [303, 303]
    assert cuenta(app, curp).session_version == 2
    assert clients[2].get("/oficina").status_code == 302


def test_two_new_passwords_at_once_leave_one_session(app: Flask, curps: Any) -> None:
    # Each says it ends the sessions on the other devices: the second to write ends the first
    # one's. Both used to write the same session_version, and both sessions lived on.
    curp = curps["issste_titular"][0]
    clients = sesiones(app, curp, 2)
    changes = a_la_vez(app, [lambda n=n: cambiar(clients[n], PASSWORD, n) for n in range(2)])
    assert [r.status_code for r in changes] == [303, 303]
    assert sorted(c.get("/oficina").status_code for c in clients) == [200, 302]
    assert cuenta(app, curp).session_version == 2
