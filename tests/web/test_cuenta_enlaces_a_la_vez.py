"""An emailed link works once even when two requests bring it at the same moment (two servers,
two tabs, a double click): exactly one does what it asks; the other gets "Este enlace ya no
sirve" and sends nothing.

Each request runs in a thread of its own (its own app context and database session) and stops
before its first write until the other has reached its own: both have then passed the link's
check, and neither has written. On SQLite, which has one writer at a time, the second write
still comes after the first was committed, which is what the link's check must catch there.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.test import TestResponse

from tests.web.a_la_vez_helpers import a_la_vez, antes_de_escribir, en_hilos, post
from tests.web.cuenta_helpers import PASSWORD, activar, correos, cuenta, enlace, entrar, signed_in

PEDISTE = "[Demostración] Pediste cambiar tu correo"


def asuntos(app: Flask, desde: int) -> list[str]:
    return [str(m["Subject"]) for m in correos(app)[desde:]]


def usado(response: TestResponse) -> bool:
    page = response.get_data(as_text=True)
    return response.status_code == 410 and "Este enlace ya no sirve" in page


def test_a_recovery_link_sent_twice_at_once_changes_the_password_once(
    app: Flask, activa: str
) -> None:
    app.test_client().post("/cuenta/recuperar", data={"email": "activa@example.org"})
    path, antes = enlace(correos(app)[-1]), len(correos(app))
    claves = ("una frase nueva", "otra frase distinta")
    answers = a_la_vez(app, [post(app, path, password=clave) for clave in claves])
    assert sorted(r.status_code for r in answers) == [303, 410]
    [ganadora] = [clave for clave, r in zip(claves, answers, strict=True) if r.status_code == 303]
    assert any(usado(r) for r in answers)
    # One notice, from the one that won.
    assert asuntos(app, antes) == ["[Demostración] Tu contraseña cambió"]
    assert entrar(app.test_client(), activa, ganadora).status_code == 303


def test_an_email_change_link_sent_twice_at_once_changes_the_address_once(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    signed_in(app, curp).post(
        "/oficina/correo", data={"email": "nuevo@example.org", "actual": PASSWORD}
    )
    path, antes = enlace(correos(app, "nuevo@example.org")[0]), len(correos(app))
    answers = a_la_vez(app, [post(app, path), post(app, path)])
    assert sorted(r.status_code for r in answers) == [200, 410]
    assert any(usado(r) for r in answers)
    assert asuntos(app, antes) == ["[Demostración] Cambiaste el correo de tu cuenta"]
    found = cuenta(app, curp)
    assert (found.email, found.email_pendiente) == ("nuevo@example.org", None)


def test_an_activation_link_sent_twice_at_once_activates_once(app: Flask, pendiente: str) -> None:
    path = enlace(correos(app)[-1])
    answers = a_la_vez(app, [lambda: activar(app.test_client(), path)] * 2)
    assert [r.status_code for r in answers] == [200, 200]
    ya = sorted("Tu cuenta ya está activa" in r.get_data(as_text=True) for r in answers)
    assert ya == [False, True]  # one activated it; the other found it active
    assert cuenta(app, pendiente).activa


def test_a_newer_address_asked_for_while_the_older_is_confirmed_stays_pending(
    app: Flask, curps: Any
) -> None:
    # The confirmation has checked that its address is the pending one and is about to write,
    # when the Oficina asks for another address (a new request moves no version): the older
    # link must then fail, and the newer address stay pending with a link that works.
    curp = curps["issste_titular"][0]
    oficina = signed_in(app, curp)
    oficina.post("/oficina/correo", data={"email": "uno@example.org", "actual": PASSWORD})
    path = enlace(correos(app, "uno@example.org")[0])

    def otra_direccion() -> None:
        data = {"email": "dos@example.org", "actual": PASSWORD}
        [pedida] = en_hilos([lambda: oficina.post("/oficina/correo", data=data)], nuestros=False)
        assert pedida.status_code == 303

    with antes_de_escribir(app, otra_direccion):
        [confirmada] = en_hilos([post(app, path)])
    assert usado(confirmada)
    found = cuenta(app, curp)
    assert (found.email, found.email_pendiente) == ("titular@example.org", "dos@example.org")
    assert not [m for m in correos(app) if "Cambiaste" in str(m["Subject"])]
    assert app.test_client().post(enlace(correos(app, "dos@example.org")[0])).status_code == 200


def test_a_newer_address_asked_for_as_the_older_is_confirmed_gets_a_link_that_works(
    app: Flask, curps: Any
) -> None:
    # The other way round: the Oficina has read the account and is about to write the newer
    # address when the older one's confirmation commits, moving the version on. The newer
    # link used to carry the version read before (dead on arrival), and the notice of the
    # request went to the address the account no longer had.
    curp = curps["issste_titular"][0]
    oficina = signed_in(app, curp)
    oficina.post("/oficina/correo", data={"email": "uno@example.org", "actual": PASSWORD})
    path = enlace(correos(app, "uno@example.org")[0])

    def confirmar() -> None:
        [confirmada] = en_hilos([post(app, path)], nuestros=False)
        assert confirmada.status_code == 200

    data = {"email": "dos@example.org", "actual": PASSWORD}
    with antes_de_escribir(app, confirmar):
        [pedida] = en_hilos([lambda: oficina.post("/oficina/correo", data=data)])
    assert pedida.status_code == 303
    found = cuenta(app, curp)
    assert (found.email, found.email_pendiente) == ("uno@example.org", "dos@example.org")
    assert app.test_client().post(enlace(correos(app, "dos@example.org")[0])).status_code == 200
    assert cuenta(app, curp).email == "dos@example.org"
    assert [str(m["Subject"]) for m in correos(app, "uno@example.org")][-2] == PEDISTE


def test_an_address_asked_for_again_as_its_link_is_confirmed_is_already_the_accounts(
    app: Flask, curps: Any
) -> None:
    # Asked for twice (two tabs), and the first link opened as the second request writes:
    # there is nothing left to confirm, so nothing is pending and nothing more is sent.
    curp = curps["issste_titular"][0]
    oficina = signed_in(app, curp)
    data = {"email": "uno@example.org", "actual": PASSWORD}
    oficina.post("/oficina/correo", data=data)
    path, antes = enlace(correos(app, "uno@example.org")[0]), len(correos(app))
    with antes_de_escribir(app, lambda: en_hilos([post(app, path)], nuestros=False)):
        [pedida] = en_hilos([lambda: oficina.post("/oficina/correo", data=data)])
    assert pedida.status_code == 422
    assert "Ese ya es el correo de tu cuenta." in pedida.get_data(as_text=True)
    found = cuenta(app, curp)
    assert (found.email, found.email_pendiente) == ("uno@example.org", None)
    assert asuntos(app, antes) == ["[Demostración] Cambiaste el correo de tu cuenta"]
