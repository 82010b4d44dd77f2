"""When an htmx request fails, the person reads why, where they are, and keeps what they typed."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from blueprints import guides
from tests.browser.conftest import LiveServer, assert_no_axe_violations
from tests.browser.curp_helpers import example

pytestmark = pytest.mark.browser

EXPIRE_THE_FORM = """() => {
  document.body.setAttribute("hx-headers", '{"X-CSRFToken": "caducado"}');
  document.querySelectorAll("input[name=csrf_token]").forEach((i) => { i.value = "caducado"; });
}"""


def search(page: Any, curp: str) -> None:
    page.get_by_label("CURP").fill(curp)
    page.get_by_role("button", name="Buscar").click()


def test_an_expired_form_says_so_in_place_and_keeps_the_curp(
    phone: Any, live_server: Any, live_app: Any
) -> None:
    curp = example(live_app, "sin_afiliacion")
    phone.goto(live_server.url + "/constancias/no-afiliacion")
    phone.evaluate(EXPIRE_THE_FORM)
    search(phone, curp)
    heading = phone.locator("#aviso h2")
    heading.wait_for()
    assert heading.inner_text() == "El formulario caducó"
    expect(phone).to_have_title("Error: Constancia de No Afiliación al ISSSTE · Derechohabiencia")
    assert phone.url.endswith("/constancias/no-afiliacion")  # no navigation, nothing lost
    assert phone.get_by_label("CURP").input_value() == curp
    assert phone.evaluate("document.activeElement.closest('#aviso') !== null")
    assert phone.locator("#aviso").get_attribute("aria-live") == "assertive"
    assert_no_axe_violations(phone)

    assert "vuelve a enviarlo" in phone.locator("#aviso").inner_text()
    # What the alert says to do: send it again, as it is (the alert brought a fresh token);
    # the answer comes and the alert goes.
    phone.get_by_role("button", name="Buscar").click()
    phone.get_by_role("heading", name="No tienes afiliación vigente al ISSSTE").wait_for()
    assert phone.locator("#aviso").inner_text() == ""


def test_an_unreachable_portal_is_said_plainly(phone: Any, live_server: Any, live_app: Any) -> None:
    curp = example(live_app, "sin_afiliacion")
    phone.goto(live_server.url + "/constancias/no-afiliacion")
    phone.route("**/constancias/no-afiliacion", lambda route: route.abort("internetdisconnected"))
    search(phone, curp)
    aviso = phone.locator("#aviso")
    aviso.get_by_text("No pudimos conectar con el portal").wait_for()
    assert phone.get_by_label("CURP").input_value() == curp
    phone.unroute("**/constancias/no-afiliacion")
    search(phone, curp)  # back online: the answer comes, the stale alert goes
    phone.get_by_role("heading", name="No tienes afiliación vigente al ISSSTE").wait_for()
    assert aviso.inner_text() == ""


def spend_all_but_one(app: Flask, path: str, limit: str) -> None:
    client = app.test_client()
    for _ in range(int(limit.split()[0]) - 1):
        client.get(path, environ_base={"REMOTE_ADDR": "127.0.0.1"})


def test_an_alert_while_typing_leaves_the_focus_in_the_field(
    phone: Any, live_app: Flask, live_server: LiveServer
) -> None:
    # Read out by the live region, the focus stays in the field: the next keystrokes still
    # land there (WCAG 3.2.2). An alert answering a button press takes the focus, as before.
    live_app.extensions["ratelimit"].enabled = True
    try:
        spend_all_but_one(live_app, "/preguntas-frecuentes?q=x", guides.SEARCH_LIMIT)
        phone.goto(live_server.url + "/preguntas-frecuentes")  # the budget's last request
        field = phone.locator("#campo-q")
        field.press_sequentially("correo")
        alert = phone.locator("#aviso h2")
        expect(alert).to_have_text("Demasiadas solicitudes")
        expect(field).to_be_focused()
        field.press_sequentially(" nuevo")
        expect(field).to_have_value("correo nuevo")

        phone.get_by_role("button", name="Buscar").click()
        expect(alert).to_be_focused()
    finally:
        live_app.extensions["ratelimit"].enabled = False
