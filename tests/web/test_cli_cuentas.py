"""`flask --app app cuentas borrar CURP`: an operator closes an account for an ARCO request that
came by another channel; and migration 0004, which keeps a closed account's id from naming
another on a database migrated before it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from blueprints.extensions import db
from domain import cuentas_purga
from tests.conftest import make_app
from tests.web.cierre_helpers import accounts, eml_to
from tests.web.cuenta_helpers import correos, crear_cuenta, entrar, texto

EMAIL = "juana.perez@example.org"


def test_an_unknown_curp_is_one_spanish_line(app: Flask, curps: Any) -> None:
    crear_cuenta(app, curps["issste_titular"][0], EMAIL)
    for curp in (curps["issste_titular"][1], "no es una curp"):
        result = app.test_cli_runner().invoke(args=["cuentas", "borrar", curp, "--si"])
        assert result.exit_code == 1
        assert result.output == "No hay ninguna cuenta de la Oficina Virtual con esa CURP.\n"
    assert len(accounts(app)) == 1


def test_it_asks_first_and_a_no_deletes_nothing(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    crear_cuenta(app, curp, EMAIL)
    result = app.test_cli_runner().invoke(args=["cuentas", "borrar", curp], input="no\n")
    assert result.exit_code == 1
    assert "Cuenta activa con el correo j***@example.org, creada el " in result.output
    assert "las constancias emitidas se conservan" in result.output
    assert "¿Borrarla? Escribe «si» para confirmar" in result.output
    assert result.output.endswith("No se borró nada.\n")
    assert accounts(app) == [curp]


def test_a_yes_deletes_it_and_says_what_went(app: Flask, curps: Any) -> None:
    curp, otro = curps["issste_titular"][:2]
    crear_cuenta(app, curp, EMAIL)
    crear_cuenta(app, otro, "otro@example.org")
    phone = app.test_client()
    assert entrar(phone, curp).status_code == 303
    app.test_client().post("/cuenta/recuperar", data={"email": EMAIL})
    assert len(eml_to(app, EMAIL)) == 1

    typed = f"  {curp.lower()[:10]} {curp.lower()[10:]} "  # as an operator may paste it
    result = app.test_cli_runner().invoke(args=["cuentas", "borrar", typed], input="sí\n")
    assert result.exit_code == 0, result.output
    said = result.output.split("\n")
    assert "Cuenta borrada (correo j***@example.org). Se borró:" in said
    assert "  Correos en la bandeja de salida: 1 (copias .eml: 1)." in said
    assert "  Las constancias emitidas se conservan y se pueden verificar." in said
    assert EMAIL not in result.output and curp not in result.output
    assert accounts(app) == [otro]
    assert phone.get("/oficina").status_code == 302
    [aviso] = correos(app, EMAIL)
    assert aviso["Subject"] == "[Demostración] Cerramos tu cuenta de la Oficina Virtual"
    assert "como lo pediste" in texto(aviso) and "Si no lo pediste tú" in texto(aviso)
    assert eml_to(app, EMAIL) == ["[Demostración] Cerramos tu cuenta de la Oficina Virtual"]


def test_si_skips_the_question(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    crear_cuenta(app, curp, EMAIL)
    result = app.test_cli_runner().invoke(args=["cuentas", "borrar", curp, "--si"])
    assert result.exit_code == 0, result.output
    assert "¿Borrarla?" not in result.output and accounts(app) == []


def test_migration_0004_keeps_the_accounts_and_never_gives_an_id_twice(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/migrated.sqlite3"
    app = make_app(tmp_path, url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0003_intento_sin_cuenta"]).exit_code == 0
    engine = sa.create_engine(url)
    insert = sa.text(
        "INSERT INTO cuenta (curp, email, telefono, password_hash, activa, creada, token_version,"
        " session_version, intentos_fallidos) VALUES (:c, :e, '5512345678', 'x', 1, :t, 0, 0, 0)"
    )
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        for n in (1, 2):
            conn.execute(insert, {"c": f"CURP{n}", "e": f"{n}@example.org", "t": now})
    engine.dispose()  # the rebuild must not wait on a connection of ours
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with engine.begin() as conn:
        rows = conn.execute(sa.text("SELECT id, curp FROM cuenta ORDER BY id")).all()
        assert [tuple(r) for r in rows] == [(1, "CURP1"), (2, "CURP2")]
        conn.execute(sa.text("DELETE FROM cuenta WHERE id = 2"))
        conn.execute(insert, {"c": "CURP3", "e": "3@example.org", "t": now})
        assert conn.scalar(sa.text("SELECT id FROM cuenta WHERE curp = 'CURP3'")) == 3
    engine.dispose()


def test_migration_0005_dates_the_addresses_already_waiting(tmp_path: Path) -> None:
    # Their links may still work: left without a date, they were hidden at once and forgotten
    # by the first purge.
    url = f"sqlite:///{tmp_path}/migrated.sqlite3"
    app = make_app(tmp_path, url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0004_cuenta_ids"]).exit_code == 0
    engine = sa.create_engine(url)
    insert = sa.text(
        "INSERT INTO cuenta (curp, email, telefono, password_hash, activa, creada, token_version,"
        " session_version, intentos_fallidos, email_pendiente)"
        " VALUES (:c, :e, '5512345678', 'x', 1, :t, 0, 0, 0, :p)"
    )
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(insert, {"c": "CURP1", "e": "1@example.org", "t": now, "p": "n@example.org"})
        conn.execute(insert, {"c": "CURP2", "e": "2@example.org", "t": now, "p": None})
    engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["cuentas", "purgar-pendientes"])
    assert "cambios de correo vencidos olvidados: 0." in result.output, result.output
    with engine.begin() as conn:
        query = "SELECT curp, email_pendiente, email_pendiente_desde FROM cuenta ORDER BY curp"
        [(_, pendiente, desde), (_, ninguno, sin_fecha)] = conn.execute(sa.text(query)).all()
    engine.dispose()
    assert pendiente == "n@example.org" and desde is not None
    assert ninguno is None and sin_fecha is None
    # A day later its link is dead: then it goes.
    with app.app_context():
        manana = now + dt.timedelta(hours=25)
        assert cuentas_purga.olvidar_correos_vencidos(db.session, manana) == 1
