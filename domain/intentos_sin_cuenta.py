"""Failed sign-ins with a CURP that has no account, kept as an account keeps its own.

An account counts its failures and holds its lock in its row (domain/bloqueo), the same on
every server. A CURP without one must count the same way, in the same database: counted in
each server's memory it would lock later or never, and the lock would tell which CURPs have
an account. Its row is keyed by an HMAC of the compact CURP with a key derived from
SECRET_KEY, so the table never holds the CURPs people typed, and an unkeyed hash (the CURPs
are few enough to try them all) would not do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import case, delete, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from domain import bloqueo, fallos
from domain.models import IntentoSinCuenta
from domain.seudonimos import seudonimo

PROPOSITO = b"derechohabiencia/intento-sin-cuenta"


def claves(secret_keys: Sequence[str], curp: str) -> list[str]:
    """The row keys ``curp`` (compacted by the caller) may have, one per key, newest last.

    While SECRET_KEY rotates (SECRET_KEY_FALLBACKS), a count begun under the old key goes on:
    otherwise the rotation would unlock the CURPs without an account, and only those.

    >>> [len(k) for k in claves(["vieja", "nueva"], "AAAA000000HDFAAA00")]
    [64, 64]
    >>> claves(["s"], "AAAA000000HDFAAA00") != claves(["t"], "AAAA000000HDFAAA00")
    True
    """
    return [seudonimo(secret_key, PROPOSITO, curp) for secret_key in secret_keys]


def reservar(session: Session, keys: Sequence[str], now: dt.datetime) -> fallos.Reserva:
    """One more attempt with the CURP whose ``claves`` are ``keys``, counted as an account's
    is, before its (dummy) password check (domain/fallos), committed.

    One INSERT ... ON CONFLICT DO UPDATE, the count computed in it: attempts sent at once each
    count, the first two of a CURP cannot both insert its row, and a locked row is left as it is.
    """
    # A count stays on the row it began on, under whichever key; a row purged since this read
    # is inserted afresh, as its count had ended anyway.
    clave = _clave_en_uso(session, keys) or keys[-1]
    query = _upsert(session.get_bind().dialect.name, clave, now)
    fila = session.execute(query).one_or_none()
    permitida = fila is not None
    if not permitida:  # locked, maybe by an attempt that raced this one, and left as it was
        fila = session.execute(_columnas(clave)).one_or_none()
    session.commit()
    return fallos.Reserva(fallos.leidos(fila), permitida)


def purgar_vencidos(session: Session, now: dt.datetime) -> int:
    """Forget the CURPs whose window and lock are over (a new failure starts afresh anyway).
    Commits."""
    result = session.execute(delete(IntentoSinCuenta).where(IntentoSinCuenta.vence <= now))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def vence(intentos: bloqueo.Intentos) -> dt.datetime:
    """When ``intentos`` (as an attempt leaves them) stop counting: the lock's end, or else
    the window's."""
    if intentos.bloqueada_hasta is not None:
        return _utc(intentos.bloqueada_hasta)
    assert intentos.primer_fallo is not None, "tras_fallo leaves a lock or a window"
    return _utc(intentos.primer_fallo) + bloqueo.FAILURE_WINDOW


def _clave_en_uso(session: Session, keys: Sequence[str]) -> str | None:
    # One, normally. Should two match, the one that counts longest is the one written last.
    query = select(IntentoSinCuenta.clave).where(IntentoSinCuenta.clave.in_(keys))
    return session.scalar(query.order_by(IntentoSinCuenta.vence.desc()).limit(1))


def _columnas(clave: str) -> Executable:
    tabla = IntentoSinCuenta
    query = select(tabla.fallidos, tabla.primer_fallo, tabla.bloqueada_hasta)
    return query.where(tabla.clave == clave)


def _upsert(dialect: str, clave: str, now: dt.datetime) -> Executable:
    primero = bloqueo.tras_fallo(bloqueo.Intentos(), now)
    valores = {
        "clave": clave,
        "fallidos": primero.fallidos,
        "primer_fallo": primero.primer_fallo,
        "bloqueada_hasta": primero.bloqueada_hasta,
        "vence": vence(primero),
    }
    tabla = IntentoSinCuenta
    columnas = (tabla.fallidos, tabla.primer_fallo, tabla.bloqueada_hasta)
    nueva, _cuenta, bloquea = fallos.regla(tabla.fallidos, tabla.primer_fallo, now)
    cambios = fallos.tras_fallo(*columnas, now)
    # The window's end while it runs; a lock's end once locked (``vence``).
    cambios["vence"] = case(
        (bloquea, fallos.momento(now + bloqueo.LOCK_TIME)),
        (nueva, fallos.momento(now + bloqueo.FAILURE_WINDOW)),
        else_=tabla.vence,
    )
    sigue = fallos.libre(tabla.bloqueada_hasta, now)
    # Each dialect imported where it is used, as domain/folios does (memory).
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        pg = postgresql.insert(tabla).values(valores)
        return pg.on_conflict_do_update(
            index_elements=[tabla.clave], set_=cambios, where=sigue
        ).returning(*columnas)
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        lite = sqlite.insert(tabla).values(valores)
        return lite.on_conflict_do_update(
            index_elements=[tabla.clave], set_=cambios, where=sigue
        ).returning(*columnas)
    raise RuntimeError(f"intentos sin cuenta no soportados en {dialect}")  # pragma: no cover


def _utc(moment: dt.datetime) -> dt.datetime:
    found = bloqueo.as_utc(moment)
    assert found is not None
    return found
