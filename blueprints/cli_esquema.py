"""The check shared by the CLI commands that read or write the database: on one that was never
migrated (a fresh checkout, a new server) they would die with SQLAlchemy's «no such table»
traceback instead of saying what to run."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import ParamSpec, TypeVar

import click
from sqlalchemy import inspect
from sqlalchemy.exc import SQLAlchemyError

from blueprints.cli_conexion import sin_conexion
from blueprints.extensions import db
from domain.models import Base

P = ParamSpec("P")
R = TypeVar("R")


def tablas_faltantes(tablas: Iterable[str] | None = None) -> list[str]:
    """Which of ``tablas`` (by default, all the models') the app's database lacks."""
    present = set(inspect(db.engine).get_table_names())
    return sorted(set(Base.metadata.tables if tablas is None else tablas) - present)


def requiere_esquema(
    *tablas: str, salvo_con: str | None = None
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Run the command only when the database has ``tablas`` (those it uses); otherwise exit 1
    saying how to migrate. A database that cannot be reached ends the command then, once,
    unless its ``salvo_con`` flag is on (`outbox deliver --watch` waits for the database).

    Only the command's own tables: a server restarted on new code before `db upgrade` keeps
    its delivery worker running, as /healthz keeps the servers in the balancer, while a table
    of the new version is missing. Goes right above the ``def``, below the group's
    ``.command()`` and its options, so that it runs inside the app context the group sets up.
    """

    def decorate(command: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(command)
        def checked(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                missing = tablas_faltantes(tablas)
            except SQLAlchemyError as exc:
                # Unreachable: said here, by the group (cli_conexion), rather than waited for
                # again by the command (a host that does not answer costs a TCP timeout each).
                if sin_conexion(exc) and not (salvo_con and kwargs.get(salvo_con)):
                    raise
                missing = []
            if missing:
                # The URL names the database, so a wrong DATABASE_URL or INSTANCE_PATH shows.
                url = db.engine.url.render_as_string(hide_password=True)
                raise click.ClickException(
                    f"La base de datos ({url}) aún no tiene las tablas del portal, o le faltan "
                    "las de esta versión. Créalas primero con: flask --app app db upgrade\n"
                    "(En demostración, flask --app app demo prepare las crea y además carga los "
                    "datos ficticios.)"
                )
            return command(*args, **kwargs)

        return checked

    return decorate
