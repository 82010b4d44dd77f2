"""An account's alerts are written in its owner's language (``Cuenta.idioma``), not in that of
whoever caused them: a stranger's wrong passwords, a registration with the owner's data, an
operator's command. What a person asks for (a link) comes in the language they asked in."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.web.cuenta_helpers import (
    BASE,
    activar,
    correos,
    crear_cuenta,
    cuenta,
    enlace,
    entrar,
    formulario,
    registrar,
    texto,
)

EMAIL = "owner@example.org"
DEMO = "[Demonstration] "  # the test app is a demo's (DEMO_MODE=1): its emails say so


def english(app: Flask) -> FlaskClient:
    client = app.test_client()
    client.set_cookie("lang", "en")
    return client


def registrada_en_ingles(app: Flask, curp: str) -> None:
    """An account registered and activated by its owner, in English."""
    owner = english(app)
    assert registrar(owner, formulario(app, curp, EMAIL)).status_code == 303
    [activacion] = correos(app, EMAIL)
    assert activacion["Content-Language"] == "en"
    assert activar(owner, enlace(activacion)).status_code == 200
    assert cuenta(app, curp).idioma == "en"


def ultimo(app: Flask, to: str) -> EmailMessage:
    return correos(app, to)[-1]


def asunto(message: EmailMessage) -> str:
    # A long subject is folded right after "Subject:", which the parser keeps as a space.
    return str(message["Subject"]).strip()


def en_ingles(message: EmailMessage) -> bool:
    """Written in English, and its links open the portal in English."""
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    hrefs = lxml_html.fromstring(str(html.get_content())).xpath("//a/@href")
    hrefs = [h for h in hrefs if not h.startswith("mailto:")]  # an alert's contact
    english_links = all(h.startswith(f"{BASE}/idioma?lang=en&next=/") for h in hrefs)
    return message["Content-Language"] == "en" and bool(hrefs) and english_links


def test_a_lock_caused_from_a_spanish_client_is_told_in_the_owner_s_english(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    registrada_en_ingles(app, curp)
    stranger = app.test_client()  # no language chosen: Spanish
    answers = [entrar(stranger, curp, f"no es {i}") for i in range(5)]
    assert answers[-1].status_code == 429
    assert "Vuelve a intentarlo en 15 minutos" in answers[-1].get_data(as_text=True)
    aviso = ultimo(app, EMAIL)
    assert asunto(aviso) == DEMO + "We paused sign-in to your account"
    assert en_ingles(aviso) and "Pausamos" not in texto(aviso)


def test_the_operator_s_closing_notice_follows_the_account_s_language(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    registrada_en_ingles(app, curp)
    result = app.test_cli_runner().invoke(args=["cuentas", "borrar", curp, "--si"])
    assert result.exit_code == 0, result.output
    assert "Cuenta borrada" in result.output  # the operator's own lines stay Spanish
    [aviso] = correos(app, EMAIL)
    assert asunto(aviso) == DEMO + "We closed your Virtual Office account"
    assert en_ingles(aviso)


def test_a_registration_with_the_owner_s_data_is_told_in_the_owner_s_language(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    registrada_en_ingles(app, curp)
    registro = registrar(app.test_client(), formulario(app, curp, "otro@example.org"))
    assert registro.status_code == 303
    aviso = ultimo(app, EMAIL)
    assert asunto(aviso) == DEMO + "Someone tried to create another account with your details"
    assert en_ingles(aviso)


def test_a_pending_registration_moved_elsewhere_tells_its_first_address_in_its_language(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    registrar(english(app), formulario(app, curp, "first@example.org"))
    registrar(app.test_client(), formulario(app, curp, "segunda@example.org"))
    aviso = ultimo(app, "first@example.org")
    assert asunto(aviso) == DEMO + "Your pending registration now uses another email address"
    assert en_ingles(aviso)
    # The new registration is the Spanish one's: its link, and the account's language.
    [activacion] = correos(app, "segunda@example.org")
    assert activacion["Content-Language"] == "es"
    assert cuenta(app, curp).idioma == "es"


def test_a_recovery_link_is_in_the_asker_s_language_and_its_alert_in_the_owner_s(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    registrada_en_ingles(app, curp)
    spanish = app.test_client()
    spanish.post("/cuenta/recuperar", data={"email": EMAIL})
    recuperar = ultimo(app, EMAIL)
    assert recuperar["Content-Language"] == "es"  # asked for in Spanish
    assert spanish.post(enlace(recuperar), data={"password": "río de plata"}).status_code == 303
    aviso = ultimo(app, EMAIL)
    assert asunto(aviso) == DEMO + "Your password changed" and en_ingles(aviso)


def test_switching_language_or_signing_in_signed_in_sets_the_account_s(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    crear_cuenta(app, curp, EMAIL)
    assert cuenta(app, curp).idioma == "es"
    owner = app.test_client()
    assert entrar(owner, curp).status_code == 303
    assert owner.get("/idioma?lang=en&next=/oficina").status_code == 302
    assert cuenta(app, curp).idioma == "en"
    app.test_client().get("/idioma?lang=es")  # anyone else's switch is only their cookie's
    assert cuenta(app, curp).idioma == "en"
    assert entrar(app.test_client(), curp).status_code == 303  # signed in in Spanish
    assert cuenta(app, curp).idioma == "es"
    assert entrar(english(app), curp).status_code == 303
    assert cuenta(app, curp).idioma == "en"
