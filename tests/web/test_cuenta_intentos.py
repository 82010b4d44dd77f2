"""Sign-in failures of a CURP without an account are kept in the database, as an account's are:
the lock must not tell, on any number of servers, which CURPs have an account."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from blueprints import caducados
from blueprints.extensions import db
from domain.models import IntentoSinCuenta, UsoUnico
from tests.conftest import make_app
from tests.web.cuenta_helpers import crear_cuenta, normalise, seed

LONG_AGO = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def filas(app: Flask) -> list[IntentoSinCuenta]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(IntentoSinCuenta)))
        db.session.expunge_all()
        return found


def test_the_lock_does_not_depend_on_which_worker_answers(
    tmp_path: Path, database_url: str
) -> None:
    # Two app instances on one database, each with its own in-memory limiter: two gunicorn
    # workers without Redis (or with Redis down). Requests alternate between them.
    workers = [make_app(tmp_path, database_url, RATELIMIT_ENABLED=True) for _ in range(2)]
    titular, desconocida = seed(workers[0])["issste_titular"][:2]
    crear_cuenta(workers[0], titular, "real@example.org")

    def nine_failures(curp: str, ip: str) -> list[tuple[int, str]]:
        answers = []
        for i in range(9):
            response = (
                workers[i % 2]
                .test_client()
                .post(
                    "/cuenta/entrar",
                    data={"curp": curp, "password": f"no es {i}"},
                    environ_base={"REMOTE_ADDR": ip},
                )
            )
            page = normalise(response.get_data(as_text=True).replace(curp, "CURP"))
            answers.append((response.status_code, page))
        return answers

    real = nine_failures(titular, "10.0.0.1")
    fake = nine_failures(desconocida, "10.0.0.2")
    assert [status for status, _ in real] == [422] * 4 + [429] * 5
    assert [status for status, _ in fake] == [status for status, _ in real]
    assert fake == real  # the same pages, lock message and countdown included
    assert "Vuelve a intentarlo en 15 minutos" in fake[-1][1]
    [fila] = filas(workers[0])  # the unknown CURP's, and nothing of what was typed
    values = " ".join(str(v) for v in (fila.clave, fila.primer_fallo, fila.bloqueada_hasta))
    assert desconocida not in values and desconocida.lower() not in values


@pytest.mark.parametrize("con_cuenta", [True, False], ids=["account", "no account"])
def test_expired_rows_are_purged_on_the_way(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, con_cuenta: bool
) -> None:
    # Either path purges, so neither does work the other does not.
    app = make_app(tmp_path, database_url)
    titular, desconocida = seed(app)["issste_titular"][:2]
    crear_cuenta(app, titular, "real@example.org")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    with app.app_context():
        db.session.add_all(
            [
                IntentoSinCuenta(
                    clave="vencida", fallidos=1, primer_fallo=LONG_AGO, vence=LONG_AGO
                ),
                IntentoSinCuenta(clave="bloqueada", fallidos=0, bloqueada_hasta=later, vence=later),
                UsoUnico(clave="reto:viejo", expira=LONG_AGO),
            ]
        )
        db.session.commit()
    monkeypatch.setattr(caducados, "PURGE_ONE_IN", 1)
    curp = titular if con_cuenta else desconocida
    response = app.test_client().post("/cuenta/entrar", data={"curp": curp, "password": "no"})
    assert response.status_code == 422
    claves = {fila.clave for fila in filas(app)}
    assert "vencida" not in claves and "bloqueada" in claves
    assert len(claves) == (1 if con_cuenta else 2)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UsoUnico)) == 0


def test_a_curp_without_an_account_locks_with_the_limits_off(app: Flask, curps: Any) -> None:
    # An account locks whether or not the rate limits are on: so must a CURP without one.
    client = app.test_client()
    desconocida = curps["issste_titular"][1]
    statuses = [
        client.post("/cuenta/entrar", data={"curp": desconocida, "password": "x"}).status_code
        for _ in range(6)
    ]
    assert statuses == [422] * 4 + [429] * 2
