"""Vigencia de Derechos del IMSS on a phone: bad input, then CURP + NSS + email, the answer
swapped in place, the PDF received by a real SMTP server; every step without axe violations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from blueprints.extensions import db
from domain import demo, registry, sello
from domain.models import Base
from tests.browser.conftest import LiveServer, assert_no_axe_violations, assert_no_horizontal_scroll
from tests.browser.page_helpers import wait_until_solved
from tests.conftest import make_app
from tests.smtp import SmtpServer

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def imss_server(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[Any]:
    """The portal with demo people, CSRF on, mail to ``smtp``, served for real."""
    tmp = tmp_path_factory.mktemp("imss")
    url = f"sqlite:///{tmp / 'imss.sqlite3'}"
    engine = sa.create_engine(url)
    Base.metadata.create_all(engine)
    engine.dispose()
    app = make_app(
        tmp, url, ENV=smtp.env, WTF_CSRF_ENABLED=True, TESTING=False,
        CAPTCHA_POW_COST=10, CAPTCHA_POW_COUNTER=(5, 20),
    )  # fmt: skip
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "11"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        curp = next(e.curps[0] for e in demo.examples(db.session) if e.key == "imss_vigente")
        nss = registry.situacion(db.session, curp, dt.date.today()).imss[0].numero_afiliacion
    with LiveServer(app) as server:
        yield server, curp, nss


def check(page: Any) -> None:
    assert page.locator("h1").count() == 1
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)


def solve(page: Any) -> None:
    # The widget starts on the first focus inside the form (auto="onfocus").
    page.locator("[data-captcha-activo]").wait_for()
    wait_until_solved(page)


def test_vigencia_from_form_to_confirmation(phone: Any, imss_server: Any, smtp: SmtpServer) -> None:
    from playwright.sync_api import expect

    server, curp, nss = imss_server
    phone.goto(server.url + "/constancias/vigencia-imss")
    expect(phone.locator("h1")).to_have_text("Constancia de Vigencia de Derechos del IMSS")
    check(phone)

    # A wrong check digit: the summary and the NSS's message, swapped in place.
    phone.get_by_label("CURP").fill(curp)
    wrong = nss[:10] + str((int(nss[10]) + 1) % 10)
    phone.get_by_label("Número de Seguridad Social (NSS)").fill(wrong)
    phone.get_by_label("Correo electrónico").fill("persona.prueba@example.org")
    solve(phone)
    phone.get_by_role("button", name="Pedir constancia").click()
    phone.locator(".error-summary").wait_for()
    assert phone.url.endswith("/constancias/vigencia-imss")
    expect(phone.locator("#error-nss")).to_contain_text("El dígito verificador debería ser")
    expect(phone.locator("#grupo-nss .nss-problemas")).to_have_count(0)  # said once
    check(phone)

    phone.get_by_label("Número de Seguridad Social (NSS)").fill(nss)
    solve(phone)
    phone.get_by_role("button", name="Pedir constancia").click()
    heading = phone.get_by_role("heading", name="Te enviamos tu constancia")
    heading.wait_for()
    assert phone.url.endswith("/constancias/vigencia-imss")  # swapped in place
    folio = phone.locator(".folio").inner_text()
    assert folio.startswith("VI-") and "p***@example.org" in phone.content()
    check(phone)

    [message] = smtp.wait_for(1)
    [part] = list(message.iter_attachments())
    text = sello.texto(part.get_payload(decode=True))
    assert folio in text and curp in text and nss in text
