"""Closing an account deletes every email sent for it, to whichever address: the ones to an
address it left (a pending registration moved elsewhere, an email change), not only those to
the address it has when it closes. From the Oficina and from `flask --app app cuentas borrar`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from blueprints import mail
from domain import mailer
from tests.web.cuenta_helpers import (
    PASSWORD,
    activar,
    correos,
    enlace,
    entrar,
    formulario,
    registrar,
)

PRIMERA, VIEJA, NUEVA = "primera@example.org", "vieja@example.org", "nueva@example.org"
OTRA = "otra.persona@example.org"
CONTRASENA = "río de plata"
DEMO = "[Demostración] "  # the test app is a demo's (DEMO_MODE=1): its emails say so


def eml(app: Flask) -> dict[str, list[str]]:
    """The .eml copies in the file outbox: their subjects by address."""
    mail.wait_for_deliveries()
    found: dict[str, list[str]] = {}
    for path in sorted((Path(app.instance_path) / "outbox").glob("*.eml")):
        message = mailer.parse_message(path.read_bytes())
        found.setdefault(str(message["To"]), []).append(sin_demo(message))
    return found


def sin_demo(message: Any) -> str:
    subject = str(message["Subject"])
    assert subject.startswith(DEMO), subject
    return subject.removeprefix(DEMO)


def asuntos(app: Flask) -> dict[str, list[str]]:
    """The outbox rows: their subjects by address."""
    found: dict[str, list[str]] = {}
    for message in correos(app):
        found.setdefault(str(message["To"]), []).append(sin_demo(message))
    return found


def una_vida(app: Flask, curp: str) -> FlaskClient:
    """An account's life, as a person lives it: registered at one address, started over at
    another, activated, a new password, a new address confirmed. Signed in, with the new one."""
    client = app.test_client()
    assert registrar(client, formulario(app, curp, PRIMERA)).status_code == 303
    assert registrar(client, formulario(app, curp, VIEJA)).status_code == 303
    [activacion] = correos(app, VIEJA)
    assert activar(client, enlace(activacion)).status_code == 200
    assert entrar(client, curp).status_code == 303
    cambio = {"actual": PASSWORD, "password": CONTRASENA}
    assert client.post("/oficina/contrasena", data=cambio).status_code == 303
    nuevo = {"email": NUEVA, "actual": CONTRASENA}
    assert client.post("/oficina/correo", data=nuevo).status_code == 303
    [confirmar] = correos(app, NUEVA)
    assert client.post(enlace(confirmar)).status_code == 200
    # Someone else's mail, which no closing of this account may touch.
    app.test_client().post("/cuenta/recuperar", data={"email": OTRA})
    lived = {
        PRIMERA: [
            "Activa tu cuenta de la Oficina Virtual",
            "Tu registro pendiente cambió de correo",
        ],
        VIEJA: [
            "Activa tu cuenta de la Oficina Virtual",
            "Tu contraseña cambió",
            "Pediste cambiar tu correo",
            "Cambiaste el correo de tu cuenta",
        ],
        NUEVA: ["Confirma tu nuevo correo"],
        OTRA: ["Nadie tiene una cuenta con este correo"],
    }
    assert asuntos(app) == lived
    assert eml(app) == lived
    return client


def quedan(app: Flask, aviso: str) -> None:
    """Nothing of the account's mail is left but the closing notice; the other person's is."""
    left = {NUEVA: [aviso], OTRA: ["Nadie tiene una cuenta con este correo"]}
    assert asuntos(app) == left
    assert eml(app) == left


def test_closing_in_the_office_deletes_the_mail_to_every_address_it_had(
    app: Flask, curps: Any
) -> None:
    client = una_vida(app, curps["issste_titular"][0])
    closed = client.post("/oficina/cerrar-cuenta", data={"actual": CONTRASENA})
    assert closed.status_code == 303
    quedan(app, "Cerraste tu cuenta de la Oficina Virtual")


def test_the_operator_s_closing_deletes_it_too_and_counts_it(app: Flask, curps: Any) -> None:
    curp = curps["issste_titular"][0]
    una_vida(app, curp)
    result = app.test_cli_runner().invoke(args=["cuentas", "borrar", curp, "--si"])
    assert result.exit_code == 0, result.output
    assert "  Correos en la bandeja de salida: 7 (copias .eml: 7)." in result.output.split("\n")
    quedan(app, "Cerramos tu cuenta de la Oficina Virtual")
