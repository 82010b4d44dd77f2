"""The emailed account links (activate, recover, confirm a new address) work once, on any
number of servers.

A link carries the account's ``token_version`` from when it was issued (``domain.tokens``), and
the check when a request starts is only an early answer: two requests with one link can both
pass it before either writes. So a link is spent as the outbox claims a message
(``domain.outbox``), by a conditional UPDATE that moves the version on only if it is still the
link's: ``UPDATE cuenta SET token_version = v + 1 WHERE id = :id AND token_version = v``.
PostgreSQL makes the second request wait for the first to commit and then finds no row to
change; SQLite has one writer at a time, so the second runs after the first and finds none too.

Every other bump (a new link, a new password) is ``token_version + 1`` in SQL, never one more
than a value read earlier: the version only grows, so no spent link can work again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Result, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from domain.models import Cuenta

# Only the database knows the row's version now: never touch the copies loaded in the session.
_SIN_SINCRONIZAR = {"synchronize_session": False}


def gastar(session: Session, cuenta: Cuenta, version: int) -> bool:
    """Spend the link issued at ``version`` in the caller's transaction (flushed, not
    committed), which ends every other link of ``cuenta`` too; False, with that transaction
    rolled back, if another request spent it or a newer link replaced it first.

    Call it before changing anything else: a lost race rolls back all of it.
    """
    return _mover(session, cuenta, version)


def gastar_cambio_de_correo(session: Session, cuenta: Cuenta, version: int) -> bool:
    """Like ``gastar``, for the link that confirms ``cuenta.email_pendiente`` as read; also
    False when a newer request (which moves no version) replaced that address meanwhile."""
    return _mover(session, cuenta, version, Cuenta.email_pendiente == cuenta.email_pendiente)


def reiniciar(session: Session, cuenta: Cuenta, version: int) -> bool:
    """End every link of the pending ``cuenta``, read at ``version``, to start its registration
    over (flushed, not committed); False, with the caller's transaction rolled back, if it was
    activated or sent a new link (started over, or a resend) since: the first request wins.

    Call it before changing anything else: the account must be the one read, or a request that
    read it before another moved it to a new address would write over that one unseen.
    """
    return _mover(session, cuenta, version, Cuenta.activa.is_(False))


def reenviar(session: Session, cuenta: Cuenta, version: int, email: str) -> bool:
    """End every link of the pending ``cuenta``, read at ``version`` and ``email``, for a new
    one to go to that address (flushed, not committed); False, with the caller's transaction
    rolled back, if it was activated, started over or sent a new link since.

    A resend that read the account before a restart moved it to a new address would otherwise
    send the old address a link that works and end the one the new address was just sent.
    """
    return _mover(session, cuenta, version, Cuenta.email == email, Cuenta.activa.is_(False))


def pedir_cambio_de_correo(session: Session, cuenta: Cuenta, email: str, now: dt.datetime) -> bool:
    """Make ``email`` the address waiting for confirmation (flushed, not committed), then read
    ``cuenta`` again: its link must carry the version the row holds now that this transaction
    holds the row, not the one read before. A confirmation (or a new password) committed in
    between has moved it on, and a link made from the earlier one would be dead on arrival.
    False, with the caller's transaction rolled back, when the account was closed meanwhile.

    A confirmation still under way waits for this one instead, and then fails: its address is
    no longer the one pending (``gastar_cambio_de_correo``).
    """
    result = session.execute(
        update(Cuenta)
        .where(Cuenta.id == cuenta.id)
        .values(email_pendiente=email, email_pendiente_desde=now),
        execution_options=_SIN_SINCRONIZAR,
    )
    if not _cambio(session, result):
        return False
    session.refresh(cuenta)
    return True


def invalidar(session: Session, cuenta: Cuenta) -> bool:
    """End every link issued for ``cuenta`` so far, in the caller's transaction (flushed, not
    committed). ``cuenta.token_version`` is read again afterwards, for the link made next.
    False, with that transaction rolled back, when the account was closed meanwhile."""
    result = session.execute(
        update(Cuenta).where(Cuenta.id == cuenta.id).values(token_version=Cuenta.token_version + 1),
        execution_options=_SIN_SINCRONIZAR,
    )
    if not _cambio(session, result):
        return False
    session.expire(cuenta, ["token_version"])
    return True


def _mover(session: Session, cuenta: Cuenta, version: int, *mientras: ColumnElement[bool]) -> bool:
    result = session.execute(
        update(Cuenta)
        .where(Cuenta.id == cuenta.id, Cuenta.token_version == version, *mientras)
        .values(token_version=version + 1),
        execution_options=_SIN_SINCRONIZAR,
    )
    if not _cambio(session, result):
        return False
    # What the row now holds, as if loaded: the flush at commit must not write it again.
    set_committed_value(cuenta, "token_version", version + 1)
    return True


def _cambio(session: Session, result: Result[Any]) -> bool:
    """Whether ``result`` changed the account's row; if not, the transaction is rolled back."""
    if cast(CursorResult[Any], result).rowcount == 1:
        return True
    session.rollback()
    return False
