"""Values that work once, recorded in ``UsoUnico`` until they expire: solved captchas
(``domain.captcha.spend``) and resend buttons (``blueprints.constancias_servicio``).

The primary key settles races on any number of servers: of two transactions recording the same
value, one inserts it and the other fails with IntegrityError. PostgreSQL makes the second wait
for the first to commit (and lets it through if the first rolls back); SQLite has one writer at
a time. Expired rows go with ``domain.captcha.purge_expired``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.models import UsoUnico


def usado(session: Session, clave: str) -> bool:
    """Whether ``clave`` was recorded already: a cheap early answer, not the guard itself."""
    return session.get(UsoUnico, clave) is not None


def apartar(session: Session, clave: str, expira: dt.datetime) -> bool:
    """Record ``clave`` in the caller's transaction (flushed, not committed), so it stands or
    falls with the change it pays for; False, with that transaction rolled back, if it was
    recorded already.

    Call it before adding anything else to the session: a replay rolls back all of it.
    """
    session.add(UsoUnico(clave=clave, expira=expira))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    return True
