"""The warning before a signed-in session ends, in a real browser, on a portal whose sessions
last 10 idle seconds and warn 6 seconds before (the shape of 30 minutes and 3): the dialog opens
with the focus in it, «Seguir en mi cuenta» keeps the session past its first end and gives the
focus back, and letting it run out leads to the sign-in page, which says why.

The waits are the session's own seconds; nothing here measures how long anything took.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveServer, assert_no_axe_violations
from tests.browser.curp_helpers import example
from tests.conftest import make_app, sqlite_database
from tests.web.cuenta_helpers import PASSWORD, crear_cuenta

pytestmark = pytest.mark.browser
LIMITE = 10  # seconds
AVISO = 6


@pytest.fixture(scope="module")
def corto(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, LiveServer]]:
    tmp = tmp_path_factory.mktemp("sesion")
    url = sqlite_database(tmp / "live.sqlite3")
    app = make_app(
        tmp,
        url,
        WTF_CSRF_ENABLED=True,
        TESTING=False,
        PERMANENT_SESSION_LIFETIME=dt.timedelta(seconds=LIMITE),
        SESSION_WARNING_BEFORE=dt.timedelta(seconds=AVISO),
    )
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "11"])
    assert result.exit_code == 0, result.output
    with LiveServer(app) as server:
        yield app, server


def sign_in(page: Any, corto: tuple[Any, LiveServer], caso: str, path: str) -> None:
    app, server = corto
    curp = example(app, caso)
    crear_cuenta(app, curp, f"{caso}@example.org")
    page.goto(server.url + path)
    page.locator("#campo-curp").fill(curp)
    page.locator("#campo-password").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("heading", level=1).wait_for()
    # The heading shows before the deferred scripts run; sesion.js, the last of them, must be
    # listening before a test plays with the page's clock or visibility.
    page.wait_for_load_state("load")
    assert page.url == server.url + path


def test_seguir_keeps_the_session_past_its_first_end(
    desktop: Any, corto: tuple[Any, LiveServer]
) -> None:
    server = corto[1]
    sign_in(desktop, corto, "issste_titular", "/oficina/correo")
    email = desktop.locator("#campo-email")
    email.fill("nuevo@example.org")  # the focus stays here while the person reads
    dialogo = desktop.get_by_role("alertdialog", name="¿Sigues ahí?")
    dialogo.wait_for(timeout=(LIMITE + 5) * 1000)
    assert "cerraremos tu sesión en 1 minuto" in dialogo.inner_text()
    seguir = dialogo.get_by_role("button", name="Seguir en mi cuenta")
    assert desktop.evaluate("document.activeElement.textContent") == "Seguir en mi cuenta"
    assert_no_axe_violations(desktop)

    desktop.keyboard.press("Enter")  # the focused «Seguir», from the keyboard
    renewed = time.monotonic()
    dialogo.wait_for(state="hidden")
    assert seguir.is_hidden()
    assert desktop.evaluate("document.activeElement.id") == "campo-email"
    assert email.input_value() == "nuevo@example.org"

    # The dialog opened AVISO seconds before the first end, at the earliest LIMITE - AVISO
    # after the page; past that first end, the renewed session (LIMITE from the renewal) lives.
    desktop.wait_for_timeout((AVISO + 1.5 - (time.monotonic() - renewed)) * 1000)
    answer = desktop.request.get(server.url + "/oficina", max_redirects=0)
    assert answer.status == 200, answer.status


def test_an_ignored_warning_ends_on_the_sign_in_page(
    desktop: Any, corto: tuple[Any, LiveServer]
) -> None:
    server = corto[1]
    sign_in(desktop, corto, "issste_baja", "/oficina")
    dialogo = desktop.get_by_role("alertdialog", name="¿Sigues ahí?")
    dialogo.wait_for(timeout=(LIMITE + 5) * 1000)
    desktop.get_by_role("heading", name="Entra a la Oficina Virtual").wait_for(
        timeout=(LIMITE + 5) * 1000
    )
    assert desktop.url.startswith(server.url + "/cuenta/entrar?")
    main = desktop.locator("main").inner_text()
    assert "cerramos tu sesión tras 1 minuto sin actividad" in main
    assert desktop.locator('input[name="next"]').input_value() == "/oficina"


def test_coming_back_after_the_timers_stood_still_ends_the_session(
    desktop: Any, corto: tuple[Any, LiveServer]
) -> None:
    # A laptop that slept: its timers did not run, its clock did. Coming back to the tab must
    # end the session at once, not after the full limit again.
    sign_in(desktop, corto, "issste_pensionado", "/oficina")
    # The server's session is still alive here (no real time passed), so sign-in sends the
    # page straight back: what counts is that the page went there at once.
    with desktop.expect_request(lambda r: "/cuenta/entrar?" in r.url, timeout=3000):
        desktop.evaluate(
            "(() => { const real = Date.now; Date.now = () => real() + 60000;"
            " document.dispatchEvent(new Event('visibilitychange')); })()"
        )


def test_a_busy_tab_keeps_the_quiet_one_from_warning_or_leaving(
    desktop: Any, corto: tuple[Any, LiveServer]
) -> None:
    # One session, two tabs: what the person does in one renews it for both, so the quiet tab
    # closes its warning by itself and stays where it was past its own first end.
    server = corto[1]
    sign_in(desktop, corto, "ambas", "/oficina")
    quiet_loaded = time.monotonic()
    left: list[str] = []
    desktop.on("framenavigated", lambda frame: left.append(frame.url))
    busy = desktop.context.new_page()
    dialogo = desktop.get_by_role("alertdialog", name="¿Sigues ahí?")
    dialogo.wait_for(timeout=(LIMITE + 5) * 1000)
    busy.goto(server.url + "/oficina/correo")  # the person is busy in the other tab
    dialogo.wait_for(state="hidden", timeout=2000)
    desktop.wait_for_timeout((LIMITE + 2 - (time.monotonic() - quiet_loaded)) * 1000)
    assert left == []
    assert desktop.url == server.url + "/oficina"


def test_a_session_ending_offline_keeps_the_page_and_says_so(
    desktop: Any, corto: tuple[Any, LiveServer]
) -> None:
    # Going to the sign-in page offline would only swap this page for the browser's error page,
    # and what the person was reading with it: the dialog says the session ended instead.
    server = corto[1]
    sign_in(desktop, corto, "imss_vigente", "/oficina/correo")
    heading = desktop.get_by_role("heading", level=1).inner_text()
    desktop.context.set_offline(True)
    try:
        dialogo = desktop.get_by_role("alertdialog", name="¿Sigues ahí?")
        ended = dialogo.get_by_role("alert")
        expect(ended).to_contain_text("Tu sesión terminó", timeout=(LIMITE + 5) * 1000)
        assert desktop.url == server.url + "/oficina/correo"
        assert desktop.get_by_role("heading", level=1).inner_text() == heading
        expect(dialogo.get_by_text("cerraremos tu sesión")).to_be_hidden()
        assert_no_axe_violations(desktop)
    finally:
        desktop.context.set_offline(False)
