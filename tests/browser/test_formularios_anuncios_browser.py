"""What a screen reader hears after a form's htmx answer: /curp's answer after an error comes
into the same live region (never a new one, which is not read), /cuenta/registro's checks on
leaving a field say their news in a status region there from the start, once, and each error
summary link of /curp/no-la-conozco lands on a control."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, wait_until

pytestmark = pytest.mark.browser

VALID = "PXNE660720HMCXTN06"
SETTLED = ".htmx-request, .htmx-settling, .htmx-added"

# Every change to a region's text while it stays in the page (what a screen reader reads).
WATCH = """(id) => {
  const region = document.getElementById(id);
  window.__region = region;
  window.__heard = [];
  new MutationObserver(() => window.__heard.push(region.textContent.trim()))
    .observe(region, {childList: true, subtree: true, characterData: true});
  return region !== null;
}"""
SAME = "(id) => document.getElementById(id) === window.__region && window.__region.isConnected"


def test_curp_answer_after_an_error_is_said_by_the_same_live_region(
    phone: Any, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/curp")
    phone.get_by_role("button", name="Revisar").click()
    expect(phone.locator(".error-summary")).to_be_focused()
    assert phone.evaluate(WATCH, "resultado")
    phone.locator("#campo-curp").fill(VALID)
    phone.get_by_role("button", name="Revisar").click()
    expect(phone.locator("#resultado")).to_contain_text(f"{VALID} está bien formada")
    expect(phone.locator(".error-summary")).to_have_count(0)
    expect(phone.locator("#campo-curp")).not_to_have_attribute("aria-invalid", "true")
    assert phone.evaluate(SAME, "resultado"), "the live region was replaced: nothing is read"
    assert phone.evaluate("window.__heard.some(t => t.includes('bien formada'))")
    assert phone.locator("#resultado").get_attribute("aria-live") == "polite"
    # The button pressed was redrawn with the form: its place keeps the focus.
    expect(phone.get_by_role("button", name="Revisar")).to_be_focused()


def test_registration_checks_say_their_news_once(phone: Any, live_server: LiveServer) -> None:
    phone.goto(live_server.url + "/cuenta/registro")
    assert phone.evaluate(WATCH, "estado-campos"), "no status region from page load"
    status = phone.locator("#estado-campos")
    curp = phone.locator("#campo-curp")
    curp.fill(VALID[:17])
    curp.press("Tab")
    expect(phone.locator("#error-curp")).to_be_visible()
    expect(status).to_contain_text("Error:")
    said = status.inner_text()
    assert phone.evaluate(SAME, "estado-campos")
    heard = phone.evaluate("window.__heard.length")

    # The same message again (the CURP as typed, with a space): nothing new is said.
    expect(phone.locator(SETTLED)).to_have_count(0)
    phone.evaluate("document.getElementById('grupo-curp').dataset.viejo = '1'")
    curp.fill(VALID[:17] + " ")
    curp.press("Tab")
    wait_until(phone, "!document.getElementById('grupo-curp').dataset.viejo")
    expect(phone.locator(SETTLED)).to_have_count(0)
    assert phone.evaluate("window.__heard.length") == heard and status.inner_text() == said

    curp.fill(VALID)
    curp.press("Tab")
    expect(phone.locator("#error-curp")).to_have_count(0)
    expect(status).to_have_text("Ya no hay error en la CURP.")

    expect(phone.locator(SETTLED)).to_have_count(0)
    password = phone.locator("#campo-password")
    password.fill("pedro123")
    password.press("Tab")
    expect(phone.locator("#error-password")).to_be_visible()
    message = phone.locator("#error-password").inner_text().replace("Error:", "").strip()
    expect(status).to_contain_text(message)
    assert phone.evaluate(SAME, "estado-campos")


def test_each_summary_link_of_the_calculation_focuses_its_control(
    phone: Any, live_server: LiveServer
) -> None:
    phone.goto(live_server.url + "/curp/no-la-conozco")
    phone.get_by_role("button", name="Calcular").click()
    summary = phone.locator(".error-summary")
    expect(summary).to_be_focused()
    hrefs = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "#campo-sexo" in hrefs
    for href in hrefs:
        summary.locator(f"a[href='{href}']").click()
        assert phone.evaluate("'#' + document.activeElement.id") == href
    sexo = phone.locator("#campo-sexo")
    assert sexo.get_attribute("type") == "radio"
