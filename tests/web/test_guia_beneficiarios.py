"""The carnet guide's section for family members is linked from several pages through one
definition (domain.eleccion.BENEFICIARIOS, components/guias.html): the section exists in the
rendered guide, and every page links to that same place, in either language."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from lxml import html as lxml_html

from domain.eleccion import BENEFICIARIOS
from domain.guides import load_library
from tests.web.cuenta_helpers import seed, signed_in

ROOT = Path(__file__).resolve().parents[2]
GUIDE = load_library(ROOT / "content").pages[BENEFICIARIOS.guia].url
TARGET = f"{GUIDE}#{BENEFICIARIOS.ancla}"
# The words of the links about family members ("Cómo registrar a un familiar", ...).
FAMILY = re.compile(r"familiar|beneficiarios")


def doc_of(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, url
    return lxml_html.fromstring(response.get_data(as_text=True))


def links_into_the_guide(doc: Any) -> list[Any]:
    return [a for a in doc.xpath("//main//a[@href]") if a.get("href").startswith(GUIDE + "#")]


@pytest.fixture
def pages(app: Flask) -> dict[str, Any]:
    """Every page that links to the section, as its people see it."""
    client = app.test_client()
    found = {
        "registro": doc_of(client, "/cuenta/registro"),
        "elección": doc_of(client, "/?para=tengo&trabajo=gobierno"),
    }
    with app.test_request_context("/cuenta/registro"):
        aviso = render_template("cuenta/_aviso_registro.html", aviso="beneficiario")
    found["aviso de registro"] = lxml_html.fromstring(f"<main>{aviso}</main>")
    titular = signed_in(app, seed(app)["issste_titular"][0])
    found["oficina"] = doc_of(titular, "/oficina")
    found["carnet"] = doc_of(titular, "/oficina/constancia-vigencia")
    return found


def test_the_guide_has_the_section(client: FlaskClient) -> None:
    [heading] = doc_of(client, GUIDE).xpath(f'//*[@id="{BENEFICIARIOS.ancla}"]')
    assert heading.tag == "h2" and heading.text_content() == "Constancias para tus beneficiarios"


def test_every_page_links_to_the_same_section_and_every_section_exists(
    client: FlaskClient, pages: dict[str, Any]
) -> None:
    ids = set(doc_of(client, GUIDE).xpath("//@id"))
    for name, doc in pages.items():
        links = links_into_the_guide(doc)
        family = [a.get("href") for a in links if FAMILY.search(a.text_content())]
        assert family == [TARGET], name
        # Whatever else these pages link to in the guide is there too.
        assert {a.get("href").split("#", 1)[1] for a in links} <= ids, name


def test_no_template_writes_the_section_by_hand() -> None:
    by_hand = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "templates").rglob("*.html")
        if BENEFICIARIOS.ancla in path.read_text(encoding="utf-8")
    ]
    assert by_hand == []


def test_english_pages_say_the_guide_is_in_spanish(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    [link] = links_into_the_guide(doc_of(client, "/cuenta/registro"))
    assert link.get("href") == TARGET and link.get("hreflang") == "es"
    client.set_cookie("lang", "es")
    [link] = links_into_the_guide(doc_of(client, "/cuenta/registro"))
    assert link.get("hreflang") is None
