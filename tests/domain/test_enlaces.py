"""domain.enlaces: a link is spent only if its version is still the account's, as the database
has it now, not as a session read it earlier; every other bump only moves the version on."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import enlaces
from domain.models import Cuenta


def _cuenta(engine: sa.Engine) -> int:
    with Session(engine) as session:
        cuenta = Cuenta(
            curp="PUEA800101HDFRRR09",
            email="ana@example.org",
            telefono="5512345678",
            password_hash="x",
            activa=False,
            creada=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
            token_version=3,
            session_version=0,
            intentos_fallidos=0,
            email_pendiente="nuevo@example.org",
        )
        session.add(cuenta)
        session.commit()
        return cuenta.id


def _version(engine: sa.Engine, cuenta_id: int) -> int:
    with Session(engine) as session:
        cuenta = session.get(Cuenta, cuenta_id)
        assert cuenta is not None
        return cuenta.token_version


def test_of_two_sessions_that_read_one_version_only_the_first_spends_it(engine: sa.Engine) -> None:
    cuenta_id = _cuenta(engine)
    with Session(engine) as primera, Session(engine) as segunda:
        a, b = primera.get(Cuenta, cuenta_id), segunda.get(Cuenta, cuenta_id)
        assert a is not None and b is not None and a.token_version == b.token_version == 3
        assert enlaces.gastar(primera, a, 3)
        a.activa = True
        primera.commit()
        assert not enlaces.gastar(segunda, b, 3)  # its copy still says 3; the row does not
        assert segunda.get(Cuenta, cuenta_id).activa  # type: ignore[union-attr]
    assert _version(engine, cuenta_id) == 4


def test_a_lost_race_rolls_back_what_its_transaction_held(engine: sa.Engine) -> None:
    cuenta_id = _cuenta(engine)
    with Session(engine) as session:
        cuenta = session.get(Cuenta, cuenta_id)
        assert cuenta is not None
        assert not enlaces.gastar(session, cuenta, 2)  # an older link's
        assert cuenta.token_version == 3  # rolled back and read again, unchanged
        assert enlaces.gastar(session, cuenta, 3)
        assert cuenta.token_version == 4 and not session.dirty  # nothing more to write
        session.commit()
    assert _version(engine, cuenta_id) == 4


def test_a_new_address_confirms_only_while_it_is_the_pending_one(engine: sa.Engine) -> None:
    cuenta_id = _cuenta(engine)
    with Session(engine) as confirma, Session(engine) as pide:
        leida = confirma.get(Cuenta, cuenta_id)
        assert leida is not None and leida.email_pendiente == "nuevo@example.org"
        otra = pide.get(Cuenta, cuenta_id)
        assert otra is not None
        otra.email_pendiente = "otro@example.org"  # a newer request: no version moves
        pide.commit()
        assert not enlaces.gastar_cambio_de_correo(confirma, leida, 3)
    assert _version(engine, cuenta_id) == 3


def test_invalidating_moves_on_from_the_row_not_from_a_stale_copy(engine: sa.Engine) -> None:
    cuenta_id = _cuenta(engine)
    with Session(engine) as lenta, Session(engine) as otra:
        vieja = lenta.get(Cuenta, cuenta_id)
        assert vieja is not None and vieja.token_version == 3
        for _ in range(2):
            cuenta = otra.get(Cuenta, cuenta_id)
            assert cuenta is not None
            enlaces.invalidar(otra, cuenta)
            otra.commit()
        lenta.commit()  # SQLite: end the read, as a new request would start
        enlaces.invalidar(lenta, vieja)
        assert vieja.token_version == 6  # not 4: a link issued at 4 was ended by then
        lenta.commit()
    assert _version(engine, cuenta_id) == 6
