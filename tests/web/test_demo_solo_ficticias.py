"""/demo lists only the demo's fictitious people: DEMO_MODE=1 set by mistake on a database with
real people in it must not publish their CURPs."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from blueprints.extensions import db
from domain import demo, nss, registry_import
from domain.registry_reader import COLUMNS

# Invented, but named as anyone could be, and sorted before every demo CURP: on a page that
# listed whoever fits each case, they would come first.
SIN_AFILIACION = "AUBL700209HDFGRS05"  # Luis Aguilar Bravo
CON_IMSS = "AUBA700209MDFGRN08"  # Ana Aguilar Bravo


def persona(curp: str, nombre: str, **afiliacion: str) -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        curp=curp,
        nombre=nombre,
        primer_apellido="AGUILAR",
        segundo_apellido="BRAVO",
        fecha_nacimiento="1970-02-09",
        sexo=curp[10],
        entidad="DF",
        **afiliacion,
    )
    return row


def test_people_outside_the_demo_are_never_listed(app: Flask, client: FlaskClient) -> None:
    imss = {
        "institucion": "IMSS",
        "numero_afiliacion": "1234709999" + nss.check_digit("1234709999"),
        "tipo": "titular",
        "vigente": "1",
        "vigente_desde": "2015-01-16",
    }
    reales = [persona(SIN_AFILIACION, "LUIS"), persona(CON_IMSS, "ANA", **imss)]
    with app.app_context():
        registry_import.import_rows(db.session, demo.generate_rows(count=20, seed=5))
        registry_import.import_rows(db.session, reales)
        db.session.commit()
        examples = {e.key: e.curps for e in demo.examples(db.session)}
    html = client.get("/demo").get_data(as_text=True)
    assert SIN_AFILIACION not in html and CON_IMSS not in html
    # Every case still has its fictitious examples.
    assert set(examples) == {case.key for case in demo.CASES}
    for curps in examples.values():
        assert curps[0] in html
