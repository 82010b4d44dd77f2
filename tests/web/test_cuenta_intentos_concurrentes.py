"""Sign-in attempts sent at the same moment, for an account and for a CURP without one: each
counts (counts read in Python and written back lost all but one of a burst), and however many
arrive at once, no more than five passwords are checked before the lock (the lock checked
before the password and the count written after it let a burst check every one of them)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from blueprints import cuenta_activar, cuenta_entrar
from blueprints.extensions import db
from domain import bloqueo
from domain.models import Cuenta, IntentoSinCuenta
from tests.conftest import make_app
from tests.web.cuenta_helpers import activar, correos, crear_cuenta, enlace, entrar, seed

EMAIL = "real@example.org"
MAX = bloqueo.MAX_FAILURES
# The statements that write a count: each thread holds its own until every thread has reached
# it, which is when a read-then-write loses all but one, and when a count written after the
# password check has let every password of the burst be checked.
WRITES = ("UPDATE cuenta ", "UPDATE intento_sin_cuenta ", "INSERT INTO intento_sin_cuenta ")
Send = Callable[[FlaskClient], Any]
AllAtOnce = Callable[[int, Send], list[Any]]


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url)


@pytest.fixture(params=[True, False], ids=["account", "no account"])
def curp(request: pytest.FixtureRequest, app: Flask) -> str:
    titular, desconocida = seed(app)["issste_titular"][:2]
    crear_cuenta(app, titular, EMAIL)
    return titular if request.param else desconocida


@pytest.fixture
def all_at_once(app: Flask) -> Iterator[AllAtOnce]:
    """Make ``n`` requests (``send``) from ``n`` threads, each with its own client, session and
    connection, their counts written together; the responses."""
    barrier: list[threading.Barrier] = []
    waited = threading.local()

    def line_up(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if barrier and statement.startswith(WRITES) and not getattr(waited, "done", False):
            waited.done = True
            barrier[0].wait()

    def one(send: Send) -> Any:
        waited.done = False
        return send(app.test_client())

    def run(n: int, send: Send) -> list[Any]:
        barrier[:] = [threading.Barrier(n, timeout=60)]
        try:
            with ThreadPoolExecutor(n) as pool:
                return list(pool.map(one, [send] * n))
        finally:
            barrier.clear()  # the requests after the burst go one by one

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", line_up)
    yield run
    sa.event.remove(engine, "before_cursor_execute", line_up)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passwords the views check, a dummy check for a CURP without an account included:
    counted on their way to werkzeug's own check, which still answers."""
    made: list[str] = []
    for module in (cuenta_entrar, cuenta_activar):

        def counted(pwhash: str, password: str, real: Any = module.check_password_hash) -> bool:
            made.append(password)
            return bool(real(pwhash, password))

        monkeypatch.setattr(module, "check_password_hash", counted)
    return made


def wrong(curp: str) -> Send:
    return lambda client: entrar(client, curp, "no es la suya")


def state(app: Flask, curp: str) -> bloqueo.Intentos:
    with app.app_context():
        cuenta = db.session.scalars(sa.select(Cuenta).where(Cuenta.curp == curp)).first()
        if cuenta is not None:
            return bloqueo.Intentos(
                cuenta.intentos_fallidos, cuenta.primer_fallo, cuenta.bloqueada_hasta
            )
        [fila] = db.session.scalars(sa.select(IntentoSinCuenta)).all()
        return bloqueo.Intentos(fila.fallidos, fila.primer_fallo, fila.bloqueada_hasta)


def lock_emails(app: Flask, email: str = EMAIL) -> int:
    return sum("Pausamos" in str(m["Subject"]) for m in correos(app, email))


def has_account(app: Flask, curp: str) -> bool:
    with app.app_context():
        return db.session.scalar(sa.select(Cuenta.id).where(Cuenta.curp == curp)) is not None


def test_every_failure_of_a_burst_counts(app: Flask, curp: str, all_at_once: AllAtOnce) -> None:
    assert entrar(app.test_client(), curp, "la primera").status_code == 422
    burst = MAX - 2
    responses = all_at_once(burst, wrong(curp))
    assert [r.status_code for r in responses] == [422] * burst
    assert state(app, curp).fallidos == burst + 1
    assert state(app, curp).bloqueada_hasta is None


def test_a_burst_locks_at_the_fifth_failure_and_once(
    app: Flask, curp: str, all_at_once: AllAtOnce
) -> None:
    # One failure, then six at once: the 2nd to 4th are wrong passwords, the 5th locks, and
    # the two that come after it find the lock and leave it as it is.
    assert entrar(app.test_client(), curp, "la primera").status_code == 422
    responses = all_at_once(6, wrong(curp))
    assert Counter(r.status_code for r in responses) == {422: 3, 429: 3}
    locked = [r.get_data(as_text=True) for r in responses if r.status_code == 429]
    assert all("Vuelve a intentarlo en 15 minutos" in page for page in locked)
    after = state(app, curp)
    assert after.fallidos == 0 and after.primer_fallo is None
    assert after.bloqueada_hasta is not None
    assert lock_emails(app) == (1 if has_account(app, curp) else 0)
    assert entrar(app.test_client(), curp, "otra más").status_code == 429
    assert state(app, curp) == after  # a failure while locked neither counts nor extends it


def test_a_burst_gets_five_passwords_checked_and_the_rest_wait(
    app: Flask, curp: str, all_at_once: AllAtOnce, checks: list[str]
) -> None:
    # Ten at once, each let in by the lock before any of them counted: only five are checked
    # (the fifth, which locks, included), and the other five are turned away unchecked.
    responses = all_at_once(2 * MAX, wrong(curp))
    assert len(checks) == MAX
    assert Counter(r.status_code for r in responses) == {422: MAX - 1, 429: MAX + 1}
    assert lock_emails(app) == (1 if has_account(app, curp) else 0)
    assert entrar(app.test_client(), curp, "y otra").status_code == 429
    assert len(checks) == MAX


def test_a_burst_at_the_activation_link_gets_five_passwords_checked(
    app: Flask, pendiente: str, all_at_once: AllAtOnce, checks: list[str]
) -> None:
    path = enlace(correos(app)[0])
    responses = all_at_once(2 * MAX, lambda client: activar(client, path, "no es la suya"))
    assert len(checks) == MAX
    assert Counter(r.status_code for r in responses) == {422: MAX - 1, 429: MAX + 1}
    assert lock_emails(app, "pendiente@example.org") == 1


def test_the_fifth_wrong_password_locks_with_one_email(
    app: Flask, curp: str, checks: list[str]
) -> None:
    client = app.test_client()
    statuses = [entrar(client, curp, f"mala-{i}").status_code for i in range(MAX + 2)]
    assert statuses == [422] * (MAX - 1) + [429] * 3
    assert len(checks) == MAX
    assert lock_emails(app) == (1 if has_account(app, curp) else 0)


def test_the_right_password_after_four_wrong_ones_signs_in(
    app: Flask, activa: str, checks: list[str]
) -> None:
    client = app.test_client()
    assert [entrar(client, activa, f"mala-{i}").status_code for i in range(MAX - 1)] == [422] * 4
    assert entrar(client, activa).status_code == 303  # the fifth attempt, and the right one
    assert len(checks) == MAX
    assert state(app, activa) == bloqueo.Intentos()  # nothing counted, nothing locked
    assert correos(app, "activa@example.org") == []
    assert entrar(app.test_client(), activa, "mala").status_code == 422


def test_a_success_clears_the_attempts_counted_while_it_was_checked(
    app: Flask, activa: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two wrong passwords arrive while the owner's right one is being checked: they are
    # counted and checked, and the owner's success then clears them with the rest.
    real = cuenta_entrar.check_password_hash
    meanwhile: list[int] = []

    def slow(pwhash: str, password: str) -> bool:
        if password != "no es la suya" and not meanwhile:
            with ThreadPoolExecutor(1) as pool:
                sent = [pool.submit(wrong(activa), app.test_client()) for _ in range(2)]
                meanwhile.extend(future.result().status_code for future in sent)
        return bool(real(pwhash, password))

    monkeypatch.setattr(cuenta_entrar, "check_password_hash", slow)
    assert entrar(app.test_client(), activa).status_code == 303
    assert meanwhile == [422, 422]
    assert state(app, activa) == bloqueo.Intentos()
