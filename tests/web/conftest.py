"""Fixtures several tests/web files share: the registry's CURPs, a pending and an active
account (for the account tests), and an app that delivers mail to a real SMTP server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.smtp import SmtpServer, mail_app
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


@pytest.fixture
def mail(tmp_path: Path, database_url: str, smtp_server: SmtpServer) -> tuple[Flask, SmtpServer]:
    return mail_app(tmp_path, database_url, smtp_server), smtp_server
