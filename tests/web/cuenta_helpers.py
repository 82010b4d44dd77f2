"""What the account tests share: demo registry rows, the registration form, the outbox, links,
a signed-in client.

Used by the test_cuenta_*.py files, test_oficina.py and others that need an account.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from blueprints.extensions import db
from domain import demo, registry, registry_import, tokens
from domain.mailer import parse_message
from domain.models import Correo, Cuenta
from tests.captcha_helpers import solve_captcha

PASSWORD = "lumbre de otoño"
HX = {"HX-Request": "true"}
BASE = "http://127.0.0.1:5000"  # PUBLIC_BASE_URL of the test app
LINK = re.compile(r"https?://[^\s\"<>]+?(/cuenta/[A-Za-z0-9/_.\-]+)")
CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]*(")|("X-CSRFToken": ")[^"]*(")')


def seed(app: Flask) -> dict[str, tuple[str, ...]]:
    """Demo registry rows; the CURPs of each case (issste_titular, issste_beneficiario, ...)."""
    with app.app_context():
        registry_import.import_rows(db.session, demo.generate_rows(count=24, seed=3))
        return {e.key: e.curps for e in demo.examples(db.session)}


def datos(app: Flask, curp: str) -> dict[str, str]:
    with app.app_context():
        persona = registry.persona(db.session, curp)
        assert persona is not None
        return {
            "curp": curp,
            "nombre": persona.nombre.title(),
            "primer_apellido": persona.primer_apellido.title(),
            "segundo_apellido": (persona.segundo_apellido or "").title(),
            "fecha_nacimiento": persona.fecha_nacimiento.isoformat(),
        }


def formulario(app: Flask, curp: str, email: str, **changes: str) -> dict[str, str]:
    form = {**datos(app, curp), "email": email, "telefono": "55 1234 5678"}
    return {**form, "password": PASSWORD, "acepto": "1", **changes}


def registrar(client: FlaskClient, form: dict[str, str]) -> Any:
    page = client.get("/cuenta/registro").get_data(as_text=True)
    return client.post("/cuenta/registro", data={**form, **solve_captcha(client, page)})


def correos(app: Flask, to: str | None = None) -> list[EmailMessage]:
    """Messages queued in the outbox (oldest first), optionally only those for ``to``."""
    with app.app_context():
        query = select(Correo).order_by(Correo.id)
        if to:
            query = query.where(Correo.destinatario == to)
        return [parse_message(c.mensaje) for c in db.session.scalars(query)]


def texto(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def enlace(message: EmailMessage) -> str:
    """The path of the account link in a message (PUBLIC_BASE_URL removed)."""
    found = LINK.search(texto(message))
    assert found, texto(message)
    return found.group(1)


def cuenta(app: Flask, curp: str) -> Cuenta:
    with app.app_context():
        found = db.session.scalars(select(Cuenta).where(Cuenta.curp == curp)).one()
        db.session.expunge(found)
        return found


def crear_cuenta(app: Flask, curp: str, email: str, password: str = PASSWORD) -> None:
    """An active account, straight into the database (for tests about what comes after)."""
    from werkzeug.security import generate_password_hash

    with app.app_context():
        db.session.add(
            Cuenta(
                curp=curp,
                email=email,
                telefono="5512345678",
                password_hash=generate_password_hash(password, method="scrypt"),
                activa=True,
                creada=dt.datetime.now(dt.UTC),
                token_version=0,
                session_version=0,
                intentos_fallidos=0,
            )
        )
        db.session.commit()


def entrar(client: FlaskClient, curp: str, password: str = PASSWORD, **extra: str) -> Any:
    return client.post("/cuenta/entrar", data={"curp": curp, "password": password, **extra})


def activar(client: FlaskClient, path: str, password: str = PASSWORD, **extra: str) -> Any:
    """Send an activation link's form (``path``) with the password typed, as a person would."""
    return client.post(path, data={"password": password, **extra})


def token_para(app: Flask, proposito: str, curp: str, age_hours: float = 0, **kw: Any) -> str:
    found = cuenta(app, curp)
    contenido = tokens.Contenido(found.id, found.token_version, kw.get("email"))
    return tokens.emitir(
        app.config["SECRET_KEY"], proposito, contenido, now=time.time() - age_hours * 3600
    )


def normalise(html: str) -> str:
    return CSRF_VALUE.sub(lambda m: "CSRF", html)


def registry_fields() -> tuple[str, ...]:
    return (
        "curp",
        "nombre",
        "primer_apellido",
        "segundo_apellido",
        "fecha_nacimiento",
        "email",
        "telefono",
        "password",
    )


@contextmanager
def otra_conexion_mientras(app: Flask, statement: str, update: Any) -> Iterator[list[str]]:
    """What another request commits while this one is under way: just before the app first
    runs a statement starting with ``statement``, another connection runs ``update``. Yields
    the statements it acted before (empty if it never did)."""
    with app.app_context():
        engine = db.engine
    elsewhere = sa.create_engine(engine.url.render_as_string(hide_password=False))
    acted: list[str] = []

    def meanwhile(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        if sql.startswith(statement) and not acted:
            acted.append(sql)
            with elsewhere.begin() as other:
                other.execute(update)

    sa.event.listen(engine, "before_cursor_execute", meanwhile)
    try:
        yield acted
    finally:
        sa.event.remove(engine, "before_cursor_execute", meanwhile)
        elsewhere.dispose()


def fallos_contados_mientras(
    app: Flask, statement: str, fallidos: int = 3
) -> AbstractContextManager[list[str]]:
    """Wrong passwords counted by other requests meanwhile: every account's count set."""
    values = {"intentos_fallidos": fallidos, "primer_fallo": dt.datetime.now(dt.UTC)}
    return otra_conexion_mientras(app, statement, sa.update(Cuenta).values(values))


def signed_in(app: Flask, curp: str, email: str = "titular@example.org") -> FlaskClient:
    """A client signed in to a new active account of ``curp``."""
    crear_cuenta(app, curp, email)
    client = app.test_client()
    assert entrar(client, curp).status_code == 303
    return client


ACTIVAR_ASUNTO = "[Demostración] Activa tu cuenta de la Oficina Virtual"
REEMPLAZADO_ASUNTO = "[Demostración] Tu registro pendiente cambió de correo"


def asuntos(app: Flask, desde: int = 0) -> list[tuple[str, str]]:
    """Address and subject of each message queued, from the ``desde``-th on."""
    return [(str(m["To"]), str(m["Subject"])) for m in correos(app)[desde:]]
