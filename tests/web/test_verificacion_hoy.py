"""/verificar and its JSON twin on "derechos hoy": whether the rights a Vigencia de Derechos
describes still hold in today's registry, and that the no-rights documents say nothing of today."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.testing import FlaskClient

from blueprints.constancias_servicio import servicio
from blueprints.extensions import db
from domain import constancias, constancias_sin_derecho, constancias_vigencia, demo, registry
from domain.models import Afiliacion
from tests.web.constancias_helpers import UNKNOWN


def test_carnet_shows_whether_rights_hold_today(app: Flask, client: FlaskClient) -> None:
    app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "7"])
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        curp = next(e.curps[0] for e in demo.examples(db.session) if e.key == "issste_titular")
        afiliacion = registry.situacion(db.session, curp, now.date()).issste_vigente
        assert afiliacion is not None
        service = servicio()
        row = constancias_vigencia.emitir_carnet(
            db.session, service.signer, afiliacion, now, emisor=service.emisor
        )
        db.session.commit()
        folio, code = row.folio, row.codigo
        path = f"/verificar/{folio}?c={code}"
        assert "Siguen vigentes en el registro del ISSSTE" in client.get(path).get_data(
            as_text=True
        )
        afiliacion.vigente = False
        db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "Documento auténtico y vigente" in page
    assert "Ya no están vigentes en el registro del ISSSTE" in page
    data = client.get(f"/api/v1/constancias/{folio}?c={code}").get_json()
    assert data["vigente_hoy"] is False and data["tipo"]["clave"] == "vigencia_issste"


def test_imss_vigencia_shows_whether_medical_rights_hold_today(
    app: Flask, client: FlaskClient
) -> None:
    # The VI document tells its holder to ask for a new one if things changed; the verifier
    # learns from the registry whether they did, as for the carnet.
    app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "7"])
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        curp = next(e.curps[0] for e in demo.examples(db.session) if e.key == "imss_vigente")
        afiliacion = registry.situacion(db.session, curp, now.date()).imss_vigente
        assert afiliacion is not None
        service = servicio()
        row = constancias_vigencia.emitir_vigencia_imss(
            db.session, service.signer, curp, afiliacion.numero_afiliacion, now,
            emisor=service.emisor,
        )  # fmt: skip
        db.session.commit()
        folio, code, afiliacion_id = row.folio, row.codigo, afiliacion.id
    path, api = f"/verificar/{folio}?c={code}", f"/api/v1/constancias/{folio}?c={code}"
    assert folio.startswith("VI-") and client.get(api).get_json()["vigente_hoy"] is True
    page = client.get(path).get_data(as_text=True)
    assert "Derechos hoy" in page
    assert "Con derecho a servicio médico con el NSS del documento" in page
    with app.app_context():
        ended = db.session.get(Afiliacion, afiliacion_id)
        assert ended is not None
        # The job ended yesterday, in Mexico City: the registry's dates are local ones.
        ended.vigente_hasta = constancias.local(now).date() - dt.timedelta(days=1)
        db.session.commit()
    page = client.get(path).get_data(as_text=True)
    assert "Documento auténtico y vigente" in page  # the document itself is still genuine
    assert "Sin derecho a servicio médico con el NSS del documento" in page
    data = client.get(api).get_json()
    assert data["vigente_hoy"] is False and data["tipo"]["clave"] == "vigencia_imss"


def test_no_afiliacion_and_no_derechohabiencia_say_nothing_of_today(
    app: Flask, client: FlaskClient
) -> None:
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        service = servicio()
        rows = [
            emitir(db.session, service.signer, UNKNOWN, now, emisor=service.emisor)
            for emitir in (
                constancias_sin_derecho.emitir_no_afiliacion,
                constancias_sin_derecho.emitir_no_derechohabiencia,
            )
        ]
        db.session.commit()
        links = [(row.folio, row.codigo) for row in rows]
    for folio, code in links:
        assert client.get(f"/api/v1/constancias/{folio}?c={code}").get_json()["vigente_hoy"] is None
        assert "Derechos hoy" not in client.get(f"/verificar/{folio}?c={code}").get_data(
            as_text=True
        )
