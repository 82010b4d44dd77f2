"""The <title> an htmx answer brings (blueprints/htmx_util.fragment_for): htmx makes a fragment's
top-level <title> the document's title, so a swap that draws errors says "Error: " first, as the
full page does (GOV.UK), and the swap that clears them takes it away."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import ChoiceLoader, DictLoader
from lxml import html as lxml_html

from blueprints import htmx_util
from domain import nss
from tests.web.constancias_helpers import ADDRESS, UNKNOWN, imss_form

HX = {"HX-Request": "true"}
VALID = "PXNE660720HMCXTN06"
UNUSED_NSS = "9999999999" + nss.check_digit("9999999999")
OFELIA = {
    "nombre": "Ofelia",
    "primer_apellido": "Pedrero",
    "segundo_apellido": "Domínguez",
    "fecha_nacimiento": "1980-04-05",
    "sexo": "M",
    "entidad": "JC",
}


def fragment_title(response: Any) -> str | None:
    """The title htmx takes from a fragment: a <title> first at its top level, or None."""
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html  # htmx swaps only 2xx
    match = re.match(r"<title>([^<]*)</title>", html)
    return unescape(match[1]) if match else None


def page_title(response: Any) -> str:
    return str(lxml_html.fromstring(response.get_data(as_text=True)).findtext(".//title"))


# (method, url, form, the htmx target, whether the answer shows errors)
CASES = [
    ("get", "/curp?curp=", None, "resultado", True),
    ("get", f"/curp?curp={VALID}", None, "revision", False),  # the error is fixed
    ("get", f"/curp?curp={VALID}", None, "resultado", False),
    ("post", "/curp/no-la-conozco", {"nombre": "Ana"}, "resultado", True),
    ("post", "/curp/no-la-conozco", OFELIA, "calculo", False),
    ("post", "/curp/no-la-conozco", OFELIA, "resultado", False),
    ("post", "/constancias/no-afiliacion", {"curp": ""}, "resultado", True),
    ("post", "/constancias/no-afiliacion", {"curp": UNKNOWN}, "tramite", False),
    ("post", "/constancias/no-afiliacion", {"curp": UNKNOWN}, "resultado", False),
    ("post", "/constancias/vigencia-imss", {"curp": ""}, "tramite", True),
    ("post", "/imss/nss", {"curp": ""}, "tramite", True),
    ("get", "/?para=tengo&paso=trabajo", None, "eleccion", True),
    ("get", "/?para=tengo&trabajo=gobierno", None, "eleccion", False),
    # After an alert (a limit: tests/web/test_titulos_avisos.py), the results take "Error: " away.
    ("get", "/preguntas-frecuentes?q=curp", None, "resultados-faq", False),
    ("get", "/preguntas-frecuentes?q=zzzz", None, "resultados-faq", False),  # none: no error
]


@pytest.mark.parametrize(("method", "url", "form", "target", "error"), CASES)
def test_an_htmx_answer_brings_the_title_its_page_would_have(
    client: FlaskClient, method: str, url: str, form: Any, target: str, error: bool
) -> None:
    send = getattr(client, method)
    page = send(url, data=form)
    title = fragment_title(send(url, data=form, headers={**HX, "HX-Target": target}))
    assert title == page_title(page)
    assert title.startswith("Error: ") is error


def test_the_title_is_in_the_page_s_language(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    headers = {**HX, "HX-Target": "resultado"}
    assert fragment_title(client.get("/curp?curp=", headers=headers)) == (
        "Error: Check your CURP · Derechohabiencia"
    )
    assert fragment_title(client.get(f"/curp?curp={VALID}", headers=headers)) == (
        "Check your CURP · Derechohabiencia"
    )


def test_a_half_typed_curp_keeps_a_title_without_error(client: FlaskClient) -> None:
    headers = {**HX, "HX-Target": "resultado", "HX-Trigger-Name": "curp"}
    assert fragment_title(client.get("/curp?curp=PXNE66", headers=headers)) == (
        "Revisa tu CURP · Derechohabiencia"
    )


def test_the_check_inside_a_guide_leaves_the_guide_s_title(client: FlaskClient) -> None:
    response = client.get("/curp?curp=", headers={**HX, "HX-Target": "resultado-curp"})
    assert fragment_title(response) is None
    assert "Escribe tu CURP." in response.get_data(as_text=True)
    assert "<title>" not in client.get("/curp/resultado?curp=").get_data(as_text=True)


def test_a_refused_vigencia_says_error_and_a_sent_nss_does_not(client: FlaskClient) -> None:
    url = "/constancias/vigencia-imss"
    refused = imss_form(client, url, curp=UNKNOWN, nss=UNUSED_NSS, email=ADDRESS)
    response = client.post(url, data=refused, headers={**HX, "HX-Target": "tramite"})
    assert "no coinciden" in response.get_data(as_text=True)
    assert fragment_title(response) == (
        "Error: Constancia de Vigencia de Derechos del IMSS · Derechohabiencia"
    )
    sent = imss_form(client, "/imss/nss", curp=UNKNOWN, email=ADDRESS)
    response = client.post("/imss/nss", data=sent, headers={**HX, "HX-Target": "tramite"})
    assert ADDRESS[:2] in response.get_data(as_text=True)
    assert fragment_title(response) == "Consultar mi NSS · Derechohabiencia"


def test_a_page_without_a_title_block_of_its_own_leaves_the_document_s(app: Flask) -> None:
    # A page that inherits its title has none to send: the swap keeps the document's title
    # (and answers) rather than failing under htmx only.
    loader = ChoiceLoader([DictLoader({"sin_titulo.html": SIN_TITULO}), app.jinja_loader])
    app.jinja_loader = loader  # type: ignore[assignment]
    with app.test_request_context("/", headers={"HX-Request": "true"}):
        fragment = htmx_util.fragment_for("sin_titulo.html", "curp/_result.html", result=None)
        assert "<title>" not in fragment


SIN_TITULO = '{% extends "base.html" %}{% block content %}{% endblock %}'


# The registration page's inline checks: the page's title as it reads with what the page then
# shows. The password's check is sent the CURP too; a page showing the error summary of its last
# submission (``resumen``, sent back by each check) keeps "Error: " whatever a field says.
REGISTRO = "Crea tu cuenta · Derechohabiencia"
REVISAR = [
    ("curp", {"curp": "PXNE66"}, True),
    ("curp", {"curp": VALID}, False),
    ("curp", {"curp": VALID, "resumen": "1"}, True),
    ("password", {"password": "una frase para mi cuenta", "curp": VALID}, False),
    ("password", {"password": "password", "curp": VALID}, True),
    ("password", {"password": "una frase para mi cuenta", "curp": "PXNE66"}, True),
    ("password", {"password": "una frase para mi cuenta", "curp": ""}, False),
    ("password", {"password": "una frase para mi cuenta", "resumen": "1"}, True),
]


@pytest.mark.parametrize(("campo", "form", "error"), REVISAR)
def test_a_field_check_brings_the_registration_page_s_title(
    client: FlaskClient, campo: str, form: dict[str, str], error: bool
) -> None:
    url = f"/cuenta/registro/revisar/{campo}"
    response = client.post(url, data=form, headers={**HX, "HX-Target": f"grupo-{campo}"})
    assert fragment_title(response) == ("Error: " if error else "") + REGISTRO
    [field] = lxml_html.fragment_fromstring(
        response.get_data(as_text=True).split("</title>", 1)[1], create_parent=True
    ).xpath(f'//input[@name="{campo}"]')
    resumen = json.loads(field.get("hx-vals") or "{}").get("resumen")
    assert (resumen == "1") is ("resumen" in form)
    assert "resumen" in field.get("hx-params").split(",")


def test_the_page_with_an_error_summary_tells_its_checks(client: FlaskClient) -> None:
    def checks(response: Any) -> list[str | None]:
        doc = lxml_html.fromstring(response.get_data(as_text=True))
        vals = [json.loads(i.get("hx-vals") or "{}") for i in doc.xpath("//input[@hx-post]")]
        return [v.get("resumen") for v in vals]

    assert checks(client.get("/cuenta/registro")) == [None, None]
    assert checks(client.post("/cuenta/registro", data={})) == ["1"] * 2
