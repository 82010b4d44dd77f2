"""Ending every session of an account: its ``session_version`` moved on, in one SQL statement.

A signed-in session carries the account's ``session_version`` from when it began, and ends once the
account's moves on (sign-out, a new password, a new address confirmed). Read into Python and
written back, two moves at the same moment (a sign-out on the phone, a new password on the laptop)
would both write the same number and one would be lost: the session the new password keeps would
carry the number the sign-out ended, and live on. So the new number is computed in the statement
that writes it, from the row as the database holds it when that statement's turn comes (PostgreSQL
makes a second writer wait for the first one's commit; SQLite lets one writer in at a time).
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from domain.models import Cuenta


def cerrar_sesiones(session: Session, cuenta: Cuenta) -> int | None:
    """End every session of ``cuenta`` in the caller's transaction (flushed, not committed);
    the new ``session_version``, the one a session that goes on must carry. None when the
    account was closed meanwhile: its sessions went with its row."""
    version: int | None = session.execute(
        update(Cuenta)
        .where(Cuenta.id == cuenta.id)
        .values(session_version=Cuenta.session_version + 1)
        .returning(Cuenta.session_version),
        execution_options={"synchronize_session": False},
    ).scalar_one_or_none()
    if version is None:
        return None
    # What the row now holds, as if loaded: the flush at commit must not write it again.
    set_committed_value(cuenta, "session_version", version)
    return version
