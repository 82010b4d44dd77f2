"""The site under faults of its real services: PostgreSQL restarted, Redis stopped, a worker
killed while issuing documents. Runs in CI (FAULT_TESTS=1) against the machine's services."""

from __future__ import annotations

import re
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa

from bench.harness import bench_environment, gunicorn
from blueprints.extensions import limiter
from domain.models import Base, Constancia
from tests.browser.conftest import LiveServer
from tests.conftest import make_app, sqlite_database
from tests.faults.conftest import REDIS_START, pg_ctl, wait_for_pg

FOLIO = re.compile(r"[A-Z]{2}-\d{4}-\d{6}")
UNKNOWN_CURP = "PXNE660720HMCXTN06"  # valid, absent from the demo registry: "no afiliación"


def fetch(url: str, data: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(url, data=body, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b"", {}


def hammer(
    url: str, seconds: float, data: dict[str, str] | None = None
) -> list[tuple[int, bytes, dict[str, str]]]:
    results: list[tuple[int, bytes, dict[str, str]]] = []
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        results.append(fetch(url, data))
    return results


def _sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def test_postgresql_restart_during_load(tmp_path: Path, fresh_pg_database: str) -> None:
    engine = sa.create_engine(_sa_url(fresh_pg_database), pool_pre_ping=True)
    Base.metadata.create_all(engine)
    app = make_app(tmp_path, fresh_pg_database, TESTING=False)
    assert app.test_cli_runner().invoke(args=["demo", "seed", "--count", "10"]).exit_code == 0
    with LiveServer(app) as server:
        results: dict[str, list[tuple[int, bytes, dict[str, str]]]] = {}
        workers = [
            threading.Thread(
                target=lambda: results.__setitem__("read", hammer(server.url + "/demo", 6))
            ),
            threading.Thread(
                target=lambda: results.__setitem__(
                    "write",
                    hammer(
                        server.url + "/constancias/no-afiliacion/descargar",
                        6,
                        {"curp": UNKNOWN_CURP},
                    ),
                )
            ),
        ]
        for worker in workers:
            worker.start()
        time.sleep(1.5)
        try:
            pg_ctl("restart")
        finally:
            wait_for_pg(_sa_url(fresh_pg_database))
        for worker in workers:
            worker.join()
        after = fetch(server.url + "/demo")
    every = results["read"] + results["write"]
    statuses = {status for status, _, _ in every}
    assert 500 not in statuses, statuses
    assert statuses <= {200, 503, 0}, statuses
    outage = [body for status, body, _ in every if status == 503]
    assert all("no está disponible".encode() in body for body in outage)
    assert after[0] == 200  # recovered by itself
    # Nothing committed is lost: every document handed out is in the ledger.
    issued = {
        FOLIO.search(headers.get("Content-Disposition", "")).group(0)  # type: ignore[union-attr]
        for status, _, headers in results["write"]
        if status == 200
    }
    with engine.connect() as conn:
        ledger = set(conn.scalars(sa.select(Constancia.folio)))
    engine.dispose()
    assert issued and issued <= ledger


def test_redis_stopped_site_keeps_serving(
    tmp_path: Path, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    url = sqlite_database(tmp_path / "r.sqlite3")  # /healthz below checks it is migrated too
    app = make_app(
        tmp_path,
        url,
        RATELIMIT_ENABLED=True,
        ENV={"REDIS_URL": redis_url},
    )
    app.add_url_rule(
        "/_limitado", view_func=limiter.limit("1000 per minute")(lambda: "ok"), endpoint="lim"
    )
    client = app.test_client()
    assert client.get("/_limitado").status_code == 200
    subprocess.run(
        ["redis-cli", "-p", "6379", "shutdown", "nosave"], check=False, capture_output=True
    )
    try:
        assert [client.get("/_limitado").status_code for _ in range(5)] == [200] * 5
        assert client.get("/healthz").status_code == 200
        assert "los límites siguen en memoria" in caplog.text
    finally:
        subprocess.run(REDIS_START, shell=True, check=True)
        deadline = time.monotonic() + 10
        while (
            subprocess.run(
                ["redis-cli", "ping"], capture_output=True, text=True, check=False
            ).stdout.strip()
            != "PONG"
        ):
            assert time.monotonic() < deadline, "redis did not come back"
            time.sleep(0.2)
    # Back: the next try (every RETRY_SECONDS; now, here) shares the limits through Redis again.
    app.extensions["ratelimit"].retry_at = 0.0
    assert client.get("/_limitado").status_code == 200
    assert app.extensions["ratelimit"].fallback is None
    assert redis.Redis.from_url(redis_url).keys("LIMITS*")


def test_worker_killed_while_issuing_leaves_a_clean_ledger(fresh_pg_database: str) -> None:
    env = bench_environment(fresh_pg_database)
    with gunicorn("bench.fault_app:app", env, workers=2) as server:
        url = server.url + "/constancias/no-afiliacion/descargar"
        results: list[list[tuple[int, bytes, dict[str, str]]]] = [[] for _ in range(4)]
        threads = [
            threading.Thread(
                target=lambda i=i: results[i].extend(hammer(url, 5, {"curp": UNKNOWN_CURP}))
            )
            for i in range(4)
        ]
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        victim = server.worker_pids()[0]
        subprocess.run(["kill", f"-{signal.SIGKILL.value}", str(victim)], check=True)
        for thread in threads:
            thread.join()
    issued = [
        FOLIO.search(headers.get("Content-Disposition", "")).group(0)  # type: ignore[union-attr]
        for batch in results
        for status, _, headers in batch
        if status == 200
    ]
    engine = sa.create_engine(_sa_url(fresh_pg_database))
    with engine.connect() as conn:
        ledger = list(
            conn.scalars(sa.select(Constancia.folio).where(Constancia.folio.like("NA-%")))
        )
        complete = conn.scalar(
            sa.select(sa.func.count())
            .select_from(Constancia)
            .where(Constancia.firma != "", Constancia.datos != "")
        )
    engine.dispose()
    assert len(issued) == len(set(issued)), "a folio was handed out twice"
    assert set(issued) <= set(ledger), "a document was handed out but not recorded"
    numbers = sorted(int(f.rsplit("-", 1)[1]) for f in ledger)
    # The counter and the ledger row commit together, so a killed request leaves no gap.
    assert numbers == list(range(1, len(numbers) + 1))
    assert complete == len(ledger)
