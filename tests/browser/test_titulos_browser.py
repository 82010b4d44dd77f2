"""document.title under htmx: a swap that draws a form's errors starts it with "Error:" (as the
full page does, GOV.UK) and the swap that clears them takes it away; a guide keeps its own."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser

VALID = "PXNE660720HMCXTN06"
ERROR = re.compile(r"^Error: ")


def test_curp_check_title_says_error_until_the_error_is_fixed(
    phone: Any, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/curp")
    expect(phone).to_have_title("Revisa tu CURP · Derechohabiencia")
    phone.evaluate("window.mismaPagina = true")
    phone.get_by_role("button", name="Revisar").click()
    expect(phone.locator(".error-summary")).to_be_visible()
    expect(phone).to_have_title("Error: Revisa tu CURP · Derechohabiencia")
    assert phone.evaluate("window.mismaPagina === true")  # swapped by htmx, not a new page
    assert phone.url == live_server.url + "/curp?curp="  # the address the GET without JS has
    phone.locator("#campo-curp").press_sequentially(VALID, delay=20)
    expect(phone.locator("#resultado")).to_contain_text("bien formada")
    expect(phone).to_have_title("Revisa tu CURP · Derechohabiencia")


def test_generator_title_says_error_until_the_data_is_complete(
    phone: Any, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/curp/no-la-conozco")
    phone.get_by_label("Nombre o nombres").fill("Ofelia")
    phone.get_by_role("button", name="Calcular").click()
    expect(phone.locator(".error-summary")).to_be_visible()
    expect(phone).to_have_title("Error: ¿No conoces tu CURP? · Derechohabiencia")
    phone.get_by_label("Primer apellido").fill("Pedrero")
    phone.get_by_label("Fecha de nacimiento").fill("1980-04-05")
    phone.get_by_label("Mujer").check()
    phone.get_by_label("Entidad de nacimiento").select_option("JC")
    phone.get_by_role("button", name="Calcular").click()
    expect(phone.locator("#resultado")).to_contain_text("PEXO800405MJC")
    expect(phone).to_have_title("¿No conoces tu CURP? · Derechohabiencia")


def test_no_afiliacion_and_nss_titles_follow_their_errors(
    phone: Any, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/constancias/no-afiliacion")
    title = "Constancia de No Afiliación al ISSSTE · Derechohabiencia"
    phone.get_by_role("button", name="Buscar").click()
    expect(phone.locator(".error-summary")).to_be_visible()
    expect(phone).to_have_title("Error: " + title)
    phone.get_by_label("CURP").fill(VALID)
    phone.get_by_role("button", name="Buscar").click()
    expect(phone.locator(".error-summary")).to_have_count(0)
    expect(phone).to_have_title(title)

    phone.goto(live_server.url + "/imss/nss")
    phone.get_by_role("button", name="Enviar mi NSS a mi correo").click()
    expect(phone.locator(".error-summary")).to_be_visible()
    expect(phone).to_have_title("Error: Consultar mi NSS · Derechohabiencia")


def test_start_page_title_says_error_while_no_answer_is_chosen(
    phone: Any, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/")
    expect(phone).not_to_have_title(ERROR)
    phone.locator("button", has_text="Continuar").click()
    expect(phone.locator(".error-summary")).to_be_visible()
    expect(phone).to_have_title("Error: ¿Qué documento necesitas? · Derechohabiencia")
    phone.locator('input[name="para"][value="tengo"]').check()
    phone.locator("button", has_text="Continuar").click()
    expect(phone.locator("#pregunta-trabajo")).to_be_visible()
    # Each step pushed to history is named for its question, then for the answer.
    trabajo = "¿Trabajas o trabajaste para el gobierno o para una empresa?"
    expect(phone).to_have_title(f"{trabajo} · ¿Qué documento necesitas? · Derechohabiencia")
    phone.locator('input[name="trabajo"][value="gobierno"]').check()
    phone.locator("button", has_text="Continuar").click()
    expect(phone.locator("#respuesta")).to_be_visible()
    expect(phone).to_have_title("Lo que necesitas · ¿Qué documento necesitas? · Derechohabiencia")
    phone.go_back()
    expect(phone).to_have_title(f"{trabajo} · ¿Qué documento necesitas? · Derechohabiencia")


def test_the_check_inside_a_guide_keeps_the_guide_s_title(
    phone: Any, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/guias/que-es-la-curp")
    title = phone.title()
    phone.get_by_role("button", name="Revisar").click()
    expect(phone.locator("#resultado-curp")).to_contain_text("Escribe tu CURP.")
    assert phone.title() == title and not ERROR.match(title)
