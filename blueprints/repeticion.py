"""What ``envio_repetido`` and ``descarga_repetida`` share: a repeat waits for the first
request's outcome, and a first request records its outcome when it ends.

The outcome is written once the view has returned (``after_this_request``), whatever path it
took: what ``Turno.resultado`` says, or ``NADA`` when the view gave it nothing, a refusal or
an error. So a repeat never waits on a request that has ended, and the view's own transaction
holds no lock for it.
"""

from __future__ import annotations

import logging
import time

from flask import Response, after_this_request
from sqlalchemy.exc import SQLAlchemyError

from blueprints.captcha import utcnow
from blueprints.extensions import db
from domain import repeticiones

log = logging.getLogger(__name__)

ESPERA = 10.0  # seconds a repeat waits for the first to end; then it is answered as before
PASO = 0.05  # seconds between looks


class Turno:
    """The claim this request holds; the view sets ``resultado`` once its work is committed."""

    __slots__ = ("clave", "resultado")

    def __init__(self, clave: str) -> None:
        self.clave = clave
        self.resultado = repeticiones.NADA


def al_terminar(clave: str) -> Turno:
    """Record, once this request ends, the outcome its view gives the returned ``Turno``."""
    turno = Turno(clave)

    @after_this_request
    def anotar(response: Response) -> Response:
        try:
            # What the view did not commit it never will: only the outcome goes in.
            db.session.rollback()
            repeticiones.anotar(db.session, turno.clave, turno.resultado)
            db.session.commit()
        except SQLAlchemyError as exc:  # the repeat waits ESPERA and is answered as before
            db.session.rollback()
            log.warning("No se anotó el resultado para su repetición: %s", type(exc).__name__)
        return response

    return turno


def esperar(clave: str, huella: str) -> str:
    """The outcome of the request that claimed ``clave`` with these fields, once it has one;
    ``NADA`` if it has none to give or takes longer than ``ESPERA``."""
    hasta = time.monotonic() + ESPERA
    while (resultado := repeticiones.leer(db.session, clave, huella, utcnow())) is None:
        if time.monotonic() >= hasta:
            return repeticiones.NADA
        time.sleep(PASO)
    return resultado
