"""A PDF asked for twice in a row (a double tap): the same folio again, not a second one.

The browser drops the answer to the first post when the second goes out, but the server has
issued it: two folios, and the issue limit spent twice. So whoever asks for the same kind of
document about the same CURP within ``VENTANA`` gets the document they were just given, drawn
again from the ledger, with no new folio and no limit spent (``domain.repeticiones`` keeps the
folio; a second request that comes while the first is at work waits for it).

"Whoever" is the session: the CSRF secret the form page put in its cookie (every post here
brings it, or CSRF refuses it) and, signed in, the account and its session version, so a
document is never handed to another person, nor to another account in the same browser.
Without a session there is nothing to tell the requester by, and each post issues as before.

A repeat spends no issue limit, but it is a PDF drawn all the same: every request that asks
counts first against ``REPETICIONES``, more generous than any issue limit (a double tap, a few
reloads), so repeats cannot be made to draw PDFs without end, nor to write claims, and a 429
once over. Signed in, per account, as the carnet's own issue limit is: the people of a clinic,
an office or a mobile carrier share one address, and must not share one budget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import session
from flask_login import current_user
from sqlalchemy.orm import Session

from blueprints import repeticion
from blueprints.extensions import db, limiter
from blueprints.ratelimit_cliente import remote_address
from blueprints.secretos import secretos
from domain import repeticiones
from domain.constancia_tipos import Tipo
from domain.models import Constancia

VENTANA = dt.timedelta(seconds=10)
REPETICIONES = "30 per minute;300 per day"  # downloads asked for, repeats included


@dataclass(frozen=True, slots=True)
class Descarga:
    turno: repeticion.Turno | None  # the claim this request holds, for ``anotar``
    anterior: Constancia | None = None  # the document this requester was just given


def pedir(tipo: Tipo, curp: str, now: dt.datetime) -> Descarga:
    """The document just given for this request, or the claim to issue it; call it before
    the view's own writes. A 429 once over ``REPETICIONES``."""
    limiter.limit_here((REPETICIONES, _solicitante))
    secreto = session.get("csrf_token")
    if not isinstance(secreto, str) or not secreto:
        return Descarga(None)
    cuenta = current_user.get_id() if current_user.is_authenticated else ""
    partes = [("tipo", tipo.clave), ("curp", curp), ("sesion", secreto), ("cuenta", cuenta)]
    clave = "descarga:" + repeticiones.firmar(secretos()[-1], partes)
    for _intento in range(2):  # again once the first ended with nothing to give
        if _apartar(clave, now):
            return Descarga(repeticion.al_terminar(clave))
        if folio := repeticion.esperar(clave, ""):
            return Descarga(None, db.session.get(Constancia, folio))
    return Descarga(None)  # issued as before, and not kept


def anotar(descarga: Descarga, row: Constancia) -> None:
    """Keep ``row`` as this request's document: call it once its issuance is committed."""
    if descarga.turno:
        descarga.turno.resultado = row.folio


def _solicitante() -> str:
    # A key of its own: the view's issue limit, per address or account too, is another budget.
    if current_user.is_authenticated:
        return "descarga:cuenta:" + str(current_user.get_id())
    return "descarga:" + remote_address()


def _apartar(clave: str, now: dt.datetime) -> bool:
    with Session(db.engine) as own:
        return repeticiones.apartar(own, clave, "", now, VENTANA)
