"""Fixtures several tests/web files share: the registry's CURPs, a pending and an active
account (for the account tests), an app that delivers mail to a real SMTP server, and the log
lines a test's requests write."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from blueprints.observability_logs import JsonFormatter, RequestIdFilter
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


@pytest.fixture(params=["through logging", "straight to the stream"])
def logs(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Callable[[], AbstractContextManager[io.StringIO]]:
    """Our JSON handler beside others (pytest's), or alone on the root as in production, where
    the access line skips the logging machinery: then no access LogRecord may be made."""
    access = logging.getLogger("portal.access")
    monkeypatch.setattr(access, "level", logging.INFO)
    alone = request.param == "straight to the stream"

    @contextmanager
    def capture() -> Iterator[io.StringIO]:
        stream = io.StringIO()
        handler = logging.StreamHandler(stream)
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RequestIdFilter())
        root = logging.getLogger()
        before = root.handlers
        # Set here, not in the fixture: pytest adds its own handlers when the test starts.
        root.handlers = [handler] if alone else [*before, handler]
        access.manager._clear_cache()
        try:
            if alone:
                with monkeypatch.context() as patch:
                    patch.setattr(access, "makeRecord", _no_record)
                    yield stream
            else:
                yield stream
        finally:
            root.handlers = before
            access.manager._clear_cache()

    return capture


def _no_record(*_args: object, **_kwargs: object) -> logging.LogRecord:
    raise AssertionError("the access line went through logging")
