"""/constancias/no-derechohabiencia, /constancias/sin-seguridad-social and the resend: the
flows whose IMSS document is emailed rather than downloaded, with a button to send it again.

Apart from ``blueprints.constancias`` (whose ``bp`` these routes join when ``app`` imports
this module) because they share the email, the resend token and the answer kept for a form sent
twice (``envio_repetido``), which the ISSSTE download there needs none of.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue

from blueprints import envio_repetido
from blueprints.captcha import EXPIRED
from blueprints.constancias import ISSUE_LIMIT, RESEND_LIMIT, bp
from blueprints.constancias_forms import leer_curp, leer_email
from blueprints.constancias_reenvio import Reenvio
from blueprints.constancias_servicio import (
    RESEND_SALT,
    ahora,
    enviar_constancia,
    servicio,
    token_reenvio,
)
from blueprints.extensions import db, limiter
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from domain import (
    constancia_tipos,
    constancias,
    constancias_sin_derecho,
    curp,
    registry,
)
from domain.hoy import today_in_mexico
from domain.mascaras import mask_email
from domain.models import Constancia

# The logger of blueprints.constancias, where these lines were written before this module was
# cut out of it: "Constancia emitida" lines stay where log searches by logger look for them.
log = logging.getLogger("blueprints.constancias")
VIGENTE = "vigente"  # what envio_repetido keeps for a form refused with Afiliado


def _issste(situacion: registry.Situacion) -> str:
    if situacion.issste_vigente:
        return "afiliado"
    return "sin_afiliacion" if situacion.persona else "sin_registro"


def _resultado_envio(row: Constancia, email: str) -> dict[str, Any]:
    return {
        "estado": "enviada",
        "folio": row.folio,
        "entrega": row.entrega,
        "emitida": constancias.local(row.emitida),
        "token": token_reenvio(row.folio, email),
    }


def _emitir_imss(
    value: str, email: str, envio: envio_repetido.Envio, anterior: dict[str, Any] | None
) -> dict[str, Any]:
    """Issue and email the IMSS document, or say why not; commits. The same form sent again
    gets ``anterior``, that answer again (``_repetido_imss``)."""
    if anterior is not None:
        return anterior
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


def _repetido_imss(resultado: str, email: str) -> dict[str, Any] | None:
    """The first post's answer again: the same fields, so the same address it went to. None
    when its document is no longer in the ledger (deleted since it was recorded, once issued)."""
    if resultado == VIGENTE:
        return {"estado": "vigente"}
    row = db.session.get(Constancia, resultado)
    return _resultado_envio(row, email) if row is not None else None


Formulario = tuple[
    dict[str, str],
    dict[str, str],
    curp.CurpReport | None,
    envio_repetido.Envio,
    dict[str, Any] | None,  # the first post's answer, for a form sent again
]


def _formulario_imss() -> Formulario:
    errors: dict[str, str] = {}
    value, report = leer_curp(errors)
    email = leer_email(errors)
    envio = envio_repetido.revisar(request.form)
    anterior = _repetido_imss(envio.repetido, email) if envio.repetido else None
    if envio.error:
        errors["captcha"] = envio.error
    elif envio.repetido and anterior is None:
        # Nothing to give again, as after a first post that left nothing to repeat: its captcha
        # is spent all the same, and nothing is issued without a new one.
        errors["captcha"] = str(EXPIRED)
    return {"curp": value, "email": email}, errors, report, envio, anterior


@bp.route("/constancias/no-derechohabiencia", methods=["GET", "POST"])
@limiter.limit(ISSUE_LIMIT, methods=["POST"])
def no_derechohabiencia() -> ResponseReturnValue:
    page = "constancias/no_derechohabiencia.html"
    if request.method == "GET":
        return render_template(page, form={}, errors={}, report=None, imss=None)
    form, errors, report, envio, anterior = _formulario_imss()
    if errors:
        return render_template(page, form=form, errors=errors, report=report, imss=None), 422
    imss = _emitir_imss(form["curp"], form["email"], envio, anterior)
    return render_template(page, form=form, errors={}, report=None, imss=imss)


@confirmar_sin_token("constancias.no_derechohabiencia", otros_sitios=True)
def _confirmar_no_derechohabiencia(**motivo: Any) -> ResponseReturnValue:
    form = {"curp": enviado("curp"), "email": enviado("email", destino=True)}
    page = "constancias/no_derechohabiencia.html"
    return render_template(page, form=form, errors={}, report=None, imss=None, **motivo)


@bp.route("/constancias/sin-seguridad-social", methods=["GET", "POST"])
@limiter.limit(ISSUE_LIMIT, methods=["POST"])
def sin_seguridad_social() -> ResponseReturnValue:
    page = "constancias/sin_seguridad_social.html"
    empty: dict[str, Any] = {"report": None, "imss": None, "issste": None}
    if request.method == "GET":
        return render_template(page, form={}, errors={}, **empty)
    form, errors, report, envio, anterior = _formulario_imss()
    if errors:
        return render_template(page, form=form, errors=errors, **{**empty, "report": report}), 422
    situacion = registry.situacion(db.session, form["curp"], today_in_mexico())
    issste = _issste(situacion)
    imss = _emitir_imss(form["curp"], form["email"], envio, anterior)
    return render_template(page, form=form, errors={}, report=None, imss=imss, issste=issste)


@confirmar_sin_token("constancias.sin_seguridad_social", otros_sitios=True)
def _confirmar_sin_seguridad_social(**motivo: Any) -> ResponseReturnValue:
    form = {"curp": enviado("curp"), "email": enviado("email", destino=True)}
    page = "constancias/sin_seguridad_social.html"
    empty = {"report": None, "imss": None, "issste": None}
    return render_template(page, form=form, errors={}, **motivo, **empty)


REENVIO = Reenvio(
    tipo=constancia_tipos.NO_DERECHOHABIENCIA.clave,
    salt=RESEND_SALT,
    plantilla="constancia_no_derechohabiencia",
    pagina="constancias/reenvio.html",
    nombre="imss",
    clave="reenvio",
    enviada=_resultado_envio,
    log=log,
)


# Over its limit, the general "Demasiadas solicitudes" page, not this button's page again
# (blueprints/formulario_al_limite.py): nothing was typed, and the page it was on is the answer
# to the post that issued the document, which only that post, or this view's checks of the
# ledger, can draw; its token stays good for when the wait is over.
@bp.post("/constancias/reenviar")
@limiter.limit(RESEND_LIMIT)
@limiter.limit(RESEND_LIMIT, key_func=REENVIO.clave_folio)
def reenviar() -> ResponseReturnValue:
    return REENVIO.atender()
