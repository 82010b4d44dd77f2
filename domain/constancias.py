"""Constancias: issuing each kind of document (``domain.constancia_tipos``) to the ledger.

Issuing takes the next folio (``domain.folios``), writes the fields as a cadena original
(``domain.cadena_original``), signs it and records the row.

A document is a pure function of its ledger row: the PDF can be drawn again from ``datos``,
the signature and the code, which is how a resend sends "the same document". Checking a
folio and code against the ledger, and revoking, are in ``domain.verificacion``.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from domain import derechos, registry
from domain.cadena_original import FORMATO, cadena
from domain.constancia_tipos import (
    NO_AFILIACION,
    NO_DERECHOHABIENCIA,
    VIGENCIA_IMSS,
    VIGENCIA_ISSSTE,
    Tipo,
)
from domain.curp import MEXICO_CITY
from domain.folios import CODIGO_ALFABETO, CODIGO_LARGO, siguiente_folio
from domain.models import Afiliacion, Constancia
from domain.signing import Signer


class ConstanciaError(Exception):
    """Base of every refusal (here and in domain.verificacion); the message is Spanish and safe
    to show."""


class Afiliado(ConstanciaError):
    """The person has a current affiliation, so a "no affiliation" document cannot be issued."""


class NoVigente(ConstanciaError):
    """A carnet was asked for an affiliation that is not current today."""


class NoCorresponde(ConstanciaError):
    """The affiliation is neither the titular's own nor one of their beneficiaries'."""


def local(moment: dt.datetime) -> dt.datetime:
    """A stored or given time in Mexico City; naive values (SQLite) are UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(MEXICO_CITY)


def fin_del_dia(moment: dt.datetime) -> dt.datetime:
    """The last second of ``moment``'s day in Mexico City, in UTC."""
    day = local(moment).date()
    return dt.datetime.combine(day, dt.time(23, 59, 59), MEXICO_CITY).astimezone(dt.UTC)


def _iso(moment: dt.datetime | None) -> str:
    return local(moment).isoformat(timespec="seconds") if moment else ""


def emitir(
    session: Session,
    signer: Signer,
    tipo: Tipo,
    *,
    curp: str,
    nombre: str,
    now: dt.datetime,
    emisor: str,
    valida_hasta: dt.datetime | None = None,
    extra: Mapping[str, str] | None = None,
    entrega: str | None = None,
) -> Constancia:
    """Number, sign and record one document (flushed, not committed: the caller commits)."""
    now = now.astimezone(dt.UTC).replace(microsecond=0)
    numero = siguiente_folio(session, tipo.prefijo, local(now).year)
    folio = f"{tipo.prefijo}-{local(now).year}-{numero:06d}"
    codigo = "".join(secrets.choice(CODIGO_ALFABETO) for _ in range(CODIGO_LARGO))
    campos = {
        "v": FORMATO,
        "doc": tipo.prefijo,
        "folio": folio,
        "emisor": emisor,
        "curp": curp,
        "nombre": nombre,
        "emitida": _iso(now),
        "valida_hasta": _iso(valida_hasta),
        "kid": signer.kid,
        "codigo": codigo,
    }
    if extra and campos.keys() & extra.keys():
        raise ValueError("los campos propios de un tipo no pueden reemplazar a los comunes")
    campos.update(extra or {})
    datos = cadena(campos)
    row = Constancia(
        folio=folio,
        tipo=tipo.clave,
        curp=curp,
        titular_nombre=" ".join(nombre.split()),
        datos=datos,
        emitida=now,
        valida_hasta=valida_hasta,
        clave_id=signer.kid,
        firma=signer.sign(datos),
        codigo=codigo,
        entrega=entrega,
    )
    session.add(row)
    session.flush()
    return row


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


def contar(session: Session, tipo: Tipo | None = None) -> int:
    """How many documents the ledger holds (of one kind)."""
    query = select(func.count()).select_from(Constancia)
    if tipo is not None:
        query = query.where(Constancia.tipo == tipo.clave)
    return int(session.scalar(query) or 0)


def url_verificacion(base_url: str, folio: str, codigo: str) -> str:
    """The address printed under the QR code."""
    return f"{base_url.rstrip('/')}/verificar/{folio}?c={codigo}"


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
