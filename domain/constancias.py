"""Constancias: numbering, signing and recording any kind of document in the ledger.

Issuing takes the next folio (``domain.folios``), writes the fields as a cadena original
(``domain.cadena_original``), signs it and records the row. What each kind
(``domain.constancia_tipos``) holds, and when it is refused, is in
``domain.constancias_sin_derecho`` (No Afiliación, No Derechohabiencia) and
``domain.constancias_vigencia`` (the Vigencias de Derechos). The refusals stay here, one family
under ``ConstanciaError`` that the views and the CLI catch.

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

from domain.cadena_original import FORMATO, cadena
from domain.constancia_tipos import Tipo
from domain.folios import CODIGO_ALFABETO, CODIGO_LARGO, siguiente_folio
from domain.hoy import MEXICO_CITY
from domain.models import Constancia
from domain.signing import Signer


class ConstanciaError(Exception):
    """Base of every refusal (the kinds' modules raise these, domain.verificacion adds its own);
    the message is Spanish and safe to show."""


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


def contar(session: Session, tipo: Tipo | None = None) -> int:
    """How many documents the ledger holds (of one kind)."""
    query = select(func.count()).select_from(Constancia)
    if tipo is not None:
        query = query.where(Constancia.tipo == tipo.clave)
    return int(session.scalar(query) or 0)


def url_verificacion(base_url: str, folio: str, codigo: str) -> str:
    """The address printed under the QR code."""
    return f"{base_url.rstrip('/')}/verificar/{folio}?c={codigo}"
