"""Sign-in attempts counted by the database in a single statement (domain/bloqueo's rule,
``tras_fallo``, written in SQL), each one before its password is checked.

Read into Python, counted and written back, two failures at the same moment would both write
the same count and one would be lost: an attacker who sent their guesses in bursts would never
meet the lock. Here the new count is computed in the statement that writes it, from the row as
the database holds it when that statement's turn comes (PostgreSQL makes a second writer wait
for the first one's commit and then reads the row it left; SQLite lets one writer in at a time).

Counted only after a wrong password, a burst would still have every password checked: each
request finds no lock before any of them has written. So an attempt is counted as a failure
first (``reservar``, committed before the check): the one that makes the count reach the limit
sets the lock and is still checked, and an attempt that finds the row locked changes nothing
(it must neither lift the lock nor make it longer) and is turned away unchecked. At most
``MAX_FAILURES`` passwords are checked per lock, on however many servers.

A right password then takes the count back (``limpiar``), and with it the attempts that other
requests counted meanwhile, and any lock one of them set: the owner has just shown who they
are, as a success has always cleared the failures before it. A wrong one has nothing more to
write: it was counted already.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeAlias

import sqlalchemy as sa
from sqlalchemy.orm import InstrumentedAttribute, Session

from domain import bloqueo
from domain.models import Cuenta

Momento: TypeAlias = InstrumentedAttribute[dt.datetime | None]


def momento(value: dt.datetime) -> sa.BindParameter[dt.datetime]:
    """``value`` bound as the columns store it (SQLite compares the stored text)."""
    return sa.literal(value, sa.DateTime(timezone=True))


def libre(bloqueada_hasta: Momento, now: dt.datetime) -> sa.ColumnElement[bool]:
    """The row is not locked at ``now``."""
    return sa.or_(bloqueada_hasta.is_(None), bloqueada_hasta <= momento(now))


class Regla(NamedTuple):
    """``tras_fallo``'s two questions, asked of the row as the statement finds it."""

    ventana_nueva: sa.ColumnElement[bool]  # no window open, or it is over: this is failure 1
    cuenta: sa.ColumnElement[int]  # the failures in the window, this one included
    bloquea: sa.ColumnElement[bool]  # this failure is the one that locks


def regla(fallidos: InstrumentedAttribute[int], primer_fallo: Momento, now: dt.datetime) -> Regla:
    ventana_nueva = sa.or_(
        primer_fallo.is_(None), primer_fallo <= momento(now - bloqueo.FAILURE_WINDOW)
    )
    cuenta = sa.case((ventana_nueva, 1), else_=fallidos + 1)
    return Regla(ventana_nueva, cuenta, cuenta >= bloqueo.MAX_FAILURES)


def tras_fallo(
    fallidos: InstrumentedAttribute[int],
    primer_fallo: Momento,
    bloqueada_hasta: Momento,
    now: dt.datetime,
) -> dict[str, sa.ColumnElement[Any]]:
    """The SET of one more failure at ``now``, for a row that is not locked (``libre``)."""
    nueva, cuenta, bloquea = regla(fallidos, primer_fallo, now)
    return {
        fallidos.key: sa.case((bloquea, 0), else_=cuenta),
        primer_fallo.key: sa.case((bloquea, sa.null()), (nueva, momento(now)), else_=primer_fallo),
        bloqueada_hasta.key: sa.case((bloquea, momento(now + bloqueo.LOCK_TIME)), else_=sa.null()),
    }


def leidos(fila: Sequence[Any] | None) -> bloqueo.Intentos:
    """The ``Intentos`` of a row read back (count, first failure, lock), in UTC."""
    if fila is None:
        return bloqueo.Intentos()
    fallidos, primer_fallo, bloqueada_hasta = fila
    return bloqueo.Intentos(fallidos, bloqueo.as_utc(primer_fallo), bloqueo.as_utc(bloqueada_hasta))


@dataclass(frozen=True, slots=True)
class Reserva:
    """One attempt, counted before its password is checked: the row as it left (or, turned
    away, found) it, and whether its password may be checked."""

    intentos: bloqueo.Intentos
    permitida: bool

    @property
    def bloquea(self) -> bool:
        """It is the attempt that reached the limit: it set the lock, and is still checked."""
        return self.permitida and self.intentos.bloqueada_hasta is not None

    def minutos(self, now: dt.datetime) -> int:
        """The minutes of lock its answer tells, 0 for none. One turned away met a lock, and
        says so even if that lock ended (or a success lifted it) before it read the row.

        >>> t = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
        >>> [Reserva(bloqueo.Intentos(), p).minutos(t) for p in (True, False)]
        [0, 1]
        """
        found = bloqueo.minutos_restantes(self.intentos.bloqueada_hasta, now)
        return found if self.permitida else max(1, found)


COLUMNAS = (Cuenta.intentos_fallidos, Cuenta.primer_fallo, Cuenta.bloqueada_hasta)


def reservar(session: Session, cuenta: Cuenta, now: dt.datetime) -> Reserva:
    """One more attempt at ``cuenta``'s password, counted as a failure unless it is locked, in
    the caller's transaction (not committed: commit it before checking the password)."""
    query = (
        sa.update(Cuenta)
        .where(Cuenta.id == cuenta.id, libre(Cuenta.bloqueada_hasta, now))
        .values(tras_fallo(*COLUMNAS, now))
        .returning(*COLUMNAS)
        .execution_options(synchronize_session=False)
    )
    fila = session.execute(query).one_or_none()
    # The object in the session still holds what it read before: read the row again if asked.
    session.expire(cuenta, [c.key for c in COLUMNAS])
    if fila is not None:
        return Reserva(leidos(fila), True)
    # Locked, maybe by an attempt that raced this one: the lock stands as that one set it.
    actual = session.execute(sa.select(*COLUMNAS).where(Cuenta.id == cuenta.id)).one_or_none()
    return Reserva(leidos(actual), False)


def limpiar(session: Session, cuenta: Cuenta) -> None:
    """A right password: no count and no lock, whatever other requests counted meanwhile, in
    the caller's transaction. Written whatever the object read, since that may be stale."""
    query = sa.update(Cuenta).where(Cuenta.id == cuenta.id)
    values = {c.key: v for c, v in zip(COLUMNAS, (0, None, None), strict=True)}
    session.execute(query.values(values).execution_options(synchronize_session=False))
    session.expire(cuenta, [c.key for c in COLUMNAS])
