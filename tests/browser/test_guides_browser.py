"""The start page, guides, FAQ and legal pages in chromium, and the static export on its own
origin calling the backend."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from domain.guides import load_library
from tests.browser.conftest import LiveServer, assert_no_axe_violations, assert_no_horizontal_scroll
from tests.browser.curp_helpers import VALID_CURP
from tests.browser.export_helpers import backend_app, freeze, static_host
from tests.browser.page_helpers import focused, scripts_ran, tab_to, watch_errors

pytestmark = pytest.mark.browser

LIBRARY = load_library(Path(__file__).resolve().parents[2] / "content")
CONTENT_URLS = ["/", *sorted(p.url for p in LIBRARY.pages.values())]
EXTRA_STATES = ["/?paso=para", "/?para=tengo&trabajo=no-se", "/preguntas-frecuentes?q=zzz"]
VIEWPORTS = ["phone", "desktop"]
NOT_FOUND_STATUS = "Failed to load resource: the server responded with a status of 404 (Not Found)"


def browser_page(request: pytest.FixtureRequest, viewport: str) -> Any:
    return request.getfixturevalue(viewport)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("url", CONTENT_URLS + EXTRA_STATES)
def test_content_page_is_accessible_and_fits(
    request: pytest.FixtureRequest, live_server: Any, viewport: str, url: str
) -> None:
    page = browser_page(request, viewport)
    errors = watch_errors(page)
    response = page.goto(live_server.url + url)
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)
    assert page.evaluate("window.__csp") == []
    assert errors == []


@pytest.mark.parametrize("url", ["/", "/?para=nss", "/guias/nss-imss", "/preguntas-frecuentes"])
def test_english_interface_is_accessible(phone: Any, live_server: Any, url: str) -> None:
    phone.goto(live_server.url + "/idioma?lang=en")
    phone.goto(live_server.url + url)
    assert phone.locator("html").get_attribute("lang") == "en"
    assert_no_horizontal_scroll(phone)
    assert_no_axe_violations(phone)


def test_faq_json_ld_breaks_no_content_security_policy(desktop: Any, live_server: Any) -> None:
    errors = watch_errors(desktop)
    response = desktop.goto(live_server.url + "/preguntas-frecuentes")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert desktop.locator('script[type="application/ld+json"]').count() == 1
    desktop.wait_for_load_state("load")
    assert desktop.evaluate("window.__csp") == []
    assert not [e for e in errors if "Content Security Policy" in e]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_start_page_choice_works_with_the_keyboard_only(
    request: pytest.FixtureRequest, live_server: Any, viewport: str
) -> None:
    page = browser_page(request, viewport)
    errors = watch_errors(page)
    page.goto(live_server.url + "/")
    page.wait_for_load_state("load")
    tab_to(page, 'input[name="para"]')
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")  # "Para probar que no tengo seguridad social"
    assert page.locator('input[name="para"][value="no-tengo"]').is_checked()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")

    expect(page.locator("#pregunta-piden")).to_be_visible()
    expect(page).to_have_url(re.compile(r"para=no-tengo"))
    assert focused(page) == "pregunta-piden"  # the new question, not the top of the page
    expect(page.locator("#estado-eleccion")).to_have_text("¿Qué constancia te pidieron?")
    page.keyboard.press("Tab")
    assert focused(page) == "campo-piden"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")  # "Las dos, o no lo sé"
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.locator("#respuesta")).to_be_visible()
    expect(page.locator("#estado-eleccion")).to_contain_text("Tu respuesta:")
    expect(page).to_have_url(re.compile(r"piden=ambas"))
    assert focused(page) == "respuesta"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == (
        "/constancias/sin-seguridad-social"
    )
    # The pushed URL renders the whole page when opened directly.
    page.reload()  # waits for the page's load, scripts included
    expect(page.locator("#respuesta")).to_be_visible()
    assert page.locator("h1").count() == 1
    assert errors == []


def test_start_page_choice_works_without_javascript(browser: Any, live_server: Any) -> None:
    context = browser.new_context(java_script_enabled=False, locale="es-MX")
    page = context.new_page()
    try:
        page.goto(live_server.url + "/")
        page.locator("button", has_text="Continuar").click()
        expect(page.locator(".error-summary")).to_be_visible()
        page.locator('input[name="para"][value="tengo"]').check()
        page.locator("button", has_text="Continuar").click()
        page.locator('input[name="trabajo"][value="gobierno"]').check()
        page.locator("button", has_text="Continuar").click()
        expect(page.locator("#respuesta")).to_be_visible()
        assert page.locator('a[href="/cuenta/registro"]').count() >= 1
    finally:
        context.close()


def test_faq_filters_as_you_type(desktop: Any, live_server: Any) -> None:
    errors = watch_errors(desktop)
    desktop.goto(live_server.url + "/preguntas-frecuentes")
    total = len(LIBRARY.faq_entries)
    expect(desktop.locator("#conteo-faq")).to_have_text(f"{total} preguntas.")
    desktop.locator("#campo-q").press_sequentially("contrasena", delay=30)
    expect(desktop.locator("#conteo-faq")).to_have_text("1 pregunta contiene “contrasena”.")
    expect(desktop.locator("#resultados-faq h2")).to_have_count(1)
    expect(desktop).to_have_url(re.compile(r"q=contrasena"))
    assert errors == []


@pytest.fixture(scope="module")
def export_and_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A backend whose PUBLIC_BASE_URL is its real address, and its static export served from
    another port (another origin)."""
    tmp = tmp_path_factory.mktemp("export")
    app = backend_app(tmp)
    backend = LiveServer(app)  # binds its port now, serves once entered
    build = freeze(app, backend.url, tmp / "build")
    with static_host(build) as static, backend:
        yield static, backend.url


@pytest.fixture(scope="module")
def export_without_backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """The static export of a backend that cannot be reached: its port refuses connections."""
    tmp = tmp_path_factory.mktemp("export-down")
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        backend = f"http://127.0.0.1:{closed.getsockname()[1]}"
    build = freeze(backend_app(tmp), backend, tmp / "build")
    with static_host(build) as static:
        yield static, backend


def test_exported_faq_filters_through_the_backend(
    desktop: Any, export_and_backend: tuple[str, str]
) -> None:
    static, backend = export_and_backend
    errors = watch_errors(desktop)
    asked: list[str] = []
    desktop.on("request", lambda r: asked.append(r.url) if "/buscar" in r.url else None)
    desktop.goto(static + "/preguntas-frecuentes/index.html")
    desktop.locator("#campo-q").press_sequentially("cuenta", delay=30)
    expect(desktop.locator("#conteo-faq")).to_contain_text("contienen “cuenta”")
    assert asked and all(u.startswith(backend + "/preguntas-frecuentes/buscar?") for u in asked)
    assert all("lang=es" in u for u in asked)  # cached by URL: the URL names the language
    results = desktop.locator("#resultados-faq a")
    hrefs = results.evaluate_all("els => els.map(e => e.href)")
    # Guides and legal pages open the export's copies; procedures are on the backend.
    assert static + "/aviso-de-privacidad/index.html" in hrefs
    assert backend + "/cuenta/recuperar" in hrefs
    assert all(h.startswith((static + "/", backend + "/")) for h in hrefs)
    results.filter(has_text="Constancias para tus beneficiarios").click()
    expect(desktop).to_have_url(
        static + "/guias/carnet-digital-issste/index.html#constancias-para-tus-beneficiarios"
    )
    expect(desktop.locator("h1")).to_have_count(1)
    assert errors == []


def test_exported_pages_are_accessible_and_degrade_to_the_backend(
    phone: Any, export_and_backend: tuple[str, str]
) -> None:
    static, backend = export_and_backend
    phone.goto(static + "/guias/carnet-digital-issste/index.html")
    expect(phone.locator("h1")).to_have_count(1)
    assert_no_axe_violations(phone)
    phone.locator(".breadcrumbs a").click()  # back to the exported start page
    expect(phone).to_have_url(static + "/index.html")
    assert_no_axe_violations(phone)
    phone.locator(".eleccion-arbol a", has_text="Número de Seguridad Social").click()
    expect(phone).to_have_url(static + "/index.html#documento-nss")
    start = phone.locator("#documento-nss + p + ul a").first
    assert start.get_attribute("href") == backend + "/imss/nss"  # procedures stay on the backend


def test_exported_404_page_works_at_any_depth(
    phone: Any, export_and_backend: tuple[str, str]
) -> None:
    """The static host answers a missing path with the export's 404.html: styled, accessible,
    and its links lead somewhere, however deep the path asked for."""
    static, backend = export_and_backend
    errors = watch_errors(phone)
    response = phone.goto(static + "/guias/no-existe/otra.html")
    assert response is not None and response.status == 404
    expect(phone.locator("h1")).to_have_text("No encontramos esta página")
    # The stylesheet loaded: the skip link waits off screen until focused.
    assert phone.locator(".skip-link").evaluate("e => getComputedStyle(e).position") == "absolute"
    # Nothing failed but the page itself, as its host says. (Checked before axe, which asks
    # for the backend's stylesheet with a request CORS refuses, and says so.)
    assert errors == [NOT_FOUND_STATUS]
    assert_no_horizontal_scroll(phone)
    assert_no_axe_violations(phone)
    phone.get_by_role("link", name="Ir a la página de inicio").click()
    expect(phone).to_have_url(backend + "/")


def test_exported_start_page_works_without_the_backend(
    desktop: Any, export_without_backend: tuple[str, str]
) -> None:
    static, _backend = export_without_backend
    errors = watch_errors(desktop)
    desktop.goto(static + "/index.html")
    assert_no_axe_violations(desktop)
    tab_to(desktop, '.eleccion-arbol a[href="#documento-no-afiliacion"]')
    desktop.keyboard.press("Enter")
    expect(desktop).to_have_url(static + "/index.html#documento-no-afiliacion")
    guide = desktop.locator("#documento-no-afiliacion + p + ul a").nth(1)
    guide.click()  # the guide is a static page too
    expect(desktop).to_have_url(static + "/guias/no-afiliacion-issste/index.html")
    expect(desktop.locator("h1")).to_have_count(1)
    scripts_ran(desktop)  # its scripts' errors too
    assert errors == []


def test_curp_guide_checks_as_you_type(desktop: Any, live_server: Any) -> None:
    errors = watch_errors(desktop)
    desktop.goto(live_server.url + "/guias/que-es-la-curp")
    desktop.get_by_label("CURP", exact=True).press_sequentially(VALID_CURP, delay=20)
    expect(desktop.locator("#resultado-curp")).to_contain_text(f"{VALID_CURP} está bien formada")
    assert_no_axe_violations(desktop)
    assert errors == []


def test_exported_curp_check_asks_the_backend(
    phone: Any, export_and_backend: tuple[str, str]
) -> None:
    static, backend = export_and_backend
    errors = watch_errors(phone)
    asked: list[str] = []
    phone.on("request", lambda r: asked.append(r.url) if "/curp" in r.url else None)
    phone.goto(static + "/guias/que-es-la-curp/index.html")
    field = phone.get_by_label("CURP", exact=True)
    field.press_sequentially(VALID_CURP[:6], delay=20)
    result = phone.locator("#resultado-curp")
    expect(result).to_have_text("Llevas 6 de 18 caracteres.")  # typing: progress, not an error
    field.press_sequentially(VALID_CURP[6:], delay=20)
    field.press("Enter")
    expect(result).to_contain_text(f"{VALID_CURP} está bien formada")
    assert asked and all(u.startswith(backend + "/curp/resultado?") for u in asked)
    hrefs = result.locator("a").evaluate_all("els => els.map(e => e.href)")
    assert hrefs and all(h.startswith(backend + "/") for h in hrefs)
    assert_no_horizontal_scroll(phone)
    assert_no_axe_violations(phone)
    assert phone.evaluate("window.__csp") == []
    assert errors == []


def test_exported_curp_check_without_the_backend_offers_the_plain_link(
    phone: Any, export_without_backend: tuple[str, str]
) -> None:
    static, backend = export_without_backend
    phone.goto(static + "/guias/que-es-la-curp/index.html")
    field = phone.get_by_label("CURP", exact=True)
    field.fill(VALID_CURP)
    field.press("Enter")
    result = phone.locator("#resultado-curp")
    expect(result).to_contain_text("No pudimos revisar tu CURP en este momento")
    expect(result.locator("a")).to_have_attribute("href", backend + "/curp")
    assert_no_axe_violations(phone)
