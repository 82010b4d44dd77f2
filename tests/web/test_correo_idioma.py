"""An email is in the language of the page that asked for it, and so is everything about it:
its Content-Language, the pages its links open (on any browser) and the demo outbox's lang=."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_babel import force_locale
from lxml import html as lxml_html

from blueprints.mail import en_el_idioma, url_publica, wait_for_deliveries
from domain.redact import redact_request
from tests.web.cuenta_helpers import (
    BASE,
    PASSWORD,
    activar,
    correos,
    formulario,
    registrar,
    texto,
    token_para,
)

URL = re.compile(r"https?://[^\s\"<>]+")


def _html_part(message: Any) -> str:
    return str(message.get_body(preferencelist=("html",)).get_content())


def test_an_english_activation_email_opens_in_english_on_another_browser(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    english = app.test_client()
    english.set_cookie("lang", "en")
    registrar(english, formulario(app, curp, "ana@example.org"))
    [message] = correos(app, "ana@example.org")
    assert message["Content-Language"] == "en"
    [link] = [u for u in URL.findall(texto(message)) if "activar" in u]
    prefix = f"{BASE}/idioma?lang=en&next=/cuenta/activar/"
    assert link.startswith(prefix)
    assert f'href="{link.replace("&", "&amp;")}"' in _html_part(message)

    # Opened on a phone that never saw the portal: no cookie, no session.
    phone = app.test_client()
    target = link.removeprefix(BASE)
    switch = phone.get(target)
    assert switch.status_code == 302
    path = switch.headers["Location"]
    assert path == "/cuenta/activar/" + link.removeprefix(prefix)
    page = lxml_html.fromstring(phone.get(path).get_data(as_text=True))
    assert page.get("lang") == "en"
    # The form it shows answers in English too, not only the page the link opened.
    answered = lxml_html.fromstring(activar(phone, path, PASSWORD + "x").get_data(as_text=True))
    assert answered.get("lang") == "en"

    # The token rides in `next`: the access line masks it there as it does in the path.
    path_part, _, query = target.partition("?")
    logged = redact_request("GET", path_part, query)
    assert link.removeprefix(prefix) not in logged
    assert logged == "GET /idioma?lang=en&next=/cuenta/activar/***"


@pytest.mark.parametrize(
    ("proposito", "endpoint"),
    [("activar", "cuenta.activar"), ("recuperar", "cuenta.nueva_contrasena"),
     ("correo", "cuenta.confirmar_correo")],
)  # fmt: skip
def test_the_access_line_masks_the_token_of_every_english_link(
    app: Flask, activa: str, proposito: str, endpoint: str
) -> None:
    # A repetitive address makes itsdangerous compress the token, which then starts with ".".
    token = token_para(app, proposito, activa, email="a" * 40 + "@example.org")
    with app.test_request_context(), force_locale("en"):
        link = en_el_idioma(url_publica(endpoint, token=token))
    path, _, query = link.removeprefix(BASE).partition("?")
    assert path == "/idioma" and token in query
    logged = redact_request("GET", path, query)
    assert token not in logged and token[:12] not in logged and "***" in logged


def test_a_spanish_email_keeps_its_plain_links(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    registrar(app.test_client(), formulario(app, curp, "eva@example.org"))
    [message] = correos(app, "eva@example.org")
    assert message["Content-Language"] == "es"
    links = URL.findall(texto(message))
    assert any(u.startswith(f"{BASE}/cuenta/activar/") for u in links)
    assert not any("/idioma" in u for u in links)


# Every email template, with links as the features pass them (url_publica), and the rest.
CONTEXT: dict[str, Any] = {
    "minutos": 15,
    "nuevo": "nuevo@example.org",
    "curp": "PXNE660720HMCXTN06",
    "numeros": ["12345678903"],
    "folio": "ND-2026-000001",
    "emitida": dt.datetime(2026, 11, 27, 9, 30),
}
LINKS = {
    "enlace": ("cuenta.activar", {"token": "eyJhYmMiOjF9.Zx1Y2w.abcdefghijklmnop"}),
    "recuperar": ("cuenta.recuperar", {}),
    "registro": ("cuenta.registro", {}),
    "entrar": ("cuenta.entrar", {}),
}
TEMPLATES = sorted(
    p.stem
    for p in (Path(__file__).resolve().parents[2] / "templates" / "email").glob("*.txt")
    if p.stem != "base"
)


def _render(app: Flask, template: str, lang: str) -> tuple[str, str]:
    with app.test_request_context(), force_locale(lang):
        context = {name: url_publica(e, **v) for name, (e, v) in LINKS.items()}
        verificar = f"{BASE}/verificar/ND-2026-000001?c=SGGJ3JH23XF5"
        context.update(CONTEXT, url_verificacion=verificar, asunto="Asunto")
        context["public_base_url"] = BASE
        env = app.jinja_env
        return tuple(  # type: ignore[return-value]
            env.get_template(f"email/{template}.{ext}").render(context) for ext in ("txt", "html")
        )


@pytest.mark.parametrize("template", TEMPLATES)
def test_every_link_of_an_english_email_keeps_english(app: Flask, template: str) -> None:
    text, html = _render(app, template, "en")
    hrefs = lxml_html.fromstring(html).xpath("//a/@href")
    # The text's footer names the sender's address; the verification address is the
    # document's own, printed under its QR, for whoever receives it (in their language).
    shown = [u for u in URL.findall(text) if u != BASE and "/verificar/" not in u]
    followed = [u for u in [*hrefs, *shown] if "/verificar/" not in u]
    assert followed, template  # every email links at least to the portal (footer)
    for url in followed:
        assert url.startswith(f"{BASE}/idioma?lang=en&next=/"), (template, url)
    spanish_text, spanish_html = _render(app, template, "es")
    assert "/idioma" not in spanish_text and "/idioma" not in spanish_html


@pytest.mark.parametrize("template", ["constancia_no_derechohabiencia", "imss_vigencia"])
def test_an_english_email_says_its_attached_pdf_is_in_spanish(app: Flask, template: str) -> None:
    said = "The PDF is in Spanish, the language the certificate is issued in."
    for part in _render(app, template, "en"):
        assert said in part
    for part in _render(app, template, "es"):
        assert "El PDF está en español" not in part and said not in part


def test_content_language_follows_the_email_and_the_outbox_pages_mark_it(
    app: Flask, curps: Any
) -> None:
    curp_en, curp_es = curps["issste_titular"][:2]
    english = app.test_client()
    english.set_cookie("lang", "en")
    registrar(english, formulario(app, curp_en, "en@example.org"))
    registrar(app.test_client(), formulario(app, curp_es, "es@example.org"))
    assert wait_for_deliveries()

    def marks(client: Any) -> dict[str, str | None]:
        listing = lxml_html.fromstring(client.get("/dev/correos").get_data(as_text=True))
        found = {}
        for row in listing.xpath("//tbody/tr"):
            [subject] = row.xpath("./td[1]/a/span")
            found[row.xpath("string(./td[2])")] = subject.get("lang")
            page = lxml_html.fromstring(client.get(row.xpath("./td[1]/a/@href")[0]).data)
            assert page.xpath("//h1/span/@lang") == [subject.get("lang")]
            assert page.xpath("//div[@class='correo-texto']/@lang") == [subject.get("lang")]
        return found

    # A Spanish email read in the English interface is marked Spanish, and the other way round.
    assert marks(english) == {"en@example.org": "en", "es@example.org": "es"}
    assert marks(app.test_client()) == {"en@example.org": "en", "es@example.org": "es"}
