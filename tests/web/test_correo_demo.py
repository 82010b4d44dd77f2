"""A demo portal's emails say they are a demo's, in the subject and first thing in both parts:
an NSS made up for a public demo must not read as a real one. A production email is unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from lxml import html as lxml_html

from tests.conftest import make_app
from tests.smtp import SmtpServer, html_part, text_part
from tests.web.constancias_helpers import ADDRESS, seed
from tests.web.correo_helpers import TEMPLATES, parts, queued
from tests.web.cuenta_helpers import correos
from tests.web.imss_helpers import NSS_URL, nss_of, post

DEMO = "Correo de demostración: los datos son ficticios y no tienen validez oficial."
PREFIJO = "[Demostración] "


def first_paragraph(html: str) -> str:
    """What a reader sees first under the sender's name (the coloured bar)."""
    article = lxml_html.fromstring(html).xpath("//div[@role='article']")[0]
    return " ".join(article.xpath("./p")[1].text_content().split())


def test_a_demo_nss_email_says_so_before_the_number_and_a_production_one_does_not(
    tmp_path: Path, database_url: str, mail: tuple[Flask, SmtpServer]
) -> None:
    app, smtp = mail
    curp = seed(app)["imss_vigente"]
    numero = f"Tu NSS es: {nss_of(app, curp)}"
    post(app.test_client(), NSS_URL, curp=curp, email=ADDRESS)
    [message] = smtp.wait_for(1)
    assert message["Subject"] == f"{PREFIJO}Tu Número de Seguridad Social (NSS)"
    text = text_part(message)
    assert text.startswith(f"{DEMO}\n\nHola:\n") and text.index(DEMO) < text.index(numero)
    assert first_paragraph(html_part(message)) == DEMO
    assert html_part(message).count(DEMO) == 1

    # The same registry behind a production portal: the email it sends is as it always was.
    production = make_app(tmp_path / "produccion", database_url, ENV={"DEMO_MODE": "0"})
    post(production.test_client(), NSS_URL, curp=curp, email="otra@example.org")
    [message] = correos(production, "otra@example.org")
    assert message["Subject"] == "Tu Número de Seguridad Social (NSS)"
    text, html = parts(message)
    assert text.startswith("Hola:\n") and numero in text
    assert "demostración" not in text.lower() and "demostración" not in html.lower()


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_demo_email_says_so_and_no_production_one_does(
    app: Flask, tmp_path: Path, database_url: str, template: str
) -> None:
    message = queued(app, template)
    assert message["Subject"] == f"{PREFIJO}Asunto de prueba"
    text, html = parts(message)
    assert text.startswith(f"{DEMO}\n\nHola:\n") and text.count(DEMO) == 1
    assert first_paragraph(html) == DEMO and html.count(DEMO) == 1
    # The HTML's title and its label for screen readers are the subject the reader saw.
    doc = lxml_html.fromstring(html)
    assert doc.findtext(".//title") == f"{PREFIJO}Asunto de prueba"

    production = make_app(tmp_path / "produccion", database_url, ENV={"DEMO_MODE": "0"})
    message = queued(production, template)
    assert message["Subject"] == "Asunto de prueba"
    text, html = parts(message)
    assert text.startswith("Hola:\n") and DEMO not in html and "ficticio" not in text


def test_an_english_demo_email_says_so_in_english(app: Flask) -> None:
    message = queued(app, "imss_nss", "en")
    assert message["Subject"] == "[Demonstration] Asunto de prueba"
    said = "Demonstration email: the data is made up and has no official value."
    text, html = parts(message)
    assert text.startswith(f"{said}\n\nHello,\n") and first_paragraph(html) == said
    assert "demostración" not in text.lower() and "demostración" not in html.lower()
