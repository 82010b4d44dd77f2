"""/curp and /curp/no-la-conozco at 360px: an error marks its field (aria-invalid, an inline
message, the summary) with JavaScript as without it, and the next answer clears it."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, assert_no_axe_violations

pytestmark = pytest.mark.browser

VALID = "PXNE660720HMCXTN06"


def test_empty_check_with_javascript_marks_the_field(phone: Any, live_server: LiveServer) -> None:
    phone.goto(live_server.url + "/curp")
    curp = phone.locator("#campo-curp")
    curp.press_sequentially("PXNE66", delay=20)  # typing: progress, not an error
    expect(phone.locator("#resultado")).to_contain_text("Llevas 6 de 18 caracteres")
    curp.fill("")
    phone.get_by_role("button", name="Revisar").click()
    summary = phone.locator(".error-summary")
    expect(summary).to_contain_text("Escribe tu CURP.")
    expect(summary).to_be_focused()
    expect(phone.locator("#campo-curp")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#error-curp")).to_contain_text("Escribe tu CURP.")
    assert_no_axe_violations(phone)
    phone.locator("#campo-curp").press_sequentially(VALID.lower(), delay=20)
    expect(phone.locator("#resultado")).to_contain_text(f"{VALID} está bien formada")
    expect(phone.locator(".error-summary")).to_have_count(0)
    expect(phone.locator("#campo-curp")).not_to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#campo-curp")).to_be_focused()


def test_empty_check_inside_the_curp_guide_marks_the_field(
    phone: Any, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/guias/que-es-la-curp")
    phone.get_by_role("button", name="Revisar").click()
    expect(phone.locator("#resultado-curp")).to_contain_text("Escribe tu CURP.")
    expect(phone.locator("#campo-curp")).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#campo-curp")).to_have_attribute(
        "aria-describedby", "ayuda-curp error-curp"
    )
    assert_no_axe_violations(phone)
    phone.locator("#campo-curp").press_sequentially(VALID, delay=20)
    expect(phone.locator("#resultado-curp")).to_contain_text(f"{VALID} está bien formada")
    expect(phone.locator("#campo-curp")).not_to_have_attribute("aria-invalid", "true")
    # A CURP with problems is an answer about the CURP, not an error in filling the field.
    phone.locator("#campo-curp").fill("PXNE661320HMCXTN07")
    phone.get_by_role("button", name="Revisar").click()
    expect(phone.locator("#resultado-curp")).to_contain_text("El mes 13 no existe")
    expect(phone.locator("#campo-curp")).not_to_have_attribute("aria-invalid", "true")


def test_empty_check_without_javascript_marks_the_field(
    browser: Any, live_server: LiveServer
) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(live_server.url + "/curp")
        page.get_by_role("button", name="Revisar").click()
        page.wait_for_url("**/curp?curp=")
        expect(page.locator(".error-summary")).to_contain_text("Escribe tu CURP.")
        expect(page.locator("#campo-curp")).to_have_attribute("aria-invalid", "true")
    finally:
        context.close()


def test_empty_check_in_the_widget_marks_the_field(phone: Any, live_server: LiveServer) -> None:
    phone.goto(live_server.url + "/embed/curp")
    phone.get_by_role("button", name="Revisar").click()
    expect(phone.locator("#resultado #error-curp")).to_contain_text("Escribe tu CURP.")
    field = phone.locator("#campo-curp")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "ayuda-curp error-curp")
    assert_no_axe_violations(phone)
    field.fill(VALID)
    expect(phone.locator("#resultado")).to_contain_text("bien formada")
    expect(field).not_to_have_attribute("aria-invalid", "true")
    expect(field).to_have_attribute("aria-describedby", "ayuda-curp")


def test_generator_errors_with_javascript_mark_each_field(
    phone: Any, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/curp/no-la-conozco")
    phone.get_by_label("Nombre o nombres").fill("Ofelia")
    phone.get_by_role("button", name="Calcular").click()
    summary = phone.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Elige tu entidad de nacimiento.")
    for name in ("primer_apellido", "fecha_nacimiento", "entidad"):
        expect(phone.locator(f"#campo-{name}")).to_have_attribute("aria-invalid", "true")
        expect(phone.locator(f"#error-{name}")).to_be_visible()
    expect(phone.locator("#error-sexo")).to_be_visible()
    expect(phone.get_by_label("Nombre o nombres")).to_have_value("Ofelia")
    assert_no_axe_violations(phone)
    phone.get_by_label("Primer apellido").fill("Pedrero")
    phone.get_by_label("Segundo apellido (si tienes)").fill("Domínguez")
    phone.get_by_label("Fecha de nacimiento").fill("1980-04-05")
    phone.get_by_label("Mujer").check()
    phone.get_by_label("Entidad de nacimiento").select_option("JC")
    phone.get_by_role("button", name="Calcular").click()
    expect(phone.locator("#resultado")).to_contain_text("PXDO800405MJCDMF")
    expect(phone.locator(".error-summary")).to_have_count(0)
    expect(phone.locator("[aria-invalid]")).to_have_count(0)


def focused(page: Any) -> str:
    """Where the focus is: the element's id, or its tag when it has none ("BODY")."""
    return str(page.evaluate("document.activeElement.id || document.activeElement.tagName"))


def after_an_empty_check(page: Any, live_server: LiveServer) -> Any:
    """/curp showing the error of an empty check (its form is redrawn whole next time)."""
    page.goto(live_server.url + "/curp")
    page.get_by_role("button", name="Revisar").click()
    expect(page.locator(".error-summary")).to_be_focused()
    return page.locator("#campo-curp")


@pytest.mark.parametrize(
    ("typed", "answer"),
    [(VALID, f"{VALID} está bien formada"), ("PXNE661320HMCXTN07", "La CURP tiene 2 problemas")],
)
def test_revisar_within_the_typing_delay_keeps_the_focus_off_the_page(
    phone: Any, live_server: LiveServer, typed: str, answer: str
) -> None:
    # Tapped before the typing check goes out (400 ms), "Revisar" redraws the whole form,
    # button included: the new button takes the focus, never the page, and the answer is said
    # by its live region, which stays in the page (tests/browser/test_formularios_anuncios_
    # browser.py).
    field = after_an_empty_check(phone, live_server)
    field.press_sequentially(typed, delay=10)
    phone.get_by_role("button", name="Revisar").tap()
    result = phone.locator("#resultado")
    expect(result).to_contain_text(answer)
    expect(phone.locator(".error-summary")).to_have_count(0)
    expect(field).not_to_have_attribute("aria-invalid", "true")
    button = phone.get_by_role("button", name="Revisar")
    expect(button).to_be_focused()
    phone.wait_for_timeout(600)  # past the typing delay: no late swap takes it away
    expect(button).to_be_focused()
    expect(result).to_contain_text(answer)
    assert_no_axe_violations(phone)


def test_enter_in_the_field_within_the_typing_delay_leaves_the_focus_there(
    phone: Any, live_server: LiveServer
) -> None:
    # Enter sends the form as "Revisar" does, but the person is still in the field, where htmx
    # keeps the focus: the answer must not take it from them.
    field = after_an_empty_check(phone, live_server)
    field.press_sequentially(VALID, delay=10)
    field.press("Enter")
    expect(phone.locator("#resultado")).to_contain_text("bien formada")
    expect(phone.locator(".error-summary")).to_have_count(0)
    expect(field).to_be_focused()
    phone.wait_for_timeout(600)  # past the typing delay
    assert focused(phone) == "campo-curp"


def test_tabbing_to_revisar_while_the_typing_check_redraws_keeps_the_button(
    desktop: Any, live_server: LiveServer
) -> None:
    # Typing after an error redraws the form whole; a keyboard user already on the button
    # stays on it, and it still works.
    field = after_an_empty_check(desktop, live_server)
    field.press_sequentially(VALID, delay=10)
    desktop.keyboard.press("Tab")
    button = desktop.get_by_role("button", name="Revisar")
    expect(button).to_be_focused()
    expect(desktop.locator(".error-summary")).to_have_count(0)  # the typing check's redraw
    expect(desktop.locator("#resultado")).to_contain_text("bien formada")
    expect(button).to_be_focused()
    desktop.keyboard.press("Enter")  # the form now answers in its result region only
    expect(desktop.locator("#resultado")).to_contain_text("bien formada")
    expect(button).to_be_focused()
