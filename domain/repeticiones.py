"""The same request twice within moments (a double tap): the second gets the first's outcome.

A browser that sends a form again drops the answer to the first post, but the server has
already done its work. So the first request claims a key for ``ventana`` in a short transaction
of its own (``apartar``, or ``preparar`` in the one that spends its captcha), does its work,
and records its outcome there once it ends (``anotar``: a folio, what the page said, or "" for
nothing to repeat). A second request with that key finds it claimed and reads the outcome
(``leer``), waiting while there is none yet. The claim holds no lock while the work goes on:
on SQLite that would stop every other writer, registrations and downloads alike.

The key's primary key settles which request is first on any number of servers. Keys and
fingerprints are HMACs (``firmar``), so the table never holds what people typed. Expired rows
go with ``purgar``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable

from sqlalchemy import delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from domain.models import Repeticion
from domain.seudonimos import clave as clave_de

PROPOSITO = b"derechohabiencia/repeticion"
NADA = ""  # the outcome of a request that left nothing to repeat (it failed, or was refused)


def firmar(secret_key: str, partes: Iterable[tuple[str, str]]) -> str:
    """An HMAC of ``partes`` (name, value pairs), whatever their order.

    >>> a = firmar("s", [("curp", "X"), ("email", "y@z.mx")])
    >>> a == firmar("s", [("email", "y@z.mx"), ("curp", "X")]) != firmar("t", [("curp", "X")])
    True
    >>> firmar("s", [("a", "b|c")]) != firmar("s", [("a|b", "c")]), len(a)
    (True, 64)
    """
    message = json.dumps(sorted(partes), ensure_ascii=False).encode()
    return hmac.new(clave_de(secret_key, PROPOSITO), message, hashlib.sha256).hexdigest()


def preparar(
    session: Session, clave: str, huella: str, now: dt.datetime, ventana: dt.timedelta
) -> None:
    """Add the claim on ``clave`` (no outcome yet) to ``session``, for the caller to commit
    with what makes this request the first (a captcha spent: blueprints/captcha)."""
    session.add(Repeticion(clave=clave, huella=huella, expira=now + ventana))


def apartar(
    session: Session, clave: str, huella: str, now: dt.datetime, ventana: dt.timedelta
) -> bool:
    """Claim ``clave`` and commit; False if another request holds it (still at work, or its
    outcome still in its window). A claim expired, or ended with ``NADA``, is taken over.

    Use a session of its own, before the caller's writes: on SQLite they would make it wait.
    """
    stale = or_(Repeticion.expira <= now, Repeticion.resultado == NADA)
    session.execute(delete(Repeticion).where(Repeticion.clave == clave, stale))
    preparar(session, clave, huella, now, ventana)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def leer(session: Session, clave: str, huella: str, now: dt.datetime) -> str | None:
    """What the request that claimed ``clave`` did, if it sent this ``huella``: None while it is
    at work, ``NADA`` when there is nothing to give (no claim, other data, expired, nothing)."""
    query = select(Repeticion.huella, Repeticion.resultado, Repeticion.expira)
    fila = session.execute(query.where(Repeticion.clave == clave)).one_or_none()
    if fila is None or _aware(fila.expira) <= now or not hmac.compare_digest(fila.huella, huella):
        return NADA
    resultado: str | None = fila.resultado
    return resultado


def anotar(session: Session, clave: str, resultado: str) -> None:
    """Record what the request that claimed ``clave`` did, once (the caller commits)."""
    query = update(Repeticion).where(Repeticion.clave == clave, Repeticion.resultado.is_(None))
    session.execute(query.values(resultado=resultado).execution_options(synchronize_session=False))


def purgar(session: Session, now: dt.datetime) -> int:
    """Forget the expired rows. Commits."""
    result = session.execute(delete(Repeticion).where(Repeticion.expira < now))
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)  # SQLite stores naive
