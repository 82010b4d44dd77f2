"""No afiliación on a phone: search, the answer swapped in place, the PDF downloaded, verified."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from domain import sello
from tests.browser.conftest import assert_no_axe_violations, assert_no_horizontal_scroll
from tests.browser.curp_helpers import example

pytestmark = pytest.mark.browser


def test_no_afiliacion_from_search_to_verification(
    phone: Any, live_server: Any, live_app: Any, tmp_path: Path
) -> None:
    curp = example(live_app, "sin_afiliacion")
    phone.goto(live_server.url + "/constancias/no-afiliacion")
    assert phone.locator("h1").inner_text() == "Constancia de No Afiliación al ISSSTE"
    assert_no_horizontal_scroll(phone)
    assert_no_axe_violations(phone)

    phone.get_by_label("CURP").fill(curp.lower())
    phone.get_by_role("button", name="Buscar").click()
    heading = phone.get_by_role("heading", name="No tienes afiliación vigente al ISSSTE")
    heading.wait_for()
    assert phone.url.endswith("/constancias/no-afiliacion")  # swapped in place, no navigation
    assert phone.evaluate("document.activeElement.tagName") == "H2"  # focus moved to the answer
    assert_no_horizontal_scroll(phone)
    assert_no_axe_violations(phone)

    with phone.expect_download() as info:
        phone.get_by_role("button", name=re.compile("Descargar constancia")).click()
    download = info.value
    assert re.fullmatch(
        r"constancia-no-afiliacion-NA-\d{4}-\d{6}\.pdf", download.suggested_filename
    )
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = sello.texto(saved.read_bytes())
    assert curp in text and download.suggested_filename[25:-4] in text
    match = re.search(r"https?://\S+/verificar/\S+", text)
    assert match

    printed = urlsplit(match.group())  # PUBLIC_BASE_URL, not this test server: keep the path
    phone.goto(f"{live_server.url}{printed.path}?{printed.query}")
    phone.get_by_role("heading", name="Documento auténtico y vigente").wait_for()
    assert "Constancia de No Afiliación" in phone.locator(".summary-list").inner_text()
    assert_no_horizontal_scroll(phone)
    assert_no_axe_violations(phone)


def test_typed_verification_and_a_wrong_code(phone: Any, live_server: Any) -> None:
    phone.goto(live_server.url + "/verificar")
    assert_no_axe_violations(phone)
    phone.get_by_label("Folio").fill("NA-2026-999999")
    phone.get_by_label("Código de verificación").fill("ABCD-EFGH-JKMN")
    phone.get_by_role("button", name="Verificar").click()
    phone.get_by_role("heading", name="No auténtica").wait_for()
    assert_no_horizontal_scroll(phone)
    assert_no_axe_violations(phone)


def test_a_page_sent_whole_with_errors_starts_at_the_summary(phone: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    phone.goto(live_server.url + "/verificar")
    expect(phone.locator(".error-summary")).to_have_count(0)
    phone.get_by_label("Folio").fill("NA")
    phone.get_by_role("button", name="Verificar").click()  # a plain GET form: a new page
    summary = phone.locator(".error-summary")
    expect(summary).to_be_focused()
    assert phone.title().startswith("Error: Verificar un documento")
    summary.get_by_role("link").first.click()
    assert phone.evaluate("document.activeElement.id") == "campo-folio"


def test_affiliated_answer_and_invalid_curp_are_accessible(
    phone: Any, live_server: Any, live_app: Any
) -> None:
    phone.goto(live_server.url + "/constancias/no-afiliacion")
    phone.get_by_label("CURP").fill(example(live_app, "issste_titular"))
    phone.get_by_role("button", name="Buscar").click()
    phone.get_by_role("heading", name="Tienes afiliación vigente al ISSSTE").wait_for()
    assert_no_axe_violations(phone)
    phone.get_by_label("CURP").fill("PXNE661320HMCXTN07")
    phone.get_by_role("button", name="Buscar").click()
    phone.get_by_role("heading", name="Hay un problema").wait_for()
    assert phone.locator("#campo-curp").get_attribute("aria-invalid") == "true"
    assert_no_axe_violations(phone)
