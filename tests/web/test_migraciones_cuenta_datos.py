"""Migrations 0007 and 0008 on a database with data, SQLite and PostgreSQL: what was there
before keeps working as it did."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.conftest import fresh_postgresql, make_app

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
CUENTA = sa.text(
    "INSERT INTO cuenta (curp, email, telefono, password_hash, activa, creada, token_version,"
    " session_version, intentos_fallidos) VALUES (:c, :e, '5512345678', 'x', :a, :t, 0, 0, 0)"
)
CORREO = sa.text(
    "INSERT INTO correo (message_id, destinatario, asunto, mensaje, creado, enviado, intentos,"
    " siguiente_intento) VALUES (:m, :d, 'Aviso', :b, :t, :s, 0, :t)"
)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, for `db upgrade` to build."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/migrated.sqlite3"
        return
    with fresh_postgresql() as fresh:
        yield fresh


def upgraded(tmp_path: Path, url: str, to: str, rows: list[tuple[sa.TextClause, dict]]) -> Flask:
    """The app on ``url`` migrated to ``to``, then ``rows`` written, then migrated to the head."""
    app = make_app(tmp_path, url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", to]).exit_code == 0
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        for statement, values in rows:
            conn.execute(statement, values)
    engine.dispose()  # SQLite's batch rebuild must not wait on a connection of ours
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    return app


def select(app: Flask, query: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(
        app.config["SQLALCHEMY_DATABASE_URI"].replace("postgresql://", "postgresql+psycopg://", 1)
    )
    with engine.connect() as conn:
        rows = [tuple(row) for row in conn.execute(sa.text(query))]
    engine.dispose()
    return rows


def test_0007_leaves_old_mail_without_an_account_and_closing_finds_it_by_address(
    tmp_path: Path, url: str
) -> None:
    app = upgraded(
        tmp_path,
        url,
        "0006_repeticion",
        [
            (CUENTA, {"c": "PXNE660720HMCXTN06", "e": "ana@example.org", "a": True, "t": NOW}),
            (CORREO, {"m": "<1@p>", "d": "ana@example.org", "b": b"x", "t": NOW, "s": True}),
            (CORREO, {"m": "<2@p>", "d": "beto@example.org", "b": b"y", "t": NOW, "s": True}),
        ],
    )
    assert select(app, "SELECT message_id, cuenta_id FROM correo ORDER BY id") == [
        ("<1@p>", None),
        ("<2@p>", None),
    ]
    result = app.test_cli_runner().invoke(args=["cuentas", "borrar", "PXNE660720HMCXTN06", "--si"])
    assert result.exit_code == 0, result.output
    assert "  Correos en la bandeja de salida: 1 (copias .eml: 0)." in result.output.split("\n")
    left = select(app, "SELECT destinatario, asunto FROM correo ORDER BY id")
    assert left == [
        ("beto@example.org", "Aviso"),
        ("ana@example.org", "[Demostración] Cerramos tu cuenta de la Oficina Virtual"),
    ]


def test_0008_gives_the_accounts_already_there_spanish(tmp_path: Path, url: str) -> None:
    app = upgraded(
        tmp_path,
        url,
        "0007_correo_cuenta",
        [(CUENTA, {"c": "PXNE660720HMCXTN06", "e": "ana@example.org", "a": True, "t": NOW})],
    )
    assert select(app, "SELECT curp, idioma FROM cuenta") == [("PXNE660720HMCXTN06", "es")]
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:  # written as a release from before 0008 writes it
        otra = {"c": "LOOA531113HTCPBN07", "e": "b@example.org", "a": False, "t": NOW}
        conn.execute(CUENTA, otra)
    engine.dispose()
    assert select(app, "SELECT idioma FROM cuenta WHERE email = 'b@example.org'") == [("es",)]
