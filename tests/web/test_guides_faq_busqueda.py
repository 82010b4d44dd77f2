"""/preguntas-frecuentes?q=…: what the count says a search found is what the questions contain."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from flask.testing import FlaskClient
from lxml import html as lxml_html

from domain.guides import load_library

ENTRIES = load_library(Path(__file__).resolve().parents[2] / "content").faq_entries


def with_enie() -> list[str]:
    """The questions whose text has a ñ, read without the search's own folding."""
    text = {
        e.id: unicodedata.normalize("NFC", (e.question + e.answer_text).casefold()) for e in ENTRIES
    }
    return [e.id for e in ENTRIES if "ñ" in text[e.id]]


def test_searching_enie_finds_only_the_questions_that_have_one(client: FlaskClient) -> None:
    expected = with_enie()
    assert 0 < len(expected) < len(ENTRIES)
    response = client.get("/preguntas-frecuentes?q=ñ")
    assert response.status_code == 200
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    assert doc.xpath('//div[@id="resultados-faq"]/h2/@id') == expected
    count = doc.xpath('//*[@id="conteo-faq"]')[0].text_content()
    assert count == f"{len(expected)} preguntas contienen “ñ”."


def test_the_export_filter_keeps_enie_too(client: FlaskClient) -> None:
    response = client.get("/preguntas-frecuentes/buscar?q=Ñ", headers={"HX-Request": "true"})
    fragment = lxml_html.fragment_fromstring(response.get_data(as_text=True), create_parent="div")
    assert fragment.xpath("//h2/@id") == with_enie()
