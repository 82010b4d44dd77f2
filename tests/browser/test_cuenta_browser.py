"""The Oficina Virtual journey on a phone: register, read the email from a real SMTP server,
activate, sign in, reach the signed-in home and sign out, with no axe violations on any page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from domain.models import Base
from tests.browser.conftest import LiveServer, assert_no_axe_violations, assert_no_horizontal_scroll
from tests.browser.page_helpers import scripts_ran, wait_until_solved
from tests.conftest import make_app
from tests.smtp import SmtpServer
from tests.web.cuenta_helpers import datos, enlace, seed

pytestmark = pytest.mark.browser
PASSWORD = "lumbre de otoño"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cuenta_server(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[Any]:
    """The portal as in production (no demo banner), CSRF on, mail to ``smtp``, served for real;
    the registry holds demo people."""
    tmp = tmp_path_factory.mktemp("cuenta")
    url = f"sqlite:///{tmp / 'cuenta.sqlite3'}"
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = make_app(
        tmp,
        url,
        ENV={**smtp.env, "DEMO_MODE": "0"},
        WTF_CSRF_ENABLED=True,
        TESTING=False,
        CAPTCHA_POW_COST=10,
        CAPTCHA_POW_COUNTER=(5, 20),
    )
    curp = seed(app)["issste_titular"][0]
    with LiveServer(app) as server:
        yield server, datos(app, curp)


def check(page: Any) -> None:
    assert page.locator("h1").count() == 1
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)


def test_from_registration_to_the_signed_in_home(
    phone: Any, cuenta_server: Any, smtp: SmtpServer
) -> None:
    from playwright.sync_api import expect

    server, persona = cuenta_server
    phone.goto(server.url + "/cuenta/registro")
    check(phone)

    # Sent empty: the summary links to each field, and the page is still accessible.
    phone.locator("[data-captcha-activo]").wait_for()
    phone.get_by_role("button", name="Crear cuenta").click()
    summary = phone.locator(".error-summary")
    summary.wait_for()
    expect(summary).to_be_focused()  # a whole new page: it starts at what to fix, not the top
    # site.js focused the summary before htmx took in the page, whose checks come next.
    scripts_ran(phone)
    assert "Escribe tu CURP." in summary.inner_text()
    assert phone.title().startswith("Error: ")
    check(phone)
    summary.get_by_role("link", name="Escribe tu CURP.").click()
    assert phone.evaluate("document.activeElement.id") == "campo-curp"

    # htmx checks the CURP and the password as soon as the person leaves the field.
    phone.locator("#campo-curp").fill(persona["curp"][:10])
    phone.locator("#campo-nombre").focus()
    expect(phone.locator("#error-curp")).to_contain_text("faltan 8 caracteres")
    # As a person would, type again once the answer has settled: htmx binds the new field's
    # trigger when its swap settles, and a change fired before that would go unheard.
    expect(phone.locator(".htmx-request, .htmx-settling, .htmx-added")).to_have_count(0)
    phone.locator("#campo-curp").fill(persona["curp"])
    phone.locator("#campo-nombre").focus()
    expect(phone.locator("#error-curp")).to_have_count(0)
    expect(phone).to_have_title("Error: Crea tu cuenta · Derechohabiencia")  # the summary stays

    phone.locator("#campo-nombre").fill(persona["nombre"])
    phone.locator("#campo-primer_apellido").fill(persona["primer_apellido"])
    phone.locator("#campo-segundo_apellido").fill(persona["segundo_apellido"])
    phone.locator("#campo-fecha_nacimiento").fill(persona["fecha_nacimiento"])
    phone.locator("#campo-email").fill("juana.titular@example.org")
    phone.locator("#campo-telefono").fill("55 1234 5678")
    phone.locator("#campo-password").fill("password")
    phone.locator("#campo-acepto").focus()
    expect(phone.locator("#error-password")).to_contain_text("10,000 más usadas")
    assert phone.locator("#campo-password").input_value() == "password"  # not erased
    phone.locator("#campo-password").fill(PASSWORD)
    phone.locator("#campo-acepto").check()
    expect(phone.locator("#error-password")).to_have_count(0)
    check(phone)

    # auto="onfocus": filling the form already started the proof of work.
    wait_until_solved(phone)
    phone.get_by_role("button", name="Crear cuenta").click()
    phone.get_by_role("heading", name="Revisa tu correo").wait_for()
    assert "j***@example.org" in phone.locator("main").inner_text()
    check(phone)

    [message] = smtp.wait_for(1)
    assert message["To"] == "juana.titular@example.org"
    phone.goto(server.url + enlace(message))
    check(phone)
    # The password chosen at registration, not only the link: a wrong one keeps the link.
    phone.get_by_label("Contraseña").fill("no es la mía")
    phone.get_by_role("button", name="Activar mi cuenta").click()
    expect(phone.locator("#error-password")).to_contain_text("no es la contraseña que elegiste")
    assert phone.title().startswith("Error: ")
    check(phone)
    phone.get_by_label("Contraseña").fill(PASSWORD)
    phone.get_by_role("button", name="Activar mi cuenta").click()
    phone.get_by_role("heading", name="Tu cuenta está activa").wait_for()
    check(phone)

    phone.get_by_role("link", name="Entrar", exact=True).last.click()
    phone.get_by_role("heading", name="Entra a la Oficina Virtual").wait_for()
    check(phone)
    phone.locator("#campo-curp").fill(persona["curp"].lower())
    phone.locator("#campo-password").fill(PASSWORD)
    phone.get_by_role("button", name="Entrar").click()
    phone.get_by_role("heading", name="Oficina Virtual", exact=True).wait_for()
    assert re.search(r"/oficina$", phone.url)
    assert persona["curp"] in phone.locator("main").inner_text()
    check(phone)

    phone.locator("header").get_by_role("button", name="Salir").click()
    phone.get_by_text("Saliste de tu cuenta.").wait_for()
    check(phone)
    phone.goto(server.url + "/oficina")
    assert "/cuenta/entrar" in phone.url
