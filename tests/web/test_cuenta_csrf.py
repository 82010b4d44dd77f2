"""Account forms with a lost CSRF token (refilled, never from another site), junk, stray pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select

from blueprints.extensions import db
from domain.models import Cuenta
from tests.captcha_helpers import solve_captcha
from tests.conftest import make_app
from tests.web.cuenta_helpers import (
    HX,
    PASSWORD,
    correos,
    crear_cuenta,
    cuenta,
    formulario,
    registry_fields,
    seed,
)


def sin_token(html: str) -> Any:
    """The page a form posted without token gets back: its form, to confirm, parsed."""
    doc = lxml_html.fromstring(html)
    assert "Confirma tus datos" in doc.get_element_by_id("aviso").text_content()
    [token] = doc.xpath('//form[@method="post"]//input[@name="csrf_token"]/@value')
    assert token  # a fresh one: sending this form again works
    return doc


# What a browser says of a post from one of our own pages: the expired-form refill needs it.
DESDE_AQUI = {"Sec-Fetch-Site": "same-origin"}


def valor(doc: Any, name: str) -> str | None:
    [field] = doc.xpath(f'//form[@method="post"]//input[@name="{name}"]')
    if field.get("type") == "checkbox":
        return field.get("value") if "checked" in field.attrib else None
    return field.get("value")


def test_registration_without_token_comes_back_filled_in_but_the_password(
    tmp_path: Any, database_url: str
) -> None:
    # The form left open over the token's hour, or the session lost: nine fields typed are
    # not thrown away. Nothing is looked up, saved or sent; the password is asked again.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    form = formulario(app, seed(app)["issste_titular"][0], "nueva@example.org")
    captcha = solve_captcha(client, client.get("/cuenta/registro").get_data(as_text=True))
    response = client.post("/cuenta/registro", data={**form, **captcha}, headers=DESDE_AQUI)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    doc = sin_token(html)
    for name in registry_fields():
        if name != "password":
            assert valor(doc, name) == form[name], name
    assert not valor(doc, "acepto")  # consent is given here, never carried over
    assert not valor(doc, "password") and PASSWORD not in html
    assert not valor(doc, "captcha_respuesta")
    assert "escríbela otra vez" in doc.get_element_by_id("aviso").text_content()
    assert "<title>Error" not in html and not doc.xpath('//*[@class="error-summary"]')
    with app.app_context():
        assert db.session.scalars(select(Cuenta)).all() == []
    assert correos(app) == []


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://parecido.example"}, {}],
    ids=["cross-site", "other-origin", "no-word"],
)
def test_another_site_cannot_hand_out_our_registration_form_filled_in(
    tmp_path: Any, database_url: str, headers: dict[str, str]
) -> None:
    # A look-alike site posting a person's data with its own address in it: were the form
    # filled in, a person confirming would send the activation (and the account) there.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    form = formulario(app, seed(app)["issste_titular"][0], "ladron@parecido.example")
    response = app.test_client().post("/cuenta/registro", data=form, headers=headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "El formulario caducó" in html
    assert "ladron@parecido.example" not in html and form["nombre"] not in html


def test_sign_in_without_token_keeps_the_curp_and_counts_nothing(
    tmp_path: Any, database_url: str
) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "activa@example.org")
    client = app.test_client()
    for password in ("no-es-esta", PASSWORD):
        data = {"curp": curp.lower(), "password": password, "next": "/oficina/correo"}
        response = client.post("/cuenta/entrar", data=data, headers=DESDE_AQUI)
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        doc = sin_token(html)
        assert valor(doc, "curp") == curp.lower() and valor(doc, "next") == "/oficina/correo"
        assert not valor(doc, "password") and password not in html
    assert cuenta(app, curp).intentos_fallidos == 0  # a wrong password was not even tried
    assert client.get("/oficina").status_code == 302  # nor was the right one
    foreign = client.post(
        "/cuenta/entrar", data={"curp": curp, "next": "https://otro.example"}, headers=DESDE_AQUI
    )
    assert not sin_token(foreign.get_data(as_text=True)).xpath('//input[@name="next"]')


def test_salir_from_a_page_left_open_still_signs_out_with_one_more_press(
    tmp_path: Any, database_url: str
) -> None:
    # A shared phone: "Salir" pressed on a page open past its form's hour must not leave the
    # account open behind a "form expired" page.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "activa@example.org")
    client = app.test_client()
    page = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token
    data = {"curp": curp, "password": PASSWORD, "csrf_token": token.group(1)}
    assert client.post("/cuenta/entrar", data=data).status_code == 303
    stale = client.post("/cuenta/salir", data={"csrf_token": "caducado"}, headers=DESDE_AQUI)
    assert stale.status_code == 400
    doc = lxml_html.fromstring(stale.get_data(as_text=True))
    [form] = doc.xpath('//main//form[@action="/cuenta/salir"]')
    assert len(doc.xpath('//form[@action="/cuenta/salir"]')) == 1  # not the header's too
    assert client.get("/oficina").status_code == 200  # nothing done yet
    fresh = form.xpath('.//input[@name="csrf_token"]/@value')[0]
    assert client.post("/cuenta/salir", data={"csrf_token": fresh}).status_code == 303
    assert client.get("/oficina").status_code == 302
    again = client.post("/cuenta/salir", data={"csrf_token": "caducado"}, headers=DESDE_AQUI)
    assert "Tu sesión ya está cerrada." in again.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/cuenta/recuperar", "/cuenta/activar/reenviar"])
def test_asking_for_a_link_without_token_keeps_the_address_and_sends_nothing(
    tmp_path: Any, database_url: str, path: str
) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "dueña@example.org")
    with app.app_context():
        db.session.execute(db.update(Cuenta).values(activa=False))  # a resend would go out
        db.session.commit()
    response = app.test_client().post(
        path, data={"email": " dueña@example.org "}, headers=DESDE_AQUI
    )
    assert response.status_code == 400
    assert valor(sin_token(response.get_data(as_text=True)), "email") == "dueña@example.org"
    assert correos(app) == []


def test_the_csrf_token_in_the_page_is_accepted(tmp_path: Any, database_url: str) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    html = client.get("/cuenta/entrar").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    response = client.post("/cuenta/entrar", data={"csrf_token": token.group(1), "curp": ""})
    assert response.status_code == 422


@pytest.mark.parametrize(
    "path",
    [
        "/cuenta/registro",
        "/cuenta/entrar",
        "/cuenta/recuperar",
        "/cuenta/activar/reenviar",
        "/cuenta/registro/revisar/password",
    ],
)
def test_junk_gets_a_spanish_answer_never_a_500(client: FlaskClient, path: str) -> None:
    for junk in ("\x00", "🙂" * 500, "<script>alert(1)</script>", "A" * 60_000):
        data = {name: junk for name in (*registry_fields(), "acepto", "captcha", "token")}
        response = client.post(path, data=data, headers=HX)
        assert response.status_code < 500
        assert "<script>alert" not in response.get_data(as_text=True)


def test_pages_without_a_pending_address_go_back_to_their_form(client: FlaskClient) -> None:
    assert client.get("/cuenta/registro/revisa-tu-correo").headers["Location"] == (
        "/cuenta/registro"
    )
    assert client.get("/cuenta/recuperar/revisa-tu-correo").headers["Location"] == (
        "/cuenta/recuperar"
    )
    assert client.post("/cuenta/activar/reenviar").headers["Location"] == (
        "/cuenta/activar/reenviar"
    )
