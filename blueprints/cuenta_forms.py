"""What the account pages share: the signed-in user, tokens, emails, the clock.

HTTP glue only; the rules live in ``domain.accounts`` and ``domain.tokens``. The per-key
limits (per CURP, address or account) are ``blueprints.cuenta_limites``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any

from flask import request, session
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from blueprints.extensions import LANGUAGES, db, login_manager
from blueprints.mail import queue_email, url_publica
from blueprints.secretos import secretos
from domain import cifrado, sesiones, tokens
from domain.curp import compact
from domain.hoy import today_in_mexico
from domain.models import Correo, Cuenta
from domain.registry import Situacion, situacion

FORM_CAP = 256  # longer values are cut before any rule looks at them
CURP_SHAPE = re.compile(r"[A-Z0-9]{18}", re.ASCII)


class Sesion(UserMixin):  # type: ignore[misc]
    """The signed-in account as Flask-Login sees it.

    The id carries ``session_version``: bumping it (sign-out, new password, new address) ends
    every session that was opened before, on every device. A session that goes on after its own
    bump is given the version that bump wrote (``version``), not the account's as read after the
    commit: a bump from another request may have come after it, and must end this session too.
    """

    def __init__(self, cuenta: Cuenta, version: int | None = None) -> None:
        self.cuenta = cuenta
        self.version = cuenta.session_version if version is None else version

    def get_id(self) -> str:
        return f"{self.cuenta.id}:{self.version}"


@login_manager.user_loader
def cargar_sesion(user_id: str) -> Sesion | None:
    cuenta_id, _sep, version = user_id.partition(":")
    if not (cuenta_id.isdigit() and version.isdigit()):
        return None
    cuenta = db.session.get(Cuenta, int(cuenta_id))
    if cuenta is None or not cuenta.activa or cuenta.session_version != int(version):
        return None
    return Sesion(cuenta)


login_manager.login_view = "cuenta.entrar"
login_manager.login_message = _l("Entra a tu cuenta para ver esa página.")
# flash() keeps the message in the session cookie: store it as text, in the current language.
login_manager.localize_callback = str
login_manager.login_message_category = "info"


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def form_values(names: Iterable[str]) -> dict[str, str]:
    return {name: request.form.get(name, "")[:FORM_CAP] for name in names}


def emitir(proposito: str, cuenta: Cuenta, email: str | None = None) -> str:
    """A link's token for ``cuenta``; ``email``, the address it confirms, goes in only as its
    keyed hash (``tokens.huella_correo``): a link is readable by whoever sees it."""
    keys = secretos()
    huella = tokens.huella_correo(keys[-1], email) if email is not None else None
    contenido = tokens.Contenido(cuenta.id, cuenta.token_version, huella=huella)
    return tokens.emitir(keys, proposito, contenido)


def comprobar(proposito: str, token: str) -> tuple[Cuenta, tokens.Contenido]:
    """The account a live token belongs to; raises the ``domain.tokens`` errors otherwise."""

    def version(cuenta_id: int) -> int | None:
        cuenta = db.session.get(Cuenta, cuenta_id)
        return cuenta.token_version if cuenta else None

    contenido = tokens.comprobar(secretos(), proposito, token, version)
    cuenta = db.session.get(Cuenta, contenido.cuenta_id)
    assert cuenta is not None  # comprobar checked it exists
    return cuenta, contenido


def por_curp(value: str) -> Cuenta | None:
    curp = compact(value)
    if not CURP_SHAPE.fullmatch(curp):
        return None  # also keeps NUL bytes and other junk away from the database
    return db.session.scalars(select(Cuenta).where(Cuenta.curp == curp)).first()


def por_email(email: str) -> Cuenta | None:
    if not email:
        return None
    # Addresses are stored in lower case (buzones.email_problem), so the unique index serves.
    return db.session.scalars(select(Cuenta).where(Cuenta.email == email.lower())).first()


def situacion_de(cuenta: Cuenta) -> Situacion:
    return situacion(db.session, cuenta.curp, today_in_mexico())


def nombres_de(cuenta: Cuenta) -> tuple[str, ...]:
    """The registry's names for this account, for the password rules."""
    persona = situacion_de(cuenta).persona
    if persona is None:
        return ()
    return (persona.nombre, persona.primer_apellido, persona.segundo_apellido or "")


def enviar(to: str, template: str, subject: str, *, para: Cuenta | None, **context: Any) -> Correo:
    """Queue an account email (``email/cuenta_<template>``); the caller commits it.

    ``para``: the account it is sent for, whatever ``to`` is (an address it is leaving, one it
    asked for): closing that account deletes it (domain/cierre). None when no account has it.
    """
    correo = queue_email(to, f"cuenta_{template}", subject, **context)
    correo.cuenta_id = para.id if para else None
    return correo


def en_su_idioma(idioma: str) -> AbstractContextManager[None]:
    """Write what is inside (an alert to an account's owner: subject, text, links) in
    ``idioma``, the owner's (``Cuenta.idioma``), whoever's request, or command, causes it."""
    return force_locale(idioma if idioma in LANGUAGES else "es")


def poner_contrasena(cuenta: Cuenta, password: str) -> int:
    """A new password (recovered or changed): every session made with the old one ends, and
    the owner hears of it by email (queued in this transaction). The new ``session_version``.

    The caller has ended every pending link first: by spending the recovery link it came with
    (``enlaces.gastar``), or all of them (``enlaces.invalidar``).
    """
    cuenta.password_hash = generate_password_hash(password, method="scrypt")
    version = sesiones.cerrar_sesiones(db.session, cuenta)
    assert version is not None  # the caller's write before this one holds the row
    with en_su_idioma(cuenta.idioma):  # from the Oficina, or from a recovery link
        enviar(
            cuenta.email,
            "contrasena_cambiada",
            _("Tu contraseña cambió"),
            para=cuenta,
            recuperar=url_publica("cuenta.recuperar"),
        )
    return version


def enviar_activacion(cuenta: Cuenta) -> None:
    enlace = url_publica("cuenta.activar", token=emitir("activar", cuenta))
    asunto = _("Activa tu cuenta de la Oficina Virtual")
    enviar(cuenta.email, "activar", asunto, para=cuenta, enlace=enlace)


def enviar_aviso_registro(cuenta: Cuenta) -> None:
    with en_su_idioma(cuenta.idioma):  # whoever tried, it is written for the owner
        enviar(
            cuenta.email,
            "ya_registrada",
            _("Alguien intentó crear otra cuenta con tus datos"),
            para=cuenta,
            entrar=url_publica("cuenta.entrar"),
            recuperar=url_publica("cuenta.recuperar"),
        )


# Who "revisa tu correo" is about when an activation link, not this browser, named the account.
PENDIENTE_CUENTA = "pendiente_cuenta"


PENDIENTE_SELLO = b"derechohabiencia/correo-pendiente"


def recordar_pendiente(email: str) -> None:
    """The address this person typed (or proved with the password), for "revisa tu correo".

    Sealed (domain/cifrado): the session cookie is signed, not encrypted. Neither an account's
    number nor a mask would do: the resend button must reach the address typed when no account
    has it, as it does when one has, or the button would tell which addresses have an account.
    """
    session.pop(PENDIENTE_CUENTA, None)
    session["pendiente"] = cifrado.cifrar(secretos(), PENDIENTE_SELLO, email)


def pendiente() -> str:
    """The address remembered for this browser, or that of the account a link named."""
    cuenta_id = session.get(PENDIENTE_CUENTA)
    if isinstance(cuenta_id, int):
        cuenta = db.session.get(Cuenta, cuenta_id)
        return cuenta.email if cuenta else ""
    return cifrado.descifrar(secretos(), PENDIENTE_SELLO, session.get("pendiente")) or ""
