"""The header's language link after htmx has changed the address: switching language keeps the
step, the search or the options the person had reached."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.page_helpers import scripts_ran

pytestmark = pytest.mark.browser


def path_and_query(page: Any) -> str:
    parts = urlsplit(page.url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def switch_to_english(page: Any) -> None:
    # idioma.js is deferred: a click before the page's `load` can beat its listener, and the
    # typed values would be lost the way they are without JavaScript.
    scripts_ran(page)
    page.locator(".lang-switch").get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_start_page_step_survives_the_switch(phone: Any, live_server: Any) -> None:
    phone.goto(live_server.url + "/")
    phone.get_by_label("Para probar que tengo servicio médico del IMSS o del ISSSTE").check()
    phone.get_by_role("button", name="Continuar").click()
    phone.get_by_label("Para una empresa o un patrón").check()
    phone.get_by_role("button", name="Continuar").click()
    expect(phone.get_by_role("heading", name="Lo que necesitas", exact=True)).to_be_visible()
    expect(phone).to_have_url(re.compile(r"/\?para=tengo&paso=trabajo&trabajo=empresa$"))
    step = path_and_query(phone)

    switch_to_english(phone)
    assert path_and_query(phone) == step
    expect(phone.get_by_role("heading", name="What you need", exact=True)).to_be_visible()


def test_a_step_back_is_the_one_kept(phone: Any, live_server: Any) -> None:
    phone.goto(live_server.url + "/")
    phone.get_by_label("Para probar que tengo servicio médico del IMSS o del ISSSTE").check()
    phone.get_by_role("button", name="Continuar").click()
    phone.get_by_label("Para una empresa o un patrón").check()
    phone.get_by_role("button", name="Continuar").click()
    expect(phone).to_have_url(re.compile(r"trabajo=empresa$"))
    phone.go_back()  # htmx restores the previous step
    expect(phone).to_have_url(re.compile(r"/\?paso=para&para=tengo$"))
    expect(phone.locator("#pregunta-trabajo")).to_be_visible()

    switch_to_english(phone)
    assert path_and_query(phone) == "/?paso=para&para=tengo"


def test_faq_search_survives_the_switch(phone: Any, live_server: Any) -> None:
    phone.goto(live_server.url + "/preguntas-frecuentes")
    phone.locator("#campo-q").press_sequentially("nss", delay=30)
    expect(phone).to_have_url(re.compile(r"\?q=nss$"))  # htmx replaced the address

    switch_to_english(phone)
    assert path_and_query(phone) == "/preguntas-frecuentes?q=nss"
    expect(phone.locator("#campo-q")).to_have_value("nss")


def test_integration_options_survive_the_switch(phone: Any, live_server: Any) -> None:
    phone.goto(live_server.url + "/integracion")
    phone.locator("input[name=tema][value=dark]").check()
    expect(phone).to_have_url(re.compile(r"tema=dark"))

    switch_to_english(phone)
    assert urlsplit(phone.url).path == "/integracion"
    expect(phone.locator("input[name=tema][value=dark]")).to_be_checked()


def test_the_link_still_works_where_htmx_changed_nothing(phone: Any, live_server: Any) -> None:
    phone.goto(live_server.url + "/preguntas-frecuentes?q=correo")
    switch_to_english(phone)
    assert path_and_query(phone) == "/preguntas-frecuentes?q=correo"


def test_the_checked_curp_and_its_answer_survive_the_switch(phone: Any, live_server: Any) -> None:
    phone.goto(live_server.url + "/curp")
    phone.get_by_label("CURP").fill("pxne660720hmcxtn06")
    phone.get_by_role("button", name="Revisar").click()
    expect(phone).to_have_url(re.compile(r"/curp\?curp=pxne660720hmcxtn06$"))  # htmx replaced it
    assert phone.locator("#resultado .panel--ok").count() == 1

    switch_to_english(phone)
    assert path_and_query(phone) == "/curp?curp=pxne660720hmcxtn06"
    expect(phone.get_by_label("CURP")).to_have_value("pxne660720hmcxtn06")
    expect(phone.locator("#resultado .panel--ok")).to_have_count(1)


STORAGE = "derechohabiencia:formularios-al-cambiar-idioma"


def fill_registration(page: Any) -> None:
    page.get_by_label("CURP").fill("PEGJ850315HJCRRN06")
    page.get_by_label("Nombre o nombres").fill("Juana")
    page.get_by_label("Primer apellido").fill("Pérez")
    page.get_by_label("Correo electrónico").fill("juana@example.org")
    page.locator("input[type=password]").first.fill("una contraseña larga 123")
    page.locator("input[name=acepto]").check()


def test_what_was_typed_in_a_form_survives_the_switch_but_passwords(
    phone: Any, live_server: Any
) -> None:
    phone.goto(live_server.url + "/cuenta/registro")
    fill_registration(phone)

    switch_to_english(phone)
    assert urlsplit(phone.url).path == "/cuenta/registro"
    expect(phone.locator("input[name=curp]")).to_have_value("PEGJ850315HJCRRN06")
    expect(phone.locator("input[name=nombre]")).to_have_value("Juana")
    expect(phone.locator("input[name=primer_apellido]")).to_have_value("Pérez")
    expect(phone.locator("input[name=email]")).to_have_value("juana@example.org")
    expect(phone.locator("input[name=acepto]")).to_be_checked()
    for password in phone.locator("input[type=password]").all():
        expect(password).to_have_value("")
    # Forgotten once put back: nothing typed stays in the tab's storage.
    assert phone.evaluate(f"sessionStorage.getItem('{STORAGE}')") is None


def test_a_form_sent_back_with_errors_keeps_its_values_across_the_switch(
    phone: Any, live_server: Any
) -> None:
    phone.goto(live_server.url + "/cuenta/registro")
    phone.get_by_label("CURP").fill("PEGJ850315HJCRRN06")
    phone.get_by_label("Correo electrónico").fill("juana@example.org")
    phone.get_by_role("button", name="Crear cuenta").click()
    expect(phone.locator(".error-summary, [role=alert]").first).to_be_visible()

    switch_to_english(phone)
    expect(phone.locator("input[name=curp]")).to_have_value("PEGJ850315HJCRRN06")
    expect(phone.locator("input[name=email]")).to_have_value("juana@example.org")


def test_what_was_kept_is_not_put_back_after_a_minute_nor_on_another_page(
    phone: Any, live_server: Any
) -> None:
    phone.goto(live_server.url + "/cuenta/registro")
    kept = '[{"form": "/cuenta/registro#1", "name": "nombre", "value": "Juana", "checked": null}]'
    for route, until in [("/cuenta/registro", "Date.now() - 1"), ("/otra", "Date.now() + 60000")]:
        phone.evaluate(
            f"sessionStorage.setItem('{STORAGE}', JSON.stringify("
            f"{{ruta: '{route}', hasta: {until}, campos: {kept}}}))"
        )
        phone.reload()  # waits for the page's load: idioma.js has had its chance
        expect(phone.locator("input[name=nombre]")).to_have_value("")
        assert phone.evaluate(f"sessionStorage.getItem('{STORAGE}')") is None
