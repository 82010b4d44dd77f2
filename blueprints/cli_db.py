"""`flask --app app db ...`: Flask-Migrate's commands, imported only when one of them runs.

Flask-Migrate imports alembic, which brings mako, pygments and every SQL dialect: ~10 MiB in
each gunicorn worker, which never migrates (issue #6).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo

from blueprints.cli_conexion import GrupoConBase
from blueprints.extensions import db


def bind_migrate(app: Flask) -> None:
    """Flask-Migrate on ``app``, once: for `flask db ...` and `flask demo prepare`."""
    if "migrate" not in app.extensions:
        from flask_migrate import Migrate

        Migrate(app, db, render_as_batch=True, directory=str(Path(app.root_path) / "migrations"))


class _LazyGroup(GrupoConBase):
    """Stands for flask_migrate.cli's `db` group in `flask --help`; a `flask db ...` command
    line takes the real group's options, callback and commands, imported then."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        if parent is not None:
            bind_migrate(parent.ensure_object(ScriptInfo).load_app())
        from flask_migrate.cli import db as group

        # Taken over rather than handed the command line, so that this group's invoke (an
        # unreachable database is one line, not a traceback) runs them.
        self.params, self.callback, self.commands = group.params, group.callback, group.commands
        return super().make_context(info_name, args, parent=parent, **extra)


db_cli = _LazyGroup("db", help="Migraciones de la base de datos (Flask-Migrate).")
