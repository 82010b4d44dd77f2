"""Rows kept only until they expire, purged now and then on the way: spent one-time values
(``uso_unico``), the failed sign-ins of CURPs without an account (``intento_sin_cuenta``) and
what requests did, for their repeats (``repeticiones``).
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy.orm import Session

from blueprints.extensions import db
from domain import captcha, intentos_sin_cuenta, repeticiones

PURGE_ONE_IN = 20  # about one call in twenty purges


def purgar(session: Session, now: dt.datetime) -> None:
    """Every expired row, committed."""
    captcha.purge_expired(session, now)
    intentos_sin_cuenta.purgar_vencidos(session, now)
    repeticiones.purgar(session, now)


def purgar_a_veces(now: dt.datetime) -> None:
    """``purgar`` on about one call in ``PURGE_ONE_IN``, in a session and transaction of its
    own: call it once the caller's writes are committed (on SQLite they would make it wait)."""
    if secrets.randbelow(PURGE_ONE_IN) == 0:
        with Session(db.engine) as session:
            purgar(session, now)
