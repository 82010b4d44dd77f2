"""A new activation link asked for at the moment something else changes the pending account
(a second resend, the registration started over at another address): the link goes out only
for the account as the resend read it, so the link that reaches the person works.

Each request runs in a thread of its own and is held before its first write
(``a_la_vez_helpers``), after it has read the account.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from blueprints.extensions import db
from domain import fallos
from domain.models import Cuenta
from tests.web.a_la_vez_helpers import a_la_vez, antes_de_escribir, en_hilos, post, registro
from tests.web.cuenta_helpers import (
    ACTIVAR_ASUNTO,
    PASSWORD,
    REEMPLAZADO_ASUNTO,
    activar,
    asuntos,
    correos,
    cuenta,
    enlace,
)

REENVIAR = "/cuenta/activar/reenviar"
REVISA = "/cuenta/registro/revisa-tu-correo"


def test_two_resends_at_once_send_one_link_and_it_works(app: Flask, pendiente: str) -> None:
    # Both read the same version. Each used to send a link, the first dead on arrival (only
    # the newest works); now the one that writes second finds the account moved on by the
    # other and sends nothing, and both get the same page.
    antes = len(correos(app))
    answers = a_la_vez(app, [post(app, REENVIAR, email="pendiente@example.org")] * 2)
    assert [(r.status_code, r.headers["Location"]) for r in answers] == [(303, REVISA)] * 2
    [link] = [enlace(m) for m in correos(app)[antes:]]
    assert activar(app.test_client(), link).status_code == 200
    assert cuenta(app, pendiente).activa


def test_a_resend_that_read_the_account_before_it_was_started_over_sends_nothing(
    app: Flask, pendiente: str
) -> None:
    # The resend has read the account at its first address when a restart moves it to another
    # and commits. The resend used to end the new address's link and send the old address one
    # that works, to the account that now has the new address and password.
    antes = len(correos(app))
    reinicio = registro(app, pendiente, "nueva@example.org")

    def reiniciar() -> None:
        [reiniciada] = en_hilos([reinicio], nuestros=False)
        assert reiniciada.status_code == 303

    with antes_de_escribir(app, reiniciar):
        [reenviada] = en_hilos([post(app, REENVIAR, email="pendiente@example.org")])
    assert (reenviada.status_code, reenviada.headers["Location"]) == (303, REVISA)
    assert asuntos(app, antes) == [
        ("nueva@example.org", ACTIVAR_ASUNTO),
        ("pendiente@example.org", REEMPLAZADO_ASUNTO),
    ]
    found = cuenta(app, pendiente)
    assert (found.email, found.activa) == ("nueva@example.org", False)
    nuevo = enlace(correos(app, "nueva@example.org")[0])
    assert activar(app.test_client(), nuevo).status_code == 200


def test_a_sign_in_that_read_the_account_before_it_was_started_over_sends_no_link(
    app: Flask, pendiente: str
) -> None:
    # The right password on a pending account sends a fresh activation link. Read before a
    # restart moved the account to another address, it used to end the new address's link and
    # send the old address one that works.
    antes = len(correos(app))
    reinicio = registro(app, pendiente, "nueva@example.org")

    def reiniciar() -> None:
        [reiniciada] = en_hilos([reinicio], nuestros=False)
        assert reiniciada.status_code == 303

    with antes_de_escribir(app, reiniciar):
        entrada = post(app, "/cuenta/entrar", curp=pendiente, password=PASSWORD)
        [respuesta] = en_hilos([entrada])
    assert respuesta.status_code == 303
    assert asuntos(app, antes) == [
        ("nueva@example.org", ACTIVAR_ASUNTO),
        ("pendiente@example.org", REEMPLAZADO_ASUNTO),
    ]
    nuevo = enlace(correos(app, "nueva@example.org")[0])
    assert activar(app.test_client(), nuevo).status_code == 200


def test_a_right_password_clears_the_count_even_when_its_link_loses_the_race(
    app: Flask, pendiente: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another resend (a double tap) commits between the password check and the new link: the
    # link is not sent, which used to roll back the clearing of the count with it, so a right
    # password was left counted as a wrong one, a step toward the lock.
    with app.app_context():
        db.session.execute(
            sa.update(Cuenta).values(intentos_fallidos=2, primer_fallo=sa.func.now())
        )
        db.session.commit()
        elsewhere = sa.create_engine(db.engine.url.render_as_string(hide_password=False))
    limpiar = fallos.limpiar

    def otro_reenvio_antes(session: Any, found: Cuenta) -> None:
        with elsewhere.begin() as other:
            other.execute(sa.update(Cuenta).values(token_version=Cuenta.token_version + 1))
        limpiar(session, found)

    monkeypatch.setattr(fallos, "limpiar", otro_reenvio_antes)
    try:
        response = app.test_client().post(
            "/cuenta/entrar", data={"curp": pendiente, "password": PASSWORD}
        )
    finally:
        elsewhere.dispose()
    assert response.status_code == 303
    assert cuenta(app, pendiente).intentos_fallidos == 0
