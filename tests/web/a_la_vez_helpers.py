"""Requests at the same moment: each in a thread of its own (its own app context and database
session), held right before its first write until the others have reached theirs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from blueprints.extensions import db
from tests.captcha_helpers import solve_captcha
from tests.web.cuenta_helpers import formulario

T = TypeVar("T")
WRITES = ("INSERT", "UPDATE", "DELETE")
_hilo = threading.local()  # set in the threads en_hilos starts, and only there


@contextmanager
def antes_de_escribir(app: Flask, hacer: Callable[[], object]) -> Iterator[None]:
    """Run ``hacer`` in each of our threads right before its first write to the database."""

    def first_write(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if getattr(_hilo, "nuestro", False) and statement.lstrip().upper().startswith(WRITES):
            _hilo.nuestro = False
            hacer()

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", first_write)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", first_write)


def en_hilos(tareas: Sequence[Callable[[], T]], nuestros: bool = True) -> list[T]:
    """Each task in a thread of its own (marked as ours, unless told not to); their answers,
    in order."""
    answers: dict[int, T] = {}
    errors: list[BaseException] = []

    def run(i: int, tarea: Callable[[], T]) -> None:
        _hilo.nuestro = nuestros
        try:
            answers[i] = tarea()
        except BaseException as exc:  # re-raised in the test's own thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=item) for item in enumerate(tareas)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert not any(thread.is_alive() for thread in threads)
    if errors:
        raise errors[0]
    return [answers[i] for i in range(len(tareas))]


def a_la_vez(app: Flask, tareas: Sequence[Callable[[], T]]) -> list[T]:
    """The tasks at once, each held before its first write until every one has reached it."""
    barrier = threading.Barrier(len(tareas))
    with antes_de_escribir(app, lambda: barrier.wait(30)):
        return en_hilos(tareas)


def post(app: Flask, path: str, **data: str) -> Callable[[], TestResponse]:
    return lambda: app.test_client().post(path, data=data)


def registro(app: Flask, curp: str, email: str) -> Callable[[], TestResponse]:
    """The registration form of ``curp`` and ``email``, its captcha solved, ready to send."""
    client = app.test_client()
    page = client.get("/cuenta/registro").get_data(as_text=True)
    data = {**formulario(app, curp, email), **solve_captcha(client, page)}
    return lambda: client.post("/cuenta/registro", data=data)
