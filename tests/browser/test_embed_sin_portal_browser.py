"""The CURP widget's script on a host page when the widget itself does not arrive: the portal
refuses connections, or a proxy answers with its own error page. A link to the portal's CURP page
takes the frame's place; a portal that is only slow keeps its widget.

The host page's clock is Playwright's (``page.clock``): embed.js's waits pass when the test says
so, and the tests assert what the page shows, never how long anything took.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Route, expect

from tests.browser.conftest import (
    LiveServer,
    assert_no_axe_violations,
    assert_no_horizontal_scroll,
    wait_until,
)
from tests.browser.widget_helpers import (
    HostServer,
    body_height,
    wait_for_frame_height,
    widget_frame,
)

pytestmark = pytest.mark.browser

EMBED_JS = Path(__file__).resolve().parents[2] / "static" / "embed.js"
HOST_PAGE = """<!doctype html>
<html lang="es"><head><meta charset="{charset}"><title>Becas Municipales (sitio anfitrión)</title>
<link rel="icon" href="data:,"></head>
<body><main>
<h1>Solicitud de beca</h1>
<p>Antes de llenar tu solicitud, revisa que tu CURP esté bien escrita.</p>
<script src="{portal}/static/embed.js" async {options}></script>
</main></body></html>
"""
BAD_GATEWAY = "<html><body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>"
LONGER_THAN_ANY_WAIT_MS = 120_000
A_POOR_CONNECTION_MS = 10_000  # what a widget page may take to arrive on a slow phone network
START = 1_800_000_000_000  # any instant: only the time between two moments counts here


@pytest.fixture(scope="module")
def closed_port() -> Iterator[int]:
    """A port bound but never listening: connections to it are refused, and no one else can
    start a server on it while the tests run."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostServer]:
    server = HostServer(tmp_path_factory.mktemp("sin-portal"))
    yield server
    server.close()


def host_page(
    pages: HostServer, name: str, portal: str, options: str = "", charset: str = "utf-8"
) -> str:
    html = HOST_PAGE.format(portal=portal, options=options, charset=charset)
    (pages.directory / name).write_text(html, encoding=charset)
    return f"{pages.url}/{name}"


def open_with_paused_clock(page: Any, url: str, wait_until: str = "load") -> None:
    page.clock.install(time=START)
    page.clock.pause_at(START + 1)  # nothing runs on the host page's timers until we say
    page.goto(url, wait_until=wait_until)


def links_on(page: Any) -> Any:
    """The host page's own links: it has none but the one that stands in for the widget."""
    return page.locator("a")


def test_a_portal_that_refuses_connections_leaves_a_link_to_its_curp_page(
    phone: Any, pages: HostServer, closed_port: int
) -> None:
    portal = f"http://127.0.0.1:{closed_port}"
    # embed.js still reaches the host, as from a browser's cache or a CDN (that names no
    # charset, on an older site still in Latin-1): only the portal is down, and the frame gets
    # the browser's own error page.
    phone.route(
        f"{portal}/static/embed.js",
        lambda route: route.fulfill(path=EMBED_JS, content_type="text/javascript"),
    )
    url = host_page(pages, "rechazo.html", portal, charset="iso-8859-1")
    # The host page's load waits for its frame's, the browser's error page included: from then
    # on, seconds are enough (the long wait is for a portal that never answers at all).
    open_with_paused_clock(phone, url)
    phone.clock.run_for(A_POOR_CONNECTION_MS)

    name = f"Consulta tu CURP en 127.0.0.1:{closed_port} (se abre en otra pestaña)"
    link = phone.get_by_role("link", name=name, exact=True)
    expect(link).to_have_attribute("href", f"{portal}/curp")
    expect(link).to_have_attribute("target", "_blank")
    expect(phone.locator("main p:has(> a)")).to_have_attribute("lang", "es")
    expect(phone.locator("iframe")).to_have_count(0)  # no grey box left behind
    assert_no_horizontal_scroll(phone)
    # It came without taking the focus, and the keyboard reaches it.
    assert phone.evaluate("document.activeElement === document.body")
    phone.keyboard.press("Tab")
    expect(link).to_be_focused()

    phone.clock.resume()  # axe-core keeps time with the page's timers
    assert_no_axe_violations(phone)


def test_a_proxy_error_page_gives_way_to_the_link_in_the_language_asked(
    desktop: Any, pages: HostServer, live_server: LiveServer
) -> None:
    desktop.route(
        "**/embed/curp?*",
        lambda route: route.fulfill(status=502, content_type="text/html", body=BAD_GATEWAY),
    )
    url = host_page(pages, "proxy.html", live_server.url, 'data-lang="en"')
    open_with_paused_clock(desktop, url)
    frame = desktop.locator("main iframe")
    expect(frame).to_have_attribute("title", "Check your CURP")
    # Someone already in the frame (by keyboard) is in the link once it stands in for it.
    frame.focus()
    desktop.clock.run_for(LONGER_THAN_ANY_WAIT_MS)

    host = live_server.url.removeprefix("http://")
    name = f"Check your CURP at {host} (opens in a new tab)"
    link = desktop.get_by_role("link", name=name, exact=True)
    expect(link).to_have_attribute("href", f"{live_server.url}/idioma?lang=en&next=%2Fcurp")
    expect(desktop.locator("main p:has(> a)")).to_have_attribute("lang", "en")
    expect(link).to_be_focused()
    assert "Bad Gateway" not in desktop.content()


def test_a_slow_portal_keeps_its_widget(
    desktop: Any, pages: HostServer, live_server: LiveServer
) -> None:
    held: list[Route] = []
    # The widget page is on its way, slowly: held until the test lets it through.
    desktop.route("**/embed/curp?*", lambda route: held.append(route))
    url = host_page(pages, "lento.html", live_server.url)
    open_with_paused_clock(desktop, url, wait_until="domcontentloaded")
    wait_until(desktop, "document.querySelector('main iframe') !== null")
    for _ in range(600):  # until the browser has asked for the widget page
        if held:
            break
        desktop.wait_for_timeout(50)
    assert held, "the browser never asked for the widget page"
    desktop.clock.run_for(A_POOR_CONNECTION_MS)  # no error page, and no widget yet
    expect(links_on(desktop)).to_have_count(0)

    held[0].continue_()
    frame = widget_frame(desktop, "main iframe")
    wait_for_frame_height(desktop, body_height(frame), "main iframe")  # embed.js heard it
    desktop.clock.run_for(LONGER_THAN_ANY_WAIT_MS)
    expect(links_on(desktop)).to_have_count(0)
    expect(desktop.locator("main iframe")).to_have_count(1)
    frame.locator("#campo-curp").fill("PXNE660720HMCXTN06")
    frame.locator("#campo-curp").press("Enter")
    expect(frame.locator("#resultado")).to_contain_text("bien formada")
