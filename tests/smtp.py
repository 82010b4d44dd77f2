"""A real SMTP server for tests (aiosmtpd), registered for every test by ``pytest_plugins``.

    def test_activation_email(smtp_server, tmp_path, database_url):
        app = mail_app(tmp_path, database_url, smtp_server)
        ...  # a request that calls blueprints.mail.queue_email and commits
        [message] = smtp_server.wait_for(1)
        assert message["To"] == "juana@example.org"
        assert "https://" in text_part(message)  # html_part(message) for the HTML

``smtp_server.stop()`` / ``.start()`` take the server down and bring it back on the same port.
``smtp_server.env`` is the ``ENV`` for ``make_app``: {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": …}.
After each test the background delivery attempts are awaited, so none outlives its test.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from domain.mailer import parse_message
from tests.conftest import make_app


def free_port() -> int:
    # Controller(port=0) cannot report the port it got on every aiosmtpd version: bind first.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpServer:
    """Collects every message it receives, parsed, in ``messages`` (envelopes in ``envelopes``)."""

    host = "127.0.0.1"

    def __init__(self) -> None:
        self.port = free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[Any] = []
        self._received = threading.Condition()
        self._controller: Controller | None = None

    @property
    def env(self) -> dict[str, str]:
        return {"MAIL_SERVER": self.host, "MAIL_PORT": str(self.port)}

    @property
    def running(self) -> bool:
        return self._controller is not None

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = parse_message(envelope.original_content or envelope.content)
        with self._received:
            self.envelopes.append(envelope)
            self.messages.append(message)
            self._received.notify_all()
        return "250 Message accepted for delivery"

    def start(self) -> None:
        if self._controller is None:
            controller = Controller(self, hostname=self.host, port=self.port, ready_timeout=10)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        """Close the port: connections are refused until ``start()``."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Block until at least ``count`` messages arrived; return them all."""
        deadline = time.monotonic() + timeout
        with self._received:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(
                        f"expected {count} messages within {timeout}s, got {len(self.messages)}"
                    )
                self._received.wait(left)
            return list(self.messages)

    def message_ids(self) -> list[str]:
        return [str(message["Message-ID"]) for message in self.messages]


def text_part(message: EmailMessage) -> str:
    """The decoded text/plain part, with "\\n" line ends (SMTP sends "\\r\\n")."""
    return _part(message, "plain")


def html_part(message: EmailMessage) -> str:
    return _part(message, "html")


def _part(message: EmailMessage, subtype: str) -> str:
    part = message.get_body((subtype,))
    assert part is not None, f"no text/{subtype} part"
    return str(part.get_content()).replace("\r\n", "\n")


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


def mail_app(tmp_path: Path, database_url: str, smtp: SmtpServer, **overrides: Any) -> Flask:
    """The test app, sending its mail to ``smtp`` (a running or stopped ``SmtpServer``)."""
    env = {**smtp.env, **overrides.pop("ENV", {})}
    return make_app(tmp_path, database_url, ENV=env, **overrides)


@pytest.fixture(autouse=True)
def _await_mail_deliveries(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let the background delivery threads of a test finish before its engines are disposed."""
    if "_dispose_engines" in request.fixturenames:  # not in doctests under domain/
        request.getfixturevalue("_dispose_engines")  # so ours is torn down first
    yield
    from blueprints.mail import wait_for_deliveries

    assert wait_for_deliveries(timeout=30), "a background email delivery did not finish"


@contextlib.contextmanager
def serving(handler: Any, **options: Any) -> Iterator[int]:
    """An aiosmtpd server with this handler and these ``SMTP`` options; yields its port."""
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
