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
import hashlib
import hmac
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from domain import bloqueo
from domain.models import IntentoSinCuenta

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
    found = []
    for secret_key in secret_keys:
        key = hmac.new(secret_key.encode(), PROPOSITO, hashlib.sha256).digest()
        found.append(hmac.new(key, curp.encode(), hashlib.sha256).hexdigest())
    return found


def estado(session: Session, keys: Sequence[str]) -> bloqueo.Intentos:
    """The failures and any lock of the CURP whose ``claves`` are ``keys``."""
    # Values, not a row object: a row kept in the session would go stale if a purge deleted
    # it before this request records its failure.
    query = select(
        IntentoSinCuenta.fallidos,
        IntentoSinCuenta.primer_fallo,
        IntentoSinCuenta.bloqueada_hasta,
        IntentoSinCuenta.vence,
    ).where(IntentoSinCuenta.clave.in_(keys))
    fila = max(session.execute(query), key=lambda fila: _utc(fila.vence), default=None)
    if fila is None:
        return bloqueo.Intentos()
    return bloqueo.Intentos(fila.fallidos, fila.primer_fallo, fila.bloqueada_hasta)


def anotar_fallo(session: Session, keys: Sequence[str], now: dt.datetime) -> bloqueo.Intentos:
    """One more failure for the CURP whose ``claves`` are ``keys``, committed; the new state."""
    try:
        return _anotar(session, keys, now)
    except (IntegrityError, StaleDataError):
        # The first failure of a CURP sent twice at once: the other request inserted the row
        # first (PostgreSQL makes this one wait for it). Or another request's purge deleted
        # the expired row between this one's read and its update. Counted again, afresh.
        session.rollback()
        return _anotar(session, keys, now)


def purgar_vencidos(session: Session, now: dt.datetime) -> int:
    """Forget the CURPs whose window and lock are over (a new failure starts afresh anyway).
    Commits."""
    result = session.execute(delete(IntentoSinCuenta).where(IntentoSinCuenta.vence <= now))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def vence(intentos: bloqueo.Intentos) -> dt.datetime:
    """When ``intentos`` (as a failure leaves them) stop counting: the lock's end, or else
    the window's."""
    if intentos.bloqueada_hasta is not None:
        return _utc(intentos.bloqueada_hasta)
    assert intentos.primer_fallo is not None, "tras_fallo leaves a lock or a window"
    return _utc(intentos.primer_fallo) + bloqueo.FAILURE_WINDOW


def _fila(session: Session, keys: Sequence[str]) -> IntentoSinCuenta | None:
    query = select(IntentoSinCuenta).where(IntentoSinCuenta.clave.in_(keys))
    filas = session.scalars(query.execution_options(populate_existing=True))
    # One, normally: a count stays on the row it began on, under whichever key. Should two
    # match, the one that counts longest is the one written last.
    return max(filas, key=lambda fila: _utc(fila.vence), default=None)


def _anotar(session: Session, keys: Sequence[str], now: dt.datetime) -> bloqueo.Intentos:
    fila = _fila(session, keys)
    if fila is None:
        fila = IntentoSinCuenta(clave=keys[-1], fallidos=0)
        session.add(fila)
    antes = bloqueo.Intentos(fila.fallidos, fila.primer_fallo, fila.bloqueada_hasta)
    despues = bloqueo.tras_fallo(antes, now)
    fila.fallidos = despues.fallidos
    fila.primer_fallo = despues.primer_fallo
    fila.bloqueada_hasta = despues.bloqueada_hasta
    fila.vence = vence(despues)
    session.commit()
    return despues


def _utc(moment: dt.datetime) -> dt.datetime:
    found = bloqueo.as_utc(moment)
    assert found is not None
    return found
