"""`flask --app app cuentas borrar CURP [--si]`: close an Oficina Virtual account for a request
of cancellation (ARCO) received by another channel, as its owner can from the Oficina.

The same closing (blueprints/cuenta_cierre.py): the account, its sessions, its links and its
mail go; the issued documents stay in the ledger. The address is only ever shown masked: what
an operator prints may end up in a ticket or a terminal log.
"""

from __future__ import annotations

import click

from blueprints import mail
from blueprints.cli_conexion import GrupoConBase
from blueprints.cli_esquema import requiere_esquema
from blueprints.cuenta_cierre import cerrar_y_avisar
from blueprints.cuenta_forms import por_curp
from domain.bloqueo import as_utc
from domain.hoy import MEXICO_CITY
from domain.mascaras import mask_email

cuentas_cli = GrupoConBase(
    "cuentas",
    help="Cuentas de la Oficina Virtual: borrar una a petición de su titular (ARCO) y las que "
    "caducaron.",
)

SI = {"si", "sí", "s"}


@cuentas_cli.command("borrar")
@click.argument("curp")
@click.option("--si", "sin_preguntar", is_flag=True, help="Borrar sin pedir confirmación.")
@requiere_esquema("cuenta", "correo", "intento_sin_cuenta")
def borrar_command(curp: str, sin_preguntar: bool) -> None:
    """Borra la cuenta de esa CURP con sus sesiones, enlaces y correos; las constancias
    emitidas se conservan. Sale con 1 si no hay cuenta con esa CURP."""
    cuenta = por_curp(curp)
    if cuenta is None:
        click.echo("No hay ninguna cuenta de la Oficina Virtual con esa CURP.", err=True)
        raise SystemExit(1)
    correo = mask_email(cuenta.email)
    if not sin_preguntar:
        # Stored in UTC; for an account not yet activated, the date of its newest link.
        creada = as_utc(cuenta.creada).astimezone(MEXICO_CITY)
        fecha = "creada" if cuenta.activa else "con su último enlace de activación"
        estado = "activa" if cuenta.activa else "sin activar"
        click.echo(
            f"Cuenta {estado} con el correo {correo}, {fecha} el {creada:%d/%m/%Y}. Se borrarán "
            "la cuenta, sus sesiones, sus enlaces y sus correos; las constancias emitidas se "
            "conservan."
        )
        respuesta = click.prompt(
            "¿Borrarla? Escribe «si» para confirmar", default="", show_default=False
        )
        if respuesta.strip().lower() not in SI:
            click.echo("No se borró nada.")
            raise SystemExit(1)
    hecho = cerrar_y_avisar(cuenta, por_solicitud=True)  # its notice in the account's language
    if hecho is None:
        click.echo("La cuenta ya no existe: otra solicitud la cerró al mismo tiempo.", err=True)
        raise SystemExit(1)
    mail.wait_for_deliveries()  # the notice's first try, before this process ends
    click.echo(f"Cuenta borrada (correo {correo}). Se borró:")
    click.echo(
        "  La cuenta: CURP, correo, teléfono, contraseña y sus intentos fallidos de entrada."
    )
    click.echo(
        f"  Correos en la bandeja de salida: {hecho.correos} (copias .eml: {hecho.archivos})."
    )
    if hecho.intentos:
        click.echo(f"  Intentos fallidos contados para su CURP como sin cuenta: {hecho.intentos}.")
    click.echo("  Sus sesiones y los enlaces que se le enviaron ya no sirven.")
    click.echo("  Las constancias emitidas se conservan y se pueden verificar.")
    click.echo(f"  Se le envió un aviso a {correo}.")
