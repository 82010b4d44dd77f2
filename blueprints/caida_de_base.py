"""The database away, or behind the code: told apart from a bug, rolled back and logged, and
the request's session ended without a 500. blueprints/errors.py answers it with a 503."""

from __future__ import annotations

import logging

from flask import request
from sqlalchemy.exc import InterfaceError, OperationalError, ProgrammingError, SQLAlchemyError

# The logger name from before this module was cut out of blueprints.errors: outage lines stay
# where log searches by logger already look for them.
log = logging.getLogger("blueprints.errors")

# What PostgreSQL says of a table, column, type or schema the code expects and the database
# lacks (migrations not run, or one pending); SQLite says it with an OperationalError.
ESQUEMA_DESFASADO = frozenset({"42P01", "42703", "42704", "3F000"})
_MAX_CAUSA = 2000
RETRY_CAIDA = "30"  # seconds; short: the pool reconnects by itself once the server is back


def es_caida_de_base(exc: BaseException) -> bool:
    """Whether ``exc`` is the database away or behind the code (a 503), not a bug (a 500)."""
    if isinstance(exc, ProgrammingError):
        return getattr(exc.orig, "sqlstate", None) in ESQUEMA_DESFASADO
    return isinstance(exc, OperationalError | InterfaceError)


def registrar_caida_de_base(exc: Exception) -> None:
    """Roll back and log a database outage, for every handler that answers one."""
    # Lost connection, server restarting, or a schema behind the code: the pool's pre-ping
    # recovers from the first two on its own, `db upgrade` from the last; until then say so
    # plainly. Nothing committed is lost, and an uncommitted change is rolled back.
    from blueprints.extensions import db

    try:
        db.session.rollback()
    except SQLAlchemyError:
        log.warning("No se pudo deshacer la transacción tras perder la base de datos")
    # The cause tells an outage from a missing table. Its text has the SQL but never the
    # values: the engine hides parameters (app.py), and every log line is masked as well.
    log.error(
        "Base de datos no disponible durante %s: %s: %s",
        request.url_rule or "(sin ruta)",
        type(exc).__name__,
        str(exc)[:_MAX_CAUSA],
    )


def remove_session_safely(_exc: BaseException | None) -> None:
    """End the request's session even when the database went away mid-transaction.

    Flask-SQLAlchemy's own teardown rolls back on the dead connection and raises, which turns
    an answered request into a 500; this replaces it and drops such a connection instead.
    """
    from blueprints.extensions import db

    if not db.session.registry.has():
        return  # the request never opened one (most pages)
    try:
        db.session.remove()
    except SQLAlchemyError:
        log.warning("Conexión perdida al cerrar la sesión de base de datos; se descarta")
        try:
            db.session.registry().invalidate()
        except SQLAlchemyError:
            log.warning("No se pudo invalidar la conexión perdida")
        db.session.registry.clear()
