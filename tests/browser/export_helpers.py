"""The static export in the browser tests: the backend it calls, the export built from it, and
a plain file server that gives it an origin of its own (tests/static_host.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import make_app, sqlite_database
from tests.static_host import static_host

__all__ = ["backend_app", "freeze", "static_host"]


def backend_app(tmp: Path) -> Any:
    """The portal as an institution runs it (no demo mode), on an empty SQLite database."""
    url = sqlite_database(tmp / "backend.sqlite3")
    return make_app(tmp, url, WTF_CSRF_ENABLED=True, TESTING=False, ENV={"DEMO_MODE": "0"})


def freeze(app: Any, public_base_url: str, destination: Path) -> Path:
    app.config["PUBLIC_BASE_URL"] = public_base_url
    result = app.test_cli_runner().invoke(args=["freeze", "--destination", str(destination)])
    assert result.exit_code == 0, result.output
    return destination
