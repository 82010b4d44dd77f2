"""Registers every ``flask --app app ...`` command group."""

from flask import Flask

from blueprints import (
    cli_constancias,
    cli_cuentas,
    cli_cuentas_purga,  # noqa: F401 - its command joins the `cuentas` group on import
    cli_db,
    cli_demo,
    cli_outbox,
    cli_registry,
    freeze,
)


def init_app(app: Flask) -> None:
    app.cli.add_command(cli_db.db_cli)
    app.cli.add_command(cli_registry.registry_cli)
    app.cli.add_command(cli_demo.demo_cli)
    app.cli.add_command(cli_outbox.outbox_cli)
    app.cli.add_command(cli_constancias.constancias_cli)
    app.cli.add_command(cli_cuentas.cuentas_cli)
    freeze.init_app(app)
