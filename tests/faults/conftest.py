"""Fault tests stop and restart the machine's PostgreSQL and Redis: CI sets FAULT_TESTS=1.

On a developer's machine they are skipped unless asked for, since they disturb shared services.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import PG_URL, REQUIRE, service_missing

REDIS_START = (
    'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
    "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("FAULT_TESTS") == "1":
        return
    if REQUIRE:
        raise pytest.UsageError("REQUIRE_SERVICES=1 needs FAULT_TESTS=1 so fault tests run")
    skip = pytest.mark.skip(reason="fault tests restart shared services: set FAULT_TESTS=1")
    for item in items:
        if "tests/faults/" in str(item.fspath):
            item.add_marker(skip)


def pg_cluster() -> str:
    versions = sorted(os.listdir("/etc/postgresql")) if Path("/etc/postgresql").exists() else []
    if not versions:
        service_missing("a local PostgreSQL cluster (pg_ctlcluster)")
    return versions[-1]


def pg_ctl(action: str) -> None:
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", pg_cluster(), "main", action],
        check=True,
        capture_output=True,
    )


def wait_for_pg(url: str, timeout: float = 30) -> None:
    engine = sa.create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                with engine.connect():
                    return
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
    finally:
        engine.dispose()


@pytest.fixture
def fresh_pg_database() -> Iterator[str]:
    """An empty PostgreSQL database of its own, dropped afterwards."""
    if not PG_URL:
        service_missing("PostgreSQL (TEST_DATABASE_URL)")
    name = f"fault_{uuid.uuid4().hex[:10]}"
    admin_url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE {name}"))
    yield PG_URL.rsplit("/", 1)[0] + "/" + name
    wait_for_pg(admin_url)
    with admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()
