"""The Oficina's forms sent at the same moment (two tabs, two devices, a script holding a
stolen session): a burst of current passwords gets no more checks than the per-account limit,
and the sessions ended by a sign-out or a new password stay ended.

The requests run in threads of their own (tests/web/a_la_vez_helpers.py), each
with its own client: they share the account, as the devices of one person do.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from blueprints import oficina
from tests.conftest import make_app
from tests.web.a_la_vez_helpers import a_la_vez, en_hilos
from tests.web.cuenta_helpers import PASSWORD, cuenta, entrar, seed, signed_in

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


@pytest.fixture
def limited(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)


def test_a_burst_of_current_passwords_gets_five_checked(
    limited: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each check waits until every request of the burst has reached one or been answered:
    # with the count written after the check, all of them found the limit unspent.
    burst = 2 * MAX
    checked: list[str] = []
    reached = threading.Condition()
    done = [0]
    real = oficina.check_password_hash

    def held(pwhash: str, password: str) -> bool:
        with reached:
            checked.append(password)
            reached.notify_all()
            reached.wait_for(lambda: len(checked) + done[0] >= burst, timeout=30)
        return bool(real(pwhash, password))

    monkeypatch.setattr(oficina, "check_password_hash", held)
    clients = sesiones(limited, seed(limited)["issste_titular"][0], burst)

    def send(n: int) -> TestResponse:
        try:
            return cambiar(clients[n], f"mala {n}", n)
        finally:
            with reached:
                done[0] += 1
                reached.notify_all()

    responses = en_hilos([lambda n=n: send(n) for n in range(burst)], nuestros=False)
    assert len(checked) == MAX
    pages = [r.get_data(as_text=True) for r in responses]
    assert Counter(INCORRECTA in p for p in pages) == {True: MAX, False: MAX}
    assert all(ESPERA in p for p in pages if INCORRECTA not in p)
    assert ESPERA in cambiar(clients[0], PASSWORD, 99).get_data(as_text=True)
    assert len(checked) == MAX


def test_a_right_current_password_spends_none_of_the_limit(limited: Flask) -> None:
    # Counted before it is checked, a right one is given back: four wrong ones, a right one,
    # and one more wrong one is still checked, as when only wrong ones were counted.
    client = signed_in(limited, seed(limited)["issste_titular"][0])
    assert all(
        INCORRECTA in cambiar(client, f"mala {n}", n).get_data(as_text=True) for n in range(4)
    )
    assert cambiar(client, PASSWORD, 4).status_code == 303
    assert INCORRECTA in cambiar(client, "mala 5", 5).get_data(as_text=True)
    assert ESPERA in cambiar(client, "mala 6", 6).get_data(as_text=True)


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
