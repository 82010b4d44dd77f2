"""A live server on an ephemeral port and Debian's chromium driven by Playwright.

`playwright install` cannot download browsers here, so we launch the system chromium through
``executable_path``. Without chromium the browser tests skip (fail under REQUIRE_SERVICES=1).
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import make_app, service_missing, sqlite_database

PHONE = {"width": 360, "height": 740}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


RESPONSE_KEY = "tests.response"


class ClosingHandler(WSGIRequestHandler):
    """werkzeug's development server skips closing a response when the browser drops the
    connection half-way (chromium cancels a worker script when its page closes), which leaves
    a static file open until the garbage collector warns about it; close it here."""

    def run_wsgi(self) -> None:
        try:
            super().run_wsgi()
        finally:
            body = getattr(self, "environ", {}).get(RESPONSE_KEY)
            if body is not None and hasattr(body, "close"):
                body.close()


def keep_response(app: Any) -> Any:
    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        body = app(environ, start_response)
        environ[RESPONSE_KEY] = body
        return body

    return wrapped


class LiveServer:
    """Serves a WSGI app from a thread until stopped."""

    def __init__(self, app: Any, host: str = "127.0.0.1") -> None:
        self.server = make_server(
            host, 0, keep_response(app), threaded=True, request_handler=ClosingHandler
        )
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if not path or not Path(path).exists():
        service_missing("chromium (Debian package) for browser tests")
    return str(path)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The portal with demo data on SQLite, served for real."""
    tmp = tmp_path_factory.mktemp("live")
    url = sqlite_database(tmp / "live.sqlite3")
    app = make_app(tmp, url, WTF_CSRF_ENABLED=True, TESTING=False)
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--count", "40", "--seed", "11"])
    assert result.exit_code == 0, result.output
    yield app


@pytest.fixture(scope="module")
def live_server(live_app: Any) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="es-MX", has_touch=True)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def desktop(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="es-MX")
    page = context.new_page()
    yield page
    context.close()


def assert_no_axe_violations(page: Any) -> None:
    """Run axe-core in the page and fail with a readable list of what it found."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    if results.violations_count:
        raise AssertionError(f"axe violations on {page.url}:\n{results.generate_report()}")


def assert_no_horizontal_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"


def wait_until(page: Any, expression: str, arg: Any = None, timeout_s: float = 30) -> None:
    """Wait until ``expression`` (a JavaScript expression or function of ``arg``) is truthy.

    Polled from Python: Playwright's ``wait_for_function`` polls by evaluating strings inside
    the page, which our CSP forbids (no 'unsafe-eval'), so it failed whenever the first look
    came too early. ``evaluate`` runs outside the page's CSP.
    """
    for _ in range(int(timeout_s * 20)):
        if page.evaluate(expression, arg):
            return
        page.wait_for_timeout(50)
    raise AssertionError(f"never true within {timeout_s} s: {expression}")


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass
