"""The logs of the portal as production serves it: gunicorn.conf.py, a worker reloaded, stopped."""

from __future__ import annotations

import json
import signal
import time
import urllib.request
from pathlib import Path

from bench.harness import Server, bench_environment, gunicorn

CURP = "PXNE660720HMCXTN06"


def _replaced(server: Server, old: list[int]) -> None:
    """Wait until the workers before a reload (HUP) are gone and a new one answers."""
    deadline = time.monotonic() + 30
    while True:
        pids = server.worker_pids()
        if pids and not set(pids) & set(old):
            urllib.request.urlopen(server.url + "/healthz", timeout=5)
            return
        assert time.monotonic() < deadline, "the reload did not replace the worker"
        time.sleep(0.2)


def test_worker_reload_and_shutdown_log_json_without_logging_errors(tmp_path: Path) -> None:
    env = bench_environment(instance=tmp_path / "instance")
    log = tmp_path / "stderr.log"
    with log.open("wb") as stderr, gunicorn("app:create_app()", env, 1, stderr) as server:
        urllib.request.urlopen(f"{server.url}/curp?curp={CURP}", timeout=10)
        old = server.worker_pids()
        server.process.send_signal(signal.SIGHUP)
        _replaced(server, old)
    # Leaving the block sent TERM and waited for the master to exit.
    text = log.read_text()
    assert "Logging error" not in text
    assert CURP not in text
    # Each worker's exit, the one the reload replaced and the last one, is one of our JSON lines.
    exits = [json.loads(line) for line in text.splitlines() if "Worker exiting" in line]
    assert [e["logger"] for e in exits] == ["gunicorn.error", "gunicorn.error"]
    access = [json.loads(line)["message"] for line in text.splitlines() if "portal.access" in line]
    assert any(message.startswith("GET /curp?curp=*** 200 ") for message in access)
