"""Two posts of one form, the second sent while the first is still at work (a double tap).

Used by test_envio_repetido.py and test_descarga_repetida.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import sqlalchemy as sa
from flask import Flask
from werkzeug.test import TestResponse

from blueprints.extensions import db

CLAIM = "INSERT INTO repeticion "
_hilo = threading.local()  # "primero" in the first request's thread, and only there


def a_la_vez(
    app: Flask,
    primero: Callable[[], TestResponse],
    segundo: Callable[[], TestResponse],
    trabajo: str,
) -> tuple[TestResponse, TestResponse]:
    """``primero``, and ``segundo`` once the first has claimed its key. The first stops right
    before its ``trabajo`` statement (the work the claim guards) until the second has been sent
    and had time to find the claim (and wait for its outcome), then goes on.

    Checks that the second answered only after the first's pause: it waited for its outcome.
    """
    reclamado, enviado = threading.Event(), threading.Event()
    fin: dict[str, float] = {}

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if getattr(_hilo, "primero", False) and statement.startswith(trabajo):
            _hilo.primero = False
            assert enviado.wait(30)
            time.sleep(0.5)  # the second post is now waiting for this one to end
            fin["pausa"] = time.monotonic()

    def after(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if getattr(_hilo, "primero", False) and statement.startswith(CLAIM):
            reclamado.set()

    def uno() -> TestResponse:
        _hilo.primero = True
        try:
            return primero()
        finally:
            _hilo.primero = False
            reclamado.set()  # never leave the second waiting

    def dos() -> TestResponse:
        assert reclamado.wait(30)
        enviado.set()
        try:
            return segundo()
        finally:
            fin["segundo"] = time.monotonic()

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        with ThreadPoolExecutor(2) as pool:
            a, b = pool.submit(uno), pool.submit(dos)
            answers = a.result(), b.result()
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)
    assert fin["segundo"] > fin["pausa"]
    return answers
