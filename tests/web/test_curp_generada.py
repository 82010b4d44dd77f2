"""/curp/no-la-conozco's answer: the 16 characters the data fix, and RENAPO's two said once."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from lxml import html as lxml_html

from domain.curp_generate import RENAPO_NOTE, generate

# Particles, MARÍA skipped, Ñ in both surnames, sex X, born abroad: every rule at once.
MARIA_JOSE = {
    "nombre": "María José",
    "primer_apellido": "de la Peña",
    "segundo_apellido": "Ñúñez",
    "fecha_nacimiento": "1985-03-27",
    "sexo": "X",
    "entidad": "NE",
}
HINT = generate("María José", "de la Peña", "Ñúñez", "1985-03-27", "X", "NE").hint


def result(client: FlaskClient, headers: dict[str, str]) -> Any:
    """The answer's panel, from the whole page or from htmx's fragment."""
    response = client.post("/curp/no-la-conozco", data=MARIA_JOSE, headers=headers)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    doc = lxml_html.fragment_fromstring(body, "div") if headers else lxml_html.fromstring(body)
    return doc.xpath('//div[contains(@class, "panel--ok")]')[0]


def test_the_answer_shows_16_characters_and_says_once_why_not_the_last_two(
    client: FlaskClient,
) -> None:
    for panel in (result(client, {}), result(client, {"HX-Request": "true"})):
        assert panel.xpath('string(//p[@class="curp-chars"])') == HINT[:16] + "··"
        rows = {row.xpath("string(td[1])"): row.xpath("td") for row in panel.xpath(".//tbody/tr")}
        assert list(rows) == ["1-4", "5-10", "11", "12-13", "14-16", "17-18"]
        value, meaning = rows["17-18"][1].text_content(), rows["17-18"][2].text_content()
        # Hidden above, so not guessed here either: the hint's digits are nowhere on the page.
        assert value == "··" and HINT[16:] not in panel.text_content()
        assert meaning.startswith("Las asigna RENAPO y por eso no las mostramos.")
        text = panel.text_content()
        assert text.count("asigna RENAPO") == 1 and "solo una pista" not in text
        assert RENAPO_NOTE not in text
        assert panel.xpath(".//a/@href") == ["https://www.gob.mx/curp/"]


def test_its_title_is_its_heading(client: FlaskClient) -> None:
    for response in (
        client.get("/curp/no-la-conozco"),
        client.post("/curp/no-la-conozco", data=MARIA_JOSE),
    ):
        doc = lxml_html.fromstring(response.get_data(as_text=True))
        title = doc.xpath("string(//title)")
        assert title.split(" · ")[0] == doc.xpath("string(//h1)") == "¿No conoces tu CURP?"
