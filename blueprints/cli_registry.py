"""`flask --app app registry ...`: import the registry CSV and count what is in the registry.

Exit codes of ``import``: 0 imported, 1 rows with errors and nothing written (without
``--skip-invalid``) or a database that cannot be used (unreachable, unmigrated: the message
says which), 2 a file that cannot be used (headers, encoding, unreadable).
"""

from __future__ import annotations

import contextlib
import csv
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from blueprints.cli_conexion import GrupoConBase
from blueprints.cli_esquema import requiere_esquema
from blueprints.extensions import db
from domain import registry_import, registry_stats
from domain.registry_filas import RowError, RowWarning
from domain.registry_reader import UnusableFile

registry_cli = GrupoConBase("registry", help="Padrón de afiliados: importar y contar.")


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0  # import_file says why it cannot be read


@registry_cli.command("import")
@click.argument("archivo", metavar="ARCHIVO.csv", type=click.Path(path_type=Path))
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Importa las filas válidas y lista las rechazadas (sin esto, un error detiene todo).",
)
@click.option(
    "--errores",
    "errores",
    metavar="REPORTE.csv",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Escribe aquí cada error y aviso (linea, columna, tipo, mensaje); en pantalla se "
    f"muestran solo los primeros {registry_import.MAX_LISTED} de cada uno.",
)
@requiere_esquema("persona", "afiliacion")
def import_command(archivo: Path, skip_invalid: bool, errores: Path | None) -> None:
    """Importa el padrón desde un CSV UTF-8 con los encabezados del contrato.

    Columnas: curp, nombre, primer_apellido, segundo_apellido, fecha_nacimiento, sexo,
    entidad, institucion, numero_afiliacion, tipo, vigente, vigente_desde, vigente_hasta,
    dependencia, clinica, titular_curp, parentesco. Importar el mismo archivo dos veces no
    cambia nada; una fila cambiada actualiza su registro. Una fila con la institución vacía
    deja sin vigencia las afiliaciones de esa CURP (no borra nada).
    """
    with contextlib.ExitStack() as stack:
        report = _open_report(errores, stack) if errores else None
        try:
            bar_file = sys.stderr  # the summary alone goes to stdout
            with click.progressbar(length=_size(archivo), label="Importando", file=bar_file) as bar:
                summary = registry_import.import_file(
                    db.session(),
                    archivo,
                    skip_invalid=skip_invalid,
                    progress=bar.update,
                    report=report,
                )
        except UnusableFile as exc:
            click.echo(f"No se puede importar {archivo}:\n{exc}", err=True)
            raise SystemExit(2) from None
    if summary.error_count:
        click.echo("Errores:", err=True)
        for line in summary.error_lines():
            click.echo(f"  {line}", err=True)
    if summary.warning_count:
        click.echo("Avisos (no rechazan la fila, que se importa igual):", err=True)
        for line in summary.warning_lines():
            click.echo(f"  {line}", err=True)
    if errores and (summary.error_count or summary.warning_count):
        click.echo(f"Todos los errores y avisos, con su línea: {errores}", err=True)
    elif len(summary.errors) < summary.error_count or len(summary.warnings) < summary.warning_count:
        click.echo("Para guardarlos todos con su línea, usa --errores REPORTE.csv.", err=True)
    click.echo(f"Filas leídas: {summary.rows}")
    if not summary.written:
        verb = "tiene" if summary.rejected == 1 else "tienen"
        click.echo(
            f"No se importó nada: {summary.rejected} de {summary.rows} filas {verb} errores. "
            "Corrige el archivo o usa --skip-invalid para importar solo las filas válidas.",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"  añadidas: {summary.added}")
    click.echo(f"  actualizadas: {summary.updated}")
    click.echo(f"  sin cambios: {summary.unchanged}")
    click.echo(f"  rechazadas: {summary.rejected}")
    if sin_titular := summary.sin_titular_line():
        click.echo(f"  {sin_titular}")


def _open_report(path: Path, stack: contextlib.ExitStack) -> registry_import.Report:
    """A CSV of every error and warning, written as they are found (a big file's may be long)."""
    try:
        out = stack.enter_context(path.open("w", encoding="utf-8", newline=""))
    except OSError as exc:
        click.echo(f"No se puede escribir el reporte {path}: {exc.strerror or exc}", err=True)
        raise SystemExit(2) from None
    writer = csv.writer(out)
    writer.writerow(("linea", "columna", "tipo", "mensaje"))

    def report(problems: Sequence[RowError]) -> None:
        for problem in problems:
            kind = "aviso" if isinstance(problem, RowWarning) else "error"
            writer.writerow((problem.line, problem.column or "", kind, problem.message))

    return report


@registry_cli.command("stats")
@requiere_esquema("persona", "afiliacion")
def stats_command() -> None:
    """Cuenta personas, afiliaciones por institución y tipo, y cuántas están vigentes."""
    stats = registry_stats.registry_stats(db.session())
    click.echo(
        f"Personas: {stats['personas']} (sin afiliación: {stats['sin_afiliacion']}; "
        f"sin ninguna afiliación vigente: {stats['sin_vigente']})"
    )
    click.echo(f"Afiliaciones: {stats['afiliaciones']} (vigentes: {stats['vigentes']})")
    if stats["por_institucion_tipo"]:
        click.echo(f"  {'Institución':<12}{'Tipo':<14}{'Afiliaciones':>13}{'Vigentes':>10}")
    for group in stats["por_institucion_tipo"]:
        click.echo(
            f"  {group['institucion']:<12}{group['tipo']:<14}"
            f"{group['afiliaciones']:>13}{group['vigentes']:>10}"
        )
