"""The ledger the constancia tests start from: a seeded registry, its session, a signing key."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from domain import demo, registry, registry_import, signing
from domain.demo_consultas import case_filter
from domain.models import Afiliacion, Persona

EMISOR = "Portal de Pruebas"
NOW = dt.datetime(2026, 11, 26, 16, 30, tzinfo=dt.UTC)  # 10:30 in Mexico City


@pytest.fixture
def engine(database_url: str) -> Iterator[sa.Engine]:
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = sa.create_engine(url, pool_size=20, max_overflow=90, pool_timeout=60)
    with Session(engine) as session:
        registry_import.import_rows(session, demo.generate_rows(count=40, seed=7))
        session.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: sa.Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


@pytest.fixture
def sesion_vacia(database_url: str) -> Iterator[Session]:
    """A session on the empty schema, for tests that write their own rows."""
    engine = sa.create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    with Session(engine) as session:
        yield session
    engine.dispose()


@pytest.fixture(scope="module")
def signer() -> signing.Signer:
    return signing.Signer.generate()


def curp_of(session: Session, case: str) -> str:
    """The first CURP of the demo case ``case``, whatever a test renamed its people to (the
    /demo page's list, demo.examples, leaves out anyone not named as the demo names people)."""
    query = sa.select(Persona.curp).where(case_filter(case)).order_by(Persona.curp).limit(1)
    return str(session.scalars(query).one())


def afiliacion(session: Session, curp: str) -> Afiliacion:
    found = registry.situacion(session, curp, NOW.date()).issste_vigente
    assert found is not None
    return found
