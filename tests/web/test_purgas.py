"""The retention commands: `outbox purgar` deletes the copies of mail sent or given up on, with
their .eml files, and `cuentas purgar-pendientes` the registrations never activated and the new
addresses never confirmed; what is fresh, active or still waiting stays."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from blueprints import mail
from blueprints.extensions import db
from domain import cuentas_purga, mailer
from domain.models import Correo, Cuenta
from tests.web.cuenta_helpers import (
    PASSWORD,
    activar,
    correos,
    crear_cuenta,
    cuenta,
    enlace,
    entrar,
    formulario,
    registrar,
    seed,
)

DIAS_31 = dt.timedelta(days=31)


@pytest.fixture
def curps(app: Flask) -> Any:
    return seed(app)


def envejecer_correos(app: Flask, edad: dt.timedelta, **where: Any) -> None:
    with app.app_context():
        antes = dt.datetime.now(dt.UTC) - edad
        query = update(Correo).filter_by(**where).values(creado=antes)
        db.session.execute(query)
        db.session.commit()


def envejecer_cuenta(app: Flask, curp: str, edad: dt.timedelta) -> None:
    with app.app_context():
        creada = dt.datetime.now(dt.UTC) - edad
        db.session.execute(update(Cuenta).where(Cuenta.curp == curp).values(creada=creada))
        db.session.commit()


def filas(app: Flask) -> list[tuple[str, bool]]:
    with app.app_context():
        query = select(Correo.destinatario, Correo.enviado).order_by(Correo.id)
        return [tuple(row) for row in db.session.execute(query)]


def archivos(app: Flask) -> list[Path]:
    return sorted(app.extensions["settings"].outbox_dir.glob("*.eml"))


def test_outbox_purgar_deletes_old_sent_mail_and_its_files(app: Flask, curps: Any) -> None:
    registrar(app.test_client(), formulario(app, curps["issste_titular"][0], "vieja@example.org"))
    registrar(app.test_client(), formulario(app, curps["issste_titular"][1], "nueva@example.org"))
    assert mail.wait_for_deliveries()
    assert len(archivos(app)) == 2  # the demo's file transport wrote each message
    envejecer_correos(app, DIAS_31, destinatario="vieja@example.org")
    # A message not sent yet, as old: waiting for the worker, never purged.
    with app.app_context():
        mail.queue_email(
            "espera@example.org", "cuenta_sin_pendiente", "Asunto", entrar="/", registro="/"
        )
        db.session.info.pop(mail.PENDING)  # no delivery: it stays in line
        db.session.commit()
    envejecer_correos(app, DIAS_31, destinatario="espera@example.org")

    result = app.test_cli_runner().invoke(args=["outbox", "purgar"])

    assert result.exit_code == 0, result.output
    assert "Correos borrados: 1; archivos .eml borrados: 1." in result.output
    assert filas(app) == [("nueva@example.org", True), ("espera@example.org", False)]
    [queda] = archivos(app)
    assert "nueva@example.org" in mailer.parse_message(queda.read_bytes())["To"]
    # --dias moves the line: the fresh one is older than a day too.
    envejecer_correos(app, dt.timedelta(days=2), destinatario="nueva@example.org")
    again = app.test_cli_runner().invoke(args=["outbox", "purgar", "--dias", "1"])
    assert "Correos borrados: 1; archivos .eml borrados: 1." in again.output
    assert filas(app) == [("espera@example.org", False)] and archivos(app) == []


def test_purgar_pendientes_deletes_old_registrations_never_activated(
    app: Flask, curps: Any
) -> None:
    vieja, fresca = curps["issste_titular"][:2]
    activa, reiniciada = curps["issste_pensionado"][:2]
    for curp, email in ((vieja, "vieja@example.org"), (fresca, "fresca@example.org")):
        registrar(app.test_client(), formulario(app, curp, email))
    crear_cuenta(app, activa, "activa@example.org")
    registrar(app.test_client(), formulario(app, reiniciada, "antes@example.org"))
    for curp in (vieja, activa, reiniciada):
        envejecer_cuenta(app, curp, DIAS_31)
    # Started over today with another address: a new registration, kept for its own 30 days.
    registrar(app.test_client(), formulario(app, reiniciada, "despues@example.org"))

    result = app.test_cli_runner().invoke(args=["cuentas", "purgar-pendientes"])

    assert result.exit_code == 0, result.output
    assert "Cuentas sin activar borradas: 1;" in result.output
    with app.app_context():
        left = set(db.session.scalars(select(Cuenta.curp)))
    assert left == {fresca, activa, reiniciada}
    # The CURP is free again: registering it makes a new account, with its activation link.
    registrar(app.test_client(), formulario(app, vieja, "otra.vez@example.org"))
    assert cuenta(app, vieja).email == "otra.vez@example.org"
    assert "Activa tu cuenta" in str(correos(app, "otra.vez@example.org")[0]["Subject"])


def test_a_link_sent_again_on_day_29_is_not_purged_with_its_account(app: Flask, curps: Any) -> None:
    pedido, entra = curps["issste_titular"][:2]
    registrar(app.test_client(), formulario(app, pedido, "pedido@example.org"))
    registrar(app.test_client(), formulario(app, entra, "entra@example.org"))
    for curp in (pedido, entra):
        envejecer_cuenta(app, curp, dt.timedelta(days=29.9))
    # A new link, from the resend form and from signing in with the right password.
    resend = app.test_client().post(
        "/cuenta/activar/reenviar", data={"email": "pedido@example.org"}
    )
    assert resend.status_code == 303
    assert entrar(app.test_client(), entra).status_code == 303
    with app.app_context():  # the nightly purge, a few hours later: day 30 of the registrations
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)
        dias = dt.timedelta(days=cuentas_purga.DIAS)
        assert cuentas_purga.purgar_pendientes(db.session, later, dias) == 0
    for email in ("pedido@example.org", "entra@example.org"):
        [_, nuevo] = correos(app, email)
        assert activar(app.test_client(), enlace(nuevo)).status_code == 200
    assert cuenta(app, pedido).activa and cuenta(app, entra).activa


def test_no_purge_deletes_an_account_while_its_link_may_work(app: Flask, curps: Any) -> None:
    fresca, vieja = curps["issste_titular"][:2]
    registrar(app.test_client(), formulario(app, fresca, "fresca@example.org"))
    registrar(app.test_client(), formulario(app, vieja, "vieja@example.org"))
    envejecer_cuenta(app, fresca, dt.timedelta(hours=2))
    envejecer_cuenta(app, vieja, dt.timedelta(hours=25))  # its link is dead
    with app.app_context():
        now = dt.datetime.now(dt.UTC)
        assert cuentas_purga.purgar_pendientes(db.session, now, dt.timedelta(hours=1)) == 1
        assert set(db.session.scalars(select(Cuenta.curp))) == {fresca}


def test_an_unconfirmed_new_address_is_forgotten_once_its_link_expired(
    app: Flask, curps: Any
) -> None:
    curp, otra = curps["issste_titular"][:2]
    client = app.test_client()
    crear_cuenta(app, curp, "titular@example.org")
    crear_cuenta(app, otra, "otra@example.org")
    assert entrar(client, curp).status_code == 303
    data = {"email": "nuevo@example.org", "actual": PASSWORD}
    assert client.post("/oficina/correo", data=data).status_code == 303
    assert "Falta confirmar el cambio a n***@example.org" in client.get("/oficina").text
    with app.app_context():  # the other account asked for its change an hour ago
        hace_una_hora = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
        fresca = {"email_pendiente": "fresco@example.org", "email_pendiente_desde": hace_una_hora}
        db.session.execute(update(Cuenta).where(Cuenta.curp == otra).values(**fresca))
        desde = dt.datetime.now(dt.UTC) - dt.timedelta(hours=25)
        vencida = update(Cuenta).where(Cuenta.curp == curp).values(email_pendiente_desde=desde)
        db.session.execute(vencida)
        db.session.commit()
    # Its link is dead: the Oficina stops saying a change waits, even before the purge.
    assert "Falta confirmar" not in client.get("/oficina").text

    result = app.test_cli_runner().invoke(args=["cuentas", "purgar-pendientes"])

    assert "cambios de correo vencidos olvidados: 1." in result.output
    found = cuenta(app, curp)
    assert (found.email_pendiente, found.email_pendiente_desde) == (None, None)
    assert found.email == "titular@example.org"
    assert cuenta(app, otra).email_pendiente == "fresco@example.org"
