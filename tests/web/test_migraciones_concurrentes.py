"""`db upgrade` run by several servers at once (`make serve` migrates on each as it starts)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import ROOT
from domain import migraciones
from tests.conftest import fresh_postgresql, make_app

# One server's `flask --app app db upgrade`, held at the start line until the test says go, so
# the upgrades really overlap instead of following each other by their start-up times.
UPGRADE = """
import sys, time
from pathlib import Path
from flask.cli import FlaskGroup
from app import create_app
application = create_app()
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.002)
FlaskGroup(create_app=lambda: application).main(args=["db", "upgrade"], prog_name="flask")
"""


def _upgrades_at_once(
    tmp_path: Path, url: str, count: int
) -> list[subprocess.CompletedProcess[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "PYTHONPATH": str(ROOT),
    }
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in range(count)]
    servers = [
        subprocess.Popen(
            [sys.executable, "-c", UPGRADE, str(mark), str(go)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for mark in ready
    ]
    deadline = time.monotonic() + 60
    while not all(mark.exists() for mark in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    results = []
    for server in servers:
        output, _ = server.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(server.args, server.returncode, output))
    return results


@pytest.mark.postgres
def test_three_servers_migrating_an_empty_database_at_once_all_start(tmp_path: Path) -> None:
    with fresh_postgresql() as url:
        results = _upgrades_at_once(tmp_path, url, 3)
        for result in results:
            assert result.returncode == 0, result.stdout
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with engine.connect() as conn:
                versions = set(conn.scalars(sa.text("SELECT version_num FROM alembic_version")))
        finally:
            engine.dispose()
        assert versions == migraciones.leer(ROOT / "migrations" / "versions").cabezas
        # Exactly one of them did the work; the others found the schema at head.
        ran = [r for r in results if "Running upgrade  -> " in r.stdout]
        assert len(ran) == 1, [r.stdout for r in results]


@pytest.mark.postgres
def test_the_lock_is_released_when_the_upgrade_ends(tmp_path: Path) -> None:
    # In one process (`demo prepare` migrates, then goes on): its pooled connection, kept
    # open, must not keep the next server's upgrade waiting.
    with fresh_postgresql() as url:
        app = make_app(tmp_path, url)
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        try:
            with engine.connect() as conn:
                held = conn.scalar(
                    sa.text(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                        " AND database = (SELECT oid FROM pg_database"
                        " WHERE datname = current_database())"
                    )
                )
        finally:
            engine.dispose()
        assert held == 0
