"""/cuenta/activar/reenviar sent with a form that expired (no good CSRF token): the page comes
back to confirm, and a button's post comes back as that button, with the activation link it
carried; nothing is sent until it is pressed again, and no address goes into the cookie."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from blueprints.cuenta_forms import PENDIENTE_CUENTA
from blueprints.extensions import db
from domain.models import Cuenta
from tests.conftest import make_app
from tests.web.cuenta_helpers import (
    activar,
    correos,
    crear_cuenta,
    cuenta,
    enlace,
    seed,
    token_para,
)

URL = "/cuenta/activar/reenviar"
DESDE_AQUI = {"Sec-Fetch-Site": "same-origin"}  # the browser says: from one of our pages
EMAIL = "pendiente@example.org"


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)


@pytest.fixture
def pendiente(app: Flask) -> str:
    """A registered account, not yet activated; its CURP."""
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, EMAIL)
    with app.app_context():
        db.session.execute(db.update(Cuenta).values(activa=False))
        db.session.commit()
    return curp


def caducado(client: FlaskClient, **data: str) -> Any:
    """A post from one of our pages whose form expired; its answer, parsed."""
    response = client.post(URL, data={**data, "csrf_token": "caducado"}, headers=DESDE_AQUI)
    assert response.status_code == 400
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    assert "Confirma tus datos" in doc.get_element_by_id("aviso").text_content()
    return doc


def the_form(doc: Any) -> dict[str, str]:
    """The names and values of the confirm page's own form (the one that posts to URL)."""
    [form] = doc.xpath(f'//main//form[@action="{URL}"]')
    return {i.get("name"): i.get("value") or "" for i in form.xpath(".//input")}


def session_of(app: Flask, client: FlaskClient) -> str:
    serializer = app.session_interface.inner.get_signing_serializer(app)  # type: ignore[attr-defined]
    cookie = client.get_cookie("session")
    return repr(serializer.loads(cookie.value)) if cookie else ""


def test_the_button_of_an_expired_link_keeps_its_link(app: Flask, pendiente: str) -> None:
    client = app.test_client()
    token = token_para(app, "activar", pendiente, age_hours=25)  # the link itself expired
    doc = caducado(client, token=token)
    fields = the_form(doc)
    assert fields["token"] == token and fields["csrf_token"]  # a fresh one: sending works
    assert "email" not in fields  # nothing to type: the link says whose account it is
    assert "p***@example.org" in doc.xpath("string(//main)")
    assert doc.xpath('//main//form//button[@type="submit"]/text()') == ["Enviar un enlace nuevo"]
    assert correos(app) == []  # nothing sent yet
    assert EMAIL not in session_of(app, client)
    done = client.post(URL, data=fields)
    assert done.status_code == 303
    assert done.headers["Location"] == "/cuenta/registro/revisa-tu-correo"
    [nuevo] = correos(app, EMAIL)
    assert EMAIL not in session_of(app, client)
    page = client.get(enlace(nuevo)).get_data(as_text=True)  # the new link works
    csrf = lxml_html.fromstring(page).xpath('//main//input[@name="csrf_token"]/@value')[0]
    assert activar(client, enlace(nuevo), csrf_token=csrf).status_code == 200
    assert cuenta(app, pendiente).activa


def test_the_button_of_the_check_your_email_page_comes_back_too(app: Flask, pendiente: str) -> None:
    client = app.test_client()
    with client.session_transaction() as session:  # as after following an activation link
        session[PENDIENTE_CUENTA] = cuenta(app, pendiente).id
    doc = caducado(client)  # "Enviar otro enlace" posts nothing but its token
    fields = the_form(doc)
    assert set(fields) == {"csrf_token"}
    assert "p***@example.org" in doc.xpath("string(//main)")
    assert correos(app) == []
    assert client.post(URL, data=fields).status_code == 303
    assert len(correos(app, EMAIL)) == 1


@pytest.mark.parametrize("data", [{"token": "no-es-un-enlace"}, {}, {"email": "a@example.org"}])
def test_anything_else_asks_for_the_address(
    app: Flask, pendiente: str, data: dict[str, str]
) -> None:
    doc = caducado(app.test_client(), **data)
    fields = the_form(doc)
    assert "token" not in fields
    assert fields["email"] == data.get("email", "")
    assert correos(app) == []
