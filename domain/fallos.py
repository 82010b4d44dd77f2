"""One more failed sign-in, counted by the database in a single statement (domain/bloqueo's
rule, ``tras_fallo``, written in SQL).

Read into Python, counted and written back, two failures at the same moment would both write
the same count and one would be lost: an attacker who sent their guesses in bursts would never
meet the lock. Here the new count is computed in the statement that writes it, from the row as
the database holds it when that statement's turn comes (PostgreSQL makes a second writer wait
for the first one's commit and then reads the row it left; SQLite lets one writer in at a time).

A failure that finds the row locked changes nothing: it raced the failure that locked it past
the caller's check, and must neither lift the lock nor make it longer.
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
class Fallo:
    """What one failure left, and whether it is the one that locked."""

    intentos: bloqueo.Intentos
    bloqueo_nuevo: bool


def anotar_fallo(session: Session, cuenta: Cuenta, now: dt.datetime) -> Fallo:
    """One more failure for ``cuenta``, in the caller's transaction (not committed)."""
    columnas = (Cuenta.intentos_fallidos, Cuenta.primer_fallo, Cuenta.bloqueada_hasta)
    query = (
        sa.update(Cuenta)
        .where(Cuenta.id == cuenta.id, libre(Cuenta.bloqueada_hasta, now))
        .values(tras_fallo(*columnas, now))
        .returning(*columnas)
        .execution_options(synchronize_session=False)
    )
    fila = session.execute(query).one_or_none()
    # The object in the session still holds what it read before: read the row again if asked.
    session.expire(cuenta, [c.key for c in columnas])
    if fila is not None:
        intentos = leidos(fila)
        return Fallo(intentos, intentos.bloqueada_hasta is not None)
    # Locked by a failure that raced this one: the lock stands as that one set it.
    actual = session.execute(sa.select(*columnas).where(Cuenta.id == cuenta.id)).one_or_none()
    return Fallo(leidos(actual), False)
