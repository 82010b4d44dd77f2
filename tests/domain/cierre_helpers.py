"""Accounts and mail for the closing tests (domain/cierre.py)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from domain import mailer, mailer_transport, outbox
from domain.models import Correo, Cuenta

NOW = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
SECRETOS = ["vieja", "nueva"]
SENDER = "Portal <no-responder@portal.example>"
ANA = ("PXNE660720HMCXTN06", "ana@example.org")
BETO = ("LOOA531113HTCPBN07", "beto@example.org")


def account(session: Session, curp: str, email: str, **extra: Any) -> Cuenta:
    cuenta = Cuenta(
        curp=curp,
        email=email,
        telefono="5512345678",
        password_hash="scrypt:x",
        activa=True,
        creada=NOW,
        token_version=0,
        session_version=0,
        intentos_fallidos=2,
        primer_fallo=NOW,
        **extra,
    )
    session.add(cuenta)
    session.flush()
    return cuenta


def mail(session: Session, outbox_dir: Path, to: str, sent: bool = True) -> Correo:
    message = mailer.build_message(
        sender=SENDER,
        to=to,
        subject="Aviso",
        text="Hola",
        html="<p>Hola</p>",
        message_id=mailer.new_message_id("portal.example", dt.datetime.now(dt.UTC)),
        now=NOW,
    )
    correo = outbox.queue(session, message, NOW)
    if sent:  # delivered by the file transport, as in the demo: its .eml copy exists
        mailer_transport.FileTransport(outbox_dir).send(to, correo.mensaje, correo.message_id)
        correo.enviado = True
    return correo
