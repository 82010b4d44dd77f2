"""The command groups' answer to a database that cannot be reached: one Spanish line on stderr
and exit status 1, instead of SQLAlchemy's traceback.

Handled once, around every command of a group (`registry`, `outbox`, `constancias`, `demo`,
`db`), rather than in each command: any of them may be the first thing an operator runs with
a wrong DATABASE_URL or before the server is up. `outbox deliver --watch` never gets here: it
catches the error itself and waits for the database.
"""

from __future__ import annotations

from typing import Any

import click
from flask.cli import AppGroup, ScriptInfo
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError


def sin_conexion(exc: BaseException) -> bool:
    """Whether ``exc`` says the database could not be reached (rather than a query failed)."""
    if not isinstance(exc, DBAPIError):
        return False
    # No statement: raised while connecting (refused, unknown host, bad password, a SQLite
    # file that cannot be opened). Invalidated: the server went away during the command.
    connecting = exc.statement is None and isinstance(exc, OperationalError | InterfaceError)
    return connecting or exc.connection_invalidated


def mensaje_sin_conexion(url: URL) -> str:
    """What to tell the operator: where the database is (host and port, or the SQLite file),
    never the user or password in the URL."""
    if url.get_backend_name() == "sqlite":
        return (
            f"No se pudo abrir la base de datos SQLite {url.database or ''}: revisa DATABASE_URL "
            "(o INSTANCE_PATH) y que su carpeta exista y se pueda escribir en ella."
        )
    where = f" en {url.host}" + (f":{url.port}" if url.port else "") if url.host else ""
    return (
        f"No se pudo conectar con la base de datos{where}: revisa DATABASE_URL y que el "
        "servidor esté encendido."
    )


class GrupoConBase(AppGroup):
    """An ``AppGroup`` whose commands end with ``mensaje_sin_conexion`` when the database
    cannot be reached; every other error goes on as before."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            if not sin_conexion(exc):
                raise
            # The app context is gone with the command's; the loaded app is still at hand.
            app = ctx.ensure_object(ScriptInfo).load_app()
            url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
            if archivo := app.extensions["settings"].sqlite_file:
                url = url.set(database=str(archivo))  # a relative path, where SQLite looked
            # from None: the driver's message may quote the connection string.
            raise click.ClickException(mensaje_sin_conexion(url)) from None
