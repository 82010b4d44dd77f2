"""The /verificar form's hint says where a constancia prints its folio, and it is true of the PDF
the portal hands out: under the title, on the left, and again beside the QR code."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from lxml import html as lxml_html
from pypdf import PdfReader

from domain import sello
from tests.web.constancias_helpers import download


def lines(data: bytes) -> dict[str, tuple[float, float]]:
    """Each run of text on the first page, with where it starts: (x, y) from the bottom left."""
    found: dict[str, tuple[float, float]] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        found.setdefault(text.strip(), (x, y))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return found


def test_the_folio_hint_says_where_the_pdf_prints_it(client: FlaskClient) -> None:
    data, path = download(client)
    folio = path.split("/")[2].split("?")[0]
    drawn = lines(data)
    title_x, title_y = drawn["Constancia de No Afiliación"]
    folio_x, folio_y = drawn[f"Folio {folio}"]
    width = float(PdfReader(io.BytesIO(data)).pages[0].mediabox.width)
    assert folio_y < title_y and abs(folio_x - title_x) < 1 and folio_x < width / 4
    assert f"O escribe el folio {folio}" in sello.texto(data)  # the QR code's box

    page = lxml_html.fromstring(client.get("/verificar").get_data(as_text=True))
    [hint] = page.xpath('//*[@id="ayuda-folio"]')
    assert hint.text_content().startswith("Debajo del título del documento y junto al código QR.")
