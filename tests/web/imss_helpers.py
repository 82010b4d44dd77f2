"""What the IMSS tests share: the two URLs, a person's NSS, posting a form with its captcha."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from blueprints.extensions import db
from domain import nss as nss_rules
from domain import registry
from domain.models import Correo
from tests.conftest import make_app
from tests.web.constancias_helpers import body, imss_form

VIGENCIA = "/constancias/vigencia-imss"
NSS_URL = "/imss/nss"
NEUTRAL = "La CURP y el NSS no coinciden"


def nss_of(app: Flask, curp: str) -> str:
    with app.app_context():
        hoy = dt.date.today()
        return registry.situacion(db.session, curp, hoy).imss[0].numero_afiliacion


def unused_nss() -> str:
    return "9999999999" + nss_rules.check_digit("9999999999")


def post(client: FlaskClient, url: str, **fields: str) -> Any:
    return client.post(url, data=imss_form(client, url, **fields))


def outbox(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(db.select(db.func.count()).select_from(Correo)) or 0)


def normalise(html: str) -> str:
    # The year-of-birth warning compares the two values typed, never the registry: it may differ.
    html = re.sub(r'<span class="warning-message" id="aviso-nss">.*?</span>[^<]*</span>', "", html)
    html = html.replace(" aviso-nss", "")
    html = re.sub(r'name="csrf_token" value="[^"]*"', "", html)
    html = re.sub(r"hx-headers='[^']*'", "", html)
    html = re.sub(r'name="captcha_reto" value="[^"]*"', "", html)
    return re.sub(r"¿Cuánto es \w+ más \w+\?", "", html)


def limited_app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url, RATELIMIT_ENABLED=True)


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
