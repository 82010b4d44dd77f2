"""Reflow, text at 200 % and text spacing (WCAG 1.4.10, 1.4.4, 1.4.12) on the pages of the main
journeys, public and signed in, with their long unbroken strings: CURPs, folios, a long email
address, the integration code with its long URLs.

One page per kind for the module (public, signed in): each case loads its page once, then
every check resizes the screen and adds a person's styles to the same page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from blueprints.constancias_servicio import servicio
from blueprints.extensions import db
from domain import demo
from domain.constancias_sin_derecho import emitir_no_afiliacion
from tests.browser.conftest import PHONE
from tests.browser.layout import TEXT_200, TEXT_SPACING, layout_problems
from tests.browser.page_helpers import scripts_ran
from tests.web.cuenta_helpers import PASSWORD, crear_cuenta

pytestmark = pytest.mark.browser

# The longest address people type is far longer; this one is long enough not to fit 320 px.
LONG_EMAIL = "maria.guadalupe.hernandez.de.la.fuente.personal@correo-de-ejemplo.com.mx"
BAD_CURP = "GOMC800101HDFRRN0X"  # a letter where the check digit goes: the character row shows
MODES = [
    ("320×740", 320, 740, ""),
    ("360×740", 360, 740, ""),
    ("360×740, text at 200 %", 360, 740, TEXT_200),
    ("1280×900, text at 200 %", 1280, 900, TEXT_200),
    ("320×740, text spacing", 320, 740, TEXT_SPACING),
    ("1280×900, text spacing", 1280, 900, TEXT_SPACING),
]


class Portal:
    """The demo portal's address and the people and documents the pages show."""

    def __init__(self, app: Any, url: str) -> None:
        self.url = url
        with app.test_request_context():
            examples = {e.key: e.curps[0] for e in demo.examples(db.session)}
            self.sin_afiliacion = examples["sin_afiliacion"]
            self.titular = examples["issste_titular"]
            service = servicio()
            document = emitir_no_afiliacion(
                db.session, service.signer, self.sin_afiliacion, dt.datetime.now(dt.UTC),
                emisor=service.emisor,
            )  # fmt: skip
            self.verificar = f"/verificar/{document.folio}?c={document.codigo}"
            db.session.commit()
        crear_cuenta(app, self.titular, LONG_EMAIL)


@pytest.fixture(scope="module")
def portal(live_app: Any, live_server: Any) -> Portal:
    return Portal(live_app, live_server.url)


@pytest.fixture(scope="module")
def public(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="es-MX")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def signed_in(browser: Any, portal: Portal) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="es-MX")
    page = context.new_page()
    page.goto(portal.url + "/cuenta/entrar")
    page.locator("#campo-curp").fill(portal.titular)
    page.locator("#campo-password").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("heading", name="Oficina Virtual", exact=True).wait_for()
    yield page
    context.close()


def no_afiliacion_result(page: Any, portal: Portal) -> None:
    page.goto(portal.url + "/constancias/no-afiliacion")
    page.get_by_label("CURP").fill(portal.sin_afiliacion)
    page.get_by_role("button", name="Buscar").click()
    page.get_by_role("heading", name="No tienes afiliación vigente al ISSSTE").wait_for()


def registro_with_errors(page: Any, portal: Portal) -> None:
    page.goto(portal.url + "/cuenta/registro")
    page.locator("#campo-curp").fill(BAD_CURP)
    page.locator("#campo-email").fill(LONG_EMAIL.replace("@", " en "))
    page.get_by_role("button", name="Crear cuenta").click()
    page.locator(".error-summary").wait_for()
    scripts_ran(page)  # measured as people see it: the captcha's widget, not its question


def opens(path: Callable[[Portal], str]) -> Callable[[Any, Portal], None]:
    def load(page: Any, portal: Portal) -> None:
        page.goto(portal.url + path(portal))
        page.wait_for_load_state("load")

    return load


PUBLIC = [
    pytest.param(opens(lambda p: "/"), id="inicio"),
    pytest.param(opens(lambda p: "/guias/no-afiliacion-issste"), id="guia"),
    pytest.param(opens(lambda p: f"/curp?curp={BAD_CURP}"), id="curp-resultado"),
    pytest.param(no_afiliacion_result, id="no-afiliacion-resultado"),
    pytest.param(registro_with_errors, id="registro-errores"),
    pytest.param(opens(lambda p: "/cuenta/entrar"), id="entrar"),
    pytest.param(opens(lambda p: p.verificar), id="verificar-resultado"),
    pytest.param(opens(lambda p: "/preguntas-frecuentes"), id="preguntas-frecuentes"),
    pytest.param(opens(lambda p: "/integracion"), id="integracion"),
    pytest.param(opens(lambda p: f"/embed/curp?curp={p.titular}"), id="widget-resultado"),
]
OFICINA = [
    "/oficina",
    "/oficina/constancia-vigencia",
    "/oficina/correo",
    "/oficina/contrasena",
    "/oficina/cerrar-cuenta",
]


def assert_fits(page: Any) -> None:
    found = {name: layout_problems(page, w, h, css) for name, w, h, css in MODES}
    found = {name: problems for name, problems in found.items() if problems}
    report = "\n".join(f"{name}:\n  " + "\n  ".join(p) for name, p in found.items())
    assert not found, f"{page.url} does not fit:\n{report}"


@pytest.mark.parametrize("load", PUBLIC)
def test_public_page_fits_any_screen_text_size_and_spacing(
    public: Any, portal: Portal, load: Callable[[Any, Portal], None]
) -> None:
    load(public, portal)
    assert public.locator("h1").count() == 1
    assert_fits(public)


@pytest.mark.parametrize("path", OFICINA)
def test_oficina_page_fits_any_screen_text_size_and_spacing(
    signed_in: Any, portal: Portal, path: str
) -> None:
    signed_in.goto(portal.url + path)
    assert signed_in.url == portal.url + path  # still signed in, not sent to /cuenta/entrar
    assert_fits(signed_in)
    if path == "/oficina":
        assert LONG_EMAIL in signed_in.locator("main").inner_text()
