"""/verificar and its JSON twin for an IMSS vigencia (VI): "derechos hoy" is about the NSS the
document was issued for, not about any IMSS affiliation its holder has."""

from __future__ import annotations

import datetime as dt

from flask import Flask
from flask.testing import FlaskClient

from blueprints.constancias_servicio import servicio
from blueprints.extensions import db
from domain import constancias_vigencia, demo, nss, registry
from domain.cadena_original import leer_cadena
from domain.models import Afiliacion

CON = "Con derecho a servicio médico con el NSS del documento, según el registro del IMSS"
SIN = "Sin derecho a servicio médico con el NSS del documento, según el registro del IMSS"


def _nueva_afiliacion(curp: str, first10: str) -> str:
    """A current IMSS titular affiliation under a new NSS, as a registry import adds it."""
    numero = first10 + nss.check_digit(first10)
    db.session.add(
        Afiliacion(
            curp=curp, institucion="IMSS", numero_afiliacion=numero, tipo="titular",
            vigente=True, vigente_desde=dt.date(2025, 2, 1),
        )
    )  # fmt: skip
    db.session.flush()
    return numero


def _vigencia(curp: str, numero: str, now: dt.datetime) -> tuple[str, str, str]:
    service = servicio()
    row = constancias_vigencia.emitir_vigencia_imss(
        db.session, service.signer, curp, numero, now, emisor=service.emisor
    )
    return row.folio, row.codigo, leer_cadena(row.datos)["derecho_medico"]


def _derechos_hoy(client: FlaskClient, folio: str, code: str) -> tuple[str, bool | None]:
    page = client.get(f"/verificar/{folio}?c={code}").get_data(as_text=True)
    shown = CON if CON in page else SIN if SIN in page else ""
    return shown, client.get(f"/api/v1/constancias/{folio}?c={code}").get_json()["vigente_hoy"]


def test_a_vigencia_for_an_ended_nss_says_so_though_another_nss_is_current(
    app: Flask, client: FlaskClient
) -> None:
    # A corrected NSS comes in from the registry as a new affiliation: the person has rights
    # again, but the document issued for the old NSS said "no" and must go on saying it.
    app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "7"])
    now = dt.datetime.now(dt.UTC)
    with app.app_context():
        curp = next(e.curps[0] for e in demo.examples(db.session) if e.key == "imss_baja")
        [old] = registry.situacion(db.session, curp, now.date()).imss
        nuevo = _nueva_afiliacion(curp, "8888888888")
        ended, ended_code, ended_signed = _vigencia(curp, old.numero_afiliacion, now)
        current, current_code, current_signed = _vigencia(curp, nuevo, now)
        db.session.commit()
    assert (ended_signed, current_signed) == ("no", "si")

    assert _derechos_hoy(client, ended, ended_code) == (SIN, False)
    assert _derechos_hoy(client, current, current_code) == (CON, True)

    # An affiliation the registry no longer holds gives no rights, whatever else the CURP has.
    with app.app_context():
        db.session.execute(
            db.delete(Afiliacion).where(
                Afiliacion.curp == curp, Afiliacion.numero_afiliacion == nuevo
            )
        )
        _nueva_afiliacion(curp, "7777777777")
        db.session.commit()
    assert _derechos_hoy(client, current, current_code) == (SIN, False)
