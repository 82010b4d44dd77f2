"""Shared fixtures: the app on SQLite always, and on PostgreSQL when TEST_DATABASE_URL is set.

With REQUIRE_SERVICES=1 (CI) a missing PostgreSQL or Redis fails the run instead of skipping.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from app import ROOT, create_app
from domain import migraciones
from domain.models import Base

PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
REDIS_URL = os.environ.get("TEST_REDIS_URL", "").strip()
REQUIRE = os.environ.get("REQUIRE_SERVICES", "") == "1"

pytest_plugins = ["tests.smtp"]


def service_missing(what: str) -> None:
    """Skip, or fail under REQUIRE_SERVICES=1: CI must never pass by skipping a service."""
    if REQUIRE:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} not available")


def _pg_engine() -> sa.Engine:
    if not PG_URL:
        service_missing("PostgreSQL (TEST_DATABASE_URL)")
    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, pool_pre_ping=True)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError:
        service_missing(f"PostgreSQL at {PG_URL}")
    return engine


def create_schema(engine: sa.Engine) -> None:
    """The models' tables, recorded as migrated to the head, as `db upgrade` leaves them (the
    tests compare the two schemas), and as /healthz checks."""
    Base.metadata.create_all(engine)
    heads = migraciones.leer(ROOT / "migrations" / "versions").cabezas
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        conn.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        for head in heads:
            conn.execute(sa.text("INSERT INTO alembic_version VALUES (:v)"), {"v": head})


def sqlite_database(path: Path) -> str:
    """The URL of a new SQLite database at ``path`` with the migrated schema (create_schema)."""
    url = f"sqlite:///{path}"
    engine = sa.create_engine(url)
    create_schema(engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[sa.Engine]:
    engine = _pg_engine()
    Base.metadata.drop_all(engine)
    create_schema(engine)
    yield engine
    engine.dispose()


def truncate_all(engine: sa.Engine) -> None:
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty, migrated-schema database per test."""
    if request.param == "sqlite":
        return sqlite_database(tmp_path / "test.sqlite3")
    engine = request.getfixturevalue("pg_engine")
    truncate_all(engine)
    return PG_URL


def make_app(tmp_path: Path, database_url: str, **overrides: Any) -> Flask:
    env = {"DEMO_MODE": "1", "DATABASE_URL": database_url, "SECRET_KEY": "test-secret"}
    env.update(overrides.pop("ENV", {}))
    config: dict[str, Any] = {
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "ENV": env,
    }
    config.update(overrides)
    os.environ["INSTANCE_PATH"] = str(tmp_path / "instance")
    try:
        application = create_app(config)
    finally:
        del os.environ["INSTANCE_PATH"]
    _created_apps.append(application)
    return application


_created_apps: list[Flask] = []


@pytest.fixture(autouse=True)
def _dispose_engines() -> Iterator[None]:
    """Close every pooled connection a test's apps opened, so none is left to the GC."""
    yield
    from blueprints.extensions import db

    while _created_apps:
        application = _created_apps.pop()
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, database_url)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def redis_url() -> str:
    if not REDIS_URL:
        service_missing("Redis (TEST_REDIS_URL)")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError:
        service_missing(f"Redis at {REDIS_URL}")
    return REDIS_URL


@contextmanager
def fresh_postgresql() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database, named after the test database, dropped after."""
    if not PG_URL:
        service_missing("PostgreSQL (TEST_DATABASE_URL)")
    base, test_name = PG_URL.rsplit("/", 1)
    name = f"{test_name.split('?')[0]}_migr_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{base}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
