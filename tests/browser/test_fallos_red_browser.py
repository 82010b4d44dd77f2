"""What the network does to an htmx form: a proxy's error page, a request that never ends, a
double tap on a download. Playwright plays the network (page.route); the portal is the real one.
Whatever goes wrong, the person reads why, where they are, and the form still works.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from tests.browser.conftest import assert_no_axe_violations
from tests.browser.curp_helpers import example
from tests.browser.page_helpers import wait_until_solved

pytestmark = pytest.mark.browser

PAGE = "/constancias/no-afiliacion"
BAD_GATEWAY = "<html><body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>"
FAILED = "Algo falló y no recibimos la respuesta del portal."
SLOW = "El portal está tardando demasiado en responder."


def search(page: Any, curp: str) -> None:
    page.get_by_label("CURP").fill(curp)
    page.get_by_role("button", name="Buscar").click()


def the_form_posts(route: Route) -> bool:
    return route.request.method == "POST"


def bad_gateway(route: Route) -> None:
    if the_form_posts(route):
        route.fulfill(status=502, content_type="text/html", body=BAD_GATEWAY)
    else:
        route.continue_()


def focus_in_alert(page: Any) -> bool:
    return bool(page.evaluate("document.activeElement.closest('#aviso') !== null"))


def test_a_proxy_error_is_said_in_the_alert_region_and_focused(
    phone: Any, live_server: Any, live_app: Any
) -> None:
    curp = example(live_app, "sin_afiliacion")
    phone.goto(live_server.url + PAGE)
    phone.route("**" + PAGE, bad_gateway)
    search(phone, curp)
    aviso = phone.locator("#aviso")
    expect(aviso).to_contain_text(FAILED)
    assert "Bad Gateway" not in phone.content()
    assert focus_in_alert(phone)
    assert phone.get_by_label("CURP").input_value() == curp
    assert_no_axe_violations(phone)

    phone.unroute("**" + PAGE)
    search(phone, curp)  # the form still works, and the stale alert goes
    phone.get_by_role("heading", name="No tienes afiliación vigente al ISSSTE").wait_for()
    expect(aviso).to_have_text("")


def test_an_english_page_says_it_in_english(phone: Any, live_server: Any, live_app: Any) -> None:
    phone.goto(live_server.url + f"/idioma?lang=en&next={PAGE}")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.route("**" + PAGE, bad_gateway)
    phone.get_by_label("CURP").fill(example(live_app, "sin_afiliacion"))
    phone.locator("form[data-ocupado] button[type=submit]").click()
    expect(phone.locator("#aviso")).to_contain_text("Something went wrong")


def test_an_unreachable_portal_takes_the_focus_to_the_alert(
    phone: Any, live_server: Any, live_app: Any
) -> None:
    # The alert is at the top of the page, off a phone's screen below the form: the focus
    # brings it into view and to a screen reader.
    phone.goto(live_server.url + PAGE)
    phone.route("**" + PAGE, lambda route: route.abort("internetdisconnected"))
    search(phone, example(live_app, "sin_afiliacion"))
    expect(phone.locator("#aviso")).to_contain_text("No pudimos conectar con el portal")
    assert focus_in_alert(phone)
    assert phone.locator("#aviso p").is_visible()
    assert phone.evaluate("document.querySelector('#aviso p').getBoundingClientRect().top >= 0")


def test_a_stalled_request_says_it_is_searching_then_times_out(
    phone: Any, live_server: Any, live_app: Any
) -> None:
    curp = example(live_app, "sin_afiliacion")
    phone.goto(live_server.url + PAGE)
    assert phone.evaluate("htmx.config.timeout") == 20000
    phone.evaluate("htmx.config.timeout = 1500")  # the test's patience, not the portal's
    stalled: list[Route] = []
    phone.route("**" + PAGE, lambda route: stalled.append(route))  # never answered
    search(phone, curp)
    expect(phone.get_by_role("status").filter(has_text="Buscando…")).to_be_visible()
    expect(phone.locator("#aviso")).to_contain_text(SLOW)
    assert focus_in_alert(phone)
    expect(phone.get_by_text("Buscando…")).to_have_count(0)
    assert_no_axe_violations(phone)


def test_a_new_search_replaces_a_stuck_one(phone: Any, live_server: Any, live_app: Any) -> None:
    curp = example(live_app, "sin_afiliacion")
    phone.goto(live_server.url + PAGE)
    stalled: list[Route] = []

    def stall_the_first(route: Route) -> None:
        if the_form_posts(route) and not stalled:
            stalled.append(route)  # never answered
        else:
            route.continue_()

    phone.route("**" + PAGE, stall_the_first)
    search(phone, curp)
    phone.wait_for_timeout(300)
    assert len(stalled) == 1
    # Without hx-sync the second search waited behind the first (until its timeout, if any).
    phone.get_by_role("button", name="Buscar").click()
    heading = phone.get_by_role("heading", name="No tienes afiliación vigente al ISSSTE")
    expect(heading).to_be_visible(timeout=5000)


def test_a_failed_search_leaves_no_answer_for_the_previous_curp(
    phone: Any, live_server: Any, live_app: Any
) -> None:
    phone.goto(live_server.url + PAGE)
    search(phone, example(live_app, "sin_afiliacion"))
    download = phone.get_by_role("button", name=re.compile("Descargar constancia"))
    expect(download).to_be_visible()
    phone.route("**" + PAGE, bad_gateway)
    search(phone, example(live_app, "issste_titular"))
    expect(phone.locator("#aviso")).to_contain_text(FAILED)
    expect(download).to_have_count(0)
    expect(phone.locator("#resultado")).to_have_text("")


def test_a_download_tapped_twice_is_asked_for_once(
    phone: Any, live_server: Any, live_app: Any
) -> None:
    phone.goto(live_server.url + PAGE)
    search(phone, example(live_app, "sin_afiliacion"))
    download = phone.get_by_role("button", name=re.compile("Descargar constancia"))
    asked: list[str] = []
    phone.on("request", lambda r: asked.append(r.url) if r.url.endswith("/descargar") else None)
    with phone.expect_download():
        download.click()
        download.click()
    expect(phone.get_by_role("status").filter(has_text="Descarga iniciada")).to_be_visible()
    phone.wait_for_timeout(500)
    assert len(asked) == 1
    assert_no_axe_violations(phone)
    # A download does not leave the page: a few seconds on, the button works again.
    expect(phone.get_by_text("Descarga iniciada")).to_have_count(0, timeout=8000)
    with phone.expect_download():
        download.click()
    assert len(asked) == 2


def test_a_certificate_form_tapped_twice_is_sent_once(
    phone: Any, live_server: Any, live_app: Any
) -> None:
    # A whole-page POST that issues something: the second tap while the first is on its way
    # (here it never arrives) is not a second request.
    phone.goto(live_server.url + "/constancias/no-derechohabiencia")
    phone.locator("[data-captcha-activo]").wait_for()
    phone.get_by_label("CURP").fill(example(live_app, "imss_baja"))
    phone.get_by_label("Correo electrónico").fill("dos.veces@example.org")
    phone.get_by_label("Correo electrónico").focus()
    wait_until_solved(phone)
    sent: list[Route] = []
    phone.route("**/constancias/no-derechohabiencia", lambda route: sent.append(route))
    # From the page's side: Playwright's own clicks wait for the navigation to end, and it never
    # would here. The taps are apart, as a person's are.
    said = phone.evaluate(
        """() => new Promise((done) => {
          const button = document.querySelector("form[method=post] button[type=submit]");
          button.click();
          setTimeout(() => button.click(), 300);
          const status = () => document.querySelector("form[method=post] [role=status]");
          setTimeout(() => done(status() && status().textContent), 600);
        })"""
    )
    assert [route.request.method for route in sent] == ["POST"]
    assert said == "Enviando…"


def test_a_form_stopped_on_its_way_works_again_once_edited(
    phone: Any, live_server: Any, live_app: Any
) -> None:
    # Stop (or Esc) cancels the sending and leaves the page as it was: nothing the page can see.
    # What it can see is the person changing the form, which then works at once, not 8 s later.
    phone.goto(live_server.url + "/constancias/no-derechohabiencia")
    phone.locator("[data-captcha-activo]").wait_for()
    phone.get_by_label("CURP").fill(example(live_app, "imss_baja"))
    phone.get_by_label("Correo electrónico").fill("detenido@example.org")
    phone.get_by_label("Correo electrónico").focus()
    wait_until_solved(phone)
    sent: list[Route] = []
    phone.route("**/constancias/no-derechohabiencia", lambda route: sent.append(route))
    status = phone.locator("form[method=post] [role=status]")
    said = phone.evaluate(
        """() => new Promise((done) => {
          document.querySelector("form[method=post] button[type=submit]").click();
          setTimeout(() => { window.stop(); done(
            document.querySelector("form[method=post] [role=status]").textContent); }, 300);
        })"""
    )
    assert said == "Enviando…" and len(sent) == 1
    phone.get_by_label("Correo electrónico").fill("detenida@example.org")
    expect(status).to_have_text("")
    said = phone.evaluate(
        """() => new Promise((done) => {
          document.querySelector("form[method=post] button[type=submit]").click();
          setTimeout(() => done(
            document.querySelector("form[method=post] [role=status]").textContent), 300);
        })"""
    )
    assert said == "Enviando…"
    assert [route.request.method for route in sent] == ["POST", "POST"]
