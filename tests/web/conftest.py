"""Account fixtures for tests/web: the demo registry's CURPs, a pending and an active account."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.web.cuenta_helpers import crear_cuenta, formulario, registrar, seed


@pytest.fixture
def curps(app: Flask) -> dict[str, tuple[str, ...]]:
    return seed(app)


@pytest.fixture
def pendiente(app: Flask, curps: Any) -> str:
    curp = curps["issste_titular"][0]
    registrar(app.test_client(), formulario(app, curp, "pendiente@example.org"))
    return curp


@pytest.fixture
def activa(app: Flask, curps: Any) -> str:
    curp = curps["issste_titular"][0]
    crear_cuenta(app, curp, "activa@example.org")
    return curp
