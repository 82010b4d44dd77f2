"""Every flow judges rights with one rule (domain.derechos): a beneficiary flagged vigente whose
titular is no longer vigente has no rights, and the documents, the searches, the verification
page and the status API all say so alike."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from blueprints.extensions import db
from domain import cadena_original, constancia_tipos, registry
from domain.hoy import today_in_mexico
from domain.models import Constancia
from tests.conftest import make_app
from tests.web.constancias_helpers import ADDRESS, body, imss_form, ledger, seed
from tests.web.cuenta_helpers import signed_in

VIGENCIA_IMSS = "/constancias/vigencia-imss"
NO_DERECHOHABIENCIA = "/constancias/no-derechohabiencia"
NO_AFILIACION = "/constancias/no-afiliacion"
CARNET = "/oficina/constancia-vigencia"


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url, ENV={"EMBED_STATUS_LOOKUP": "1"})


@pytest.fixture
def curps(app: Flask) -> dict[str, str]:
    return seed(app)


def estatus(client: FlaskClient, curp: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/estatus/{curp}")
    assert response.status_code == 200
    data: dict[str, Any] = response.get_json()
    return data


def campos(row: Constancia) -> dict[str, str]:
    return cadena_original.leer_cadena(row.datos)


def kinds(app: Flask) -> list[str]:
    return [row.tipo for row in ledger(app)]


def lapse(app: Flask, curp: str, institucion: str) -> None:
    """The titular's affiliation ended yesterday; their family's rows still say vigente."""
    yesterday = today_in_mexico() - dt.timedelta(days=1)
    with app.app_context():
        situacion = registry.situacion(db.session, curp, today_in_mexico())
        for afiliacion in situacion.imss if institucion == "IMSS" else situacion.issste:
            afiliacion.vigente, afiliacion.vigente_hasta = False, yesterday
        db.session.commit()


# --- IMSS ----------------------------------------------------------------------------------


def test_imss_beneficiary_of_a_lapsed_titular_has_no_medical_right_in_any_flow(
    app: Flask, client: FlaskClient, curps: dict[str, str]
) -> None:
    curp = curps["imss_familiar_titular_baja"]
    with app.app_context():
        situacion = registry.situacion(db.session, curp, today_in_mexico())
        [afiliacion] = situacion.imss
        assert afiliacion.tipo == "beneficiario" and afiliacion.vigente  # flagged vigente
        nss = afiliacion.numero_afiliacion

    # The vigencia says there is no medical right...
    data = imss_form(client, VIGENCIA_IMSS, curp=curp, nss=nss, email=ADDRESS)
    assert "Te enviamos tu constancia" in body(client.post(VIGENCIA_IMSS, data=data))
    [vigencia] = ledger(app)
    assert campos(vigencia)["derecho_medico"] == "no"

    # ...so the no-derechohabiencia document is issued, not refused as "vigente".
    data = imss_form(client, NO_DERECHOHABIENCIA, curp=curp, email=ADDRESS)
    page = body(client.post(NO_DERECHOHABIENCIA, data=data))
    assert "Te enviamos tu constancia" in page and "Tienes derechos vigentes" not in page
    assert kinds(app) == [
        constancia_tipos.NO_DERECHOHABIENCIA.clave,
        constancia_tipos.VIGENCIA_IMSS.clave,
    ]  # ledger order is by folio: ND before VI
    assert estatus(client, curp)["imss_vigente"] is False


def test_imss_beneficiary_loses_the_right_when_the_titular_lapses(
    app: Flask, client: FlaskClient, curps: dict[str, str]
) -> None:
    """The same person before and after: every flow changes its answer together."""
    curp = curps["imss_familiar_titular_baja"]
    with app.app_context():
        [afiliacion] = registry.situacion(db.session, curp, today_in_mexico()).imss
        titular, nss = afiliacion.titular_curp, afiliacion.numero_afiliacion
        for row in registry.situacion(db.session, titular, today_in_mexico()).imss:
            row.vigente, row.vigente_hasta = True, None  # the titular back at work
        db.session.commit()

    data = imss_form(client, NO_DERECHOHABIENCIA, curp=curp, email=ADDRESS)
    assert "Tienes derechos vigentes en el IMSS" in body(
        client.post(NO_DERECHOHABIENCIA, data=data)
    )
    data = imss_form(client, VIGENCIA_IMSS, curp=curp, nss=nss, email=ADDRESS)
    client.post(VIGENCIA_IMSS, data=data)
    assert [campos(row)["derecho_medico"] for row in ledger(app)] == ["si"]
    assert estatus(client, curp)["imss_vigente"] is True

    assert titular is not None
    lapse(app, titular, "IMSS")
    data = imss_form(client, NO_DERECHOHABIENCIA, curp=curp, email=ADDRESS)
    assert "Te enviamos tu constancia" in body(client.post(NO_DERECHOHABIENCIA, data=data))
    data = imss_form(client, VIGENCIA_IMSS, curp=curp, nss=nss, email=ADDRESS)
    client.post(VIGENCIA_IMSS, data=data)
    vigencias = [r for r in ledger(app) if r.tipo == constancia_tipos.VIGENCIA_IMSS.clave]
    assert [campos(row)["derecho_medico"] for row in vigencias] == ["si", "no"]
    assert estatus(client, curp)["imss_vigente"] is False


# --- ISSSTE --------------------------------------------------------------------------------


def test_issste_beneficiary_of_a_lapsed_titular_has_no_rights_in_any_flow(
    app: Flask, curps: dict[str, str]
) -> None:
    titular = curps["issste_titular"]
    client = signed_in(app, titular)
    with app.app_context():
        beneficiaria = registry.beneficiarios(db.session, titular, "ISSSTE")[0].curp

    # While the titular is vigente: a carnet, and no "no afiliación" document.
    assert client.post(CARNET, data={"curp": beneficiaria}).status_code == 200
    [carnet] = ledger(app)
    verificar = f"/verificar/{carnet.folio}?c={carnet.codigo}"
    assert "Siguen vigentes en el registro del ISSSTE" in body(client.get(verificar))
    search = body(client.post(NO_AFILIACION, data={"curp": beneficiaria}))
    assert "Tienes afiliación vigente al ISSSTE" in search
    assert client.post(NO_AFILIACION + "/descargar", data={"curp": beneficiaria}).status_code == 409
    assert estatus(client, beneficiaria)["issste_vigente"] is True

    lapse(app, titular, "ISSSTE")
    with app.app_context():  # the beneficiary's own row is untouched
        own = registry.situacion(db.session, beneficiaria, today_in_mexico()).issste
        assert [a.vigente for a in own] == [True]

    # No new carnet...
    refused = client.post(CARNET, data={"curp": beneficiaria})
    assert refused.status_code == 422 and "dependen de los tuyos" in body(refused)
    # ...the earlier one is authentic but its holder is no longer vigente today...
    page = body(client.get(verificar))
    assert "Documento auténtico y vigente" in page
    assert "Ya no están vigentes en el registro del ISSSTE" in page
    api = client.get(f"/api/v1/constancias/{carnet.folio}?c={carnet.codigo}").get_json()
    assert api["vigente_hoy"] is False
    # ...and the no-afiliación search and document agree.
    search = body(client.post(NO_AFILIACION, data={"curp": beneficiaria}))
    assert "No tienes afiliación vigente al ISSSTE" in search
    download = client.post(NO_AFILIACION + "/descargar", data={"curp": beneficiaria})
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert kinds(app) == [
        constancia_tipos.NO_AFILIACION.clave,
        constancia_tipos.VIGENCIA_ISSSTE.clave,
    ]
    assert campos(ledger(app)[0])["resultado"] == "sin_afiliacion"
    assert estatus(client, beneficiaria)["issste_vigente"] is False
    oficina = body(client.get("/oficina"))
    assert re.search(r"\(\s*no vigente\s*\)", oficina)
    assert not re.search(r"\(\s*vigente\s*\)", oficina)


def test_issste_demo_case_agrees_across_flows(app: Flask, curps: dict[str, str]) -> None:
    curp = curps["issste_familiar_titular_baja"]
    client = app.test_client()
    with app.app_context():
        [afiliacion] = registry.situacion(db.session, curp, today_in_mexico()).issste
        assert afiliacion.tipo == "beneficiario" and afiliacion.vigente
        titular = afiliacion.titular_curp
    assert "No tienes afiliación vigente" in body(client.post(NO_AFILIACION, data={"curp": curp}))
    assert client.post(NO_AFILIACION + "/descargar", data={"curp": curp}).status_code == 200
    assert estatus(client, curp) == {"curp": curp, "imss_vigente": False, "issste_vigente": False}
    assert titular is not None
    refused = signed_in(app, titular).post(CARNET, data={"curp": curp})
    assert refused.status_code == 422
