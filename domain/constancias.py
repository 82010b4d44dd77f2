"""Constancias: kinds, the signed "cadena original", folios, and issuing each kind to the ledger.

The cadena original is the exact text that is signed, stored in the ledger (``datos``), printed
at the foot of the PDF and embedded in it. Its shape, version 1::

    ||v=1|doc=NA|folio=NA-2026-000001|emisor=...|curp=...|nombre=...|emitida=...|...||

Keys are fixed ASCII words in a fixed order per kind; each value has its whitespace collapsed
to single spaces and ``%`` and ``|`` written as ``%25`` and ``%7C``, so the text splits back
into the same fields. Times are ISO 8601 in Mexico City time with their offset.

A document is a pure function of its ledger row: the PDF can be drawn again from ``datos``,
the signature and the code, which is how a resend sends "the same document". Checking a
folio and code against the ledger, and revoking, are in ``domain.verificacion``.

>>> cadena({"v": "1", "nombre": "ANA  100%|X"})
'||v=1|nombre=ANA 100%25%7CX||'
>>> leer_cadena("||v=1|nombre=ANA 100%25%7CX||")
{'v': '1', 'nombre': 'ANA 100%|X'}
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from domain import folio_lock, registry
from domain.models import Afiliacion, Constancia, FolioContador
from domain.signing import Signer

MEXICO_CITY = ZoneInfo("America/Mexico_City")
FORMATO = "1"
CODIGO_ALFABETO = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODIGO_LARGO = 12
FOLIO_RE = re.compile(r"^(?P<prefijo>[A-Z]{2})-(?P<anio>\d{4})-(?P<numero>\d{6,9})$")


@dataclass(frozen=True, slots=True)
class Tipo:
    """One kind of document: its folio prefix, title, institution and PDF template."""

    clave: str
    prefijo: str
    titulo: str
    institucion: str
    plantilla: str
    archivo: str  # download file name stem


NO_AFILIACION = Tipo(
    "no_afiliacion_issste",
    "NA",
    "Constancia de No Afiliación",
    "ISSSTE",
    "pdf/no_afiliacion_issste.html",
    "constancia-no-afiliacion",
)
NO_DERECHOHABIENCIA = Tipo(
    "no_derechohabiencia_imss",
    "ND",
    "Constancia de No Derechohabiencia",
    "IMSS",
    "pdf/no_derechohabiencia_imss.html",
    "constancia-no-derechohabiencia",
)
VIGENCIA_ISSSTE = Tipo(
    "vigencia_issste",
    "VD",
    "Constancia de Vigencia de Derechos",
    "ISSSTE",
    "pdf/vigencia_issste.html",
    "constancia-vigencia-derechos",
)
# IMSS Constancia de Vigencia de Derechos, issued by emitir_vigencia_imss.
VIGENCIA_IMSS = Tipo(
    "vigencia_imss",
    "VI",
    "Constancia de Vigencia de Derechos",
    "IMSS",
    "pdf/vigencia_imss.html",
    "constancia-vigencia-imss",
)
TIPOS = {t.prefijo: t for t in (NO_AFILIACION, NO_DERECHOHABIENCIA, VIGENCIA_ISSSTE, VIGENCIA_IMSS)}
POR_CLAVE = {t.clave: t for t in TIPOS.values()}


class ConstanciaError(Exception):
    """Base of every refusal (here and in domain.verificacion); the message is Spanish and safe
    to show."""


class Afiliado(ConstanciaError):
    """The person has a current affiliation, so a "no affiliation" document cannot be issued."""


class NoVigente(ConstanciaError):
    """A carnet was asked for an affiliation that is not current today."""


class NoCorresponde(ConstanciaError):
    """The affiliation is neither the titular's own nor one of their beneficiaries'."""


def _valor(value: str) -> str:
    return " ".join(value.split()).replace("%", "%25").replace("|", "%7C")


def cadena(campos: Mapping[str, str]) -> str:
    """The canonical text of ``campos`` in their given order."""
    return "||" + "|".join(f"{k}={_valor(v)}" for k, v in campos.items()) + "||"


def leer_cadena(text: str) -> dict[str, str]:
    """The fields of a canonical text; ValueError if it is not one."""
    if not (text.startswith("||") and text.endswith("||")) or len(text) < 5:
        raise ValueError("no es una cadena original")
    campos: dict[str, str] = {}
    for part in text[2:-2].split("|"):
        key, sep, value = part.partition("=")
        if not sep or not key.isidentifier() or key in campos:
            raise ValueError("no es una cadena original")
        campos[key] = unquote(value, errors="strict")
    return campos


def normalizar_codigo(value: str) -> str:
    """The code as typed, in its printed form (case, spaces and dashes ignored; O=0, I=L=1)."""
    text = "".join(ch for ch in value.upper() if ch.isalnum())
    return text.translate(str.maketrans("OIL", "011"))[:64]


def normalizar_folio(value: str) -> str:
    return "".join(value.split()).upper()[:32]


def local(moment: dt.datetime) -> dt.datetime:
    """A stored or given time in Mexico City; naive values (SQLite) are UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(MEXICO_CITY)


def fin_del_dia(moment: dt.datetime) -> dt.datetime:
    """The last second of ``moment``'s day in Mexico City, in UTC."""
    day = local(moment).date()
    return dt.datetime.combine(day, dt.time(23, 59, 59), MEXICO_CITY).astimezone(dt.UTC)


def siguiente_folio(session: Session, prefijo: str, anio: int) -> int:
    """Take the next number for ``prefijo`` and ``anio`` inside the caller's transaction.

    One INSERT ... ON CONFLICT DO UPDATE ... RETURNING: on PostgreSQL it locks the counter row
    until commit; on SQLite it takes the database write lock.
    A rollback returns the number, so folios have no gaps and no duplicates. On SQLite the
    issuers queue in ``folio_lock`` first, so each waits its turn instead of polling.
    """
    folio_lock.hold(session)
    query = _upsert(session.get_bind().dialect.name, prefijo, anio)
    return int(session.execute(query).scalar_one())


def _upsert(dialect: str, prefijo: str, anio: int) -> Executable:
    values = {"prefijo": prefijo, "anio": anio, "ultimo": 1}
    index = [FolioContador.prefijo, FolioContador.anio]
    bump = {"ultimo": FolioContador.ultimo + 1}
    # Each dialect imported where it is used: sqlalchemy.dialects.postgresql loads every
    # PostgreSQL driver's dialect (asyncpg, pg8000, psycopg2...), ~3 MiB a SQLite process
    # would otherwise hold for nothing.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        pg = postgresql.insert(FolioContador).values(values)
        return pg.on_conflict_do_update(index_elements=index, set_=bump).returning(
            FolioContador.ultimo
        )
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        lite = sqlite.insert(FolioContador).values(values)
        return lite.on_conflict_do_update(index_elements=index, set_=bump).returning(
            FolioContador.ultimo
        )
    raise RuntimeError(f"folios no soportados en {dialect}")  # pragma: no cover


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
    """ISSSTE: no current affiliation. A CURP the registry does not know gets no name."""
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
    """IMSS: no right to medical service today; valid only until the end of that day."""
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
    registered under them (else NoCorresponde). Not current today: NoVigente.
    """
    today = local(now).date()
    if titular_curp is not None and titular_curp not in (afiliacion.curp, afiliacion.titular_curp):
        raise NoCorresponde("Esta persona no está registrada como tu beneficiaria.")
    if afiliacion.institucion != "ISSSTE" or not registry.vigente(afiliacion, today):
        raise NoVigente("Esta afiliación al ISSSTE no está vigente hoy.")
    if afiliacion.titular_curp and afiliacion.titular_curp != afiliacion.curp:
        titular = registry.situacion(session, afiliacion.titular_curp, today)
        if titular.persona and not titular.issste_vigente:
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

    Issued whether or not there is a medical right today: the document says which. When the
    CURP and the NSS are not one affiliation, NoCorresponde, with the same words whichever of
    the two is wrong, so the refusal reveals nothing about either.
    """
    today = local(now).date()
    mismas = registry.por_numero(session, "IMSS", nss)
    afiliacion = next((a for a in mismas if a.curp == curp), None)
    if afiliacion is None:
        raise NoCorresponde("La CURP y el NSS no corresponden a una misma afiliación al IMSS.")
    derecho = registry.vigente(afiliacion, today)
    titular = afiliacion.titular_curp
    if derecho and titular and titular != afiliacion.curp:
        # A relative's right lasts only while the titular's does.
        derecho = any(a.curp == titular and registry.vigente(a, today) for a in mismas)
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
