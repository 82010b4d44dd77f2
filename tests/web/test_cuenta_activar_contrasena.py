"""/cuenta/activar/<token> asks for the password of the latest registration: whoever starts a
pending registration over (the CURP's data is printed on the CURP) cannot choose the password
of the account its owner then activates from the link in their own mailbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from lxml import html as lxml_html

from blueprints.extensions import db
from domain.models import Cuenta
from tests.conftest import make_app
from tests.web.cuenta_helpers import (
    PASSWORD,
    activar,
    correos,
    cuenta,
    enlace,
    entrar,
    formulario,
    registrar,
    seed,
    texto,
)

EMAIL = "pendiente@example.org"  # the pendiente fixture's address
LADRON = "la clave del ladrón"
OLVIDADA = '//h2[.="¿No recuerdas tu contraseña?"]/following::a/@href'


def pagina(response: Any, status: int) -> Any:
    assert response.status_code == status
    return lxml_html.fromstring(response.get_data(as_text=True))


def errores(doc: Any) -> tuple[str, str, list[str]]:
    """The page's title, the message beside the password, and the error summary's links."""
    beside = doc.get_element_by_id("error-password").text_content()
    summary = [a.get("href") for a in doc.xpath('//div[@class="error-summary"]//a')]
    return doc.findtext(".//title"), beside, summary


def junto_al_mensaje(doc: Any) -> list[str]:
    """Where the links beside the password's message go; the field is described by them."""
    [field] = doc.xpath('//input[@name="password"]')
    hrefs = doc.xpath('//p[@id="detalle-password"]//a/@href')
    assert ("detalle-password" in (field.get("aria-describedby") or "")) == bool(hrefs)
    return [str(href) for href in hrefs]


def test_the_link_asks_for_the_password_and_a_wrong_one_spends_nothing(
    app: Flask, pendiente: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    assert "escribe la contraseña que elegiste al registrarte" in texto(correos(app)[0])
    path, client = enlace(correos(app)[0]), app.test_client()
    doc = pagina(client.get(path), 200)
    [field] = doc.xpath('//form[@method="post"]//input[@name="password"]')
    assert field.get("type") == "password" and field.get("autocomplete") == "current-password"
    assert doc.get_element_by_id("ayuda-password").text_content().startswith("La que elegiste")
    assert doc.xpath('//form//button[normalize-space()="Activar mi cuenta"]')
    # Forgotten: a new password by email first (only the mailbox), registering again second.
    assert doc.xpath(OLVIDADA)[:2] == ["/cuenta/recuperar", "/cuenta/registro"]
    assert junto_al_mensaje(doc) == []  # no message yet, nothing beside it

    wrong = pagina(activar(client, path, "no es la mía"), 422)
    title, beside, summary = errores(wrong)
    assert title.startswith("Error: ")
    assert "no es la contraseña que elegiste al registrarte" in beside
    assert "pide una nueva por correo o regístrate otra vez con los mismos datos" in beside
    assert junto_al_mensaje(wrong) == ["/cuenta/recuperar"]
    assert summary == ["#campo-password"]
    assert wrong.xpath('//input[@name="password"]/@value') == [""]  # never written back
    found = cuenta(app, pendiente)
    assert not found.activa and found.token_version == 0 and found.intentos_fallidos == 1

    assert client.get(path).status_code == 200  # the same link still works
    assert pagina(activar(client, path), 200).xpath('//h1[.="Tu cuenta está activa"]')
    found = cuenta(app, pendiente)
    assert found.activa and found.token_version == 1 and found.intentos_fallidos == 0
    assert "ya está activa" in activar(client, path).get_data(as_text=True)  # spent
    assert "no es la mía" not in caplog.text and PASSWORD not in caplog.text


def test_a_blank_password_is_asked_for_and_not_counted(app: Flask, pendiente: str) -> None:
    path, client = enlace(correos(app)[0]), app.test_client()
    for _ in range(8):  # more than the five that would lock
        title, beside, summary = errores(pagina(activar(client, path, ""), 422))
        assert title.startswith("Error: ") and beside.strip().endswith("Escribe tu contraseña.")
        assert summary == ["#campo-password"]
    assert cuenta(app, pendiente).intentos_fallidos == 0
    assert activar(client, path).status_code == 200


def test_wrong_passwords_lock_the_account_as_sign_in_does(app: Flask, pendiente: str) -> None:
    # One count for both doors: three wrong at sign-in and two at activation make the five.
    path, client = enlace(correos(app)[0]), app.test_client()
    assert [entrar(client, pendiente, f"mala-{i}").status_code for i in range(3)] == [422] * 3
    assert [activar(client, path, f"otra-{i}").status_code for i in range(2)] == [422, 429]
    locked = activar(client, path)  # even the right password waits
    _title, beside, _summary = errores(pagina(locked, 429))
    assert "pausamos tu cuenta" in beside and "15 minutos" in beside
    assert "pide una contraseña nueva por correo" in beside
    assert junto_al_mensaje(pagina(locked, 429)) == ["/cuenta/recuperar"]
    assert entrar(client, pendiente).status_code == 429
    [aviso] = [m for m in correos(app, EMAIL) if "Pausamos" in str(m["Subject"])]
    assert "/cuenta/recuperar" in texto(aviso)
    assert not cuenta(app, pendiente).activa and cuenta(app, pendiente).token_version == 0
    with app.app_context():
        found = db.session.get(Cuenta, cuenta(app, pendiente).id)
        assert found is not None
        found.bloqueada_hasta = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
    assert activar(client, path).status_code == 200  # the link outlived the lock
    assert cuenta(app, pendiente).activa


def test_registering_again_after_the_owner_does_not_choose_their_password(
    app: Flask, pendiente: str
) -> None:
    # The audit's sequence: the owner registered (pendiente); someone who knows the CURP's
    # data and the owner's address registers again with a password of their own. The newest
    # link reaches only the owner's mailbox, and the owner's password does not activate it.
    registrar(app.test_client(), formulario(app, pendiente, EMAIL, password=LADRON))
    links = [enlace(m) for m in correos(app) if "Activa tu cuenta" in str(m["Subject"])]
    assert len(links) == 2 and all(m["To"] == EMAIL for m in correos(app))
    owner = app.test_client()
    assert activar(owner, links[0]).status_code == 410  # the first link ended
    pagina(activar(owner, links[-1]), 422)
    assert not cuenta(app, pendiente).activa
    assert cuenta(app, pendiente).token_version == 1  # not spent: the owner can still act
    # Only the latest registration's password opens it, and only whoever holds the link.
    assert activar(app.test_client(), links[-1], LADRON).status_code == 200


def test_the_owner_registering_again_takes_the_account_back(app: Flask, pendiente: str) -> None:
    registrar(app.test_client(), formulario(app, pendiente, EMAIL, password=LADRON))
    owner = app.test_client()
    pagina(activar(owner, enlace(correos(app, EMAIL)[-1])), 422)
    # What the message says to do: register again with the same data and own password.
    registrar(owner, formulario(app, pendiente, EMAIL))
    newest = enlace(correos(app, EMAIL)[-1])
    assert activar(owner, newest, LADRON).status_code == 422
    assert activar(owner, newest).status_code == 200
    assert entrar(app.test_client(), pendiente, LADRON).status_code == 422
    assert entrar(app.test_client(), pendiente).status_code == 303


@pytest.mark.parametrize(
    ("headers", "answer"),
    [({"Sec-Fetch-Site": "same-origin"}, "Confirma tus datos"), ({}, "El formulario caducó")],
    ids=["from-our-page", "from-elsewhere"],
)
def test_without_a_csrf_token_nothing_is_checked_or_spent(
    tmp_path: Any, database_url: str, headers: dict[str, str], answer: str
) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    client = app.test_client()
    page = client.get("/cuenta/registro").get_data(as_text=True)
    csrf = lxml_html.fromstring(page).xpath('//input[@name="csrf_token"]/@value')[0]
    registrar(client, {**formulario(app, curp, EMAIL), "csrf_token": csrf})
    path = enlace(correos(app, EMAIL)[0])
    for password in ("no es la mía", PASSWORD):
        response = client.post(path, data={"password": password}, headers=headers)
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and answer in html and password not in html
    found = cuenta(app, curp)
    assert (found.activa, found.token_version, found.intentos_fallidos) == (False, 0, 0)
    if answer == "Confirma tus datos":  # the same form, with a fresh token, to send again
        doc = lxml_html.fromstring(html)
        [token] = doc.xpath(f'//form[@action="{path}"]//input[@name="csrf_token"]/@value')
        assert doc.xpath('//input[@name="password"]/@value') == [""]
        assert activar(client, path, csrf_token=token).status_code == 200
        assert cuenta(app, curp).activa


def test_a_paused_pending_account_gets_a_new_password_by_email(app: Flask, pendiente: str) -> None:
    # Anyone who knows the CURP can pause it with wrong passwords; what the messages offer
    # first, a new password by email, needs only the mailbox and ends both wait and pause.
    client = app.test_client()
    path = enlace(correos(app, EMAIL)[0])
    assert [activar(client, path, f"mala-{i}").status_code for i in range(5)][-1] == 429
    client.post("/cuenta/recuperar", data={"email": EMAIL})
    nueva = enlace(correos(app, EMAIL)[-1])
    assert nueva.startswith("/cuenta/recuperar/")
    assert client.post(nueva, data={"password": "una frase nueva"}).status_code == 303
    found = cuenta(app, pendiente)
    assert found.activa and found.bloqueada_hasta is None and found.intentos_fallidos == 0
    assert entrar(client, pendiente, "una frase nueva").headers["Location"] == "/oficina"
