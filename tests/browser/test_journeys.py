"""Every journey of the portal, end to end, in Debian's chromium at 360×740.

One live portal for the module: demo mode with seeded demo data, CSRF on, the production rate
limits, the captcha solved for real by the ALTCHA widget (its proof of work made cheap, never
turned off) and mail delivered to a real aiosmtpd server. PUBLIC_BASE_URL is the live server's
own address, so the links in the emails and in the PDFs lead back to it, as they would in
production. Every page and every swap a person sees is checked with axe and for sideways scroll.

The journeys share the portal and stay well inside its rate limits (a handful of requests each).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from playwright.sync_api import expect

from blueprints.extensions import db
from domain import demo, registry, sello
from tests.browser.conftest import LiveServer, assert_no_axe_violations, assert_no_horizontal_scroll
from tests.browser.page_helpers import focused, tab_to, wait_until_solved, watch_errors
from tests.browser.widget_helpers import (
    HostServer,
    body_height,
    wait_for_frame_height,
    widget_frame,
)
from tests.conftest import make_app, sqlite_database
from tests.smtp import SmtpServer, text_part
from tests.web.cuenta_helpers import datos

pytestmark = pytest.mark.browser

PASSWORD = "lumbre de otoño"
VERIFY_CODE = re.compile(r"el código (\S+) en la página")
FOLIO = re.compile(r"\b[A-Z]{2}-\d{4}-\d{6}\b")
HOST_PAGE = """<!doctype html>
<html lang="es"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Becas Municipales (sitio anfitrión)</title></head>
<body><main>
<h1>Solicitud de beca</h1>
<p>Antes de llenar tu solicitud, revisa que tu CURP esté bien escrita.</p>
<script src="{widget}/static/embed.js" async data-lang="es"></script>
</main></body></html>
"""


@dataclass(frozen=True)
class Portal:
    app: Flask
    url: str

    def example(self, case: str, index: int = 0) -> str:
        with self.app.app_context():
            return next(e.curps[index] for e in demo.examples(db.session) if e.key == case)


# --- The live portal, its mail server and a foreign host page --------------------------------


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def portal(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[Portal]:
    tmp = tmp_path_factory.mktemp("journeys")
    url = sqlite_database(tmp / "journeys.sqlite3")
    # The server binds its port first, so the app can be told its public address.
    served: list[Flask] = []
    server = LiveServer(lambda environ, start_response: served[0](environ, start_response))
    app = make_app(
        tmp,
        url,
        ENV={**smtp.env, "DEMO_MODE": "1", "PUBLIC_BASE_URL": server.url},
        WTF_CSRF_ENABLED=True,
        TESTING=False,
        RATELIMIT_ENABLED=True,
        CAPTCHA_POW_COST=10,
        CAPTCHA_POW_COUNTER=(5, 20),
    )
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "11"])
    assert result.exit_code == 0, result.output
    served.append(app)
    with server:
        yield Portal(app, server.url)


@pytest.fixture(scope="module")
def host(tmp_path_factory: pytest.TempPathFactory, portal: Portal) -> Iterator[HostServer]:
    """A foreign site (localhost:<port>, another site than the portal's 127.0.0.1) that pastes
    the script-tag embed into its page."""
    directory = tmp_path_factory.mktemp("anfitrion")
    html = HOST_PAGE.format(widget=portal.url)
    (directory / "beca.html").write_text(html, encoding="utf-8")
    server = HostServer(directory)
    yield server
    server.close()


@pytest.fixture
def person(phone: Any) -> Iterator[Any]:
    """The phone, watched: no uncaught script error and no CSP violation on any page."""
    errors = watch_errors(phone)
    yield phone
    assert errors == [], errors


# --- What a person sees, checked on every page ------------------------------------------------


def check(page: Any, heading: str | None = None) -> None:
    """After a navigation or a swap: the heading the person sees, one h1, no sideways scroll,
    no axe violation."""
    if heading is not None:
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    assert page.locator("h1").count() == 1, page.url
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)
    if hasattr(page, "evaluate") and page.evaluate("typeof window.__csp") == "object":
        assert page.evaluate("window.__csp") == [], page.url


def type_into(field: Any, text: str) -> None:
    field.click()
    field.press_sequentially(text, delay=10)


def downloaded(page: Any, button: Any, tmp_path: Path) -> tuple[str, str]:
    """Click a download button: the suggested file name and the text of the PDF."""
    with page.expect_download() as info:
        button.click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return download.suggested_filename, sello.texto(saved.read_bytes())


def mail_to(smtp: SmtpServer, address: str, timeout: float = 15.0) -> EmailMessage:
    """The first message the SMTP server received for ``address`` (waiting for it)."""
    count = 1
    while True:
        for message in smtp.wait_for(count, timeout):
            if message["To"] == address:
                return message
        count = len(smtp.messages) + 1


def nombre_completo(portal: Portal, curp: str) -> str:
    with portal.app.app_context():
        persona = registry.persona(db.session, curp)
        assert persona is not None
        return str(persona.nombre_completo)


def choose(page: Any, option: str) -> None:
    """Pick a radio option on the start page by its label and press Continuar."""
    page.get_by_label(option).check()
    page.get_by_role("button", name="Continuar").click()


# --- The journeys ------------------------------------------------------------------------------


def test_start_page_to_guide_curp_no_afiliacion_pdf_and_verification(
    person: Any, portal: Portal, tmp_path: Path
) -> None:
    page = person
    curp = portal.example("sin_afiliacion")
    nombre = nombre_completo(portal, curp)

    page.goto(portal.url + "/")
    page.wait_for_load_state("load")
    check(page, "¿Qué documento necesitas?")

    # The choice, by keyboard: "to prove I have no social security", then "the ISSSTE one".
    tab_to(page, 'input[name="para"]')
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert page.locator('input[name="para"][value="no-tengo"]').is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#pregunta-piden")).to_be_focused()
    check(page, "¿Qué constancia te pidieron?")
    page.keyboard.press("Tab")
    assert focused(page) == "campo-piden"
    page.keyboard.press("ArrowDown")
    assert page.locator('input[name="piden"][value="issste"]').is_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#respuesta")).to_be_focused()
    answer = page.locator(".panel--ok")
    expect(
        answer.get_by_role("heading", name="Constancia de No Afiliación al ISSSTE")
    ).to_be_visible()
    check(page, "Lo que necesitas")

    # The guide, then the CURP check it links to.
    answer.get_by_role("link", name="Constancia de No Afiliación del ISSSTE").click()
    page.wait_for_url("**/guias/no-afiliacion-issste")
    check(page, "Constancia de No Afiliación del ISSSTE")
    page.get_by_role("link", name="Revisa tu CURP").click()
    page.wait_for_url("**/curp")
    check(page, "Revisa tu CURP")
    type_into(page.get_by_label("CURP"), curp.lower())
    check(page, f"La CURP {curp} está bien formada")  # checked as the person types

    # The no-afiliación search, the answer swapped in place, the PDF.
    page.get_by_role("link", name="Constancia de No Afiliación al ISSSTE").click()
    page.wait_for_url("**/constancias/no-afiliacion")
    check(page, "Constancia de No Afiliación al ISSSTE")
    type_into(page.get_by_label("CURP"), curp)
    page.get_by_role("button", name="Buscar").click()
    check(page, "No tienes afiliación vigente al ISSSTE")
    assert page.url.endswith("/constancias/no-afiliacion")

    button = page.get_by_role("button", name=re.compile("Descargar constancia"))
    filename, text = downloaded(page, button, tmp_path)
    match = re.fullmatch(r"constancia-no-afiliacion-(NA-\d{4}-\d{6})\.pdf", filename)
    assert match, filename
    folio = match.group(1)
    assert curp in text and nombre in text and f"Folio {folio}" in text
    code = VERIFY_CODE.search(text)
    assert code, text
    qr = re.search(r"https?://\S+/verificar/\S+", text)
    assert qr and qr.group().startswith(portal.url + "/verificar/"), text

    # Whoever receives it types the folio and the code printed next to the QR code.
    page.get_by_role("navigation", name="Principal").get_by_role(
        "link", name="Verificar documento"
    ).click()
    page.wait_for_url("**/verificar")
    check(page, "Verificar un documento")
    type_into(page.get_by_label("Folio"), folio)
    type_into(page.get_by_label("Código de verificación"), code.group(1))
    page.get_by_role("button", name="Verificar").click()
    check(page, "Documento auténtico y vigente")
    summary = page.locator(".summary-list").inner_text()
    assert folio in summary and "Constancia de No Afiliación" in summary

    # The address printed in the PDF (what the QR code holds) says the same.
    response = page.goto(qr.group())
    assert response and "ratelimit-limit" in response.headers  # production limits are on
    check(page, "Documento auténtico y vigente")


def titular_with_beneficiaries(portal: Portal) -> tuple[str, str, str]:
    """A demo ISSSTE titular (no account yet) with family: their CURP, one beneficiary's CURP
    and that beneficiary's name."""
    with portal.app.app_context():
        for example in demo.examples(db.session, per_case=10):
            if example.key != "issste_titular":
                continue
            for curp in example.curps:
                familia = registry.beneficiarios(db.session, curp, "ISSSTE")
                if familia:
                    return curp, familia[0].curp, str(familia[0].persona.nombre_completo)
    raise AssertionError("the demo data has no ISSSTE titular with beneficiaries")


def test_registration_email_activation_carnets_and_sign_out(
    person: Any, portal: Portal, smtp: SmtpServer, tmp_path: Path
) -> None:
    page = person
    curp, familiar_curp, familiar = titular_with_beneficiaries(portal)
    persona = datos(portal.app, curp)  # what their registry record says
    nombre = nombre_completo(portal, curp)
    email = "titular.viaje@example.org"

    page.goto(portal.url + "/")
    check(page, "¿Qué documento necesitas?")
    choose(page, "Para probar que tengo servicio médico del IMSS o del ISSSTE")
    check(page, "¿Trabajas o trabajaste para el gobierno o para una empresa?")
    choose(page, "Para el gobierno")
    check(page, "Lo que necesitas")
    page.get_by_role("link", name=re.compile("^Empezar ahora")).click()
    page.wait_for_url("**/cuenta/registro")
    check(page)

    page.locator("[data-captcha-activo]").wait_for()
    type_into(page.get_by_label("CURP"), curp)
    type_into(page.locator("#campo-nombre"), persona["nombre"])
    type_into(page.locator("#campo-primer_apellido"), persona["primer_apellido"])
    if persona["segundo_apellido"]:
        type_into(page.locator("#campo-segundo_apellido"), persona["segundo_apellido"])
    page.locator("#campo-fecha_nacimiento").fill(persona["fecha_nacimiento"])  # a date picker
    type_into(page.locator("#campo-email"), email)
    type_into(page.locator("#campo-telefono"), "55 1234 5678")
    type_into(page.locator("#campo-password"), PASSWORD)
    page.locator("#campo-acepto").check()
    expect(page.locator("#error-curp")).to_have_count(0)
    expect(page.locator("#error-password")).to_have_count(0)
    wait_until_solved(page)  # the widget ran its proof of work while the person typed
    check(page)
    page.get_by_role("button", name="Crear cuenta").click()
    check(page, "Revisa tu correo")
    assert "t***@example.org" in page.locator("main").inner_text()

    # The activation email, through real SMTP; its link is the portal's public address.
    message = mail_to(smtp, email)
    link = re.search(r"https?://\S+/cuenta/activar/\S+", text_part(message))
    assert link and link.group().startswith(portal.url + "/"), text_part(message)
    page.goto(link.group())
    check(page, "Activa tu cuenta")
    type_into(page.get_by_label("Contraseña"), PASSWORD)
    page.get_by_role("button", name="Activar mi cuenta").click()
    check(page, "Tu cuenta está activa")

    page.get_by_role("link", name="Entrar", exact=True).last.click()
    check(page, "Entra a la Oficina Virtual")
    type_into(page.get_by_label("CURP"), curp.lower())
    type_into(page.get_by_label("Contraseña"), PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    check(page, "Oficina Virtual")
    assert page.url == portal.url + "/oficina"
    main = page.locator("main").inner_text()
    assert f"Hola, {nombre}." in main and curp in main and familiar in main

    # The carnet for the titular and for a beneficiary.
    page.get_by_role("link", name="Constancia de Vigencia de Derechos").click()
    check(page, "Revisa tus datos antes de descargar")
    folios = []
    for who, who_curp in ((nombre, curp), (familiar, familiar_curp)):
        button = page.get_by_role("button", name=f"Descargar constancia de {who} (PDF)")
        filename, text = downloaded(page, button, tmp_path)
        match = re.fullmatch(r"constancia-vigencia-derechos-(VD-\d{4}-\d{6})\.pdf", filename)
        assert match, filename
        assert who in text and who_curp in text and f"Folio {match.group(1)}" in text
        folios.append(match.group(1))
    assert folios[0] != folios[1]
    check(page, "Revisa tus datos antes de descargar")  # still there, ready for the next one

    page.get_by_role("link", name="Volver a la Oficina Virtual").click()
    check(page, "Oficina Virtual")
    page.locator("header").get_by_role("button", name="Salir").click()
    expect(page.get_by_text("Saliste de tu cuenta.")).to_be_visible()
    check(page)
    page.goto(portal.url + "/oficina")
    assert urlsplit(page.url).path == "/cuenta/entrar"
    check(page, "Entra a la Oficina Virtual")


def test_imss_constancia_arrives_by_email(
    person: Any, portal: Portal, smtp: SmtpServer, tmp_path: Path
) -> None:
    page = person
    curp = portal.example("imss_baja")
    nombre = nombre_completo(portal, curp)
    email = "sin.imss@example.org"

    page.goto(portal.url + "/")
    check(page, "¿Qué documento necesitas?")
    choose(page, "Para probar que no tengo seguridad social")
    check(page, "¿Qué constancia te pidieron?")
    choose(page, "La del IMSS")
    answer = page.locator(".panel--ok")
    expect(
        answer.get_by_role("heading", name="Constancia de No Derechohabiencia del IMSS")
    ).to_be_visible()
    check(page, "Lo que necesitas")
    answer.get_by_role("link", name=re.compile("^Empezar ahora")).click()
    page.wait_for_url("**/constancias/no-derechohabiencia")
    check(page, "Constancia de No Derechohabiencia del IMSS")

    page.locator("[data-captcha-activo]").wait_for()
    type_into(page.get_by_label("CURP"), curp)
    type_into(page.get_by_label("Correo electrónico"), email)
    wait_until_solved(page)
    check(page)
    page.get_by_role("button", name="Pedir constancia").click()
    check(page, "Te enviamos tu constancia")
    folio = page.locator(".folio").inner_text()
    assert FOLIO.fullmatch(folio), folio
    assert "s***@example.org" in page.locator("main").inner_text()

    message = mail_to(smtp, email)
    assert folio in str(message["Subject"])
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"constancia-no-derechohabiencia-{folio}.pdf"
    text = sello.texto(attachment.get_content())
    assert nombre in text and curp in text and f"Folio {folio}" in text

    # The link in the email opens the verification page: authentic.
    link = re.search(r"https?://\S+/verificar/\S+", text_part(message))
    assert link and link.group().startswith(portal.url + "/verificar/"), text_part(message)
    assert parse_qs(urlsplit(link.group()).query).get("c")
    page.goto(link.group())
    check(page, "Documento auténtico y vigente")
    assert folio in page.locator(".summary-list").inner_text()


def test_widget_on_a_foreign_page(person: Any, portal: Portal, host: HostServer) -> None:
    page = person
    curp = portal.example("imss_vigente")
    page.goto(host.url + "/beca.html")
    check(page, "Solicitud de beca")
    frame = widget_frame(page, "main iframe")
    check(frame, "Revisa tu CURP")

    type_into(frame.get_by_label("CURP"), curp.lower())
    result = frame.locator("#resultado")
    expect(result.get_by_role("heading", name=f"La CURP {curp} está bien formada")).to_be_visible()
    check(frame)
    # The host page grew the frame to fit the answer: nothing is cut off or scrolls inside.
    wait_for_frame_height(page, body_height(frame), "main iframe")
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)
