"""No Afiliación (ISSSTE) and No Derechohabiencia (IMSS): the documents that say "no rights today".

Both read the person's situation today from the registry (``domain.derechos``) and refuse with
``Afiliado`` when the rights they would deny hold; a CURP the registry does not know gets one
too, with no name. Apart from ``domain.constancias_vigencia``, whose documents describe an
affiliation the person has. Numbering and signing are ``domain.constancias``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domain import registry
from domain.constancia_tipos import NO_AFILIACION, NO_DERECHOHABIENCIA
from domain.constancias import Afiliado, emitir, fin_del_dia, local
from domain.models import Constancia
from domain.signing import Signer


def emitir_no_afiliacion(
    session: Session, signer: Signer, curp: str, now: dt.datetime, *, emisor: str
) -> Constancia:
    """ISSSTE: no rights today (``domain.derechos``). A CURP the registry does not know gets
    no name."""
    situacion = registry.situacion(session, curp, local(now).date())
    if situacion.issste_vigente:
        raise Afiliado("Esta CURP tiene una afiliación vigente al ISSSTE.")
    persona = situacion.persona
    return emitir(
        session,
        signer,
        NO_AFILIACION,
        curp=curp,
        nombre=persona.nombre_completo if persona else "",
        now=now,
        emisor=emisor,
        extra={"resultado": "sin_afiliacion" if persona else "sin_registro"},
    )


def emitir_no_derechohabiencia(
    session: Session,
    signer: Signer,
    curp: str,
    now: dt.datetime,
    *,
    emisor: str,
    entrega: str | None = None,
) -> Constancia:
    """IMSS: no right to medical service today (``domain.derechos``); valid only until the end
    of that day."""
    situacion = registry.situacion(session, curp, local(now).date())
    if situacion.imss_vigente:
        raise Afiliado("Esta CURP tiene derechos vigentes en el IMSS.")
    persona = situacion.persona
    return emitir(
        session,
        signer,
        NO_DERECHOHABIENCIA,
        curp=curp,
        nombre=persona.nombre_completo if persona else "",
        now=now,
        emisor=emisor,
        valida_hasta=fin_del_dia(now),
        extra={"resultado": "sin_derecho" if persona else "sin_registro"},
        entrega=entrega,
    )
