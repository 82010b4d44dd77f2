"""/oficina/constancia-vigencia: the check-your-data page and the carnet digital PDF, for the
titular and each beneficiary; refusals (not theirs, not vigente), sign-in, CSRF and the limit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from blueprints.extensions import db
from domain import registry, sello
from domain.hoy import today_in_mexico
from domain.models import Afiliacion
from tests.conftest import make_app
from tests.web.carnet_helpers import URL, family
from tests.web.constancias_helpers import ledger, published_keys
from tests.web.cuenta_helpers import PASSWORD, crear_cuenta, seed, signed_in

SIGN_IN = "/cuenta/entrar?next=%2Foficina%2Fconstancia-vigencia"
FILENAME = re.compile(r"^attachment; filename=constancia-vigencia-derechos-VD-\d{4}-\d{6}\.pdf$")
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def own(app: Flask, curp: str) -> Afiliacion:
    with app.app_context():
        found = registry.situacion(db.session, curp, today_in_mexico()).issste_titular
        assert found is not None
        db.session.expunge(found.persona)
        db.session.expunge(found)
        return found


def page(client: FlaskClient, status: int = 200) -> Any:
    """GET the page, check the status, and return the parsed document for selector asserts."""
    response = client.get(URL)
    assert response.status_code == status
    assert "no-store" in response.headers["Cache-Control"]
    return lxml_html.fromstring(response.get_data(as_text=True))


def text(node: Any) -> str:
    return " ".join(node.text_content().split())


def summary(doc: Any, curp: str) -> dict[str, str]:
    """The summary list (dt -> dd) of the person with ``curp``."""
    [dl] = doc.xpath(f'//dl[@class="summary-list"][dd[normalize-space()="{curp}"]]')
    return dict(zip(map(text, dl.xpath("dt")), map(text, dl.xpath("dd")), strict=True))


def download_form(doc: Any, curp: str) -> Any:
    forms = doc.xpath(f'//form[@action="{URL}"][input[@name="curp"][@value="{curp}"]]')
    return forms[0] if forms else None


def download(client: FlaskClient, curp: str) -> Any:
    return client.post(URL, data={"curp": curp})


# --- the check-your-data page -------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client: FlaskClient) -> None:
    for response in (client.get(URL), client.post(URL, data={"curp": "X"})):
        assert response.status_code == 302
        assert response.headers["Location"] == SIGN_IN


def test_page_lists_the_titular_and_each_beneficiary_with_every_field(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    doc = page(signed_in(app, curp))
    [h1] = doc.xpath("//h1")
    assert text(h1) == "Revisa tus datos antes de descargar"
    note = text(doc.xpath('//div[@class="panel"][h2="¿Algún dato está mal?"]')[0])
    assert "Tu dependencia debe corregirlo en el ISSSTE" in note
    assert "Departamento de Afiliación y Prestaciones Económicas" in note
    assert not doc.xpath('//main//a[contains(., "Cambiar")]')  # the registry's data: no Change

    titular = own(app, curp)
    rows = summary(doc, curp)
    assert rows == {
        "Nombre": titular.persona.nombre_completo,
        "CURP": curp,
        "Número ISSSTE": titular.numero_afiliacion,
        "Tipo de derechohabiente": "Titular (trabajador o trabajadora)",
        "Dependencia": titular.dependencia,
        "Clínica de adscripción": titular.clinica,
        "Vigencia": "Desde el 1 de marzo de 2010, sin fecha de término",
        "Derechos hoy": "Vigentes",
    }
    button = download_form(doc, curp).xpath(".//button")[0]
    assert text(button) == f"Descargar constancia de {titular.persona.nombre_completo} (PDF)"

    beneficiarios = family(app, curp)
    for b in beneficiarios:
        rows = summary(doc, b.curp)
        assert rows["Nombre"] == b.persona.nombre_completo
        assert rows["Número ISSSTE"] == b.numero_afiliacion
        assert rows["Tipo de derechohabiente"] == "Familiar derechohabiente"
        assert rows["Parentesco"] == {"cónyuge": "Cónyuge", "hijo(a)": "Hijo o hija"}[b.parentesco]
        assert (rows["Dependencia"], rows["Clínica de adscripción"]) == (b.dependencia, b.clinica)
        assert rows["Vigencia"] == "Desde el 1 de mayo de 2012, sin fecha de término"
        assert rows["Derechos hoy"] == "Vigentes"
        assert doc.xpath(f'//h3[normalize-space()="{b.persona.nombre_completo}"]')
        form = download_form(doc, b.curp)
        assert form.xpath('.//input[@name="csrf_token"]')
        assert f"Descargar constancia de {b.persona.nombre_completo}" in text(form)
    assert len(doc.xpath("//form[@action='/oficina/constancia-vigencia']")) == 1 + len(
        beneficiarios
    )


def test_relationships_and_buttons_are_shown_in_english_too(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    client.set_cookie("lang", "en")
    doc = page(client)
    english = {"cónyuge": "Spouse", "hijo(a)": "Son or daughter"}
    for b in family(app, curp):
        assert summary(doc, b.curp)["Relationship"] == english[b.parentesco]
        [button] = download_form(doc, b.curp).xpath(".//button")
        assert text(button) == f"Download the certificate for {b.persona.nombre_completo} (PDF)"


def test_a_titular_no_longer_vigente_sees_no_button_and_what_to_do(app: Flask, curps: Any) -> None:
    curp = curps["issste_baja"][0]
    doc = page(signed_in(app, curp))
    rows = summary(doc, curp)
    assert rows["Derechos hoy"] == "No vigentes"
    assert rows["Vigencia"] == "Del 1 de marzo de 2010 al 31 de diciembre de 2023"
    assert download_form(doc, curp) is None
    warning = text(doc.xpath('//div[@class="panel panel--warn"]')[0])
    assert "hoy no tienes derechos vigentes" in warning
    assert "Departamento de Afiliación y Prestaciones Económicas" in warning


# --- the PDF ----------------------------------------------------------------------------


def assert_carnet(client: FlaskClient, response: Any, afiliacion: Afiliacion, folio: str) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert FILENAME.match(response.headers["Content-Disposition"])
    assert folio in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    found = sello.texto(response.data)
    assert afiliacion.persona.nombre_completo in found
    assert afiliacion.curp in found and folio in found
    assert afiliacion.numero_afiliacion in found
    assert sello.verificar_pdf(response.data, published_keys(client)).autentica
    return found


def test_the_titular_downloads_their_signed_carnet(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    response = download(client, curp.lower())  # typed or pasted: the same person
    [row] = ledger(app)
    assert re.fullmatch(r"VD-\d{4}-000001", row.folio) and row.curp == curp
    found = assert_carnet(client, response, own(app, curp), row.folio)
    assert "Titular (trabajador o trabajadora)" in found


def test_a_beneficiary_carnet_is_issued_from_the_titular_account(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    client = signed_in(app, curp)
    beneficiarios = family(app, curp)
    for b in beneficiarios:
        response = download(client, b.curp)
        row = ledger(app)[-1]
        assert row.curp == b.curp
        found = assert_carnet(client, response, b, row.folio)
        assert "Familiar derechohabiente" in found and b.parentesco in found
    assert len(ledger(app)) == len(beneficiarios)


@pytest.mark.parametrize("case", ["other_titular", "other_family", "pensionado", "junk"])
def test_a_curp_that_is_not_theirs_is_403(app: Flask, curps: Any, case: str) -> None:
    curp, other = curps["issste_titular"][:2]
    if case == "other_titular":
        asked = other
    elif case == "other_family":
        asked = family(app, other)[0].curp
    elif case == "pensionado":
        asked = curps["issste_pensionado"][0]
    else:
        asked = "\x00<script>" * 20
    response = download(signed_in(app, curp), asked)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "No puedes descargar esta constancia" in html and "<script>" not in html
    assert "no-store" in response.headers["Cache-Control"]
    assert ledger(app) == []


def test_not_vigente_is_422_with_what_to_do(app: Flask, curps: Any) -> None:
    curp = curps["issste_baja"][0]
    response = download(signed_in(app, curp), curp)
    assert response.status_code == 422
    doc = lxml_html.fromstring(response.get_data(as_text=True))
    assert text(doc.xpath("//title")[0]).startswith("Error: ")
    [alert] = doc.xpath('//div[@role="alert"]')
    message = text(alert)
    assert "No podemos generar la constancia de" in message
    assert "no tienes derechos vigentes" in message
    assert "terminó el 31 de diciembre de 2023" in message
    assert "Departamento de Afiliación y Prestaciones Económicas" in message
    assert "actualice tu registro en el ISSSTE" in message
    assert len(doc.xpath("//h1")) == 1
    assert ledger(app) == []


def test_beneficiaries_lose_their_carnet_when_the_titular_is_not_vigente(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    with app.app_context():
        titular = registry.situacion(db.session, curp, today_in_mexico()).issste_titular
        assert titular is not None
        titular.vigente = False
        db.session.commit()
    client = signed_in(app, curp)
    [b, *_] = family(app, curp)
    doc = page(client)
    assert summary(doc, b.curp)["Derechos hoy"] == "No vigentes"
    assert download_form(doc, b.curp) is None
    response = download(client, b.curp)
    assert response.status_code == 422
    assert "dependen de los tuyos" in response.get_data(as_text=True)
    assert ledger(app) == []


def test_a_titular_with_a_lapsed_row_and_a_current_one_gets_the_current_one(
    app: Flask, curps: Any
) -> None:
    curp = curps["issste_titular"][0]
    with app.app_context():
        [anterior] = registry.situacion(db.session, curp, today_in_mexico()).issste
        anterior.vigente, anterior.dependencia = False, "DEPENDENCIA ANTERIOR"
        numero_anterior = anterior.numero_afiliacion
        db.session.add(  # a later row (a higher id): a new job, current today
            Afiliacion(
                curp=curp,
                institucion="ISSSTE",
                numero_afiliacion="NUEVO-0001",
                tipo="titular",
                vigente=True,
                dependencia="DEPENDENCIA ACTUAL",
                clinica=anterior.clinica,
            )
        )
        db.session.commit()
    client = signed_in(app, curp)
    rows = summary(page(client), curp)
    assert rows["Número ISSSTE"] == "NUEVO-0001"
    assert rows["Dependencia"] == "DEPENDENCIA ACTUAL"
    assert rows["Derechos hoy"] == "Vigentes"
    home = client.get("/oficina").get_data(as_text=True)
    assert "NUEVO-0001" in home and numero_anterior not in home

    response = download(client, curp)
    found = assert_carnet(client, response, own(app, curp), ledger(app)[-1].folio)
    assert "NUEVO-0001" in found and "DEPENDENCIA ACTUAL" in found
    assert numero_anterior not in found and "DEPENDENCIA ANTERIOR" not in found


# --- CSRF and the limit ---------------------------------------------------------------------


def test_the_download_needs_the_form_token(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["issste_titular"][0]
    crear_cuenta(app, curp, "titular@example.org")
    client = app.test_client()
    token = CSRF.search(client.get("/cuenta/entrar").get_data(as_text=True))
    assert token
    signin = {"csrf_token": token.group(1), "curp": curp, "password": PASSWORD}
    assert client.post("/cuenta/entrar", data=signin).status_code == 303

    refused = download(client, curp)
    assert refused.status_code == 400 and "caducó" in refused.get_data(as_text=True)
    assert ledger(app) == []
    token = CSRF.search(client.get(URL).get_data(as_text=True))
    assert token
    accepted = client.post(URL, data={"csrf_token": token.group(1), "curp": curp})
    assert accepted.status_code == 200 and accepted.mimetype == "application/pdf"


def test_downloads_are_limited_per_account(tmp_path: Path, database_url: str) -> None:
    app = make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)
    found = seed(app)
    curp, other = found["issste_titular"][:2]
    client = signed_in(app, curp)
    for _ in range(20):  # refused requests count too: probing is not free
        assert download(client, other).status_code == 403
    response = download(client, curp)
    assert response.status_code == 429 and response.headers["Retry-After"] == "3600"
    assert "hasta 20 constancias por hora" in response.get_data(as_text=True)
    assert ledger(app) == []
    # Another account has its own allowance.
    assert download(signed_in(app, other, "otra@example.org"), other).status_code == 200
