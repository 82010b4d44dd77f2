"""A page in English that downloads a PDF says the PDF is in Spanish, as the English emails
that attach one do; a Spanish page does not."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.web.constancias_helpers import UNKNOWN
from tests.web.cuenta_helpers import signed_in

SAID = "The PDF is in Spanish, the language the certificate is issued in."
DICHO = "El PDF está en español"


def parsed(response: Any) -> Any:
    assert response.status_code == 200
    return lxml_html.fromstring(response.get_data(as_text=True))


def words(node: Any) -> str:
    return " ".join(node.text_content().split())


def test_the_no_afiliacion_download_says_so_in_english(client: FlaskClient) -> None:
    search = "/constancias/no-afiliacion"
    spanish = parsed(client.post(search, data={"curp": UNKNOWN}))
    assert spanish.xpath('//form[@action="/constancias/no-afiliacion/descargar"]')
    assert DICHO not in words(spanish)
    client.set_cookie("lang", "en")
    for headers in ({}, {"HX-Request": "true"}):  # the page and the htmx answer
        english = parsed(client.post(search, data={"curp": UNKNOWN}, headers=headers))
        [panel] = english.xpath('//div[form[@action="/constancias/no-afiliacion/descargar"]]')
        assert SAID in words(panel)


def test_the_carnet_download_page_says_so_in_english(app: Flask, curps: Any) -> None:
    client = signed_in(app, curps["issste_titular"][0])
    for url in ("/oficina/constancia-vigencia", "/oficina"):
        assert DICHO not in words(parsed(client.get(url)))
    client.set_cookie("lang", "en")
    carnet = parsed(client.get("/oficina/constancia-vigencia"))
    assert carnet.xpath('//form[@action="/oficina/constancia-vigencia"]')
    [lead] = carnet.xpath('//p[@class="lead"]')
    assert SAID in words(lead)
    office = parsed(client.get("/oficina"))
    [offer] = office.xpath('//p[a[@href="/oficina/constancia-vigencia"]]/following-sibling::p[1]')
    assert SAID in words(offer)
