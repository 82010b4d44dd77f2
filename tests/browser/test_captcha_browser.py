"""The captcha in a real browser: the ALTCHA widget under our strict CSP, by keyboard, and the
question in words with JavaScript off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from blueprints.captcha import DEFAULT_COST, DEFAULT_COUNTER
from domain.captcha import NUMEROS
from tests.browser.conftest import LiveServer, assert_no_axe_violations
from tests.browser.page_helpers import scripts_ran, wait_until_solved
from tests.conftest import sqlite_database
from tests.web.captcha_form_helpers import form_app

pytestmark = pytest.mark.browser
FORM_PATH = "/prueba/formulario-sitio"  # a form in the site's real layout (htmx, site.js)
LISTEN_CSP = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation', function (e) {"
    "  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("captcha")
    url = sqlite_database(tmp / "captcha.sqlite3")
    # The real difficulty: the proof of work runs as it will for people.
    app = form_app(tmp, url, CAPTCHA_POW_COST=DEFAULT_COST, CAPTCHA_POW_COUNTER=DEFAULT_COUNTER)
    with LiveServer(app) as live:
        yield live


def watch(page: Any, server: LiveServer) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {"errors": [], "foreign": []}
    page.add_init_script(LISTEN_CSP)
    page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
    page.on(
        "console",
        lambda msg: msg.type == "error" and seen["errors"].append(msg.text),
    )
    page.on(
        "request",
        lambda req: req.url.startswith(server.url) or seen["foreign"].append(req.url),
    )
    return seen


def test_widget_solves_by_keyboard_under_strict_csp(desktop: Any, server: LiveServer) -> None:
    seen = watch(desktop, server)
    desktop.goto(server.url + FORM_PATH)
    desktop.locator("[data-captcha-activo]").wait_for()
    assert desktop.locator("[data-captcha-pregunta]").is_hidden()
    assert desktop.locator("input[name=captcha_respuesta]").is_disabled()
    checkbox = desktop.get_by_role("checkbox", name="No soy un programa automático")
    assert checkbox.is_visible()

    # auto="onfocus": typing in the first field starts the proof of work; Tab reaches the box.
    desktop.locator("#campo-nombre").fill("Juana")
    desktop.keyboard.press("Tab")
    focused = desktop.locator("altcha-widget input[type=checkbox]")
    assert focused.evaluate("el => el === document.activeElement")
    wait_until_solved(desktop)
    assert desktop.get_by_role("checkbox", name="Verificación completa").is_checked()
    desktop.keyboard.press("Tab")
    desktop.keyboard.press("Enter")
    desktop.locator("#enviado").wait_for()
    scripts_ran(desktop)  # the page the form sent back, its scripts included

    assert desktop.evaluate("window.__csp") == []
    assert seen["errors"] == [] and seen["foreign"] == []


def test_space_on_the_box_starts_the_check(desktop: Any, server: LiveServer) -> None:
    desktop.goto(server.url + FORM_PATH)
    desktop.locator("[data-captcha-activo]").wait_for()
    desktop.get_by_role("checkbox", name="No soy un programa automático").focus()
    desktop.keyboard.press("Space")
    wait_until_solved(desktop)
    assert desktop.get_by_role("checkbox", name="Verificación completa").is_checked()


def test_an_english_page_shows_the_widget_in_english(browser: Any, server: LiveServer) -> None:
    context = browser.new_context(locale="es-MX")  # the page's language, not the browser's
    context.add_cookies([{"name": "lang", "value": "en", "url": server.url}])
    page = context.new_page()
    try:
        page.goto(server.url + FORM_PATH)
        page.locator("[data-captcha-activo]").wait_for()
        checkbox = page.get_by_role("checkbox", name="I am not an automated program")
        assert checkbox.is_visible()
        checkbox.focus()
        page.keyboard.press("Space")
        wait_until_solved(page)
        assert page.get_by_role("checkbox", name="Check complete").is_checked()
        assert "programa automático" not in page.locator("altcha-widget").inner_text()
    finally:
        context.close()


def test_widget_page_and_its_error_are_accessible(phone: Any, server: LiveServer) -> None:
    phone.goto(server.url + FORM_PATH)
    phone.locator("[data-captcha-activo]").wait_for()
    assert_no_axe_violations(phone)
    phone.get_by_role("button", name="Enviar").click()  # without solving it
    summary = phone.locator(".error-summary")
    summary.wait_for()
    assert "Resuelve la verificación para continuar" in summary.inner_text()
    phone.locator("[data-captcha-activo]").wait_for()
    summary.get_by_role("link").click()
    assert phone.evaluate("document.activeElement.id") == "campo-captcha"
    assert_no_axe_violations(phone)


def test_a_form_swapped_in_by_htmx_gets_a_working_widget(desktop: Any, server: LiveServer) -> None:
    seen = watch(desktop, server)
    desktop.goto(server.url + "/prueba/formulario-htmx")
    first = desktop.locator("#zona [data-captcha-activo]")
    first.wait_for()
    first.evaluate("el => el.setAttribute('data-viejo', '')")
    desktop.get_by_role("button", name="Enviar").click()  # not solved: errors come back
    desktop.locator("#zona .error-summary").wait_for()
    swapped = desktop.locator("#zona [data-captcha-activo]:not([data-viejo])")
    swapped.wait_for()
    assert desktop.locator("#zona [data-captcha-pregunta]").is_hidden()
    desktop.locator("#campo-nombre").fill("Juana")
    desktop.keyboard.press("Tab")
    wait_until_solved(desktop)
    desktop.get_by_role("button", name="Enviar").click()
    desktop.locator("#zona #enviado").wait_for()
    assert desktop.evaluate("window.__csp") == [] and seen["errors"] == []


def answer_the_question(page: Any) -> None:
    label = page.get_by_text(re.compile(r"¿Cuánto es \w+ más \w+\?")).inner_text()
    a, b = re.findall(r"¿Cuánto es (\w+) más (\w+)\?", label)[0]
    page.get_by_role("textbox", name=re.compile("Verificación")).fill(
        NUMEROS[NUMEROS.index(a) + NUMEROS.index(b)]
    )


def test_the_question_comes_back_if_the_widget_fails(desktop: Any, server: LiveServer) -> None:
    desktop.route("**/captcha/reto", lambda route: route.fulfill(status=503, body="no"))
    desktop.goto(server.url + FORM_PATH)
    desktop.locator("[data-captcha-activo]").wait_for()
    desktop.get_by_text("No soy un programa automático").click()  # the label, as people do
    desktop.locator("[data-captcha-pregunta-visible]").wait_for()
    assert desktop.locator("altcha-widget").is_hidden()
    desktop.locator("#campo-nombre").fill("Juana")
    answer_the_question(desktop)
    desktop.get_by_role("button", name="Enviar").click()
    desktop.locator("#enviado").wait_for()


def test_without_javascript_the_question_in_words_works(browser: Any, server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False, locale="es-MX")
    page = context.new_page()
    try:
        page.goto(server.url + FORM_PATH)
        assert page.locator("altcha-widget").is_hidden()
        answer_the_question(page)
        page.locator("#campo-nombre").fill("Juana")
        page.get_by_role("button", name="Enviar").click()
        page.locator("#enviado").wait_for()
    finally:
        context.close()
