"""The embedded CURP widget in the browser tests: the server of its host pages (another site)
and its frame, read from the host page."""

from __future__ import annotations

import threading
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.browser.conftest import QuietHandler, wait_until


class HostServer:
    """Serves the host pages from a directory on its own port."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        handler = partial(QuietHandler, directory=str(directory))
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.server.server_port
        self.url = f"http://localhost:{self.port}"
        self.foreign = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def widget_frame(page: Any, selector: str = "#con-script iframe") -> Any:
    frame = page.locator(selector).element_handle().content_frame()
    frame.wait_for_selector("#campo-curp")
    return frame


def body_height(frame: Any) -> int:
    return int(frame.evaluate("Math.ceil(document.body.getBoundingClientRect().height)"))


def wait_for_frame_height(page: Any, height: int, selector: str = "#con-script iframe") -> None:
    wait_until(
        page,
        "([selector, height]) => Math.abs("
        "document.querySelector(selector).getBoundingClientRect().height - height) <= 1",
        [selector, height],
    )
