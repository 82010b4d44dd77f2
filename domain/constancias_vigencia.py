"""The Constancias de Vigencia de Derechos: the ISSSTE carnet and the IMSS vigencia.

Each describes one affiliation from the registry (its number, kind of derechohabiente, clinic,
family) and refuses with ``NoCorresponde`` when it is not the asker's; the carnet also with
``NoVigente`` when its rights do not hold today. Apart from ``domain.constancias_sin_derecho``,
whose documents say there are no rights and need no affiliation. Numbering and signing are
``domain.constancias``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domain import derechos, registry
from domain.constancia_tipos import VIGENCIA_IMSS, VIGENCIA_ISSSTE
from domain.constancias import NoCorresponde, NoVigente, emitir, fin_del_dia, local
from domain.hoy import MEXICO_CITY
from domain.models import Afiliacion, Constancia
from domain.signing import Signer


def emitir_carnet(
    session: Session,
    signer: Signer,
    afiliacion: Afiliacion,
    now: dt.datetime,
    *,
    emisor: str,
    titular_curp: str | None = None,
) -> Constancia:
    """ISSSTE Constancia de Vigencia de Derechos for a titular, pensionado or beneficiary.

    With ``titular_curp``, the affiliation must be that person's own or a beneficiary's
    registered under them (else NoCorresponde). No rights today (``domain.derechos``: for a
    beneficiary, their titular's too): NoVigente.
    """
    today = local(now).date()
    if titular_curp is not None and titular_curp not in (afiliacion.curp, afiliacion.titular_curp):
        raise NoCorresponde("Esta persona no está registrada como tu beneficiaria.")
    if afiliacion.institucion != "ISSSTE" or not derechos.vigente(afiliacion, today):
        raise NoVigente("Esta afiliación al ISSSTE no está vigente hoy.")
    if not derechos.tiene_derecho(afiliacion, today, registry.titulares(session, [afiliacion])):
        raise NoVigente("Los derechos de quien te registró como familiar no están vigentes.")
    hasta = afiliacion.vigente_hasta
    return emitir(
        session,
        signer,
        VIGENCIA_ISSSTE,
        curp=afiliacion.curp,
        nombre=afiliacion.persona.nombre_completo,
        now=now,
        emisor=emisor,
        valida_hasta=fin_del_dia(dt.datetime.combine(hasta, dt.time(12), MEXICO_CITY))
        if hasta
        else None,
        extra={
            "numero": afiliacion.numero_afiliacion,
            "tipo_derechohabiente": afiliacion.tipo,
            "parentesco": afiliacion.parentesco or "",
            "dependencia": afiliacion.dependencia or "",
            "clinica": afiliacion.clinica or "",
            "vigente_desde": afiliacion.vigente_desde.isoformat()
            if afiliacion.vigente_desde
            else "",
            "vigente_hasta": hasta.isoformat() if hasta else "",
        },
    )


def emitir_vigencia_imss(
    session: Session,
    signer: Signer,
    curp: str,
    nss: str,
    now: dt.datetime,
    *,
    emisor: str,
    entrega: str | None = None,
) -> Constancia:
    """IMSS Constancia de Vigencia de Derechos for the affiliation with this CURP and NSS.

    Issued whether or not there is a medical right today (``domain.derechos``): the document
    says which. When the CURP and the NSS are not one affiliation, NoCorresponde, with the same
    words whichever of the two is wrong, so the refusal reveals nothing about either.
    """
    today = local(now).date()
    mismas = registry.por_numero(session, "IMSS", nss)
    afiliacion = next((a for a in mismas if a.curp == curp), None)
    if afiliacion is None:
        raise NoCorresponde("La CURP y el NSS no corresponden a una misma afiliación al IMSS.")
    derecho = derechos.tiene_derecho(afiliacion, today, registry.titulares(session, [afiliacion]))
    extra = {
        "nss": nss,
        "tipo_derechohabiente": afiliacion.tipo,
        "parentesco": afiliacion.parentesco or "",
        "umf": afiliacion.clinica or "",
        "derecho_medico": "si" if derecho else "no",
        "patron": afiliacion.dependencia or "",
    }
    familia = [b for b in registry.beneficiarios(session, curp, "IMSS") if b.curp != curp]
    extra["beneficiarios"] = str(len(familia))
    for n, b in enumerate(familia, 1):
        extra[f"beneficiario_{n}"] = b.persona.nombre_completo
        extra[f"parentesco_{n}"] = b.parentesco or ""
    return emitir(
        session,
        signer,
        VIGENCIA_IMSS,
        curp=curp,
        nombre=afiliacion.persona.nombre_completo,
        now=now,
        emisor=emisor,
        extra=extra,
        entrega=entrega,
    )
