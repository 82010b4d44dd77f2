"""`flask --app app cuentas purgar-pendientes [--dias N]`: delete the registrations never
activated, and forget the new addresses whose confirmation link expired (domain/cuentas_purga).
A command of the `cuentas` group (blueprints/cli_cuentas.py), kept apart from the closing of one
account at its owner's request: this one is for a daily timer, that one for a person.
"""

from __future__ import annotations

import datetime as dt

import click

from blueprints.cli_cuentas import cuentas_cli
from blueprints.cli_esquema import requiere_esquema
from blueprints.extensions import db
from blueprints.mail import utcnow
from domain import cuentas_purga


@cuentas_cli.command("purgar-pendientes")
@click.option(
    "--dias",
    type=click.IntRange(min=1),
    default=cuentas_purga.DIAS,
    show_default=True,
    help="Borra las cuentas sin activar cuyo último enlace de activación salió hace más de estos "
    "días.",
)
@requiere_esquema("cuenta")
def purgar_pendientes_command(dias: int) -> None:
    """Borra las cuentas que nunca se activaron (su CURP queda libre para registrarse otra
    vez) y olvida los correos nuevos cuyo enlace de confirmación ya venció. Para cron, una vez
    al día."""
    now = utcnow()
    cuentas = cuentas_purga.purgar_pendientes(db.session, now, dt.timedelta(days=dias))
    correos = cuentas_purga.olvidar_correos_vencidos(db.session, now)
    click.echo(
        f"Cuentas sin activar borradas: {cuentas}; cambios de correo vencidos olvidados: {correos}."
    )
