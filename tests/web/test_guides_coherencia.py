"""The content against the pages it talks about: link text names the page it opens, the start
page's in-person help is each document's own, the operator the content points to is in the
footer, and the No Afiliación is described as what it is, in both languages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from domain.guides import load_library
from tests.conftest import make_app
from tests.web.cuenta_helpers import seed, signed_in

LIBRARY = load_library(Path(__file__).resolve().parents[2] / "content")
# Pages the content names in running text; a link to one of them says the page's own title.
TITLED = (
    "/curp",
    "/curp/no-la-conozco",
    "/cuenta/recuperar",
    "/verificar",
    "/constancias/vigencia-imss",
    "/oficina/contrasena",  # behind sign-in
    "/oficina/cerrar-cuenta",
)


def h1(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return str(lxml_html.fromstring(response.get_data(as_text=True)).xpath("string(//h1)"))


def content_links(path: str) -> list[tuple[str, str]]:
    """(page, link text) of every link to `path` in running text; the closing «¿Listo?» call
    to action is a verb of its own ("Revisa tu CURP", "Pide tu…") and is left out."""
    found = []
    for page in LIBRARY.pages.values():
        doc = lxml_html.fragment_fromstring(page.html, create_parent="div")
        for link in doc.xpath(f'.//a[@href="{path}"]'):
            if "¿Listo?" not in link.getparent().xpath("string(strong[1])"):
                found.append((page.source, " ".join(link.text_content().split())))
    return found


def test_link_text_is_the_title_of_the_page_it_opens(app: Flask) -> None:
    client = signed_in(app, seed(app)["issste_titular"][0])
    checked = 0
    for path in TITLED:
        title = h1(client, path)
        for source, text in content_links(path):
            assert text == title, (source, path, text, title)
            checked += 1
    assert checked >= 10


def start_page_in_person(client: FlaskClient) -> dict[str, str]:
    """The start page's in-person section: document name -> what it says for that document."""
    doc = lxml_html.fromstring(client.get("/").get_data(as_text=True))
    items = doc.xpath('//h2[@id="en-persona"]/following-sibling::ul[1]/li')
    return {
        li.xpath("string(strong)").rstrip(":"): " ".join(li.text_content().split()) for li in items
    }


def test_the_start_page_gives_each_document_its_own_in_person_help(client: FlaskClient) -> None:
    items = start_page_in_person(client)
    assert len(items) == 6, items
    carnet = items["Constancia de Vigencia de Derechos del ISSSTE (carnet digital)"]
    no_afiliacion = items["Constancia de No Afiliación al ISSSTE"]
    assert "solicitud por escrito" in carnet and "9:00" not in carnet
    assert "de lunes a viernes de 9:00 a 18:00 horas" in no_afiliacion
    # The hours are sourced for the No Afiliación only: no other document is promised them.
    assert [name for name, text in items.items() if "9:00" in text] == [
        "Constancia de No Afiliación al ISSSTE"
    ]


@pytest.mark.parametrize("path", ["/terminos-de-uso", "/preguntas-frecuentes"])
def test_the_content_sends_to_a_footer_that_names_the_operator(
    tmp_path: Path, database_url: str, path: str
) -> None:
    app = make_app(tmp_path, database_url, ENV={"ISSUER_NAME": "Instituto de Prueba"})
    doc: Any = lxml_html.fromstring(app.test_client().get(path).get_data(as_text=True))
    paragraphs = [" ".join(p.text_content().split()) for p in doc.xpath("//main//p")]
    [told] = [p for p in paragraphs if "lo opera" in p.lower()]
    assert "la institución que aparece en el pie de cada página" in told
    footer = " ".join(doc.xpath("string(//footer)").split())
    assert "Servicio gratuito operado por Instituto de Prueba." in footer


def no_afiliacion_answer(client: FlaskClient) -> str:
    doc = lxml_html.fromstring(client.get("/?para=no-tengo&piden=issste").get_data(as_text=True))
    return " ".join(doc.xpath('string(//h2[@id="respuesta"]/following-sibling::p[1])').split())


def test_the_no_afiliacion_is_for_no_current_affiliation_in_both_languages(
    client: FlaskClient,
) -> None:
    assert no_afiliacion_answer(client).startswith("Dice que hoy no tienes afiliación vigente")
    client.set_cookie("lang", "en")
    english = no_afiliacion_answer(client)
    assert "no current ISSSTE affiliation" in english and "not registered" not in english
