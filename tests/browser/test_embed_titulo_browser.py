"""/embed/curp's title: "Error: " first while the widget shows an error, with widget.js (which
switches it as answers come in, failures included) and without JavaScript."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

VALID = "PXNE660720HMCXTN06"


def test_widget_title_says_error_while_it_shows_one(phone: Any, live_server: LiveServer) -> None:
    phone.goto(live_server.url + "/embed/curp")
    expect(phone).to_have_title("Revisa tu CURP · Derechohabiencia")
    phone.get_by_role("button", name="Revisar").click()
    expect(phone.locator("#resultado #error-curp")).to_contain_text("Escribe tu CURP.")
    expect(phone).to_have_title("Error: Revisa tu CURP · Derechohabiencia")
    assert phone.url == live_server.url + "/embed/curp"  # widget.js answered, no new page
    phone.locator("#campo-curp").fill(VALID)
    expect(phone.locator("#resultado")).to_contain_text("bien formada")
    expect(phone).to_have_title("Revisa tu CURP · Derechohabiencia")
    # An answer that never arrives is an error too.
    phone.route("**/embed/curp/resultado?*", lambda route: route.abort())
    phone.get_by_role("button", name="Revisar").click()
    expect(phone.locator("#resultado")).to_have_text(
        "No pudimos revisar la CURP. Vuelve a intentarlo."
    )
    expect(phone).to_have_title("Error: Revisa tu CURP · Derechohabiencia")


def test_widget_title_says_error_without_javascript(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/embed/curp?lang=en")
        page.get_by_role("button", name="Check").click()
        page.wait_for_url("**/embed/curp?lang=en&curp=")
        expect(page.locator("#error-curp")).to_be_visible()
        expect(page).to_have_title("Error: Check your CURP · Derechohabiencia")
    finally:
        context.close()
