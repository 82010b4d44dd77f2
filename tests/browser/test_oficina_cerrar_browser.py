"""Closing an account on a phone (360×740): from the Oficina's link to the confirmation, through
a blank and a wrong password, with no axe violations and no sideways scroll on any page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import assert_no_axe_violations, assert_no_horizontal_scroll
from tests.browser.curp_helpers import example
from tests.web.cuenta_helpers import PASSWORD, crear_cuenta

pytestmark = pytest.mark.browser


def check(page: Any) -> None:
    assert page.locator("h1").count() == 1
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)


def test_closing_an_account_on_a_phone(phone: Any, live_server: Any, live_app: Any) -> None:
    from playwright.sync_api import expect

    curp = example(live_app, "issste_pensionado")
    crear_cuenta(live_app, curp, "cierre@example.org")
    phone.goto(live_server.url + "/oficina")
    phone.locator("#campo-curp").fill(curp)
    phone.locator("#campo-password").fill(PASSWORD)
    phone.get_by_role("button", name="Entrar").click()
    phone.get_by_role("heading", name="Oficina Virtual", exact=True).wait_for()

    phone.get_by_role("link", name="Cerrar mi cuenta").click()
    phone.get_by_role("heading", name="Cierra tu cuenta").wait_for()
    check(phone)

    button = phone.get_by_role("button", name="Cerrar mi cuenta")
    button.click()  # blank: the summary comes first and leads to the field
    summary = phone.locator(".error-summary")
    expect(summary).to_be_focused()
    assert phone.title().startswith("Error: ")
    check(phone)
    summary.get_by_role("link", name="Escribe tu contraseña.").click()
    assert phone.evaluate("document.activeElement.id") == "campo-actual"

    phone.get_by_label("Tu contraseña").fill("no es la mía")
    phone.get_by_role("button", name="Cerrar mi cuenta").click()
    expect(phone.locator("#error-actual")).to_contain_text("Tu contraseña no es correcta.")
    check(phone)

    phone.get_by_label("Tu contraseña").fill(PASSWORD)
    phone.get_by_role("button", name="Cerrar mi cuenta").click()
    phone.get_by_role("heading", name="Cerraste tu cuenta").wait_for()
    assert phone.url == live_server.url + "/oficina/cuenta-cerrada"
    assert "c***@example.org" in phone.locator("main").inner_text()
    assert phone.locator("header").get_by_role("button", name="Salir").count() == 0
    check(phone)

    phone.goto(live_server.url + "/oficina")
    assert "/cuenta/entrar" in phone.url
