"""The logs of the portal as production serves it: gunicorn.conf.py, a worker reloaded, stopped."""

from __future__ import annotations

import json
import re
import signal
import time
import urllib.request
from pathlib import Path

from bench.harness import Server, bench_environment, gunicorn, wait_healthy

CURP = "PXNE660720HMCXTN06"


def _replaced(server: Server, old: list[int]) -> None:
    """Wait until the workers before a reload (HUP) are gone and a new one answers: it imports
    the app after the fork, which a loaded machine once made take more than 5 s."""
    deadline = time.monotonic() + 30
    while True:
        pids = server.worker_pids()
        if pids and not set(pids) & set(old):
            wait_healthy(server.url, 60, server.process)
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
    # Every line the service wrote is JSON with the app's keys: the master's own (its start, the
    # reload, its shutdown) and each worker's exit, the one the reload replaced and the last one.
    lines = [json.loads(line) for line in text.splitlines()]
    assert all(set(line) >= {"time", "level", "logger", "message", "request_id"} for line in lines)
    master = [line["message"] for line in lines if line["logger"] == "gunicorn.error"]
    assert any(message.startswith("Starting gunicorn") for message in master)
    assert "Handling signal: hup" in master
    assert "Shutting down: Master" in master
    exits = [line for line in lines if "Worker exiting" in line["message"]]
    assert [e["logger"] for e in exits] == ["gunicorn.error", "gunicorn.error"]
    access = [json.loads(line)["message"] for line in text.splitlines() if "portal.access" in line]
    assert any(message.startswith("GET /curp?curp=*** 200 ") for message in access)


def test_recycled_workers_leave_their_counts_but_not_their_files(tmp_path: Path) -> None:
    # Workers recycled after max_requests (plus up to 500 of gunicorn's jitter): 1,200
    # requests to one worker see at least two of them die. Their counts must stay in the
    # totals, and their files must not pile up in the folder a scrape reads whole.
    metrics = tmp_path / "metrics"
    env = bench_environment(instance=tmp_path / "instance")
    env.update(
        PROMETHEUS_MULTIPROC_DIR=str(metrics),
        METRICS_TOKEN="s3creto-de-metricas",
        GUNICORN_MAX_REQUESTS="5",
    )
    with gunicorn("app:create_app()", env, 1) as server:
        first = server.worker_pids()
        for _ in range(1200):
            urllib.request.urlopen(server.url + "/healthz", timeout=10).read()
        assert not set(first) & set(server.worker_pids()), "no worker was recycled"
        files = sorted(path.name for path in metrics.glob("*.db"))
        scrape = urllib.request.Request(
            server.url + "/metrics", headers={"Authorization": "Bearer s3creto-de-metricas"}
        )
        body = urllib.request.urlopen(scrape, timeout=10).read().decode()
    # The archive and the one live worker's files: two of each kind at most.
    assert sum(name.startswith("counter_") for name in files) <= 2, files
    assert sum(name.startswith("histogram_") for name in files) <= 2, files
    counted = re.search(
        r'portal_http_requests_total\{endpoint="core.healthz",method="GET",status="200"\} (\S+)',
        body,
    )
    # The harness's own start-up probes of /healthz are counted too.
    assert counted and 1200 <= float(counted.group(1)) < 1300, body
