"""The <title> of an alert answering an htmx request (a limit, an expired form, a failure:
blueprints/errors.py). The page stays on screen, now showing an error, so the alert brings the
page's title with "Error: " first, as a page with errors has (GOV.UK); the page's next swap
brings its title again without it. A check that does not know the page leaves the title alone."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints import htmx_util
from tests.conftest import make_app
from tests.web.constancias_helpers import UNKNOWN

HX = {"HX-Request": "true"}
VALID = "PXNE660720HMCXTN06"


def alert_title(response: Any, status: int) -> str | None:
    """The title htmx takes from an alert drawn in #aviso: a <title> at its top level, or None."""
    html = response.get_data(as_text=True)
    assert response.status_code == status and response.headers["HX-Retarget"] == "#aviso"
    assert "<html" not in html and 'class="panel panel--error"' in html
    match = re.match(r"<title>([^<]*)</title>", html)
    return unescape(match[1]) if match else None


def limited(client: FlaskClient, url: str, headers: dict[str, str], **kwargs: Any) -> Any:
    """Send the same htmx request until its limit answers (at most a few hundred times)."""
    for _ in range(300):
        response = client.open(url, headers=headers, **kwargs)
        if response.status_code == 429:
            return response
    raise AssertionError(f"{url} never reached its limit")


@pytest.fixture
def limited_client(tmp_path: Path, database_url: str) -> FlaskClient:
    return make_app(tmp_path, database_url, RATELIMIT_ENABLED=True).test_client()


# Each htmx form that posts, with the HX-Target it sends and its page's title.
POSTS = [
    ("/curp/no-la-conozco", {"nombre": "Ana"}, "resultado", "¿No conoces tu CURP?"),
    (
        "/constancias/no-afiliacion",
        {"curp": UNKNOWN},
        "resultado",
        "Constancia de No Afiliación al ISSSTE",
    ),
    (
        "/constancias/vigencia-imss",
        {"curp": UNKNOWN},
        "tramite",
        "Constancia de Vigencia de Derechos del IMSS",
    ),
    ("/imss/nss", {"curp": UNKNOWN}, "tramite", "Consultar mi NSS"),
    ("/cuenta/registro/revisar/curp", {"curp": VALID}, "grupo-curp", "Crea tu cuenta"),
    ("/cuenta/registro/revisar/password", {"password": "x"}, "grupo-password", "Crea tu cuenta"),
]


@pytest.mark.parametrize(("url", "form", "target", "title"), POSTS)
def test_an_expired_form_s_alert_says_error_in_its_page_s_title(
    tmp_path: Path, database_url: str, url: str, form: dict[str, str], target: str, title: str
) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    response = app.test_client().post(url, data=form, headers={**HX, "HX-Target": target})
    assert "El formulario caducó" in response.get_data(as_text=True)
    assert alert_title(response, 400) == f"Error: {title} · Derechohabiencia"


def test_a_limit_s_alert_says_error_in_its_page_s_title(limited_client: FlaskClient) -> None:
    response = limited(
        limited_client,
        "/constancias/no-afiliacion",
        {**HX, "HX-Target": "resultado"},
        method="POST",
        data={"curp": UNKNOWN},
    )
    assert alert_title(response, 429) == (
        "Error: Constancia de No Afiliación al ISSSTE · Derechohabiencia"
    )


def test_a_limited_curp_check_says_error_in_the_page_s_language(
    limited_client: FlaskClient,
) -> None:
    headers = {**HX, "HX-Target": "resultado", "HX-Trigger-Name": "curp"}
    response = limited(limited_client, f"/curp?curp={VALID}", headers)
    assert alert_title(response, 429) == "Error: Revisa tu CURP · Derechohabiencia"
    limited_client.set_cookie("lang", "en")
    response = limited_client.get(f"/curp?curp={VALID}", headers=headers)
    assert alert_title(response, 429) == "Error: Check your CURP · Derechohabiencia"


def test_a_limited_faq_search_says_error(limited_client: FlaskClient) -> None:
    # Its results bring the page's title again (tests/web/test_titulos_htmx.py).
    headers = {**HX, "HX-Target": "resultados-faq", "HX-Trigger-Name": "q"}
    response = limited(limited_client, "/preguntas-frecuentes?q=curp", headers)
    assert alert_title(response, 429) == "Error: Preguntas frecuentes · Derechohabiencia"


def test_a_limited_check_inside_a_guide_leaves_the_guide_s_title(
    limited_client: FlaskClient,
) -> None:
    # The guide's own check has no page here to name: its answers leave the title, so its
    # alert does too (nothing later would take an "Error: " away).
    headers = {**HX, "HX-Target": "resultado-curp"}
    response = limited(limited_client, f"/curp?curp={VALID}", headers)
    assert alert_title(response, 429) is None


def test_an_alert_for_a_form_without_htmx_swaps_brings_no_title(
    tmp_path: Path, database_url: str
) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/constancias/reenviar", data={"token": "x"}, headers=HX)
    assert alert_title(response, 400) is None


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/?para=tengo&paso=trabajo", "Error: ¿Qué documento necesitas? · Derechohabiencia"),
        ("/integracion?tema=dark", "Error: Pon la revisión de CURP en tu sitio · Derechohabiencia"),
    ],
)
def test_pages_without_limits_have_an_alert_title_too(app: Flask, url: str, title: str) -> None:
    # A failure is their only alert; its title names the page once, with one "Error: ".
    with app.test_request_context(url, headers=HX):
        assert htmx_util.alert_title() == f"<title>{title}</title>\n"
