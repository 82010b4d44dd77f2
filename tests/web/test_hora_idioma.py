"""Times of day in the reader's language: the emails' and /verificar's "Issued" in English on
a 12-hour clock (2:30 PM), in Spanish on the portal's 24-hour one (14:30 h), both in central
Mexico time."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.dates import format_date
from flask import Flask
from flask_babel import force_locale

from blueprints.templating import hora
from domain.constancias import local
from domain.hoy import MEXICO_CITY
from tests.smtp import SmtpServer, html_part, text_part
from tests.web.constancias_helpers import ADDRESS, UNKNOWN, imss_form, ledger

AFTERNOON = dt.datetime(2026, 11, 27, 14, 30, tzinfo=MEXICO_CITY)
MORNING = dt.datetime(2026, 11, 27, 9, 5, tzinfo=MEXICO_CITY)
NBSP = "\u00a0"  # keeps "2:30 PM" on one line


def twelve_hour(moment: dt.datetime) -> str:
    return f"{moment.hour % 12 or 12}:{moment:%M}{NBSP}{'AM' if moment.hour < 12 else 'PM'}"


def test_the_filter_writes_each_language_s_clock(app: Flask) -> None:
    with app.test_request_context():
        with force_locale("es"):
            assert (hora(AFTERNOON), hora(MORNING)) == ("14:30", "09:05")
        with force_locale("en"):
            assert (hora(AFTERNOON), hora(MORNING)) == (f"2:30{NBSP}PM", f"9:05{NBSP}AM")
        # A stored time (UTC) is said in central Mexico time.
        with force_locale("en"):
            assert hora(AFTERNOON.astimezone(dt.UTC)) == f"2:30{NBSP}PM"


def render(app: Flask, template: str, lang: str) -> list[str]:
    context = {"folio": "ND-2026-000001", "emitida": AFTERNOON, "asunto": "Asunto",
               "url_verificacion": "http://127.0.0.1:5000/verificar/ND-2026-000001?c=X",
               "public_base_url": "http://127.0.0.1:5000"}  # fmt: skip
    with app.test_request_context(), force_locale(lang):
        names = (f"email/{template}.txt", f"email/{template}.html")
        return [app.jinja_env.get_template(name).render(context) for name in names]


@pytest.mark.parametrize("template", ["constancia_no_derechohabiencia", "imss_vigencia"])
def test_the_emails_say_the_time_as_each_language_does(app: Flask, template: str) -> None:
    for part in render(app, template, "en"):
        assert f"Issued: November 27, 2026, 2:30{NBSP}PM (central Mexico time)" in part
    for part in render(app, template, "es"):
        assert "Emitida: 27 de noviembre de 2026, 14:30 h (hora del centro de México)" in part


def test_an_english_request_s_email_says_its_time_on_a_12_hour_clock(
    mail: tuple[Flask, SmtpServer],
) -> None:
    app, smtp = mail
    client = app.test_client()
    client.set_cookie("lang", "en")
    url = "/constancias/no-derechohabiencia"
    data = imss_form(client, url, curp=UNKNOWN, email=ADDRESS)
    assert client.post(url, data=data).status_code == 200
    [row] = ledger(app)
    emitida = local(row.emitida)
    said = f"Issued: {format_date(emitida.date(), 'long', locale='en')}, {twelve_hour(emitida)}"
    [message] = smtp.wait_for(1)
    assert message["Content-Language"] == "en"
    for part in (text_part(message), html_part(message)):
        assert f"{said} (central Mexico time)" in part
