"""/constancias/*: the blueprint, its setup and errors, and the no afiliación (ISSSTE) flow, a
lookup and a PDF downloaded at once. The flows that email their document (no derechohabiencia,
both at once, the resend) add their routes to this ``bp`` from ``constancias_correo``. What
other blueprints share with these (the signing service, the download, the email, the form
fields) is in ``constancias_servicio`` and ``constancias_forms``.

Every issuance is one transaction: folio, ledger row, PDF drawn, email queued, commit. If any
step fails the whole thing rolls back, so no folio is taken for a document nobody received.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from blueprints import descarga_repetida
from blueprints.constancias_forms import leer_curp
from blueprints.constancias_servicio import Servicio, ahora, descargar_pdf, servicio
from blueprints.errors import render_error, wants_json
from blueprints.extensions import db, limiter
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from blueprints.htmx_util import fragment_for, swap_target, swaps_land_on, wants_fragment
from domain import constancias, constancias_sin_derecho, registry, signing_config
from domain.constancia_tipos import NO_AFILIACION
from domain.hoy import today_in_mexico
from domain.pdf import PdfError

bp = Blueprint("constancias", __name__)
log = logging.getLogger(__name__)

LOOKUP_LIMIT = "30 per minute;300 per day"
ISSUE_LIMIT = "10 per minute;100 per day"
RESEND_LIMIT = "3 per hour"


@bp.record_once
def _setup(state: Any) -> None:
    app = state.app
    app.extensions["constancias"] = Servicio(app)

    def prepare_signing_key() -> None:
        # `make run` (demo prepare): create instance/signing_key.pem now, not on first request.
        app.extensions["constancias"].signer  # noqa: B018

    app.extensions.setdefault("prepare_hooks", []).append(prepare_signing_key)


@bp.app_errorhandler(signing_config.SigningKeyMissing)
@bp.app_errorhandler(signing_config.SigningKeyInvalid)
@bp.app_errorhandler(PdfError)
def _no_disponible(exc: Exception) -> ResponseReturnValue:
    # The messages are fixed Spanish sentences (and a key path): nothing personal to log.
    log.error("Constancias no disponibles (%s): %s", type(exc).__name__, exc)
    if wants_json() or wants_fragment():  # the keys and verification APIs; an htmx request
        detail = "No podemos firmar ni verificar documentos en este momento."
        response = render_error(503, detail=detail)
        response.headers["Retry-After"] = "300"
        return response
    html = render_template(
        "constancias/no_disponible.html", sin_clave=not isinstance(exc, PdfError)
    )
    return html, 503, {"Retry-After": "300"}


# --- no afiliación (ISSSTE) ---------------------------------------------------------------


@bp.get("/constancias")
def indice() -> ResponseReturnValue:
    return render_template("constancias/indice.html")


@bp.route("/constancias/no-afiliacion", methods=["GET", "POST"])
@limiter.limit(LOOKUP_LIMIT, methods=["POST"])
def no_afiliacion() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    value, report, resultado = "", None, None
    if request.method == "POST":
        value, report = leer_curp(errors)
        if not errors:
            # A read on a pooled connection: no ORM session to open and tear down.
            with db.engine.connect() as connection:
                resultado = registry.estado_issste(connection, value, today_in_mexico())
    context = {"value": value, "errors": errors, "report": report, "resultado": resultado}
    page = "constancias/no_afiliacion.html"
    if not wants_fragment():
        return render_template(page, **context), 422 if errors else 200
    if resultado and swap_target() == "resultado":
        # The form stays as the person left it: only the answer is drawn and swapped.
        return fragment_for(page, "constancias/_issste_resultado.html", **context)
    # Errors, or a form that asked for everything: the form and the answer, in their place.
    fragment = fragment_for(page, "constancias/_no_afiliacion.html", **context)
    return fragment, {"HX-Retarget": "#tramite", "HX-Reswap": "innerHTML"}


swaps_land_on("constancias/no_afiliacion.html", "constancias.no_afiliacion")


@confirmar_sin_token(
    "constancias.no_afiliacion", "constancias.descargar_no_afiliacion", otros_sitios=True
)
def _confirmar_no_afiliacion(**motivo: Any) -> ResponseReturnValue:
    context = {"value": enviado("curp"), "errors": {}, "report": None, "resultado": None}
    return render_template("constancias/no_afiliacion.html", **motivo, **context)


@bp.post("/constancias/no-afiliacion/descargar")
def descargar_no_afiliacion() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    value, report = leer_curp(errors)
    now = ahora()
    descarga = descarga_repetida.pedir(NO_AFILIACION, value, now) if not errors else None
    if descarga and descarga.anterior:  # asked again at once: the same document, no issue limit
        return descargar_pdf(descarga.anterior, de_nuevo=True)
    limiter.limit_here(ISSUE_LIMIT)
    context: dict[str, Any] = {"value": value, "errors": errors, "report": report}
    if errors or descarga is None:
        return render_template("constancias/no_afiliacion.html", resultado=None, **context), 422
    try:
        row = constancias_sin_derecho.emitir_no_afiliacion(
            db.session, servicio().signer, value, now, emisor=servicio().emisor
        )
    except constancias.Afiliado:
        db.session.rollback()
        page = render_template("constancias/no_afiliacion.html", resultado="afiliado", **context)
        return page, 409
    response = descargar_pdf(row)
    descarga_repetida.anotar(descarga, row)
    return response
