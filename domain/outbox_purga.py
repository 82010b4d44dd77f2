"""How long the outbox keeps a message: each row holds the whole message (an NSS, a constancia's
PDF), and the file transport leaves a copy of it in ``instance/outbox/``. Once a message has
been handed over, or given up on, nothing needs it but an operator looking into a complaint,
for a while: ``purgar`` deletes the rows and files older than that. A message still waiting
its turn is never touched, whatever its age.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ColumnElement, and_, delete, or_, select
from sqlalchemy.orm import Session

from domain.mailer_transport import file_stem
from domain.models import Correo
from domain.outbox import MAX_ATTEMPTS

DIAS = 30  # `outbox purgar`'s default, and what the privacy notice promises
LOTE = 500  # rows deleted per statement and commit: no long lock on a busy table
SUFIJOS = (".eml", ".tmp")  # what the file transport writes (.tmp: a write cut short)


@dataclass(frozen=True, slots=True)
class Purga:
    """What one purge deleted."""

    correos: int
    archivos: int


def terminados(now: dt.datetime) -> ColumnElement[bool]:
    """Sent, or given up on (attempts ran out, or refused for good) and not being tried now.

    An attempt in course holds a lease into the future (``siguiente_intento``), even the last.
    """
    rendidos = and_(Correo.intentos >= MAX_ATTEMPTS, Correo.siguiente_intento <= now)
    return or_(Correo.enviado.is_(True), rendidos)


def purgar(
    session: Session, now: dt.datetime, antiguedad: dt.timedelta, outbox_dir: Path | None
) -> Purga:
    """Delete the messages created more than ``antiguedad`` before ``now`` that were sent or
    given up on, and their files in ``outbox_dir``; commits.

    Files older than that whose message is not waiting go too: a row deleted before (a demo
    database made anew) leaves its file behind.
    """
    limite = now - antiguedad
    viejos = select(Correo.id, Correo.message_id).where(Correo.creado < limite, terminados(now))
    filas = session.execute(viejos).all()
    for inicio in range(0, len(filas), LOTE):
        lote = [fila.id for fila in filas[inicio : inicio + LOTE]]
        session.execute(delete(Correo).where(Correo.id.in_(lote)))
        session.commit()
    archivos = 0
    if outbox_dir is not None and outbox_dir.is_dir():
        borrar = {file_stem(fila.message_id) for fila in filas}
        archivos = _borrar_archivos(outbox_dir, borrar, _en_espera(session), limite)
    return Purga(correos=len(filas), archivos=archivos)


def _en_espera(session: Session) -> set[str]:
    """The file names of the messages not sent and not purged: never deleted."""
    ids = session.scalars(select(Correo.message_id).where(Correo.enviado.is_(False)))
    return {file_stem(message_id) for message_id in ids}


def _borrar_archivos(
    outbox_dir: Path, borrar: Iterable[str], en_espera: set[str], limite: dt.datetime
) -> int:
    nombres = set(borrar)
    borrados = 0
    for path in outbox_dir.iterdir():
        if path.suffix not in SUFIJOS or path.stem in en_espera or not path.is_file():
            continue
        try:
            viejo = path.stat().st_mtime < limite.timestamp()
            if path.stem in nombres or viejo:
                path.unlink()
                borrados += 1
        except FileNotFoundError:
            continue  # another purge, or the demo's outbox page, took it first
    return borrados
