"""The captcha on the registration page as a person meets it: already ticked by the time they
reach it (auto="onfocus"), saying so, and still ticked after they tap it as the hint once told
them to; and no Content Security Policy complaint along the way."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer
from tests.browser.page_helpers import scripts_ran
from tests.conftest import make_app, sqlite_database
from tests.web.cuenta_helpers import datos, seed

pytestmark = pytest.mark.browser
PASSWORD = "lumbre de otoño"
PENDIENTE = "Marca la casilla"
LISTO = "Listo: tu dispositivo ya hizo la comprobación. No tienes que marcar nada más."


@pytest.fixture(scope="module")
def registro(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    tmp = tmp_path_factory.mktemp("captcha-registro")
    url = sqlite_database(tmp / "registro.sqlite3")
    app = make_app(
        tmp,
        url,
        WTF_CSRF_ENABLED=True,
        TESTING=False,
        CAPTCHA_POW_COST=10,
        CAPTCHA_POW_COUNTER=(5, 20),
    )
    curp = seed(app)["issste_titular"][0]
    with LiveServer(app) as server:
        yield server, datos(app, curp)


def console_errors(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def wait_until_verified(page: Any, timeout_s: float = 60) -> None:
    # Polled from Python: Playwright's wait_for_function evaluates strings, which our CSP forbids.
    state = page.locator("altcha-widget .altcha")
    for _ in range(int(timeout_s * 10)):
        if state.get_attribute("data-state") == "verified":
            return
        page.wait_for_timeout(100)
    raise AssertionError("the widget never reached the verified state")


def fill_the_rest(page: Any, persona: dict[str, str]) -> None:
    page.locator("#campo-nombre").fill(persona["nombre"])
    page.locator("#campo-primer_apellido").fill(persona["primer_apellido"])
    page.locator("#campo-segundo_apellido").fill(persona["segundo_apellido"])
    page.locator("#campo-fecha_nacimiento").fill(persona["fecha_nacimiento"])
    page.locator("#campo-email").fill("captcha.tocado@example.org")
    page.locator("#campo-telefono").fill("55 1234 5678")
    page.locator("#campo-password").fill(PASSWORD)
    page.locator("#campo-acepto").check()


def test_a_solved_captcha_says_so_and_a_tap_keeps_it(phone: Any, registro: Any) -> None:
    server, persona = registro
    errors = console_errors(phone)
    phone.goto(server.url + "/cuenta/registro")
    phone.locator("[data-captcha-activo]").wait_for()
    hint = phone.locator("#ayuda-captcha-pow")
    expect(hint).to_contain_text(PENDIENTE)
    assert hint.get_attribute("aria-live") == "polite"  # the change is read, not only shown

    phone.locator("#campo-curp").fill(persona["curp"])  # the first field starts the check
    wait_until_verified(phone)
    expect(hint).to_have_text(LISTO)
    fill_the_rest(phone, persona)

    # Doing what the old hint said: tapping the box, or its words.
    for target in (".altcha-checkbox", "label"):
        phone.locator(f"altcha-widget {target}").tap()
        assert phone.locator("altcha-widget .altcha").get_attribute("data-state") == "verified"
        expect(phone.get_by_role("checkbox", name="Verificación completa")).to_be_checked()
        assert phone.locator("input[name=captcha]").input_value()
        expect(hint).to_have_text(LISTO)

    phone.get_by_role("button", name="Crear cuenta").click()
    expect(phone.get_by_role("heading", name="Revisa tu correo")).to_be_visible()
    scripts_ran(phone)  # its scripts' errors too
    assert errors == []


def test_no_content_security_policy_complaint_on_a_captcha_page(
    desktop: Any, registro: Any
) -> None:
    server, persona = registro
    errors = console_errors(desktop)
    response = desktop.goto(server.url + "/cuenta/registro")
    assert "style-src 'self'" in response.headers["content-security-policy"]
    desktop.locator("[data-captcha-activo]").wait_for()
    desktop.locator("#campo-curp").fill(persona["curp"])
    wait_until_verified(desktop)
    desktop.locator("altcha-widget label").click()
    desktop.wait_for_load_state("load")
    assert [e for e in errors if "Content Security Policy" in e or "violates" in e] == []
    assert errors == []
