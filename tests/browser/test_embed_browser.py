"""The CURP widget embedded in a real host page served from another origin.

The portal runs on 127.0.0.1:<port>; the host pages come from a tiny http.server reached as
localhost:<other port>, a different site. A third origin (127.0.0.1:<other port>) plays a
foreign frame that tries to resize the widget.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from flask import render_template
from playwright.sync_api import expect

from blueprints.extensions import db
from domain.models import Afiliacion, Persona
from tests.browser.conftest import LiveServer, assert_no_axe_violations, wait_until
from tests.browser.widget_helpers import (
    HostServer,
    body_height,
    wait_for_frame_height,
    widget_frame,
)
from tests.conftest import make_app, sqlite_database

pytestmark = pytest.mark.browser

VALID = "PXNE660720HMCXTN06"
HOST_PAGE = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Sitio anfitrión</title></head>
<body><main>
<h1>Sitio anfitrión</h1>
<div id="con-script"></div>
<script src="{widget}/static/embed.js" data-target="#con-script" {options}></script>
<iframe id="plano" src="{widget}/embed/curp?lang=en" title="Check your CURP" width="100%"
        height="400"></iframe>
<script>
  window.received = [];
  window.seen = [];
  document.getElementById("con-script").addEventListener("curp:checked", function (event) {{
    window.received.push(event.detail);
  }});
  window.addEventListener("message", function (event) {{ window.seen.push(event.data); }});
  window.addForeignFrame = function (src) {{
    var frame = document.createElement("iframe");
    frame.src = src;
    frame.title = "Otro sitio";
    document.body.appendChild(frame);
  }};
</script>
</main></body></html>
"""
FOREIGN_PAGE = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Otro sitio</title></head><body>
<script>
  parent.postMessage({type: "derechohabiencia:height", height: 7}, "*");
  parent.postMessage({type: "derechohabiencia:checked", valid: true, curp: "X"}, "*");
  parent.postMessage("foreign-done", "*");
</script></body></html>
"""


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory, live_server: LiveServer) -> Iterator[Any]:
    directory = tmp_path_factory.mktemp("host")
    pages = {
        "eventos.html": 'data-events="true"',
        "compartir.html": 'data-share-curp="true"',
        "callado.html": 'data-theme="dark"',
    }
    for name, options in pages.items():
        html = HOST_PAGE.format(widget=live_server.url, options=options)
        (directory / name).write_text(html, encoding="utf-8")
    (directory / "ajeno.html").write_text(FOREIGN_PAGE, encoding="utf-8")
    server = HostServer(directory)
    yield server
    server.close()


def type_curp(frame: Any, value: str) -> None:
    frame.locator("#campo-curp").fill(value)
    frame.wait_for_selector("#resultado [data-valid]")


def test_script_embed_resizes_to_its_content_and_tells_the_host(desktop: Any, host: Any) -> None:
    desktop.goto(host.url + "/eventos.html")
    frame = widget_frame(desktop)
    before = body_height(frame)
    wait_for_frame_height(desktop, before)
    type_curp(frame, VALID.lower())
    assert "bien formada" in frame.locator("#resultado").inner_text()
    after = body_height(frame)
    assert after > before + 100
    wait_for_frame_height(desktop, after)
    wait_until(desktop, "window.received.length > 0")
    assert desktop.evaluate("window.received") == [{"valid": True}]  # no CURP: not shared
    # The widget speaks only in the two shapes, and never to "*" (the host saw only these).
    types = desktop.evaluate("window.seen.map(function (m) { return m.type; })")
    assert set(types) == {"derechohabiencia:height", "derechohabiencia:checked"}


# A plain iframe that names its parent: the listener comes first, so nothing is missed.
DECLARED_PAGE = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>Sitio anfitrión</title></head>
<body><main>
<h1>Sitio anfitrión</h1>
<script>
  window.received = [];
  window.addEventListener("message", function (event) {{
    if (event.data === "widget-done") window.done = true;
    else window.received.push({{origin: event.origin, type: event.data.type}});
  }});
</script>
<iframe id="declarado" src="{widget}/embed/curp?events=1&amp;origin={origin}"
        title="Revisa tu CURP" width="100%" height="400"></iframe>
</main></body></html>
"""


def messages_to_host(
    page: Any, host: Any, widget: str, name: str, declared: str
) -> list[dict[str, str]]:
    """What a host page at ``host.url`` hears from the widget told its parent is ``declared``."""
    html = DECLARED_PAGE.format(widget=widget, origin=declared)
    (host.directory / name).write_text(html, encoding="utf-8")
    page.goto(f"{host.url}/{name}")
    frame = widget_frame(page, "#declarado")
    type_curp(frame, VALID)  # the height (on load) and the answer have been posted by now
    # Messages from one frame to one window arrive in order: once this one is in, so are those.
    frame.evaluate("parent.postMessage('widget-done', '*')")
    wait_until(page, "window.done === true")
    received: list[dict[str, str]] = page.evaluate("window.received")
    return received


def test_the_widget_posts_only_to_the_origin_its_parent_declared(
    desktop: Any, host: Any, live_server: LiveServer
) -> None:
    heard = messages_to_host(desktop, host, live_server.url, "declarado.html", host.url)
    assert {m["type"] for m in heard} == {"derechohabiencia:height", "derechohabiencia:checked"}
    assert {m["origin"] for m in heard} == {live_server.url}
    # The same page, but the widget was told its parent is another origin (as a page that
    # framed it under a false ``origin`` would): the browser drops every message.
    lied = messages_to_host(desktop, host, live_server.url, "mentido.html", host.foreign)
    assert lied == []


def test_the_curp_reaches_the_host_only_when_shared(desktop: Any, host: Any) -> None:
    desktop.goto(host.url + "/compartir.html")
    frame = widget_frame(desktop)
    type_curp(frame, VALID)
    wait_until(desktop, "window.received.length > 0")
    assert desktop.evaluate("window.received") == [{"valid": True, "curp": VALID}]
    type_curp(frame, "PXNE661320HMCXTN07")
    wait_until(desktop, "window.received.length > 1")
    assert desktop.evaluate("window.received[1]") == {"valid": False}


def test_a_host_that_did_not_opt_in_gets_no_event(desktop: Any, host: Any) -> None:
    desktop.goto(host.url + "/callado.html")
    frame = widget_frame(desktop)
    assert frame.evaluate("document.documentElement.className") == "theme-dark"
    before = body_height(frame)
    wait_for_frame_height(desktop, before)
    type_curp(frame, VALID)
    # A "checked" message would have been posted before the height one that follows the swap.
    wait_for_frame_height(desktop, body_height(frame))
    assert desktop.evaluate("window.received") == []
    types = desktop.evaluate("window.seen.map(function (m) { return m.type; })")
    assert "derechohabiencia:checked" not in types


def test_messages_from_other_origins_are_ignored(desktop: Any, host: Any) -> None:
    desktop.goto(host.url + "/eventos.html")
    frame = widget_frame(desktop)
    height = body_height(frame)
    wait_for_frame_height(desktop, height)
    # The host page itself (a different origin from the widget's) ...
    desktop.evaluate(
        "() => { window.postMessage({type: 'derechohabiencia:height', height: 7}, '*');"
        " window.postMessage('self-done', '*'); }"
    )
    wait_until(desktop, "window.seen.indexOf('self-done') >= 0")
    # ... and a frame from a third origin, posting the exact shapes the widget uses.
    desktop.evaluate("(src) => window.addForeignFrame(src)", host.foreign + "/ajeno.html")
    wait_until(desktop, "window.seen.indexOf('foreign-done') >= 0")
    wait_for_frame_height(desktop, height)
    assert desktop.evaluate("window.received") == []


def test_plain_iframe_works_without_posting(desktop: Any, host: Any) -> None:
    desktop.goto(host.url + "/callado.html")
    frame = widget_frame(desktop, "#plano")
    assert frame.evaluate("document.documentElement.lang") == "en"
    assert frame.locator("h1").inner_text() == "Check your CURP"
    type_curp(frame, VALID)
    assert "well formed" in frame.locator("#resultado").inner_text()
    assert desktop.locator("#plano").evaluate("f => f.clientHeight") == 400  # no one resized it


def test_widget_without_javascript_is_a_plain_form(browser: Any, live_server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/embed/curp?lang=en&theme=dark")
        page.fill("#campo-curp", VALID)
        page.press("#campo-curp", "Enter")
        page.wait_for_url("**/embed/curp?**curp=*")
        assert "lang=en" in page.url and "theme=dark" in page.url
        assert "well formed" in page.locator("#resultado").inner_text()
    finally:
        context.close()


@pytest.fixture(scope="module")
def restricted_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("restringido")
    url = sqlite_database(tmp / "r.sqlite3")
    app = make_app(tmp, url, TESTING=False, ENV={"EMBED_ALLOWED_ORIGINS": "https://otro.example"})
    with LiveServer(app) as server:
        yield server


def test_a_host_not_in_the_allowed_list_is_refused(
    desktop: Any, host: Any, restricted_server: LiveServer
) -> None:
    page_path = host.directory / "refused.html"
    html = HOST_PAGE.format(widget=restricted_server.url, options="")
    page_path.write_text(html, encoding="utf-8")
    refusals: list[str] = []
    desktop.on("console", lambda message: refusals.append(message.text))
    desktop.goto(host.url + "/refused.html")
    wait_until(desktop, "() => document.querySelectorAll('iframe').length >= 2")
    desktop.wait_for_timeout(500)  # let both frames settle; the check below is not about speed
    for selector in ("#con-script iframe", "#plano"):
        frame = desktop.locator(selector).element_handle().content_frame()
        assert frame is None or frame.locator("#campo-curp").count() == 0, selector
    assert any("frame-ancestors" in text for text in refusals), refusals


@pytest.fixture(scope="module")
def lookup_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp("estatus")
    url = sqlite_database(tmp / "e.sqlite3")
    app = make_app(tmp, url, TESTING=False, ENV={"EMBED_STATUS_LOOKUP": "1"})
    with app.app_context():
        db.session.add(
            Persona(
                curp=VALID,
                nombre="Nestor",
                primer_apellido="Pérez",
                segundo_apellido=None,
                fecha_nacimiento=dt.date(1966, 7, 20),
                sexo="H",
                entidad="MC",
            )
        )
        db.session.add(
            Afiliacion(
                curp=VALID, institucion="IMSS", numero_afiliacion="1", tipo="titular", vigente=True
            )
        )
        db.session.commit()
    with LiveServer(app) as server:
        yield server


def test_status_lookup_answers_yes_or_no_in_the_widget(
    desktop: Any, lookup_server: LiveServer
) -> None:
    desktop.goto(lookup_server.url + "/embed/curp")
    desktop.fill("#campo-curp", VALID)
    desktop.wait_for_selector("#resultado [data-valid]")
    desktop.click("text=¿Tiene afiliación vigente al IMSS / ISSSTE?")
    desktop.wait_for_selector("#estatus .answers")
    answer = desktop.locator("#estatus").inner_text()
    assert "IMSS: sí tiene afiliación vigente" in answer
    assert "ISSSTE: no tiene afiliación vigente" in answer
    assert "Nestor" not in desktop.content()
    assert desktop.context.cookies() == []
    assert_no_axe_violations(desktop)


@pytest.mark.parametrize(
    "query",
    [
        "",
        f"?curp={VALID}",
        "?curp=PXNE661320HMCXTN07&lang=en&theme=dark",
        f"?curp={VALID}&theme=dark&compact=1&links=0",
        "?curp=PXNE661320HMCXTN07&compact=1",
    ],
)
def test_widget_has_no_axe_violations(phone: Any, live_server: LiveServer, query: str) -> None:
    phone.goto(live_server.url + "/embed/curp" + query)
    assert phone.context.cookies() == []
    assert_no_axe_violations(phone)


def test_integration_page_has_no_axe_violations_and_a_live_preview(
    desktop: Any, live_server: LiveServer
) -> None:
    desktop.goto(live_server.url + "/integracion")
    entries = desktop.evaluate("history.length")
    desktop.check("input[name=idioma][value=en]")
    wait_until(
        desktop,
        "document.querySelector('#codigo-script').textContent.indexOf('data-lang=\"en\"') > 0",
    )
    desktop.check("input[name=tema][value=dark]")
    wait_until(desktop, "location.search.indexOf('tema=dark') > 0")
    assert "idioma=en" in desktop.url
    # The address follows the options (a reload or a shared link keeps them), but trying
    # options is not navigating: Back leaves the page instead of undoing them one by one.
    assert desktop.evaluate("history.length") == entries
    preview = widget_frame(desktop, ".vista-previa")
    assert preview.locator("h1").inner_text() == "Check your CURP"
    assert_no_axe_violations(desktop)


def test_copy_buttons_only_where_they_can_copy(browser: Any, live_server: LiveServer) -> None:
    for javascript in (True, False):
        context = browser.new_context(
            java_script_enabled=javascript, permissions=["clipboard-read", "clipboard-write"]
        )
        try:
            page = context.new_page()
            page.goto(live_server.url + "/integracion")
            button = page.get_by_role("button", name="Copiar el código con script")
            if not javascript:
                expect(button).to_be_hidden()
                continue
            expect(button).to_be_visible()
            page.check("input[name=idioma][value=en]")  # again after htmx redraws the snippets
            wait_until(
                page,
                "document.querySelector('#codigo-script').textContent"
                ".indexOf('data-lang=\"en\"') > 0",
            )
            expect(button).to_be_visible()
            button.click()  # and it copies the snippet shown, and says so
            expect(page.locator("#copiado-script")).to_have_text("Código copiado")
            copied = page.evaluate("navigator.clipboard.readText()")
            assert copied == page.locator("#codigo-script").text_content()
        finally:
            context.close()


BAD_GATEWAY = "<html><body><center><h1>502 Bad Gateway</h1></center><hr>nginx</body></html>"


def test_a_proxy_error_page_never_reaches_the_widget(desktop: Any, live_server: LiveServer) -> None:
    # What stands between the host's visitors and the portal (a proxy, a CDN) may answer with
    # its own page: the widget says its own words, and its title says there is an error.
    desktop.goto(live_server.url + "/embed/curp")
    desktop.route(
        "**/embed/curp/resultado?*",
        lambda route: route.fulfill(status=502, content_type="text/html", body=BAD_GATEWAY),
    )
    desktop.fill("#campo-curp", VALID)
    result = desktop.locator("#resultado")
    expect(result).to_have_text("No pudimos revisar la CURP. Vuelve a intentarlo.")
    assert "Bad Gateway" not in desktop.content()
    assert desktop.title().startswith("Error: ")
    assert_no_axe_violations(desktop)


def test_the_widget_still_shows_its_own_error_answers(
    desktop: Any, live_app: Any, live_server: LiveServer
) -> None:
    # An error the portal wrote for the widget (templates/embed/_error.html, here its 503) is
    # shown as written: only someone else's page is replaced.
    with live_app.test_request_context():
        body = render_template("embed/_error.html", error=503)
    desktop.goto(live_server.url + "/embed/curp")
    desktop.route(
        "**/embed/curp/resultado?*",
        lambda route: route.fulfill(status=503, content_type="text/html", body=body),
    )
    desktop.fill("#campo-curp", VALID)
    expect(desktop.locator("#resultado")).to_contain_text("No podemos consultar la afiliación")
    assert desktop.title().startswith("Error: ")
