"""What the CLI tests share: the README's example registry file, how many people and
affiliations the database holds, and a `flask` command run as an operator types it."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

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


ROOT = Path(__file__).resolve().parents[2]


def flask_command(*args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """``python -m flask --app app …`` in a process of its own, from the repository's root:
    what the operator sees, start-up and configuration errors included."""
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=120,
    )
