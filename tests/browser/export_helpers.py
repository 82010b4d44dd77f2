"""The static export in the browser tests: the backend it calls, the export built from it, and
a plain file server that gives it an origin of its own."""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.browser.conftest import QuietHandler
from tests.conftest import make_app, sqlite_database


@contextlib.contextmanager
def static_host(directory: Path) -> Iterator[str]:
    """A plain static file server for `directory` on its own port (its own origin)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def backend_app(tmp: Path) -> Any:
    """The portal as an institution runs it (no demo mode), on an empty SQLite database."""
    url = sqlite_database(tmp / "backend.sqlite3")
    return make_app(tmp, url, WTF_CSRF_ENABLED=True, TESTING=False, ENV={"DEMO_MODE": "0"})


def freeze(app: Any, public_base_url: str, destination: Path) -> Path:
    app.config["PUBLIC_BASE_URL"] = public_base_url
    result = app.test_cli_runner().invoke(args=["freeze", "--destination", str(destination)])
    assert result.exit_code == 0, result.output
    return destination
