"""The resend button of an emailed document: one view body for each kind that has one (the no
derechohabiencia, /constancias/reenviar, and the vigencia, /constancias/vigencia-imss/reenviar),
told apart by a ``Reenvio``.

Each route stays a view of its own module, limited there: the limiter's budget is per view (its
module and name), and one kind's resends must not use up the other's.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue

from blueprints.constancias_servicio import ahora, leer_token_reenvio, reenviar_una_vez
from blueprints.extensions import db
from domain import verificacion
from domain.mascaras import mask_email
from domain.models import Constancia


@dataclass(frozen=True, slots=True)
class Reenvio:
    """What tells one kind of document's resend from another's."""

    tipo: str  # the constancia_tipos clave a token must name
    salt: str  # the purpose its tokens are signed for
    plantilla: str  # the email
    pagina: str  # the page that answers
    nombre: str  # what the page calls the answer
    clave: str  # the start of the per-folio limiter key
    enviada: Callable[[Constancia, str], dict[str, Any]]  # the answer for a document sent
    log: logging.Logger  # its flow's, where log searches look for its lines

    def clave_folio(self) -> str:
        """The limiter key for the document a token names: its folio, never the address."""
        leido = leer_token_reenvio(request.form.get("token", ""), self.salt)
        return f"{self.clave}:" + (leido.folio if leido else "invalido")

    def responder(self, resultado: dict[str, Any], status: int = 200) -> ResponseReturnValue:
        return render_template(self.pagina, **{self.nombre: resultado}), status

    def atender(self) -> ResponseReturnValue:
        """Email the document again to where it went, once per button; or say why not."""
        leido = leer_token_reenvio(request.form.get("token", ""), self.salt)
        row = db.session.get(Constancia, leido.folio) if leido else None
        valido = row is not None and row.tipo == self.tipo
        if leido is None or row is None or not valido or row.entrega != mask_email(leido.email):
            return self.responder({"estado": "invalido"}, 400)
        estado = verificacion.estado(row, ahora())
        if estado != "vigente":
            return self.responder({"estado": estado, "folio": row.folio}, 410)
        if not reenviar_una_vez(row, leido, self.plantilla):
            # 409: genuine and on time, but the resend it stood for was done. No new button
            # here: it would let whoever replays a token go on resending.
            self.log.info("Reenvío rechazado, el botón ya se usó: %s", row.folio)
            usado = {"estado": "usado", "folio": row.folio, "entrega": row.entrega}
            return self.responder(usado, 409)
        self.log.info("Reenvío de constancia en cola: %s", row.folio)
        return self.responder({**self.enviada(row, leido.email), "reenviada": True})
