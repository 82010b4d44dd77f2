"""The carnet digital on a phone: sign in, check the data, download the titular's and a
beneficiary's PDF; and the not-vigente answer. No axe violations on any page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from blueprints.extensions import db
from domain import registry, sello
from tests.browser.conftest import assert_no_axe_violations, assert_no_horizontal_scroll
from tests.browser.curp_helpers import example
from tests.web.cuenta_helpers import PASSWORD, crear_cuenta

pytestmark = pytest.mark.browser
URL = "/oficina/constancia-vigencia"
FILENAME = re.compile(r"constancia-vigencia-derechos-(VD-\d{4}-\d{6})\.pdf")


def check(page: Any) -> None:
    assert page.locator("h1").count() == 1
    assert_no_horizontal_scroll(page)
    assert_no_axe_violations(page)


def sign_in(page: Any, server_url: str, curp: str) -> None:
    """Open the carnet page signed out: sign in on the way, and land back on it."""
    page.goto(server_url + URL)
    page.get_by_role("heading", name="Entra a la Oficina Virtual").wait_for()
    page.locator("#campo-curp").fill(curp)
    page.locator("#campo-password").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.get_by_role("heading", name="Revisa tus datos antes de descargar").wait_for()
    assert page.url == server_url + URL


def save(page: Any, button_name: str, tmp_path: Path) -> tuple[str, str]:
    """Click a download button; the folio and the text of the PDF it gave."""
    with page.expect_download() as info:
        page.get_by_role("button", name=button_name).click()
    download = info.value
    match = FILENAME.fullmatch(download.suggested_filename)
    assert match, download.suggested_filename
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return match.group(1), sello.texto(saved.read_bytes())


def test_a_titular_checks_the_data_and_downloads_carnets(
    phone: Any, live_server: Any, live_app: Any, tmp_path: Path
) -> None:
    curp = example(live_app, "issste_titular")
    crear_cuenta(live_app, curp, "carnet.titular@example.org")
    with live_app.app_context():
        persona = registry.persona(db.session, curp)
        assert persona is not None
        nombre = persona.nombre_completo
        [familiar, *_] = registry.beneficiarios(db.session, curp, "ISSSTE")
        familiar_curp, familiar_nombre = familiar.curp, familiar.persona.nombre_completo

    sign_in(phone, live_server.url, curp)
    main = phone.locator("main").inner_text()
    assert "Tu dependencia debe corregirlo en el ISSSTE" in main
    assert curp in main and familiar_curp in main
    check(phone)

    folio, text = save(phone, f"Descargar constancia de {nombre} (PDF)", tmp_path)
    assert nombre in text and curp in text and folio in text
    folio_b, text = save(phone, f"Descargar constancia de {familiar_nombre} (PDF)", tmp_path)
    assert familiar_nombre in text and familiar_curp in text and folio_b in text
    assert folio_b != folio
    assert phone.url == live_server.url + URL  # still on the page, ready for the next one


def test_not_vigente_is_explained_accessibly(phone: Any, live_server: Any, live_app: Any) -> None:
    curp = example(live_app, "issste_baja")
    crear_cuenta(live_app, curp, "carnet.baja@example.org")
    sign_in(phone, live_server.url, curp)
    assert phone.get_by_role("button", name=re.compile("Descargar constancia")).count() == 0
    assert "No vigentes" in phone.locator("main").inner_text()
    check(phone)
