"""What the CLI tests share: the README's example registry file, and how many people and
affiliations the database holds."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from blueprints.extensions import db
from domain.models import Afiliacion, Persona

PADRON = (  # the README's example
    "curp,nombre,primer_apellido,segundo_apellido,fecha_nacimiento,sexo,entidad,institucion,"
    "numero_afiliacion,tipo,vigente,vigente_desde,vigente_hasta,dependencia,clinica,"
    "titular_curp,parentesco\n"
    "MUEE720626MSLSNL04,ELENA,MUESTRA,ENSAYO,1972-06-26,M,SL,ISSSTE,DEMO00000003,titular,1,"
    "2010-03-01,,Comisión Imaginaria de Ensayos,Clínica de Prueba Sur,,\n"
)


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        personas = db.session.scalar(sa.select(sa.func.count()).select_from(Persona))
        afiliaciones = db.session.scalar(sa.select(sa.func.count()).select_from(Afiliacion))
    return personas or 0, afiliaciones or 0
