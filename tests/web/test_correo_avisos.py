"""Alerts, what was done to an account and maybe not by its owner, end with where to write
(PRIVACY_CONTACT) instead of "if you did not expect this email, ignore it", and a reply to them
reaches that address; every other email keeps the usual footer and its no-reply sender."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from lxml import html as lxml_html

from blueprints.mail import ALERTAS
from domain.settings import DEMO_CONTACT
from tests.conftest import make_app
from tests.smtp import SmtpServer, html_part, mail_app, text_part
from tests.web.correo_helpers import TEMPLATES, parts, pie, queued
from tests.web.cuenta_helpers import crear_cuenta, enlace, seed

DATOS = "datos@inst.example"
PAGINA = "https://inst.example/contacto"
ESCRIBE = f"¿No fuiste tú, o tienes dudas? Escribe a {DATOS} o responde a este correo."
IGNORA = "Si no esperabas este correo, puedes ignorarlo."
NO_RESPONDAS = "No respondas a este mensaje: nadie revisa este buzón."
AL_FINAL = "por el medio de contacto que aparece al final de este correo."


def production(tmp_path: Path, database_url: str, **env: str) -> Flask:
    return make_app(tmp_path, database_url, ENV={"DEMO_MODE": "0", **env})


@pytest.fixture
def operada(tmp_path: Path, database_url: str) -> Flask:
    """A production portal whose personal data contact is an address, its general one a page."""
    return production(tmp_path, database_url, ISSUER_CONTACT=PAGINA, PRIVACY_CONTACT=DATOS)


@pytest.mark.parametrize("template", TEMPLATES)
def test_an_alert_gives_the_personal_data_address_and_a_reply_reaches_it(
    operada: Flask, template: str
) -> None:
    message = queued(operada, template)
    text, html = parts(message)
    footer = lxml_html.fromstring(html).xpath("//hr/following-sibling::p")[0]
    said = " ".join(footer.text_content().split())
    if template not in ALERTAS:  # the usual footer, and replies go to the no-reply sender
        assert message["Reply-To"] is None
        assert pie(text).splitlines()[1:] == [NO_RESPONDAS, IGNORA]
        assert said.endswith(f"{NO_RESPONDAS} {IGNORA}") and DATOS not in html
        return
    assert message["Reply-To"] == DATOS and message["Subject"] == "Asunto de prueba"
    assert pie(text).splitlines()[1:] == [ESCRIBE]
    assert "ignor" not in text and NO_RESPONDAS not in text and "ficticio" not in text
    assert said.endswith(ESCRIBE) and "ignor" not in said and NO_RESPONDAS not in said
    [link] = footer.xpath(".//a[starts-with(@href, 'mailto:')]")
    assert (link.get("href"), link.text) == (f"mailto:{DATOS}", DATOS)


def test_a_contact_page_is_given_but_replies_still_reach_nobody(
    tmp_path: Path, database_url: str
) -> None:
    app = production(tmp_path, database_url, ISSUER_CONTACT=PAGINA)
    message = queued(app, "cuenta_correo_cambiado")
    assert message["Reply-To"] is None
    text, html = parts(message)
    escribe = f"¿No fuiste tú, o tienes dudas? Escribe a la institución: {PAGINA}"
    assert pie(text).splitlines()[1:] == [NO_RESPONDAS, escribe]
    assert lxml_html.fromstring(html).xpath(f"//a[@href='{PAGINA}']/text()") == [PAGINA]


@pytest.mark.parametrize("template", sorted(ALERTAS))
def test_without_a_contact_an_alert_still_does_not_say_ignore_it(
    tmp_path: Path, database_url: str, template: str
) -> None:
    # A portal that left ISSUER_CONTACT unset (it warns when it starts) has nothing to give.
    app = production(tmp_path, database_url)
    message = queued(app, template)
    assert message["Reply-To"] is None
    text, html = parts(message)
    assert pie(text).splitlines()[1:] == [NO_RESPONDAS]
    assert "ignor" not in html and AL_FINAL not in text
    if template == "cuenta_cerrada":
        assert "al pie del portal" in text


@pytest.mark.parametrize("por_solicitud", [True, False])
def test_a_closed_account_s_notice_points_to_its_own_footer(
    operada: Flask, por_solicitud: bool
) -> None:
    text, html = parts(queued(operada, "cuenta_cerrada", por_solicitud=por_solicitud))
    for said in (
        " ".join(text.split()),
        " ".join(lxml_html.fromstring(html).text_content().split()),
    ):
        assert AL_FINAL in said and "al pie del portal" not in said
        assert said.endswith(ESCRIBE)


def test_the_demo_s_contact_is_marked_fictitious(app: Flask) -> None:
    message = queued(app, "cuenta_bloqueada")
    assert message["Reply-To"] == DEMO_CONTACT
    text, html = parts(message)
    marcado = f"Escribe a {DEMO_CONTACT} (contacto ficticio) o responde a este correo."
    assert pie(text).rstrip().endswith(marcado)
    assert marcado in " ".join(lxml_html.fromstring(html).text_content().split())


def test_an_english_alert_says_where_to_write_in_english(operada: Flask) -> None:
    text, html = parts(queued(operada, "cuenta_contrasena_cambiada", "en"))
    said = f"If it was not you, or you have questions, write to {DATOS} or reply to this email."
    assert pie(text).splitlines()[1:] == [said]
    assert said in " ".join(lxml_html.fromstring(html).text_content().split())
    assert "ignore" not in text and "¿" not in text and "¿" not in html


def test_a_changed_password_s_alert_arrives_with_a_reply_to_the_operator(
    tmp_path: Path, database_url: str, smtp_server: SmtpServer
) -> None:
    # Through the real recovery, delivered by SMTP: the header survives the trip.
    app = mail_app(tmp_path, database_url, smtp_server, ENV={"PRIVACY_CONTACT": DATOS})
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "activa@example.org")
    client = app.test_client()
    client.post("/cuenta/recuperar", data={"email": "activa@example.org"})
    [recuperar] = smtp_server.wait_for(1)
    assert recuperar["Reply-To"] is None and IGNORA in text_part(recuperar)
    path = enlace(recuperar)
    assert client.post(path, data={"password": "una frase nueva"}).status_code == 303
    aviso = smtp_server.wait_for(2)[1]
    assert aviso["Subject"] == "[Demostración] Tu contraseña cambió"
    assert aviso["Reply-To"] == DATOS
    assert pie(text_part(aviso)).splitlines()[1:] == [ESCRIBE]
    assert f'href="mailto:{DATOS}"' in html_part(aviso)
