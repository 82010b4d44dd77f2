"""`flask --app app demo ...`: synthetic data for newcomers, never for a real registry."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import func, select

from blueprints.cli_conexion import GrupoConBase
from blueprints.cli_db import bind_migrate
from blueprints.cli_esquema import tablas_faltantes
from blueprints.extensions import db
from domain import demo, registry_import
from domain.models import Persona

demo_cli = GrupoConBase("demo", help="Datos de demostración (solo con DEMO_MODE=1).")


def _require_demo_mode() -> None:
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException(
            "Los datos de demostración solo se cargan con DEMO_MODE=1: este portal parece usar "
            "un padrón real."
        )


def _migrate() -> None:
    bind_migrate(current_app)
    from flask_migrate import upgrade

    upgrade()


def _print_examples() -> None:
    for example in demo.examples(db.session):
        click.echo(f"  {example.title}: {', '.join(example.curps)}")


@demo_cli.command("seed")
@click.option("--count", default=120, show_default=True, help="Cuántas personas crear.")
@click.option(
    "--seed", "seed", default=2026, show_default=True, help="Semilla: mismo valor, mismos datos."
)
def seed_command(count: int, seed: int) -> None:
    """Crea personas ficticias con CURP válidas que cubren cada caso del portal."""
    _require_demo_mode()
    # A newcomer's first command may be this one, as the README shows it: make the schema
    # rather than fail. A database that has it is left as it is (`demo prepare` upgrades).
    if tablas_faltantes():
        _migrate()
    summary = registry_import.import_rows(db.session, demo.generate_rows(count=count, seed=seed))
    db.session.commit()
    click.echo(f"Datos de demostración: {summary.describe()}")
    click.echo("CURP para probar:")
    _print_examples()


@demo_cli.command("prepare")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Dirección donde escuchará el portal (la de `flask run`), para los enlaces que muestra.",
)
@click.option(
    "--port",
    default=5000,
    type=int,
    show_default=True,
    help="Puerto donde escuchará el portal (el de `flask run`), para los enlaces que muestra.",
)
def prepare_command(host: str, port: int) -> None:
    """Deja todo listo para `make run`: base de datos, claves y datos de demostración."""
    _require_demo_mode()
    _migrate()
    for hook in current_app.extensions.get("prepare_hooks", []):
        hook()
    if not db.session.scalar(select(func.count()).select_from(Persona)):
        summary = registry_import.import_rows(db.session, demo.generate_rows())
        db.session.commit()
        click.echo(f"Datos de demostración creados: {summary.describe()}")
    click.echo(f"\nDerechohabiencia (demostración) en http://{host}:{port}/")
    click.echo("CURP para probar (todas ficticias):")
    _print_examples()
    click.echo(f"Más casos en http://{host}:{port}/demo")
    click.echo(
        f"Los correos (activación, constancias) se ven en http://{host}:{port}/dev/correos\n"
    )
