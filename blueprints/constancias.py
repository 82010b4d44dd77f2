"""/constancias/*: the public flows that issue signed PDFs (no afiliación, no derechohabiencia,
both at once) and the resend. What other blueprints share with these (the signing service, the
download, the email, the form fields) is in ``constancias_servicio`` and ``constancias_forms``.

Every issuance is one transaction: folio, ledger row, PDF drawn, email queued, commit. If any
step fails the whole thing rolls back, so no folio is taken for a document nobody received.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from blueprints import descarga_repetida, envio_repetido
from blueprints.constancias_forms import leer_curp, leer_email
from blueprints.constancias_servicio import (
    Servicio,
    ahora,
    descargar_pdf,
    enviar_constancia,
    leer_token_reenvio,
    reenviar_una_vez,
    servicio,
    token_reenvio,
)
from blueprints.errors import render_error, wants_json
from blueprints.extensions import db, limiter
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from blueprints.htmx_util import fragment_for, swap_target, swaps_land_on, wants_fragment
from domain import (
    constancia_tipos,
    constancias,
    constancias_sin_derecho,
    curp,
    registry,
    signing_config,
    verificacion,
)
from domain.constancia_tipos import NO_AFILIACION
from domain.hoy import today_in_mexico
from domain.models import Constancia
from domain.outbox import mask_email
from domain.pdf import PdfError

bp = Blueprint("constancias", __name__)
log = logging.getLogger(__name__)

LOOKUP_LIMIT = "30 per minute;300 per day"
ISSUE_LIMIT = "10 per minute;100 per day"
RESEND_LIMIT = "3 per hour"
VIGENTE = "vigente"  # what envio_repetido keeps for a form refused with Afiliado


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
def _confirmar_no_afiliacion() -> ResponseReturnValue:
    context = {"value": enviado("curp"), "errors": {}, "report": None, "resultado": None}
    return render_template("constancias/no_afiliacion.html", confirmar=True, **context)


def _issste(situacion: registry.Situacion) -> str:
    if situacion.issste_vigente:
        return "afiliado"
    return "sin_afiliacion" if situacion.persona else "sin_registro"


@bp.post("/constancias/no-afiliacion/descargar")
def descargar_no_afiliacion() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    value, report = leer_curp(errors)
    now = ahora()
    descarga = descarga_repetida.pedir(NO_AFILIACION, value, now) if not errors else None
    if descarga and descarga.anterior:  # asked again at once: the same document, nothing spent
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


# --- no derechohabiencia (IMSS), both at once, resend -------------------------------------


def _folio_key() -> str:
    leido = leer_token_reenvio(request.form.get("token", ""))
    return "reenvio:" + (leido.folio if leido else "invalido")


def _resultado_envio(row: Constancia, email: str) -> dict[str, Any]:
    return {
        "estado": "enviada",
        "folio": row.folio,
        "entrega": row.entrega,
        "emitida": constancias.local(row.emitida),
        "token": token_reenvio(row.folio, email),
    }


def _emitir_imss(value: str, email: str, envio: envio_repetido.Envio) -> dict[str, Any]:
    """Issue and email the IMSS document, or say why not; commits. The same form sent again
    gets that answer, from the ledger (``envio_repetido``)."""
    if envio.repetido:
        return _repetido_imss(envio.repetido, email)
    service = servicio()
    try:
        row = constancias_sin_derecho.emitir_no_derechohabiencia(
            db.session, service.signer, value, ahora(), emisor=service.emisor,
            entrega=mask_email(email),
        )  # fmt: skip
        enviar_constancia(row, email, service.renderer.pdf(row))
        db.session.commit()
    except constancias.Afiliado:
        db.session.rollback()
        envio_repetido.responder(envio, VIGENTE)
        return {"estado": "vigente"}
    except Exception:
        db.session.rollback()
        raise
    log.info("Constancia emitida; correo en cola: %s", row.folio)
    envio_repetido.responder(envio, row.folio)
    return _resultado_envio(row, email)


def _repetido_imss(resultado: str, email: str) -> dict[str, Any]:
    """The first post's answer again: the same fields, so the same address it went to."""
    if resultado == VIGENTE:
        return {"estado": "vigente"}
    row = db.session.get(Constancia, resultado)
    assert row is not None  # recorded once the transaction that issued it committed
    return _resultado_envio(row, email)


def _formulario_imss() -> tuple[
    dict[str, str], dict[str, str], curp.CurpReport | None, envio_repetido.Envio
]:
    errors: dict[str, str] = {}
    value, report = leer_curp(errors)
    email = leer_email(errors)
    envio = envio_repetido.revisar(request.form)
    if envio.error:
        errors["captcha"] = envio.error
    return {"curp": value, "email": email}, errors, report, envio


@bp.route("/constancias/no-derechohabiencia", methods=["GET", "POST"])
@limiter.limit(ISSUE_LIMIT, methods=["POST"])
def no_derechohabiencia() -> ResponseReturnValue:
    page = "constancias/no_derechohabiencia.html"
    if request.method == "GET":
        return render_template(page, form={}, errors={}, report=None, imss=None)
    form, errors, report, envio = _formulario_imss()
    if errors:
        return render_template(page, form=form, errors=errors, report=report, imss=None), 422
    imss = _emitir_imss(form["curp"], form["email"], envio)
    return render_template(page, form=form, errors={}, report=None, imss=imss)


@confirmar_sin_token("constancias.no_derechohabiencia", otros_sitios=True)
def _confirmar_no_derechohabiencia() -> ResponseReturnValue:
    form = {"curp": enviado("curp"), "email": enviado("email")}
    page = "constancias/no_derechohabiencia.html"
    return render_template(page, form=form, errors={}, report=None, imss=None, confirmar=True)


@bp.route("/constancias/sin-seguridad-social", methods=["GET", "POST"])
@limiter.limit(ISSUE_LIMIT, methods=["POST"])
def sin_seguridad_social() -> ResponseReturnValue:
    page = "constancias/sin_seguridad_social.html"
    empty: dict[str, Any] = {"report": None, "imss": None, "issste": None}
    if request.method == "GET":
        return render_template(page, form={}, errors={}, **empty)
    form, errors, report, envio = _formulario_imss()
    if errors:
        return render_template(page, form=form, errors=errors, **{**empty, "report": report}), 422
    situacion = registry.situacion(db.session, form["curp"], today_in_mexico())
    issste = _issste(situacion)
    imss = _emitir_imss(form["curp"], form["email"], envio)
    return render_template(page, form=form, errors={}, report=None, imss=imss, issste=issste)


@confirmar_sin_token("constancias.sin_seguridad_social", otros_sitios=True)
def _confirmar_sin_seguridad_social() -> ResponseReturnValue:
    form = {"curp": enviado("curp"), "email": enviado("email")}
    page = "constancias/sin_seguridad_social.html"
    empty = {"report": None, "imss": None, "issste": None}
    return render_template(page, form=form, errors={}, confirmar=True, **empty)


@bp.post("/constancias/reenviar")
@limiter.limit(RESEND_LIMIT)
@limiter.limit(RESEND_LIMIT, key_func=_folio_key)
def reenviar() -> ResponseReturnValue:
    page = "constancias/reenvio.html"
    leido = leer_token_reenvio(request.form.get("token", ""))
    row = db.session.get(Constancia, leido.folio) if leido else None
    valido = row is not None and row.tipo == constancia_tipos.NO_DERECHOHABIENCIA.clave
    if leido is None or row is None or not valido or row.entrega != mask_email(leido.email):
        return render_template(page, imss={"estado": "invalido"}), 400
    estado = verificacion.estado(row, ahora())
    if estado != "vigente":
        return render_template(page, imss={"estado": estado, "folio": row.folio}), 410
    if not reenviar_una_vez(row, leido, "constancia_no_derechohabiencia"):
        # 409: genuine and on time, but the resend it stood for was done. No new button here:
        # it would let whoever replays a token go on resending.
        log.info("Reenvío rechazado, el botón ya se usó: %s", row.folio)
        usado = {"estado": "usado", "folio": row.folio, "entrega": row.entrega}
        return render_template(page, imss=usado), 409
    log.info("Reenvío de constancia en cola: %s", row.folio)
    return render_template(page, imss={**_resultado_envio(row, leido.email), "reenviada": True})
