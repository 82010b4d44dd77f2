"""A CURP without an account counts its failed sign-ins in the database, as an account does."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from domain import bloqueo, fallos, intentos_sin_cuenta
from domain.models import IntentoSinCuenta

T0 = dt.datetime(2026, 11, 26, 18, 0, tzinfo=dt.UTC)
CURP = "PXNE660720HMCXTN06"
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def rows(session: Session) -> list[IntentoSinCuenta]:
    session.expire_all()
    return list(session.scalars(sa.select(IntentoSinCuenta)))


def test_five_failures_lock_as_an_account_would(session: Session) -> None:
    keys = intentos_sin_cuenta.claves(["secreto"], CURP)
    expected = bloqueo.Intentos()
    for minute in range(5):
        expected = bloqueo.tras_fallo(expected, T0 + minute * MINUTE)
        reserva = intentos_sin_cuenta.reservar(session, keys, T0 + minute * MINUTE)
        assert reserva == fallos.Reserva(expected, True)
    assert reserva.bloquea and reserva.minutos(T0 + 4 * MINUTE) == 15
    later = T0 + 5 * MINUTE
    assert not intentos_sin_cuenta.reservar(session, keys, later).permitida
    # Another SECRET_KEY counts apart: the CURP without its key is a different row.
    other = intentos_sin_cuenta.reservar(session, intentos_sin_cuenta.claves(["otro"], CURP), later)
    assert other == fallos.Reserva(bloqueo.Intentos(1, later, None), True)


def test_the_table_holds_no_curp(session: Session) -> None:
    intentos_sin_cuenta.reservar(session, intentos_sin_cuenta.claves(["secreto"], CURP), T0)
    [fila] = rows(session)
    assert CURP not in fila.clave and CURP.lower() not in fila.clave
    # Keyed: an unkeyed hash could be reversed by hashing every possible CURP.
    assert fila.clave != hashlib.sha256(CURP.encode()).hexdigest()


def test_a_count_goes_on_while_the_secret_key_rotates(session: Session) -> None:
    for minute in range(3):
        old = intentos_sin_cuenta.claves(["vieja"], CURP)
        intentos_sin_cuenta.reservar(session, old, T0 + minute * MINUTE)
    rotated = intentos_sin_cuenta.claves(["vieja", "nueva"], CURP)
    intentos_sin_cuenta.reservar(session, rotated, T0 + 3 * MINUTE)
    last = intentos_sin_cuenta.reservar(session, rotated, T0 + 4 * MINUTE)
    assert last.intentos.bloqueada_hasta == T0 + 4 * MINUTE + bloqueo.LOCK_TIME
    assert len(rows(session)) == 1


def test_rows_go_once_their_window_and_lock_are_over(session: Session) -> None:
    counting = intentos_sin_cuenta.claves(["s"], "AAAA000000HDFAAA01")
    intentos_sin_cuenta.reservar(session, counting, T0)  # its window: to T0 + 15 minutes
    locked = intentos_sin_cuenta.claves(["s"], "AAAA000000HDFAAA02")
    for minute in range(5):  # locked at T0 + 4 minutes, to T0 + 19
        intentos_sin_cuenta.reservar(session, locked, T0 + minute * MINUTE)
    assert intentos_sin_cuenta.purgar_vencidos(session, T0 + 15 * MINUTE - MINUTE / 60) == 0
    assert intentos_sin_cuenta.purgar_vencidos(session, T0 + 15 * MINUTE) == 1
    assert [fila.clave for fila in rows(session)] == [locked[0]]
    assert intentos_sin_cuenta.purgar_vencidos(session, T0 + 19 * MINUTE) == 1
    assert rows(session) == []


def just_before_the_write(engine: sa.Engine, other_request: Callable[[], None]) -> None:
    """Run ``other_request`` once, after this one has read and before it writes its count."""

    pending = [other_request]

    def hook(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if pending and statement.startswith("INSERT INTO intento_sin_cuenta "):
            pending.pop()()

    event.listen(engine, "before_cursor_execute", hook)


def test_two_first_failures_at_once_both_count(engine: sa.Engine, session: Session) -> None:
    # Another request records the same CURP's first failure between this one's read (no row
    # yet) and its write: this failure still counts, as the second.
    keys = intentos_sin_cuenta.claves(["s"], CURP)

    def the_other_request() -> None:
        with Session(engine) as other:
            intentos_sin_cuenta.reservar(other, keys, T0)

    just_before_the_write(engine, the_other_request)
    state = intentos_sin_cuenta.reservar(session, keys, T0 + MINUTE)
    assert state == fallos.Reserva(bloqueo.Intentos(2, T0, None), True)
    [fila] = rows(session)
    assert fila.fallidos == 2


def test_a_purge_between_read_and_write_still_counts(engine: sa.Engine, session: Session) -> None:
    # Another request's purge deletes this CURP's expired row after this one read it: the
    # update finds no row, and the failure must still count (from scratch), not fail.
    keys = intentos_sin_cuenta.claves(["s"], CURP)
    intentos_sin_cuenta.reservar(session, keys, T0)
    later = T0 + 20 * MINUTE

    def the_other_request() -> None:
        with Session(engine) as other:
            assert intentos_sin_cuenta.purgar_vencidos(other, later) == 1

    just_before_the_write(engine, the_other_request)
    state = intentos_sin_cuenta.reservar(session, keys, later)
    assert state == fallos.Reserva(bloqueo.Intentos(1, later, None), True)
    [fila] = rows(session)
    assert (fila.fallidos, bloqueo.as_utc(fila.primer_fallo)) == (1, later)
