"""/embed/curp's <title>: "Error: " first while it shows an error (an empty field sent, a limit,
a failure), as the portal's pages do; the titles widget.js switches between are on its form."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.conftest import make_app

VALID = "PXNE660720HMCXTN06"


def widget(client: FlaskClient, url: str, status: int = 200) -> lxml_html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status
    return lxml_html.fromstring(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("", "Revisa tu CURP · Derechohabiencia"),
        ("?curp=", "Error: Revisa tu CURP · Derechohabiencia"),
        ("?curp=+", "Error: Revisa tu CURP · Derechohabiencia"),
        (f"?curp={VALID}", "Revisa tu CURP · Derechohabiencia"),
        ("?curp=PXNE66", "Revisa tu CURP · Derechohabiencia"),  # an answer, not a form error
        ("?curp=&lang=en", "Error: Check your CURP · Derechohabiencia"),
        (f"?curp={VALID}&lang=en", "Check your CURP · Derechohabiencia"),
    ],
)
def test_the_title_says_error_only_while_the_field_has_one(
    client: FlaskClient, query: str, title: str
) -> None:
    doc = widget(client, "/embed/curp" + query)
    assert doc.findtext(".//title") == title
    assert bool(doc.xpath('//*[@id="error-curp"]')) is title.startswith("Error: ")


def test_the_form_carries_both_titles_for_widget_js(client: FlaskClient) -> None:
    [form] = widget(client, "/embed/curp?lang=en").xpath('//form[@id="dh-form"]')
    assert form.get("data-title") == "Check your CURP · Derechohabiencia"
    assert form.get("data-error-title") == "Error: Check your CURP · Derechohabiencia"


def test_a_limited_widget_says_error_in_its_title(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    client = app.test_client()
    for _ in range(200):
        response = client.get("/embed/curp")
        if response.status_code == 429:
            break
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    assert response.status_code == 429
    assert doc.findtext(".//title") == "Error: Revisa tu CURP · Derechohabiencia"
    assert doc.xpath("//*[@data-error]")
