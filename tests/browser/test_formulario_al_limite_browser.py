"""A form a rate limit refuses, in a real browser: without JavaScript the same page comes back
with the CURP typed and an error summary (no axe violations), and sent again once the wait is
over it works; with JavaScript, a plain form's summary takes the focus as any summary does."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, assert_no_axe_violations, wait_until
from tests.conftest import make_app, sqlite_database
from tests.web.constancias_helpers import UNKNOWN
from tests.web.limite_helpers import agotar, olvidar_limites, otra_curp, token

pytestmark = pytest.mark.browser
NO_AFILIACION = "/constancias/no-afiliacion"


@pytest.fixture(scope="module")
def limited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, LiveServer]]:
    """The portal with its limits and CSRF on, served for real (the browser is 127.0.0.1, as
    the test client that spends its budget first)."""
    tmp = tmp_path_factory.mktemp("limite")
    app = make_app(
        tmp,
        sqlite_database(tmp / "limite.sqlite3"),
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=True,
        TESTING=False,
    )
    with LiveServer(app) as server:
        yield app, server


def test_without_javascript_the_lookup_comes_back_filled_in(
    browser: Any, limited: tuple[Any, LiveServer]
) -> None:
    app, server = limited
    olvidar_limites(app)
    client = app.test_client()
    sent = {"csrf_token": token(client, NO_AFILIACION), "curp": "X"}
    assert agotar(client, NO_AFILIACION, 30, sent) == [422] * 30  # 30 a minute, spent
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(server.url + NO_AFILIACION)
        page.locator("#campo-curp").fill(UNKNOWN)
        with page.expect_response(server.url + NO_AFILIACION) as answer:
            page.get_by_role("button", name="Buscar").click()
        assert answer.value.status == 429 and int(answer.value.headers["retry-after"]) > 0
        expect(page).to_have_title(
            "Error: Constancia de No Afiliación al ISSSTE · Derechohabiencia"
        )
        summary = page.locator("#aviso .error-summary")
        expect(summary.get_by_role("heading", name="Hay un problema")).to_be_visible()
        expect(summary).to_contain_text("Hiciste muchas solicitudes en poco tiempo. Espera")
        expect(page.locator("#campo-curp")).to_have_value(UNKNOWN)
        refused = answer.value.text()
        olvidar_limites(app)  # the wait is over: the same form, sent again, is answered
        page.get_by_role("button", name="Buscar").click()
        expect(page.locator("#resultado")).to_contain_text("No hay registro de esta CURP")
        expect(page).to_have_title("Constancia de No Afiliación al ISSSTE · Derechohabiencia")
    finally:
        context.close()
    # axe runs as a script in the page, which a page without JavaScript cannot: the very page
    # the server sent is checked where scripts run, at its own address (its styles load).
    checked = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    try:
        checked.route(
            server.url + NO_AFILIACION,
            lambda route: route.fulfill(status=429, content_type="text/html", body=refused),
        )
        checked.goto(server.url + NO_AFILIACION)
        expect(checked.locator("#aviso .error-summary")).to_be_visible()
        assert_no_axe_violations(checked)
    finally:
        checked.context.close()


def test_with_javascript_a_plain_form_s_summary_takes_the_focus(
    desktop: Any, limited: tuple[Any, LiveServer]
) -> None:
    # The sign-in form posts without htmx, with or without JavaScript: its page comes back.
    app, server = limited
    olvidar_limites(app)
    client = app.test_client()
    path = "/cuenta/entrar"
    sent = {"csrf_token": token(client, path), "password": "no es"}
    tries = [client.post(path, data={**sent, "curp": otra_curp(n)}) for n in range(10)]
    assert [t.status_code for t in tries] == [422] * 10  # 10 a minute, spent
    desktop.goto(server.url + path)
    desktop.locator("#campo-curp").fill(otra_curp(11))
    desktop.locator("#campo-password").fill("otra más")
    desktop.get_by_role("button", name="Entrar").click()
    expect(desktop.locator(".error-summary")).to_contain_text("Hiciste muchas solicitudes")
    wait_until(desktop, "document.activeElement.classList.contains('error-summary')")
    expect(desktop.locator("#campo-curp")).to_have_value(otra_curp(11))
    expect(desktop.locator("#campo-password")).to_have_value("")
