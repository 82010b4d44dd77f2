"""Failed sign-ins sent at the same moment each count, for an account and for a CURP without
one: counts read in Python and written back lost all but one of a burst, so an attacker who
sent their guesses in bursts never met the lock."""

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

from blueprints.extensions import db
from domain import bloqueo
from domain.models import Cuenta, IntentoSinCuenta
from tests.conftest import make_app
from tests.web.cuenta_helpers import correos, crear_cuenta, entrar, seed

EMAIL = "real@example.org"
# The statements that write a count: each thread holds its own until every thread has read
# the count it started from, which is when a read-then-write loses all but one.
WRITES = ("UPDATE cuenta ", "UPDATE intento_sin_cuenta ", "INSERT INTO intento_sin_cuenta ")


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url)


@pytest.fixture(params=[True, False], ids=["account", "no account"])
def curp(request: pytest.FixtureRequest, app: Flask) -> str:
    titular, desconocida = seed(app)["issste_titular"][:2]
    crear_cuenta(app, titular, EMAIL)
    return titular if request.param else desconocida


@pytest.fixture
def all_at_once(app: Flask) -> Iterator[Callable[[str, int], list[Any]]]:
    """Send ``n`` wrong passwords for a CURP from ``n`` threads, each with its own client,
    session and connection, their counts written together; the responses."""
    barrier: list[threading.Barrier] = []
    waited = threading.local()

    def line_up(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if barrier and statement.startswith(WRITES) and not getattr(waited, "done", False):
            waited.done = True
            barrier[0].wait()

    def fail(curp: str) -> Any:
        waited.done = False
        return entrar(app.test_client(), curp, "no es la suya")

    def run(curp: str, n: int) -> list[Any]:
        barrier[:] = [threading.Barrier(n, timeout=60)]
        with ThreadPoolExecutor(n) as pool:
            return list(pool.map(fail, [curp] * n))

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", line_up)
    yield run
    sa.event.remove(engine, "before_cursor_execute", line_up)


def state(app: Flask, curp: str) -> bloqueo.Intentos:
    with app.app_context():
        cuenta = db.session.scalars(sa.select(Cuenta).where(Cuenta.curp == curp)).first()
        if cuenta is not None:
            return bloqueo.Intentos(
                cuenta.intentos_fallidos, cuenta.primer_fallo, cuenta.bloqueada_hasta
            )
        [fila] = db.session.scalars(sa.select(IntentoSinCuenta)).all()
        return bloqueo.Intentos(fila.fallidos, fila.primer_fallo, fila.bloqueada_hasta)


def lock_emails(app: Flask) -> int:
    return sum("Pausamos" in str(m["Subject"]) for m in correos(app, EMAIL))


def test_every_failure_of_a_burst_counts(
    app: Flask, curp: str, all_at_once: Callable[[str, int], list[Any]]
) -> None:
    assert entrar(app.test_client(), curp, "la primera").status_code == 422
    burst = bloqueo.MAX_FAILURES - 2
    responses = all_at_once(curp, burst)
    assert [r.status_code for r in responses] == [422] * burst
    assert state(app, curp).fallidos == burst + 1
    assert state(app, curp).bloqueada_hasta is None


def test_a_burst_locks_at_the_fifth_failure_and_once(
    app: Flask, curp: str, all_at_once: Callable[[str, int], list[Any]]
) -> None:
    # One failure, then six at once: the 2nd to 4th are wrong passwords, the 5th locks, and
    # the two that come after it find the lock and leave it as it is.
    assert entrar(app.test_client(), curp, "la primera").status_code == 422
    responses = all_at_once(curp, 6)
    assert Counter(r.status_code for r in responses) == {422: 3, 429: 3}
    locked = [r.get_data(as_text=True) for r in responses if r.status_code == 429]
    assert all("Vuelve a intentarlo en 15 minutos" in page for page in locked)
    after = state(app, curp)
    assert after.fallidos == 0 and after.primer_fallo is None
    assert after.bloqueada_hasta is not None
    assert lock_emails(app) == (1 if curp == state_owner(app) else 0)
    assert entrar(app.test_client(), curp, "otra más").status_code == 429
    assert state(app, curp) == after  # a failure while locked neither counts nor extends it


def state_owner(app: Flask) -> str:
    with app.app_context():
        return str(db.session.scalar(sa.select(Cuenta.curp).where(Cuenta.email == EMAIL)))
