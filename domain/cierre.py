"""Closing an Oficina Virtual account (the ARCO right of cancellation): what goes, what stays.

Goes: the account's row (CURP, address, phone, password hash, an address waiting to be
confirmed, and its failed sign-ins and lock, which live in that row), its mail (outbox rows,
sent or waiting, and their .eml copies: what was sent for it, to whichever address, and what
is addressed to it), and the failed sign-ins counted for its CURP as one without an account
(domain/intentos_sin_cuenta). With the row go its sessions and
its emailed links: both name the account by id and are checked against the row, and an id is
never given again (a sequence on PostgreSQL, AUTOINCREMENT on SQLite: migration 0004).

Stays: the ledger of issued documents (``Constancia``) and the registry (``Persona``). They are
the institution's records, not the account's: /verificar answers for every folio it signed, and
the registry is what a new account with the same CURP is checked against. Neither points at
the account, so nothing has to be untied from it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from email.parser import BytesParser
from email.policy import default
from email.utils import parseaddr
from pathlib import Path
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, delete, func, or_, select
from sqlalchemy.orm import Session

from domain import intentos_sin_cuenta
from domain.mailer import ascii_domain
from domain.mailer_transport import file_stem
from domain.models import Correo, Cuenta, IntentoSinCuenta


@dataclass(frozen=True, slots=True)
class Cierre:
    """What closing an account deleted; ``email`` is the address it had and ``idioma`` its
    owner's language, for the notice."""

    email: str
    idioma: str
    correos: int  # outbox rows, sent or waiting
    archivos: int  # their .eml copies in the file outbox
    intentos: int  # rows of failed sign-ins counted for the CURP without an account


def direcciones(*emails: str | None) -> set[str]:
    """The addresses whose mail is the account's: its own, and one waiting to be confirmed.

    >>> sorted(direcciones("Ana@Correo.México.mx", None))
    ['ana@correo.méxico.mx', 'ana@correo.xn--mxico-bsa.mx']
    """
    # As the outbox writes them (domain/mailer: the domain in IDNA), and as they were typed.
    return {v.lower() for a in emails if a for v in (a, ascii_domain(a))}


def cerrar(
    session: Session, cuenta: Cuenta, outbox_dir: Path, secret_keys: Sequence[str]
) -> Cierre | None:
    """Delete ``cuenta`` and what is only its, in the caller's transaction (not committed).

    None, with that transaction rolled back, when another request closed it first: nothing
    else is deleted then (the mail a first closing just queued included). The .eml copies go
    before the commit, since a file cannot be rolled back: a commit that fails leaves rows
    whose copies are gone, never copies of rows that are gone.
    """
    # The row first: the statement that finds it gone is the one that tells of a race. What
    # is cleaned is what the row held as it went, not as ``cuenta`` was read: an address
    # change committed in between has mail of its own at the new address.
    cuenta_id = cuenta.id
    gone = session.execute(
        delete(Cuenta)
        .where(Cuenta.id == cuenta_id)
        .returning(Cuenta.email, Cuenta.email_pendiente, Cuenta.curp, Cuenta.idioma),
        execution_options={"synchronize_session": False},
    ).one_or_none()
    if gone is None:
        session.rollback()
        return None
    email, pendiente, curp, idioma = gone
    addresses = direcciones(email, pendiente)
    session.expunge(cuenta)
    correos = session.scalars(
        delete(Correo).where(suyos(cuenta_id, addresses)).returning(Correo.message_id),
        execution_options={"synchronize_session": False},
    ).all()
    # Another account's mail to one of these addresses (an address this one only asked for)
    # stays, and so do its copies.
    ajenos = session.scalars(
        select(Correo.message_id).where(func.lower(Correo.destinatario).in_(addresses))
    )
    conservar = {file_stem(message_id) for message_id in ajenos}
    claves = intentos_sin_cuenta.claves(secret_keys, curp)
    intentos = session.execute(
        delete(IntentoSinCuenta).where(IntentoSinCuenta.clave.in_(claves)),
        execution_options={"synchronize_session": False},
    )
    session.flush()
    return Cierre(
        email=email,
        idioma=idioma,
        correos=len(correos),
        archivos=borrar_archivos(outbox_dir, addresses, correos, conservar),
        intentos=cast(CursorResult[Any], intentos).rowcount,
    )


def suyos(cuenta_id: int, addresses: Iterable[str]) -> ColumnElement[bool]:
    """The outbox rows that are the account's: sent for it (``Correo.cuenta_id``), to any
    address, or naming no account (mail of a public form, rows from before migration 0007)
    and addressed to one of ``addresses``."""
    por_direccion = func.lower(Correo.destinatario).in_(set(addresses))
    return or_(Correo.cuenta_id == cuenta_id, and_(Correo.cuenta_id.is_(None), por_direccion))


def borrar_archivos(
    outbox_dir: Path,
    addresses: Iterable[str],
    message_ids: Iterable[str] = (),
    conservar: Collection[str] = (),
) -> int:
    """Delete the .eml files of ``outbox_dir`` of the messages ``message_ids``, and those
    addressed to any of ``addresses`` but the ones named in ``conservar`` (file stems); how
    many.

    The To header is read too, beyond the rows: a row purged earlier may have left its copy
    behind, and that copy is this person's mail all the same.
    """
    if not outbox_dir.is_dir():
        return 0
    deleted = 0
    for message_id in message_ids:
        try:
            (outbox_dir / f"{file_stem(message_id)}.eml").unlink()
            deleted += 1
        except FileNotFoundError:
            continue  # never written (still waiting, or sent by SMTP), or purged already
    wanted = {a.lower() for a in addresses}
    for path in outbox_dir.glob("*.eml") if wanted else ():
        if path.stem not in conservar and _destinatario(path) in wanted:
            path.unlink(missing_ok=True)
            deleted += 1
    return deleted


def _destinatario(path: Path) -> str | None:
    try:
        with path.open("rb") as handle:
            headers = BytesParser(policy=default).parse(handle, headersonly=True)
    except OSError:
        return None  # gone meanwhile (a retry rewrites it whole), or unreadable: not ours to judge
    return parseaddr(str(headers.get("To", "")))[1].lower() or None
