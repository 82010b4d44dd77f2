"""/constancias/vigencia-imss without an account (CURP + NSS, by email): every outcome, bad
input, the resend, limits, and no CURP, NSS or address in the logs."""

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
from domain import sello
from domain.models import Afiliacion, Constancia, Persona
from tests.smtp import SmtpServer, text_part
from tests.web.constancias_helpers import (
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
from tests.web.imss_helpers import (
    NEUTRAL,
    NSS_URL,
    VIGENCIA,
    limited_app,
    normalise,
    nss_of,
    outbox,
    post,
    summary_and_fields,
    unused_nss,
)

HIJA = "PXNE100720MMCXTNA" + curp_rules.check_digit("PXNE100720MMCXTNA")  # added by the tests


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


# --- limits and logs ----------------------------------------------------------------------------


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
