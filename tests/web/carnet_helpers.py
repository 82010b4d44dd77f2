"""What the carnet tests share: its URL and a demo titular's beneficiaries."""

from __future__ import annotations

from flask import Flask

from blueprints.extensions import db
from domain import registry
from domain.models import Afiliacion

URL = "/oficina/constancia-vigencia"


def family(app: Flask, titular: str) -> list[Afiliacion]:
    with app.app_context():
        found = registry.beneficiarios(db.session, titular, "ISSSTE")
        for afiliacion in found:
            db.session.expunge(afiliacion.persona)
            db.session.expunge(afiliacion)
        assert found, "the demo titular has beneficiaries"
        return found
