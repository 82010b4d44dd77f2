"""In English, what exists only in Spanish says so, one way everywhere: a link to a guide, the
FAQ or a legal page has hreflang="es" and "(in Spanish)" (components/en_espanol.html); such a
page's <title> says it too and its descriptions are marked lang="es"; Spanish words inside an
English sentence are marked. In Spanish nothing of this shows."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from lxml import html as lxml_html

VALID = "PXNE660720HMCXTN06"
SPANISH_ONLY = ("/guias/", "/preguntas-frecuentes", "/aviso-de-privacidad", "/terminos-de-uso",
                "/accesibilidad", "https://www.gob.mx/")  # fmt: skip
PAGES = (
    "/",
    "/?para=tengo&trabajo=gobierno&paso=trabajo",
    "/constancias",
    "/constancias/no-afiliacion",
    "/constancias/no-derechohabiencia",
    "/constancias/vigencia-imss",
    "/imss/nss",
    "/cuenta/registro",
    f"/curp?curp={VALID}",
    "/curp/no-la-conozco",
    "/guias/nss-imss",
    "/preguntas-frecuentes",
    "/aviso-de-privacidad",
)


def page(client: FlaskClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, path
    return lxml_html.fromstring(response.get_data(as_text=True))


def spanish_only_links(doc: Any) -> list[Any]:
    """Links to Spanish-only pages from the page's own words, not from inside Spanish content
    (a guide's body links to other guides in Spanish, to readers of Spanish)."""
    return [
        a
        for a in doc.iter("a")
        if a.get("href", "").startswith(SPANISH_ONLY) and not a.xpath("ancestor::*[@lang='es']")
    ]


@pytest.mark.parametrize("path", PAGES)
def test_every_link_to_a_spanish_only_page_says_so_in_english(
    client: FlaskClient, path: str
) -> None:
    client.set_cookie("lang", "en")
    links = spanish_only_links(page(client, path))
    assert len(links) >= 4, path  # the FAQ in the menu and the legal pages in the footer at least
    for link in links:
        where = (path, link.get("href"), link.text_content())
        assert link.get("hreflang") == "es", where
        assert " (in Spanish)" in link.text_content(), where
        # A guide's own title inside the link is Spanish text.
        for span in link.iter("span"):
            assert span.get("lang") == "es", where


@pytest.mark.parametrize("path", PAGES)
def test_spanish_pages_keep_plain_links(client: FlaskClient, path: str) -> None:
    for link in spanish_only_links(page(client, path)):
        assert link.get("hreflang") is None and "español" not in link.text_content()


def test_the_guide_pager_and_related_guides_mark_their_spanish_titles(
    client: FlaskClient,
) -> None:
    client.set_cookie("lang", "en")
    doc = page(client, "/guias/nss-imss")
    [previous] = doc.xpath("//nav[@class='pager']/a[@rel='prev']")
    assert previous.text_content().startswith("← Previous: ")
    assert previous.xpath("./span/@lang") == ["es"] and previous.get("hreflang") == "es"
    related = doc.xpath("//h2[@id='guias-relacionadas']/following-sibling::ul[1]/li/a")
    assert related and all(a.get("hreflang") == "es" for a in related)


def test_the_widget_s_guide_link_says_so_in_english(client: FlaskClient) -> None:
    doc = page(client, f"/embed/curp?lang=en&curp={VALID}")
    [link] = [a for a in doc.iter("a") if "carnet-digital-issste" in a.get("href", "")]
    assert link.get("hreflang") == "es" and "(in Spanish)" in link.text_content()
    doc = page(client, f"/embed/curp?curp={VALID}")
    [link] = [a for a in doc.iter("a") if "carnet-digital-issste" in a.get("href", "")]
    assert link.get("hreflang") is None and "Spanish" not in link.text_content()


@pytest.mark.parametrize("path", ["/guias/nss-imss", "/preguntas-frecuentes", "/accesibilidad"])
def test_a_spanish_only_page_s_title_and_descriptions_in_english(
    client: FlaskClient, path: str
) -> None:
    spanish = page(client, path)
    client.set_cookie("lang", "en")
    english = page(client, path)
    heading = spanish.findtext(".//h1")
    assert spanish.findtext(".//title") == f"{heading} · Derechohabiencia"
    assert english.findtext(".//title") == f"{heading} (in Spanish) · Derechohabiencia"
    metas = ("//meta[@name='description']", "//meta[@property='og:title']",
             "//meta[@property='og:description']")  # fmt: skip
    for xpath in metas:
        [es] = spanish.xpath(xpath) or [None]
        [en] = english.xpath(xpath) or [None]
        if en is None:
            continue  # the legal pages have no Open Graph block
        assert en.get("lang") == "es" and en.get("content") == es.get("content")
        assert es.get("lang") is None


def test_the_faq_hint_keeps_spanish_search_words_marked_as_spanish(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    [hint] = page(client, "/preguntas-frecuentes").xpath("//*[@id='ayuda-q']")
    assert hint.text_content() == (
        "Type one or more words in Spanish, for example: contraseña, correo or beneficiarios."
    )
    assert hint.xpath("./span[@lang='es']/text()") == ["contraseña", "correo", "beneficiarios"]
    # Each example finds questions: the FAQ is written in Spanish.
    for word in ("contraseña", "correo", "beneficiarios"):
        results = page(client, f"/preguntas-frecuentes?q={word}")
        assert results.xpath("//div[@id='resultados-faq']//h2"), word


DEPARTAMENTO = "Departamento de Afiliación y Prestaciones Económicas"


def test_the_issste_department_s_spanish_name_is_marked_in_english(app: Flask) -> None:
    client = app.test_client()
    client.set_cookie("lang", "en")
    answer = page(client, "/?para=tengo&trabajo=gobierno&paso=trabajo")
    assert answer.xpath("//dd/span[@lang='es']/text()") == [DEPARTAMENTO]
    with app.test_request_context(), force_locale("en"):
        env = app.jinja_env
        rendered = [env.get_template("carnet/_que_hacer.html").render()]
        for name in ("cuenta_correo_cambiado", "cuenta_registro_reemplazado"):
            context = {"nuevo": "n@example.org", "public_base_url": "http://x", "asunto": "A"}
            rendered.append(env.get_template(f"email/{name}.html").render(context))
            text = env.get_template(f"email/{name}.txt").render(context)
            assert f"Benefits Department ({DEPARTAMENTO}) of your" in text and "<span" not in text
    for html in rendered:
        doc = lxml_html.fromstring(html)
        assert doc.xpath("//span[@lang='es']/text()") == [DEPARTAMENTO]
        assert "Affiliation and Economic Benefits Department" in doc.text_content()
    spanish = page(app.test_client(), "/?para=tengo&trabajo=gobierno&paso=trabajo")
    assert not spanish.xpath("//span[@lang='es']")
    assert f"En el {DEPARTAMENTO} de tu delegación" in spanish.text_content()
