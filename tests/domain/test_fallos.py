"""The count the database keeps (domain/fallos) follows domain/bloqueo's rule failure by
failure: windows that end, the fifth that locks, a lock that ends, a failure while locked."""

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
def session(database_url: str) -> Iterator[Session]:
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with Session(engine) as session:
        yield session
    engine.dispose()


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
        fallo = fallos.anotar_fallo(session, cuenta, moment)
        session.commit()
        assert fallo == fallos.Fallo(state, moment + bloqueo.LOCK_TIME == state.bloqueada_hasta)
        assert fallos.leidos((cuenta.intentos_fallidos, cuenta.primer_fallo,
                              cuenta.bloqueada_hasta)) == state  # fmt: skip


def test_a_curp_without_an_account_counts_as_the_rule_says(session: Session) -> None:
    keys = intentos_sin_cuenta.claves(["s"], CURP)
    for moment, state in expected():
        assert intentos_sin_cuenta.anotar_fallo(session, keys, moment) == state
        session.expire_all()
        [fila] = session.scalars(sa.select(IntentoSinCuenta))
        assert bloqueo.as_utc(fila.vence) == intentos_sin_cuenta.vence(state)


def test_a_failure_while_locked_changes_nothing(session: Session) -> None:
    # It raced the failure that locked (the caller checked before that one wrote): it must
    # neither lift the lock nor make it longer, and it is not the one that locked.
    cuenta = nueva_cuenta(session)
    keys = intentos_sin_cuenta.claves(["s"], CURP)
    for minute in range(bloqueo.MAX_FAILURES):
        locked = fallos.anotar_fallo(session, cuenta, T0 + minute * MINUTE)
        session.commit()
        sin_cuenta = intentos_sin_cuenta.anotar_fallo(session, keys, T0 + minute * MINUTE)
    later = T0 + 5 * MINUTE
    assert fallos.anotar_fallo(session, cuenta, later) == fallos.Fallo(locked.intentos, False)
    assert intentos_sin_cuenta.anotar_fallo(session, keys, later) == sin_cuenta
    assert sin_cuenta.bloqueada_hasta == T0 + 4 * MINUTE + bloqueo.LOCK_TIME
