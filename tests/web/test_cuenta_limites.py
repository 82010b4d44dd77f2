"""The per-address limits of the account forms count the posts that reach the database or a
password: a form sent blank gets its "Escribe tu …" back, however often, and spends nothing.
Every post here comes from one address (the test client's). That real attempts are still
refused once over is in test_security.py (test_each_costly_form_is_limited_per_address)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from lxml import html as lxml_html

from tests.conftest import make_app
from tests.web.cuenta_helpers import PASSWORD, formulario, registrar, seed, signed_in

BLANKS = 25  # more than any of these forms' hourly limits (20 for registration, else 10)

# path: a blank post, the message it gets back in the summary, a real post and its answer.
FORMS: dict[str, tuple[dict[str, str], str, dict[str, str], int]] = {
    "/cuenta/entrar": (
        {"curp": "", "password": ""}, "Escribe tu contraseña.",
        {"curp": "PXNE660720HMCXTN06", "password": "no es"}, 422,
    ),
    "/cuenta/recuperar": (
        {"email": ""}, "Escribe tu correo electrónico.", {"email": "nadie@example.org"}, 303,
    ),
    "/cuenta/activar/reenviar": (
        {"email": " "}, "Escribe tu correo electrónico.", {"email": "nadie@example.org"}, 303,
    ),
    "/oficina/correo": (
        {"email": "nuevo@example.org", "actual": ""}, "Escribe tu contraseña.",
        {"email": "nuevo@example.org", "actual": PASSWORD}, 303,
    ),
    "/oficina/contrasena": (
        {"actual": "", "password": "río de plata"}, "Escribe tu contraseña actual.",
        {"actual": PASSWORD, "password": "río de plata"}, 303,
    ),
    "/oficina/cerrar-cuenta": ({"actual": ""}, "Escribe tu contraseña.", {"actual": PASSWORD}, 303),
}  # fmt: skip


@pytest.fixture
def limited(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)


def summary(response: Any) -> list[str]:
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    return [a.text_content().strip() for a in doc.xpath('//div[@class="error-summary"]//a')]


@pytest.mark.parametrize("path", FORMS)
def test_blank_posts_are_answered_and_never_counted(limited: Flask, path: str) -> None:
    blank, message, real, answer = FORMS[path]
    if path.startswith("/oficina/"):
        client = signed_in(limited, seed(limited)["issste_titular"][0])
    else:
        client = limited.test_client()
    for i in range(BLANKS):
        response = client.post(path, data=blank)
        assert response.status_code == 422, i
        assert message in summary(response), i
    assert client.post(path, data=real).status_code == answer  # the budget is whole


def test_a_blank_registration_is_never_counted(limited: Flask) -> None:
    client = limited.test_client()
    for i in range(BLANKS):
        response = client.post("/cuenta/registro", data={})
        assert response.status_code == 422, i
        assert "Escribe tu CURP." in summary(response), i
    # Nothing typed in the captcha either: it is asked for, not checked (nor counted).
    page = client.get("/cuenta/registro").get_data(as_text=True)
    token = lxml_html.fromstring(page).xpath('//input[@name="captcha_reto"]/@value')[0]
    for i in range(BLANKS):
        unanswered = {"captcha_reto": token, "captcha_respuesta": " "}
        response = client.post("/cuenta/registro", data=unanswered)
        assert response.status_code == 422, i
        assert "Escribe el resultado de la suma, con cifras o con letras." in summary(response)
    curp = seed(limited)["issste_titular"][0]
    done = registrar(client, formulario(limited, curp, "nueva@example.org"))
    assert done.status_code == 303
