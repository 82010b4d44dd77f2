"""The signed-in session's idle limit on the Oficina pages: said in words, warned of (the dialog's
markup and its renewal endpoint; the timing itself is tests/browser/test_sesion_browser.py), and
a form sent late: refilled while the session lives, the sign-in page once it ended.

Time moves only where itsdangerous and the session check read it (as in test_sesiones.py): a page
fetched "61 minutes ago" carries a session cookie and a CSRF token of that time, judged by the
real checks now.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import itsdangerous.timed
import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html
from sqlalchemy import select

from blueprints import sesiones
from blueprints.extensions import db
from domain.models import Constancia
from tests.conftest import make_app
from tests.web.cuenta_helpers import PASSWORD, correos, crear_cuenta, cuenta, seed

MINUTE = 60
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
DESDE_AQUI = {"Sec-Fetch-Site": "same-origin"}
LIMITE = "Por tu seguridad, cerramos tu sesión tras 30 minutos sin actividad."
PAGES = (
    "/oficina",
    "/oficina/correo",
    "/oficina/contrasena",
    "/oficina/constancia-vigencia",
    "/oficina/cerrar-cuenta",
)


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)


@pytest.fixture
def titular(app: Flask) -> str:
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "titular@example.org")
    return curp


@pytest.fixture
def atrasar(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Sets the clock of itsdangerous and of the session check ``minutes`` back."""

    def set_back(minutes: float) -> None:
        clock = SimpleNamespace(time=lambda: time.time() - minutes * MINUTE)
        monkeypatch.setattr(itsdangerous.timed, "time", clock)
        monkeypatch.setattr(sesiones, "time", clock)

    return set_back


def token(client: FlaskClient, path: str) -> str:
    found = CSRF.search(client.get(path).get_data(as_text=True))
    assert found, path
    return found.group(1)


def signed_in(app: Flask, curp: str) -> FlaskClient:
    client = app.test_client()
    form = {"csrf_token": token(client, "/cuenta/entrar"), "curp": curp, "password": PASSWORD}
    assert client.post("/cuenta/entrar", data=form).status_code == 303
    return client


def doc(response: Any) -> Any:
    return lxml_html.fromstring(response.get_data(as_text=True))


# --- The limit in words, and the warning's markup ---------------------------------------------


def test_every_oficina_page_says_the_limit_and_carries_the_warning(
    app: Flask, titular: str
) -> None:
    client = signed_in(app, titular)
    for path in PAGES:
        page = doc(client.get(path))
        assert LIMITE in page.text_content(), path
        [dialogo] = page.xpath('//dialog[@id="aviso-sesion"]')
        assert dialogo.get("role") == "alertdialog" and "open" not in dialogo.attrib
        assert (dialogo.get("data-limite"), dialogo.get("data-aviso")) == ("1800", "180")
        assert dialogo.get("data-al-cerrar") == f"/cuenta/entrar?next={path}&cerrada=1"
        assert "cerraremos tu sesión en 3 minutos" in dialogo.text_content()
        assert dialogo.xpath('.//form[@action="/oficina/sesion"]//button')
        assert dialogo.xpath('.//form[@action="/cuenta/salir"]//button')
        assert page.xpath('//script[@src="/static/js/sesion.js"]')
    # A public page signed in keeps working after the session ends: no warning there.
    assert not doc(client.get("/curp")).xpath('//dialog[@id="aviso-sesion"]')


def test_the_limit_follows_the_config(tmp_path: Path, database_url: str) -> None:
    import datetime as dt

    app = make_app(
        tmp_path,
        database_url,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(minutes=15),
        SESSION_WARNING_BEFORE=dt.timedelta(minutes=2),
    )
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "titular@example.org")
    client = app.test_client()
    assert (
        client.post("/cuenta/entrar", data={"curp": curp, "password": PASSWORD}).status_code == 303
    )
    page = doc(client.get("/oficina/correo"))
    assert "tras 15 minutos sin actividad" in page.text_content()
    [dialogo] = page.xpath('//dialog[@id="aviso-sesion"]')
    assert (dialogo.get("data-limite"), dialogo.get("data-aviso")) == ("900", "120")


def test_seguir_renews_the_session_and_hands_back_a_fresh_token(
    app: Flask, titular: str, atrasar: Any
) -> None:
    atrasar(25)
    client = signed_in(app, titular)
    csrf = token(client, "/oficina/correo")
    atrasar(0)
    response = client.post("/oficina/sesion", data={"csrf_token": csrf})
    assert response.status_code == 204 and response.headers["X-CSRF-Token"]
    assert "no-store" in response.headers["Cache-Control"]
    assert "session=" in response.headers["Set-Cookie"]  # signed again: 30 minutes from now
    atrasar(-20)  # 45 minutes after signing in, 20 after «Seguir»
    assert client.get("/oficina").status_code == 200


def test_seguir_without_a_session_is_not_a_renewal(app: Flask, titular: str, atrasar: Any) -> None:
    atrasar(31)
    client = signed_in(app, titular)
    csrf = token(client, "/oficina/correo")
    atrasar(0)
    response = client.post("/oficina/sesion", data={"csrf_token": csrf}, headers=DESDE_AQUI)
    assert response.status_code != 204  # the page's script sends them to sign in


def test_the_sign_in_page_says_the_session_closed_when_the_warning_ran_out(
    client: FlaskClient,
) -> None:
    page = doc(client.get("/cuenta/entrar?next=/oficina/correo&cerrada=1"))
    assert LIMITE in page.text_content()
    assert page.xpath('//input[@name="next"]/@value') == ["/oficina/correo"]
    assert LIMITE not in client.get("/cuenta/entrar").get_data(as_text=True)


# --- A form sent with an expired token while the session lives: refilled ---------------------


def left_open(app: Flask, curp: str, path: str, atrasar: Any) -> tuple[FlaskClient, str]:
    """A page opened 61 minutes ago while the person kept using the Oficina in another tab:
    the session lives, the page's token is past its hour."""
    atrasar(61)
    client = signed_in(app, curp)
    csrf = token(client, path)
    for minutes in (40, 20, 0):
        atrasar(minutes)
        assert client.get("/oficina").status_code == 200
    return client, csrf


def test_a_new_email_sent_with_an_expired_token_comes_back_filled_in(
    app: Flask, titular: str, atrasar: Any
) -> None:
    client, csrf = left_open(app, titular, "/oficina/correo", atrasar)
    form = {"csrf_token": csrf, "email": "nuevo@example.org", "actual": PASSWORD}
    response = client.post("/oficina/correo", data=form, headers=DESDE_AQUI)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    page = lxml_html.fromstring(html)
    assert "Confirma tus datos" in page.get_element_by_id("aviso").text_content()
    assert "escríbela otra vez" in page.get_element_by_id("aviso").text_content()
    assert page.xpath('//input[@name="email"]/@value') == ["nuevo@example.org"]
    assert page.xpath('//input[@name="actual"]/@value') in ([], [""]) and PASSWORD not in html
    assert cuenta(app, titular).email_pendiente is None and correos(app) == []
    # Sent again from the page it got back, it works.
    form["csrf_token"] = CSRF.findall(html)[-1]
    assert client.post("/oficina/correo", data=form).status_code == 303
    assert cuenta(app, titular).email_pendiente == "nuevo@example.org"


def test_a_new_password_sent_with_an_expired_token_is_asked_again(
    app: Flask, titular: str, atrasar: Any
) -> None:
    client, csrf = left_open(app, titular, "/oficina/contrasena", atrasar)
    form = {"csrf_token": csrf, "actual": PASSWORD, "password": "otra frase bastante larga"}
    response = client.post("/oficina/contrasena", data=form, headers=DESDE_AQUI)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    aviso = lxml_html.fromstring(html).get_element_by_id("aviso").text_content()
    assert "Confirma tus datos" in aviso and "escríbelas otra vez" in aviso
    assert PASSWORD not in html and "otra frase" not in html
    assert client.get("/oficina").status_code == 200  # still signed in, password unchanged


def test_a_carnet_asked_for_with_an_expired_token_is_not_issued_yet(
    app: Flask, titular: str, atrasar: Any
) -> None:
    url = "/oficina/constancia-vigencia"
    client, csrf = left_open(app, titular, url, atrasar)
    response = client.post(url, data={"csrf_token": csrf, "curp": titular}, headers=DESDE_AQUI)
    page = doc(response)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "Confirma tus datos" in page.get_element_by_id("aviso").text_content()
    assert page.xpath(f'//form[@method="post"]//input[@name="curp"][@value="{titular}"]')
    with app.app_context():
        assert db.session.scalars(select(Constancia)).all() == []


# --- A form sent after the session ended: sign in again, back to the page ---------------------


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/oficina/correo", {"email": "nuevo@example.org", "actual": PASSWORD}),
        ("/oficina/contrasena", {"actual": PASSWORD, "password": "otra frase bastante larga"}),
        ("/oficina/constancia-vigencia", {}),
        ("/oficina/cerrar-cuenta", {"actual": PASSWORD}),
    ],
)
def test_a_form_sent_after_the_session_ended_leads_to_sign_in_and_back(
    app: Flask, titular: str, atrasar: Any, path: str, form: dict[str, str]
) -> None:
    atrasar(31)
    client = signed_in(app, titular)
    csrf = token(client, path)
    atrasar(0)
    data = {"csrf_token": csrf, **form} if form else {"csrf_token": csrf, "curp": titular}
    response = client.post(path, data=data, headers=DESDE_AQUI)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cuenta/entrar?next={path}"
    page = doc(client.get(response.headers["Location"]))
    text = page.text_content()
    assert "Tu sesión se cerró" in text and "no pudimos guardarlo" in text
    assert PASSWORD not in lxml_html.tostring(page, encoding="unicode")
    assert page.xpath('//input[@name="next"]/@value') == [path]
    assert cuenta(app, titular).email_pendiente is None
    with app.app_context():
        assert db.session.scalars(select(Constancia)).all() == []


def test_a_post_from_another_site_without_a_session_is_only_asked_to_sign_in(
    app: Flask, titular: str
) -> None:
    client = app.test_client()
    data = {"email": "ajeno@example.org", "actual": "x"}
    response = client.post("/oficina/correo", data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 303
    text = doc(client.get(response.headers["Location"])).text_content()
    assert "Entra a tu cuenta para ver esa página." in text and "Tu sesión se cerró" not in text
