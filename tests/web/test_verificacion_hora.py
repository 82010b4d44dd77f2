"""/verificar's times: the issue time and the one-day document's deadline say their time zone
as the PDF and the email do, in the reader's language and on its clock, and say "valid" once."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from blueprints.constancias_servicio import servicio
from blueprints.extensions import db
from domain import constancias, constancias_sin_derecho
from tests.web.constancias_helpers import UNKNOWN


def one_day_document(app: Flask) -> tuple[str, dt.datetime]:
    """A fresh No Derechohabiencia (valid until the end of its day): its path and issue time."""
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        service = servicio()
        row = constancias_sin_derecho.emitir_no_derechohabiencia(
            db.session, service.signer, UNKNOWN, now, emisor=service.emisor
        )
        db.session.commit()
        return f"/verificar/{row.folio}?c={row.codigo}", constancias.local(row.emitida)


def rows(client: FlaskClient, path: str) -> dict[str, str]:
    doc = lxml_html.fromstring(client.get(path).get_data(as_text=True))
    return {
        dt_.text_content(): " ".join(dt_.getnext().text_content().split())
        for dt_ in doc.xpath('//dl[@class="summary-list"]/dt')
    }


def test_times_say_central_mexico_time_in_spanish(app: Flask, client: FlaskClient) -> None:
    path, emitida = one_day_document(app)
    shown = rows(client, path)
    day = format_date(emitida.date(), "long", locale="es")
    assert shown["Emitido"] == f"{day}, {emitida:%H:%M} h (hora del centro de México)"
    assert shown["Estado"] == f"Vigente hasta el {day} a las 23:59 h (hora del centro de México)"


def test_times_say_central_mexico_time_in_english(app: Flask, client: FlaskClient) -> None:
    path, emitida = one_day_document(app)
    client.set_cookie("lang", "en")
    shown = rows(client, path)
    day = format_date(emitida.date(), "long", locale="en")
    # rows() folds the no-break space between the time and "PM" into a space.
    hour = f"{emitida.hour % 12 or 12}:{emitida:%M} {'AM' if emitida.hour < 12 else 'PM'}"
    assert shown["Issued"] == f"{day}, {hour} (central Mexico time)"
    assert shown["Status"] == f"Valid until 11:59 PM on {day} (central Mexico time)"
