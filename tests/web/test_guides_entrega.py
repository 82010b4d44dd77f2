"""/ says how each document reaches the person: the IMSS constancia of "las dos" comes by email,
the ISSSTE one is downloaded on the result page (blueprints/constancias_correo.py,
sin_seguridad_social).
"""

from __future__ import annotations

from flask.testing import FlaskClient
from lxml import html as lxml_html


def says_how_both_arrive(text: str) -> bool:
    imss, _, issste = " ".join(text.split()).partition(";")
    return "IMSS" in imss and "correo" in imss and "ISSSTE" in issste and "descargas" in issste


def test_both_constancias_answer_says_only_the_imss_one_is_emailed(client: FlaskClient) -> None:
    response = client.get("/?para=no-tengo&piden=ambas")
    assert response.status_code == 200
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    [tarda] = doc.xpath('//div[@id="eleccion"]//dt[.="Cuánto tarda"]/following-sibling::dd[1]')
    assert says_how_both_arrive(tarda.text_content()), tarda.text_content()
    assert "Te llegan" not in tarda.text_content()


def test_every_document_list_says_the_same(client: FlaskClient) -> None:
    doc = lxml_html.fromstring(client.get("/").get_data(as_text=True))
    [entry] = doc.xpath('//h3[@id="documento-sin-seguridad-social"]/following-sibling::p[1]')
    [tiempo] = entry.xpath('./span[@class="muted"]')
    assert says_how_both_arrive(tiempo.text_content()), tiempo.text_content()
