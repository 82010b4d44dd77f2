"""/constancias/vigencia-imss: the warning when the NSS's year of birth is not the CURP's (#9)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from blueprints.extensions import db
from domain import nss as nss_rules
from domain import registry
from tests.web.constancias_helpers import ADDRESS, body, imss_form, ledger, seed
from tests.web.imss_helpers import NEUTRAL, VIGENCIA, nss_of, outbox, post, unused_nss


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
