"""The birth date in /curp/no-la-conozco and /cuenta/registro: a date control (day, month and
year), so its hint and its message never ask for a typed format; a browser that draws it as
plain text may send 27/03/1985 or 1985-03-27, and both are read."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.web.cuenta_helpers import formulario, registrar

OFELIA = {
    "nombre": "Ofelia",
    "primer_apellido": "Pedrero",
    "segundo_apellido": "Domínguez",
    "sexo": "M",
    "entidad": "JC",
}
HINT = "Día, mes y año. Por ejemplo, 27 de marzo de 1985."
INCOMPLETA = "Escribe tu fecha de nacimiento completa: día, mes y año."
FORMS = ["/curp/no-la-conozco", "/cuenta/registro"]


def date_field(html: str) -> tuple[Any, str]:
    doc = lxml_html.fromstring(html)
    (group,) = doc.xpath("//*[@id='grupo-fecha_nacimiento']")
    return group, " ".join(group.text_content().split())


@pytest.mark.parametrize("url", FORMS)
def test_the_hint_describes_the_control_not_a_typed_format(client: FlaskClient, url: str) -> None:
    group, text = date_field(client.get(url).get_data(as_text=True))
    (field,) = group.xpath(".//input[@name='fecha_nacimiento']")
    assert field.get("type") == "date"
    assert HINT in text and "AAAA" not in text and "1985-03-27" not in text


@pytest.mark.parametrize("url", FORMS)
@pytest.mark.parametrize("fecha", ["", "ayer", "1985-3", "27 03"])
def test_a_missing_or_unreadable_date_asks_for_day_month_and_year(
    client: FlaskClient, url: str, fecha: str
) -> None:
    # Chromium's control sends nothing until day, month and year are all chosen.
    response = client.post(url, data={**OFELIA, "fecha_nacimiento": fecha})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    _group, text = date_field(html)
    assert INCOMPLETA in text
    assert "AAAA" not in html and "YYYY" not in html


@pytest.mark.parametrize("fecha", ["05/04/1980", "5/4/1980", "1980-04-05"])
def test_the_calculation_reads_the_date_as_typed_or_chosen(client: FlaskClient, fecha: str) -> None:
    response = client.post("/curp/no-la-conozco", data={**OFELIA, "fecha_nacimiento": fecha})
    assert response.status_code == 200
    assert "PXDO800405MJCDMF" in response.get_data(as_text=True)


def test_an_impossible_date_still_says_what_is_wrong(client: FlaskClient) -> None:
    response = client.post("/curp/no-la-conozco", data={**OFELIA, "fecha_nacimiento": "31/02/1980"})
    _group, text = date_field(response.get_data(as_text=True))
    assert "Esa fecha no existe: revisa el día y el mes." in text


def test_registration_reads_a_date_typed_day_first(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    form = formulario(app, curp, "fecha@example.org")
    year, month, day = form["fecha_nacimiento"].split("-")
    response = registrar(app.test_client(), {**form, "fecha_nacimiento": f"{day}/{month}/{year}"})
    assert response.status_code == 303, response.get_data(as_text=True)
    assert response.headers["Location"].endswith("/cuenta/registro/revisa-tu-correo")


def test_the_date_message_is_the_form_s_in_english_too(client: FlaskClient) -> None:
    client.set_cookie("lang", "en")
    html = client.post("/curp/no-la-conozco", data=OFELIA).get_data(as_text=True)
    assert "YYYY-MM-DD" not in html and "AAAA-MM-DD" not in html
    assert "Enter your full date of birth: month, day and year." in html
