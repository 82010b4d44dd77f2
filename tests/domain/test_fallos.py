"""The count the database keeps (domain/fallos) follows domain/bloqueo's rule attempt by
attempt, each counted before its password is checked: windows that end, the fifth that locks
(and is still checked), a lock that ends, an attempt while locked (turned away), a success."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import bloqueo, fallos, intentos_sin_cuenta
from domain.models import Cuenta, IntentoSinCuenta

T0 = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)
CURP = "PXNE660720HMCXTN06"
MINUTE = dt.timedelta(minutes=1)
# Minutes after T0: two failures, a new window at 20, the fifth of it locks at 24 (to 39),
# and a failure after the lock starts again.
SCHEDULE = [0, 1, 20, 21, 22, 23, 24, 40, 41]


@pytest.fixture
def session(sesion_vacia: Session) -> Session:
    return sesion_vacia  # no registry seeded (tests/domain/conftest.py seeds one for `session`)


def nueva_cuenta(session: Session) -> Cuenta:
    cuenta = Cuenta(curp=CURP, email="a@example.org", telefono="5512345678", password_hash="x",
                    creada=T0, intentos_fallidos=0)  # fmt: skip
    session.add(cuenta)
    session.commit()
    return cuenta


def expected() -> Iterator[tuple[dt.datetime, bloqueo.Intentos]]:
    state = bloqueo.Intentos()
    for minute in SCHEDULE:
        moment = T0 + minute * MINUTE
        state = bloqueo.tras_fallo(state, moment)
        yield moment, state


def test_an_account_counts_as_the_rule_says(session: Session) -> None:
    cuenta = nueva_cuenta(session)
    for moment, state in expected():
        reserva = fallos.reservar(session, cuenta, moment)
        session.commit()
        assert reserva == fallos.Reserva(state, True)
        assert reserva.bloquea == (moment + bloqueo.LOCK_TIME == state.bloqueada_hasta)
        assert fallos.leidos((cuenta.intentos_fallidos, cuenta.primer_fallo,
                              cuenta.bloqueada_hasta)) == state  # fmt: skip


def test_a_curp_without_an_account_counts_as_the_rule_says(session: Session) -> None:
    keys = intentos_sin_cuenta.claves(["s"], CURP)
    for moment, state in expected():
        assert intentos_sin_cuenta.reservar(session, keys, moment) == fallos.Reserva(state, True)
        session.expire_all()
        [fila] = session.scalars(sa.select(IntentoSinCuenta))
        assert bloqueo.as_utc(fila.vence) == intentos_sin_cuenta.vence(state)


def test_an_attempt_while_locked_is_turned_away_and_changes_nothing(session: Session) -> None:
    # Its password is not to be checked, and it must neither lift the lock nor make it longer.
    cuenta = nueva_cuenta(session)
    keys = intentos_sin_cuenta.claves(["s"], CURP)
    for minute in range(bloqueo.MAX_FAILURES):
        locked = fallos.reservar(session, cuenta, T0 + minute * MINUTE)
        session.commit()
        sin_cuenta = intentos_sin_cuenta.reservar(session, keys, T0 + minute * MINUTE)
    assert locked.bloquea and sin_cuenta.bloquea  # the fifth: it locks, and is still checked
    later = T0 + 5 * MINUTE
    turned_away = fallos.Reserva(locked.intentos, False)
    assert fallos.reservar(session, cuenta, later) == turned_away
    assert not turned_away.bloquea and turned_away.minutos(later) == 14
    assert intentos_sin_cuenta.reservar(session, keys, later) == fallos.Reserva(
        sin_cuenta.intentos, False
    )
    assert sin_cuenta.intentos.bloqueada_hasta == T0 + 4 * MINUTE + bloqueo.LOCK_TIME


def test_a_success_clears_the_count_and_the_lock(session: Session) -> None:
    # Whatever the object in the session read: here it read no count at all.
    cuenta = nueva_cuenta(session)
    session.refresh(cuenta)
    with Session(session.get_bind()) as other:
        other_cuenta = other.get(Cuenta, cuenta.id)
        assert other_cuenta is not None
        for minute in range(bloqueo.MAX_FAILURES):
            fallos.reservar(other, other_cuenta, T0 + minute * MINUTE)
            other.commit()
    assert cuenta.intentos_fallidos == 0  # stale: the count is five, and locked
    fallos.limpiar(session, cuenta)
    session.commit()
    assert fallos.reservar(session, cuenta, T0 + 5 * MINUTE).intentos == bloqueo.Intentos(
        1, T0 + 5 * MINUTE, None
    )
