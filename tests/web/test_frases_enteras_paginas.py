"""The sentences made whole (test_frases_enteras.py) as pages show them: the address stays
bold and escaped, the link or the code stays inside its sentence, in Spanish and in English."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, render_template
from flask.testing import FlaskClient
from flask_babel import force_locale
from lxml import html as lxml_html

EMAIL = "a***@example.org"
# (template, its context, the sentence in Spanish, in English); EMAIL is in <strong>.
CUENTA = [
    ("cuenta/correo_confirmado.html", {"email": EMAIL},
     f"Desde ahora te escribimos a {EMAIL}.", f"From now on we will write to {EMAIL}."),
    ("cuenta/correo_enviado.html", {"email": EMAIL},
     f"Te enviamos un mensaje a {EMAIL}.", f"We have sent a message to {EMAIL}."),
    ("cuenta/reenviar.html", {"boton": {"email": EMAIL}, "form": {}, "errors": {}},
     f"Te enviaremos un enlace nuevo a {EMAIL}.", f"We will send a new link to {EMAIL}."),
    ("cuenta/enlace_invalido.html",
     {"email": EMAIL, "proposito": "activar", "motivo": "vencido", "token": "t"},
     f"Te enviaremos un enlace nuevo a {EMAIL}.", f"We will send a new link to {EMAIL}."),
    ("cuenta/recuperar_enviado.html", {"email": EMAIL},
     f"Si hay una cuenta con {EMAIL}, le enviamos un enlace para elegir una contraseña nueva.",
     f"If there is an account with {EMAIL}, we have sent it a link to choose a new password."),
    ("cuenta/correo_ocupado.html", {"email": EMAIL},
     f"{EMAIL} ya es el correo de otra cuenta de la Oficina Virtual.",
     f"{EMAIL} is already the email address of another Virtual Office account."),
]  # fmt: skip
# (template, its context, the placeholder's element, the sentence in Spanish, in English).
ENLACES = [
    ("cuenta/correo_enviado.html", {"email": EMAIL}, 'a[@href="/cuenta/registro"]',
     "Vuelve a crear tu cuenta con el correo correcto.",
     "Create your account again with the right email address."),
    ("constancias/_imss_resultado.html", {"imss": {"estado": "vigente"}},
     'a[@href="/constancias/vigencia-imss"]',
     "Lo que te sirve es la Constancia de Vigencia de Derechos del IMSS.",
     "What you need is the IMSS certificate of entitlement (Constancia de Vigencia de "
     "Derechos)."),
]  # fmt: skip


def words(node: Any) -> str:
    return " ".join(node.text_content().split())


def sentence_with(doc: Any, xpath: str, text: str) -> Any:
    """The one paragraph holding ``text`` whose ``xpath`` child (the placeholder) is there."""
    found = [p for p in doc.xpath(f"//p[{xpath}]") if text in words(p)]
    assert len(found) == 1, (text, [words(p) for p in doc.xpath("//p")])
    return found[0]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(("template", "context", "es", "en"), CUENTA)
def test_the_address_is_bold_inside_its_sentence(
    app: Flask, lang: str, template: str,
    context: dict[str, Any], es: str, en: str,
) -> None:  # fmt: skip
    with app.test_request_context(), force_locale(lang):
        doc = lxml_html.fromstring(render_template(template, **context))
    paragraph = sentence_with(doc, f'strong="{EMAIL}"', es if lang == "es" else en)
    assert "<" not in words(paragraph)  # the markup was not escaped into the text


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize(("template", "context", "xpath", "es", "en"), ENLACES)
def test_the_link_is_inside_its_sentence(
    app: Flask, lang: str, template: str,
    context: dict[str, Any], xpath: str, es: str, en: str,
) -> None:  # fmt: skip
    with app.test_request_context(), force_locale(lang):
        doc = lxml_html.fromstring(render_template(template, **context))
    sentence_with(doc, xpath, es if lang == "es" else en)


def test_an_address_stays_escaped_inside_the_sentence(app: Flask) -> None:
    with app.test_request_context():
        html = render_template("cuenta/correo_ocupado.html", email="<b>x</b>@example.org")
    assert "<strong>&lt;b&gt;x&lt;/b&gt;@example.org</strong> ya es el correo" in html


@pytest.mark.parametrize("lang", ["es", "en"])
def test_links_and_code_stay_inside_their_sentences(client: FlaskClient, lang: str) -> None:
    client.set_cookie("lang", lang)
    pages = {
        "/verificar": ('a[@href="/api/v1/claves"]',
                       "Las claves públicas con que firmamos los documentos están en "
                       "/api/v1/claves.",
                       "The public keys we sign documents with are at /api/v1/claves."),
        "/curp/no-la-conozco": ('a[@href="https://www.gob.mx/curp/"]',
                                "así que para tener tu CURP completa y oficial consúltala en "
                                "el sitio de RENAPO.",
                                "look it up on the RENAPO website (in Spanish)."),
        "/integracion": ("count(code)=3",
                         'escucha tú los mensajes: {"type": "derechohabiencia:height", '
                         '"height": 480} y {"type": "derechohabiencia:checked", "valid": true}. '
                         "Revisa siempre que «event.origin» sea http",
                         'listen for the messages yourself: {"type": "derechohabiencia:height", '
                         '"height": 480} and {"type": "derechohabiencia:checked", "valid": '
                         "true}. Always check that “event.origin” is http"),
    }  # fmt: skip
    for path, (xpath, es, en) in pages.items():
        doc = lxml_html.fromstring(client.get(path).get_data(as_text=True))
        sentence_with(doc, xpath, es if lang == "es" else en)
