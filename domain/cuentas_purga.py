"""How long an account keeps what it was never confirmed to need.

A registration never activated keeps a CURP, an address, a phone and a password hash that
nobody proved theirs: after ``DIAS`` it is deleted, and the CURP may register again. A new
address asked for in /oficina/correo is kept only while its confirmation link works
(``tokens.VIGENCIA["correo"]``); after that it is forgotten, and never shown as pending.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import CursorResult, delete, or_, update
from sqlalchemy.orm import Session

from domain.models import Cuenta
from domain.tokens import VIGENCIA

DIAS = 30  # `cuentas purgar-pendientes`'s default, and what the privacy notice promises
VIGENCIA_CORREO = VIGENCIA["correo"]
VIGENCIA_ACTIVAR = VIGENCIA["activar"]


def purgar_pendientes(session: Session, now: dt.datetime, antiguedad: dt.timedelta) -> int:
    """Delete the accounts never activated whose newest activation link is older than
    ``antiguedad``; how many. Commits.

    ``creada`` is set anew with every activation link (a registration started over, a link sent
    again: blueprints/cuenta.reenviar_activacion), and an account is never deleted while that
    link may still work, whatever ``antiguedad`` is asked for.
    """
    desde = now - max(antiguedad, VIGENCIA_ACTIVAR)
    result = session.execute(delete(Cuenta).where(Cuenta.activa.is_(False), Cuenta.creada < desde))
    session.commit()
    return int(cast(CursorResult[Any], result).rowcount)


def olvidar_correos_vencidos(session: Session, now: dt.datetime) -> int:
    """Forget the new addresses whose confirmation link has expired; how many. Commits.

    One asked for before its date was kept (``email_pendiente_desde`` empty) is forgotten too:
    its link, whenever it was sent, cannot tell it apart from an expired one.
    """
    vencido = or_(
        Cuenta.email_pendiente_desde < now - VIGENCIA_CORREO,
        Cuenta.email_pendiente_desde.is_(None),
    )
    result = session.execute(
        update(Cuenta)
        .where(Cuenta.email_pendiente.is_not(None), vencido)
        .values(email_pendiente=None, email_pendiente_desde=None)
    )
    session.commit()
    return int(cast(CursorResult[Any], result).rowcount)


def correo_pendiente(cuenta: Cuenta, now: dt.datetime) -> str | None:
    """The new address waiting for confirmation, while its link may still work."""
    desde = cuenta.email_pendiente_desde
    if cuenta.email_pendiente is None or desde is None:
        return None
    if desde.tzinfo is None:  # SQLite gives back what it stored, without the zone
        desde = desde.replace(tzinfo=dt.UTC)
    return cuenta.email_pendiente if now - desde < VIGENCIA_CORREO else None
