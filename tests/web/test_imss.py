"""IMSS without an account: the Constancia de Vigencia de Derechos (CURP + NSS, by email) and
the NSS lookup (by email only, same answer for everyone). Every outcome, bad input, limits."""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from blueprints.extensions import db
from domain import curp as curp_rules
from domain import nss as nss_rules
from domain import registry, sello
from domain.models import Afiliacion, Constancia, Correo, Persona
from tests.conftest import make_app
from tests.smtp import SmtpServer, mail_app, text_part
from tests.web.test_constancias import (
    ADDRESS,
    UNKNOWN,
    body,
    emailed_pdf,
    imss_form,
    ledger,
    published_keys,
    resend_token,
    seed,
)

VIGENCIA = "/constancias/vigencia-imss"
NSS_URL = "/imss/nss"
HIJA = "PXNE100720MMCXTNA" + curp_rules.check_digit("PXNE100720MMCXTNA")  # added by the tests
NEUTRAL = "La CURP y el NSS no coinciden"


def nss_of(app: Flask, curp: str) -> str:
    with app.app_context():
        hoy = dt.date.today()
        return registry.situacion(db.session, curp, hoy).imss[0].numero_afiliacion


def unused_nss() -> str:
    return "9999999999" + nss_rules.check_digit("9999999999")


def add_beneficiaria(app: Flask, titular: str) -> str:
    """Register a daughter under the titular's IMSS affiliation; her full name."""
    numero = nss_of(app, titular)
    with app.app_context():
        db.session.add(
            Persona(
                curp=HIJA, nombre="LUCIA", primer_apellido="PRUEBA", segundo_apellido="ENSAYO",
                fecha_nacimiento=dt.date(2010, 7, 20), sexo="M", entidad="MC",
            )
        )  # fmt: skip
        db.session.add(
            Afiliacion(
                curp=HIJA, institucion="IMSS", numero_afiliacion=numero, tipo="beneficiario",
                vigente=True, titular_curp=titular, parentesco="hija",
            )
        )  # fmt: skip
        db.session.commit()
    return "LUCIA PRUEBA ENSAYO"


@pytest.fixture
def mail(tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> tuple[Flask, SmtpServer]:
    return mail_app(tmp_path, database_url, smtp_server), smtp_server


def post(client: FlaskClient, url: str, **fields: str) -> Any:
    return client.post(url, data=imss_form(client, url, **fields))


def outbox(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(db.select(db.func.count()).select_from(Correo)) or 0)


# --- vigencia: the form and bad input -----------------------------------------------------------


def test_form_asks_for_curp_nss_email_and_captcha(client: FlaskClient) -> None:
    page = body(client.get(VIGENCIA))
    for name in ("curp", "nss", "email", "captcha_respuesta"):
        assert f'name="{name}"' in page
    assert f'hx-post="{VIGENCIA}"' in page and f'action="{VIGENCIA}"' in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"nss": "12345678903", "email": ADDRESS}, "curp", "Escribe tu CURP"),
        ({"curp": "PXNE660720HMCXTN07", "nss": "12345678903", "email": ADDRESS}, "curp",
         "El dígito verificador debería ser 6"),
        ({"curp": UNKNOWN, "email": ADDRESS}, "nss", "Escribe tu NSS"),
        ({"curp": UNKNOWN, "nss": "12345678904", "email": ADDRESS}, "nss", "debería ser 3"),
        ({"curp": UNKNOWN, "nss": "12345678903"}, "email", "Escribe tu correo electrónico"),
        ({"curp": UNKNOWN, "nss": "12345678903", "email": "x@"}, "email", "válido"),
    ],
)  # fmt: skip
def test_vigencia_bad_input_is_a_spanish_422(
    app: Flask, client: FlaskClient, fields: dict[str, str], field: str, message: str
) -> None:
    response = post(client, VIGENCIA, **fields)
    assert response.status_code == 422
    assert message in body(response) and f'href="#campo-{field}"' in body(response)
    swapped = client.post(
        VIGENCIA, data=imss_form(client, VIGENCIA, **fields), headers={"HX-Request": "true"}
    )
    assert swapped.status_code == 200 and message in body(swapped) and "<html" not in body(swapped)
    assert ledger(app) == [] and outbox(app) == 0


def test_invalid_nss_shows_the_nss_rules_with_their_codes(client: FlaskClient) -> None:
    # The first problem is the field's message; the list beside it has the others.
    page = body(post(client, VIGENCIA, curp=UNKNOWN, nss="1234567890x", email=ADDRESS))
    assert "El NSS solo lleva números" in page and "data-codigo" not in page
    page = body(post(client, VIGENCIA, curp=UNKNOWN, nss="1234567x", email=ADDRESS))
    assert "El NSS tiene 11 números y escribiste 8." in page
    assert 'data-codigo="format"' in page and "El NSS solo lleva números" in page


def test_nss_and_curp_rules_are_english_in_the_english_interface(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    page = body(post(client, VIGENCIA, curp=UNKNOWN, nss="12x45678903", email=ADDRESS))
    assert "The NSS has only digits: check position 3." in page
    page = body(post(client, VIGENCIA, curp=UNKNOWN, nss="1a2b3c45678", email=ADDRESS))
    assert "check positions 2, 4 and 6." in page
    page = body(post(client, VIGENCIA, curp=UNKNOWN, nss="12345678904", email=ADDRESS))
    assert "The check digit should be 3: check the digits before it." in page
    page = body(post(client, VIGENCIA, curp=UNKNOWN, email=ADDRESS))
    assert "Enter your NSS: it has 11 digits." in page
    page = body(post(client, VIGENCIA, curp="PXNE660720FMCXTN06", nss="12345678903"))
    assert "Position 11 is your sex: H (man), M (woman) or X (non-binary)" in page
    assert "For a woman, it is M." in page and "La posición 11" not in page


def summary_and_fields(response: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The error summary's links (field -> text) and each field's own message."""
    doc = lxml_html.fromstring(body(response))
    links = doc.xpath('//div[@class="error-summary"]//a')
    summary = {a.get("href").removeprefix("#campo-"): a.text_content().strip() for a in links}
    inline = {
        span.get("id").removeprefix("error-"): span.text_content().strip().removeprefix("Error: ")
        for span in doc.xpath('//span[@class="error-message"]')
    }
    return summary, inline


def test_the_error_summary_names_each_code_and_its_own_problem(client: FlaskClient) -> None:
    # GOV.UK: the summary says what the field says, not "check your CURP: it has a problem".
    # Read there, away from the fields, a CURP's and an NSS's check digit read alike: each
    # entry names its code; beside the field, its label does.
    response = post(client, VIGENCIA, curp="PXNE661320HMCXTN07", nss="12345678904", email=ADDRESS)
    summary, inline = summary_and_fields(response)
    assert inline["nss"] == "El dígito verificador debería ser 3: revisa los números anteriores."
    assert inline["curp"] == (
        "El mes 13 no existe: las posiciones 7 y 8 son tu mes de nacimiento (01 a 12)."
        " Tu CURP tiene 1 problema más: lo explicamos junto al campo."
    )
    assert summary == {"curp": f"CURP: {inline['curp']}", "nss": f"NSS: {inline['nss']}"}
    client.set_cookie("lang", "en")
    response = post(client, VIGENCIA, curp="PXNE660720HMCXTN07", nss="12345678904", email=ADDRESS)
    summary, inline = summary_and_fields(response)
    assert summary == {
        "curp": "CURP: The check digit should be 6: check the letters and numbers before it.",
        "nss": "NSS: The check digit should be 3: check the digits before it.",
    }
    assert inline == {key: text.removeprefix(f"{key.upper()}: ") for key, text in summary.items()}
    # An empty field's message names it already: the summary says it as the field does.
    response = post(client, VIGENCIA, curp="", nss="", email=ADDRESS)
    summary, inline = summary_and_fields(response)
    empty = {"curp": "Enter your CURP: it has 18 letters and numbers."}
    assert summary == inline == {**empty, "nss": "Enter your NSS: it has 11 digits."}


def test_a_page_with_errors_says_so_first_in_its_title(app: Flask, client: FlaskClient) -> None:
    def title(response: Any) -> str:
        return str(lxml_html.fromstring(body(response)).findtext(".//title"))

    assert not title(client.get(VIGENCIA)).startswith("Error")
    assert title(post(client, VIGENCIA, curp="X")).startswith("Error: Constancia de Vigencia")
    curps = seed(app)
    refused = post(client, VIGENCIA, curp=curps["imss_vigente"], nss=unused_nss(), email=ADDRESS)
    assert refused.status_code == 422 and title(refused).startswith("Error: ")
    assert not title(client.get(NSS_URL)).startswith("Error")
    assert title(post(client, NSS_URL, curp="X")).startswith("Error: Consultar mi NSS")


def test_vigencia_bad_captcha_is_a_spanish_422(app: Flask, client: FlaskClient) -> None:
    data = {"curp": UNKNOWN, "nss": "12345678903", "email": ADDRESS}
    response = client.post(VIGENCIA, data=data)
    assert response.status_code == 422 and 'href="#campo-captcha"' in body(response)
    assert ledger(app) == []


# --- vigencia: outcomes -------------------------------------------------------------------------


def test_vigente_document_arrives_by_email_with_beneficiaries(
    mail: tuple[Flask, SmtpServer],
) -> None:
    app, smtp = mail
    titular = seed(app)["imss_vigente"]
    numero = nss_of(app, titular)
    hija = add_beneficiaria(app, titular)
    client = app.test_client()
    response = post(client, VIGENCIA, curp=titular.lower(), nss=numero, email=ADDRESS)
    page = body(response)
    [row] = ledger(app)
    assert response.status_code == 200 and "Te enviamos tu constancia" in page
    assert row.folio.startswith("VI-") and row.folio in page and "p***@example.org" in page
    assert ADDRESS not in page and numero not in page
    [message] = smtp.wait_for(1)
    assert message["To"] == ADDRESS and row.folio in message["Subject"]
    filename, data = emailed_pdf(message)
    assert filename == f"constancia-vigencia-imss-{row.folio}.pdf"
    text = sello.texto(data)
    for value in (row.titular_nombre, titular, numero, row.folio, hija, "(hija)"):
        assert value in text
    assert "Derecho a servicio médico: Sí" in text and "UMF 90" in text and "Patrón:" in text
    assert sello.verificar_pdf(data, published_keys(client)).autentica
    link = re.search(r"/verificar/(\S+)\?c=(\w+)", text_part(message))
    assert link and link.group(1) == row.folio
    verified = client.get(f"/verificar/{row.folio}?c={link.group(2)}")
    assert verified.status_code == 200 and "Documento auténtico y vigente" in body(verified)


def test_baja_document_says_no_medical_right(mail: tuple[Flask, SmtpServer]) -> None:
    app, smtp = mail
    curp = seed(app)["imss_baja"]
    client = app.test_client()
    response = post(client, VIGENCIA, curp=curp, nss=nss_of(app, curp), email=ADDRESS)
    assert response.status_code == 200
    [message] = smtp.wait_for(1)
    text = sello.texto(emailed_pdf(message)[1])
    assert "Derecho a servicio médico: No" in text and "Beneficiarios registrados: ninguno" in text


def test_beneficiary_gets_her_own_document(mail: tuple[Flask, SmtpServer]) -> None:
    app, smtp = mail
    titular = seed(app)["imss_vigente"]
    add_beneficiaria(app, titular)
    client = app.test_client()
    response = post(client, VIGENCIA, curp=HIJA, nss=nss_of(app, titular), email=ADDRESS)
    assert response.status_code == 200
    [message] = smtp.wait_for(1)
    text = sello.texto(emailed_pdf(message)[1])
    assert HIJA in text and "parentesco: hija" in text and "servicio médico: Sí" in text


def normalise(html: str) -> str:
    # The year-of-birth warning compares the two values typed, never the registry: it may differ.
    html = re.sub(r'<span class="warning-message" id="aviso-nss">.*?</span>[^<]*</span>', "", html)
    html = html.replace(" aviso-nss", "")
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    html = re.sub(r"hx-headers='[^']*'", "", html)
    html = re.sub(r'name="captcha_reto" value="[^"]*"', "", html)
    return re.sub(r"¿Cuánto es \w+ más \w+\?", "", html)


def test_mismatch_is_the_same_neutral_refusal(app: Flask, client: FlaskClient) -> None:
    curps = seed(app)
    mine, other = curps["imss_vigente"], curps["imss_baja"]
    cases = [
        (mine, unused_nss()),  # the CURP exists, with another NSS
        (mine, nss_of(app, other)),  # someone else's NSS
        (UNKNOWN, nss_of(app, mine)),  # an unknown CURP with a real NSS
        (curps["sin_afiliacion"], unused_nss()),
    ]
    answers = [post(client, VIGENCIA, curp=c, nss=n, email=ADDRESS) for c, n in cases]
    assert {r.status_code for r in answers} == {422}
    pages = [normalise(body(r).replace(c, "CURP").replace(n, "NSS")) for r, (c, n) in
             zip(answers, cases, strict=True)]  # fmt: skip
    assert NEUTRAL in pages[0] and len(set(pages)) == 1
    assert "PRUEBA" not in pages[0] and "FICTICIO" not in pages[0]
    assert ledger(app) == [] and outbox(app) == 0
    for response, (c, n) in zip(answers, cases, strict=True):
        warned = 'id="aviso-nss"' in body(response)
        assert warned is (nss_rules.birth_year_mismatch(n, c) is not None)


# --- vigencia: the year-of-birth warning (issue 9) ---------------------------------------------


def born_in_another_year(app: Flask, curp: str) -> str:
    """Give the person's IMSS affiliation an NSS whose 5-6 are not their CURP's year; return it."""
    first10 = "1215" + f"{(int(curp[4:6]) + 1) % 100 or 1:02d}" + "4321"
    numero = first10 + nss_rules.check_digit(first10)
    with app.app_context():
        [afiliacion] = registry.situacion(db.session, curp, dt.date.today()).imss
        afiliacion.numero_afiliacion = numero
        db.session.commit()
    return numero


def nss_field(response: Any) -> Any:
    [field] = lxml_html.fromstring(body(response)).xpath('//input[@name="nss"]')
    return field


def test_a_year_of_birth_that_disagrees_is_a_warning_and_the_request_proceeds(
    app: Flask, client: FlaskClient
) -> None:
    curp = seed(app)["imss_vigente"]
    numero = born_in_another_year(app, curp)
    warning = f"El año de nacimiento de tu NSS ({numero[4:6]}) no coincide con el de tu CURP"

    # Beside the NSS field, announced with it, while another field still needs fixing...
    response = post(client, VIGENCIA, curp=curp, nss=numero)
    page = body(response)
    assert response.status_code == 422 and warning in page
    assert 'href="#campo-email"' in page and 'href="#campo-nss"' not in page  # not an error
    field = nss_field(response)
    assert field.get("aria-describedby") == "ayuda-nss aviso-nss"
    assert field.get("aria-invalid") is None
    [aviso] = field.getparent().xpath('.//*[@id="aviso-nss"]')
    assert aviso.text_content().strip().startswith("Aviso: " + warning)
    swapped = client.post(
        VIGENCIA, data=imss_form(client, VIGENCIA, curp=curp, nss=numero),
        headers={"HX-Request": "true"},
    )  # fmt: skip
    assert 'id="aviso-nss"' in body(swapped) and "<html" not in body(swapped)
    assert ledger(app) == []

    # ...and it stops nothing: with everything else right, the document is sent.
    response = post(client, VIGENCIA, curp=curp, nss=numero, email=ADDRESS)
    assert response.status_code == 200 and "Te enviamos tu constancia" in body(response)
    assert len(ledger(app)) == 1 and outbox(app) == 1


def test_the_warning_beside_a_refusal_and_in_english(app: Flask, client: FlaskClient) -> None:
    curp = seed(app)["imss_vigente"]
    refused = post(client, VIGENCIA, curp=curp, nss=unused_nss(), email=ADDRESS)  # 5-6: 99
    assert refused.status_code == 422 and NEUTRAL in body(refused)
    assert "El año de nacimiento de tu NSS (99)" in body(refused)
    client.set_cookie("lang", "en")
    page = body(post(client, VIGENCIA, curp=curp, nss=unused_nss(), email=ADDRESS))
    assert "Warning:" in page and "The year of birth in your NSS (99) does not match" in page
    assert "El año de nacimiento" not in page


def test_no_warning_when_the_years_agree_or_the_nss_has_none(
    app: Flask, client: FlaskClient
) -> None:
    curp = seed(app)["imss_vigente"]
    unrecorded = "1215004321"
    for numero in (nss_of(app, curp), unrecorded + nss_rules.check_digit(unrecorded)):
        response = post(client, VIGENCIA, curp=curp, nss=numero)
        assert response.status_code == 422 and 'id="aviso-nss"' not in body(response)
        assert nss_field(response).get("aria-describedby") == "ayuda-nss"


def test_no_derechohabiencia_vigente_links_here(app: Flask, client: FlaskClient) -> None:
    curp = seed(app)["imss_vigente"]
    page = body(post(client, "/constancias/no-derechohabiencia", curp=curp, email=ADDRESS))
    assert f'href="{VIGENCIA}"' in page
    target = client.get(VIGENCIA)
    assert target.status_code == 200 and 'name="nss"' in body(target)


# --- vigencia: resend ---------------------------------------------------------------------------


def test_resend_sends_the_same_document_again(mail: tuple[Flask, SmtpServer]) -> None:
    app, smtp = mail
    curp = seed(app)["imss_vigente"]
    client = app.test_client()
    page = body(post(client, VIGENCIA, curp=curp, nss=nss_of(app, curp), email=ADDRESS))
    again = client.post(f"{VIGENCIA}/reenviar", data={"token": resend_token(page)})
    assert again.status_code == 200 and "Te enviamos la constancia de nuevo" in body(again)
    first, second = smtp.wait_for(2)
    assert second["To"] == ADDRESS
    assert sello.extraer(emailed_pdf(first)[1]) == sello.extraer(emailed_pdf(second)[1])
    assert len(ledger(app)) == 1


def test_resend_refusals(app: Flask, client: FlaskClient) -> None:
    bad = client.post(f"{VIGENCIA}/reenviar", data={"token": "inventado"})
    assert bad.status_code == 400 and "ya no sirve" in body(bad)
    curp = seed(app)["imss_vigente"]
    page = body(post(client, VIGENCIA, curp=curp, nss=nss_of(app, curp), email=ADDRESS))
    [row] = ledger(app)
    result = app.test_cli_runner().invoke(
        args=["constancias", "revocar", row.folio, "--motivo", "Prueba"]
    )
    assert result.exit_code == 0
    revoked = client.post(f"{VIGENCIA}/reenviar", data={"token": resend_token(page)})
    assert revoked.status_code == 410 and "ya no es válida" in body(revoked)


# --- NSS lookup ---------------------------------------------------------------------------------


def test_nss_form(client: FlaskClient) -> None:
    page = body(client.get(NSS_URL))
    assert 'name="curp"' in page and 'name="email"' in page and 'name="captcha_respuesta"' in page
    assert 'name="nss"' not in page and f'hx-post="{NSS_URL}"' in page


def test_nss_without_token_comes_back_filled_in_and_nothing_is_sent(
    tmp_path: Path, database_url: str
) -> None:
    # The form left open over the token's hour: what was typed comes back to confirm; no
    # lookup, no email, no limit counted. An htmx post still hears that the form expired.
    app = make_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    curp = seed(app)["imss_vigente"]
    client = app.test_client()
    captcha = imss_form(client, NSS_URL)
    data = {"curp": curp, "email": ADDRESS, **captcha}
    response = client.post(NSS_URL, data=data, headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 400
    doc = lxml_html.fromstring(body(response))
    assert "Confirma tus datos" in doc.get_element_by_id("aviso").text_content()
    for name, sent in (("curp", curp), ("email", ADDRESS)):
        assert doc.xpath(f'//form[@method="post"]//input[@name="{name}"]/@value') == [sent]
    assert doc.xpath('//form[@method="post"]//input[@name="csrf_token"]/@value') != [""]
    assert not doc.xpath('//input[@name="captcha_respuesta"]/@value')  # a new question
    assert "Revisa tu correo" not in body(response) and outbox(app) == 0
    htmx = client.post(NSS_URL, data={"curp": curp}, headers={"HX-Request": "true"})
    assert htmx.status_code == 400 and htmx.headers["HX-Retarget"] == "#aviso"
    assert "El formulario caducó" in body(htmx) and curp not in body(htmx)


def test_nss_is_emailed_never_shown(mail: tuple[Flask, SmtpServer]) -> None:
    app, smtp = mail
    curp = seed(app)["imss_vigente"]
    numero = nss_of(app, curp)
    response = post(app.test_client(), NSS_URL, curp=curp, email=ADDRESS)
    page = body(response)
    assert response.status_code == 200 and "Si la CURP tiene NSS, te lo enviamos" in page
    assert numero not in page and "p***@example.org" in page and ADDRESS not in page
    [message] = smtp.wait_for(1)
    assert message["To"] == ADDRESS and f"Tu NSS es: {numero}" in text_part(message)


@pytest.mark.parametrize("case", ["sin_afiliacion", "issste_titular", "desconocida"])
def test_no_nss_email_says_what_to_do(mail: tuple[Flask, SmtpServer], case: str) -> None:
    app, smtp = mail
    curp = seed(app).get(case, UNKNOWN)
    response = post(app.test_client(), NSS_URL, curp=curp, email=ADDRESS)
    assert response.status_code == 200 and "Si la CURP tiene NSS, te lo enviamos" in body(response)
    [message] = smtp.wait_for(1)
    text = text_part(message)
    assert "no encontramos ningún NSS" in text and "/guias/nss-imss" in text


def test_nss_page_cannot_tell_who_is_affiliated(app: Flask, client: FlaskClient) -> None:
    curps = seed(app)
    answers = [
        post(client, NSS_URL, curp=curp, email=ADDRESS)
        for curp in (curps["imss_vigente"], curps["imss_baja"], curps["sin_afiliacion"], UNKNOWN)
    ]
    assert {r.status_code for r in answers} == {200}
    assert len({normalise(body(r)) for r in answers}) == 1
    htmx = [
        client.post(NSS_URL, data=imss_form(client, NSS_URL, curp=c, email=ADDRESS),
                    headers={"HX-Request": "true"})
        for c in (curps["imss_vigente"], UNKNOWN)
    ]  # fmt: skip
    assert len({(r.status_code, normalise(body(r))) for r in htmx}) == 1
    assert outbox(app) == 6


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"email": ADDRESS}, "curp", "Escribe tu CURP"),
        ({"curp": "PXNE660720HMCXTN07", "email": ADDRESS}, "curp", "debería ser 6"),
        ({"curp": UNKNOWN}, "email", "Escribe tu correo electrónico"),
    ],
)
def test_nss_bad_input_is_a_spanish_422(
    app: Flask, client: FlaskClient, fields: dict[str, str], field: str, message: str
) -> None:
    response = post(client, NSS_URL, **fields)
    assert response.status_code == 422
    assert message in body(response) and f'href="#campo-{field}"' in body(response)
    bad_captcha = client.post(NSS_URL, data={"curp": UNKNOWN, "email": ADDRESS})
    assert bad_captcha.status_code == 422 and 'href="#campo-captcha"' in body(bad_captcha)
    assert outbox(app) == 0


# --- limits and logs ----------------------------------------------------------------------------


def limited_app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)


def test_nss_is_limited_per_curp_whatever_the_address(tmp_path: Path, database_url: str) -> None:
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    codes = [
        client.post(NSS_URL, data={"curp": f" {UNKNOWN.lower()} " if n % 2 else UNKNOWN},
                    environ_base={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code
        for n in range(4)
    ]  # fmt: skip
    assert codes == [422, 422, 422, 429]
    other = client.post(NSS_URL, data={"curp": "PXNE660720HMCXTN06"},
                        environ_base={"REMOTE_ADDR": "10.0.1.9"})  # fmt: skip
    assert other.status_code == 422
    last = client.post(NSS_URL, data={"curp": UNKNOWN}, environ_base={"REMOTE_ADDR": "10.0.2.1"})
    assert "Demasiadas solicitudes" in body(last) and last.headers["Retry-After"]


def test_nss_is_limited_per_address(tmp_path: Path, database_url: str) -> None:
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    curps = [curp_rules.validate(c) for c in _valid_curps(6)]
    codes = [client.post(NSS_URL, data={"curp": c}).status_code for c in curps]
    assert codes == [422] * 5 + [429]


def test_nss_is_limited_per_destination_mailbox(tmp_path: Path, database_url: str) -> None:
    # Many CURPs from many client addresses, all to one mailbox (one subaddress each): a
    # directory in the making.
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    curps = [curp_rules.validate(c) for c in _valid_curps(10)] + [UNKNOWN]
    mailbox = [f"Recolector+{n}@Example.org{' ' * (n % 2)}" for n in range(len(curps))]
    codes = [
        client.post(NSS_URL, data={"curp": c, "email": mailbox[n]},
                    environ_base={"REMOTE_ADDR": f"10.0.4.{n}"}).status_code
        for n, c in enumerate(curps)
    ]  # fmt: skip
    assert codes == [422] * 10 + [429]
    other = client.post(NSS_URL, data={"curp": UNKNOWN, "email": "otra@example.org"},
                        environ_base={"REMOTE_ADDR": "10.0.4.99"})  # fmt: skip
    assert other.status_code == 422
    # Posts without an address send nothing and share no budget.
    empty = [client.post(NSS_URL, data={"curp": f"{UNKNOWN[:5]}{n}"},
                         environ_base={"REMOTE_ADDR": f"10.0.5.{n}"}).status_code
             for n in range(12)]  # fmt: skip
    assert empty == [422] * 12


def _valid_curps(count: int) -> list[str]:
    prefix = "PXNE660720HMCXTN"
    out = []
    for d in "0123456789":
        candidate = prefix[:-1] + "N" + d
        out.append(candidate + curp_rules.check_digit(candidate))
    return out[:count]


def test_limiter_keys_never_hold_the_curp(tmp_path: Path, database_url: str) -> None:
    app = limited_app(tmp_path, database_url)
    app.test_client().post(NSS_URL, data={"curp": UNKNOWN})
    keys = " ".join(app.extensions["ratelimit"].primary.keys())
    assert "nss-curp:" in keys and UNKNOWN not in keys and UNKNOWN.lower() not in keys


def test_vigencia_and_resend_limits(tmp_path: Path, database_url: str) -> None:
    app = limited_app(tmp_path, database_url)
    client = app.test_client()
    codes = [client.post(VIGENCIA, data={"curp": UNKNOWN}).status_code for _ in range(11)]
    assert codes == [422] * 10 + [429]
    resend = [
        client.post(f"{VIGENCIA}/reenviar", data={"token": "x"},
                    environ_base={"REMOTE_ADDR": f"10.0.3.{n}"}).status_code
        for n in range(4)
    ]  # fmt: skip
    assert resend == [400, 400, 400, 429]


def test_no_curp_nss_or_email_in_the_logs(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    curp = seed(app)["imss_vigente"]
    numero = nss_of(app, curp)
    with caplog.at_level(logging.DEBUG):
        post(client, VIGENCIA, curp=curp, nss=numero, email=ADDRESS)
        post(client, VIGENCIA, curp=curp, nss=unused_nss(), email=ADDRESS)
        post(client, NSS_URL, curp=curp, email=ADDRESS)
        post(client, VIGENCIA, curp="X", nss="1", email="y")
    text = caplog.text
    for secret in (curp, numero, ADDRESS, unused_nss()):
        assert secret not in text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Constancia)) == 1
