"""/constancias/vigencia-imss: the Constancia de Vigencia de Derechos (CURP + NSS, sent by
email, with its own resend). The NSS lookup, /imss/nss, adds its route to this ``bp`` from
``imss_nss``.

The form sent again within moments with the same fields (a double tap) gets the first post's
answer: nothing is issued or sent twice (``envio_repetido``).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints import envio_repetido
from blueprints.captcha import EXPIRED
from blueprints.constancias import ISSUE_LIMIT, RESEND_LIMIT
from blueprints.constancias_forms import leer_captcha, leer_codigo, leer_curp, leer_email
from blueprints.constancias_reenvio import Reenvio
from blueprints.constancias_servicio import (
    ahora,
    enviar_constancia,
    servicio,
    token_reenvio,
)
from blueprints.extensions import db, limiter
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from blueprints.htmx_util import fragment_for, swaps_land_on, wants_fragment
from domain import constancia_tipos, constancias, constancias_vigencia, nss
from domain.mascaras import mask_email
from domain.models import Constancia

bp = Blueprint("imss", __name__)
log = logging.getLogger(__name__)

RESEND_SALT = "reenvio-vigencia-imss"
NO_CORRESPONDE = "no_corresponde"  # what envio_repetido keeps for a vigencia refused


def leer_nss(errors: dict[str, str]) -> tuple[str, nss.NssReport | None]:
    """The NSS field: its compact form and, when it is not valid, the report that says why."""
    return leer_codigo(errors, "nss", nss.validate, "NSS", _nss_vacio)


def _nss_vacio() -> str:
    return _("Escribe tu NSS: son 11 números.")


def responder(page: str, fragment: str, status: int, **context: Any) -> ResponseReturnValue:
    """The full page with ``status``, or for htmx the fragment with 200 (htmx swaps only 2xx)
    and the page's title."""
    if wants_fragment():
        return fragment_for(page, fragment, **context)
    return render_template(page, **context), status


# --- Constancia de Vigencia de Derechos ----------------------------------------------------


def _enviar(row: Constancia, email: str) -> None:
    enviar_constancia(row, email, servicio().renderer.pdf(row), "imss_vigencia")


def _enviada(row: Constancia, email: str) -> dict[str, Any]:
    return {
        "estado": "enviada",
        "folio": row.folio,
        "entrega": row.entrega,
        "reenviada": False,
        "token": token_reenvio(row.folio, email, RESEND_SALT),
    }


def _anterior(repetido: str, email: str) -> dict[str, Any] | None:
    """The first post's answer again (``envio_repetido``): the same fields, so the same
    address. None when its document is no longer in the ledger (deleted since, once issued)."""
    if repetido == NO_CORRESPONDE:
        return {"estado": NO_CORRESPONDE}
    row = db.session.get(Constancia, repetido)
    return _enviada(row, email) if row is not None else None


def _emitir(
    curp_value: str,
    nss_value: str,
    email: str,
    envio: envio_repetido.Envio,
    anterior: dict[str, Any] | None,
) -> dict[str, Any]:
    """Issue and email the document, or the neutral refusal; commits. The same form sent again
    gets ``anterior``, that answer again."""
    if anterior is not None:
        return anterior
    service = servicio()
    try:
        row = constancias_vigencia.emitir_vigencia_imss(
            db.session, service.signer, curp_value, nss_value, ahora(),
            emisor=service.emisor, entrega=mask_email(email),
        )  # fmt: skip
        _enviar(row, email)
        db.session.commit()
    except constancias.NoCorresponde:
        db.session.rollback()
        log.info("Vigencia IMSS: la CURP y el NSS no corresponden")
        envio_repetido.responder(envio, NO_CORRESPONDE)
        return {"estado": NO_CORRESPONDE}
    except Exception:
        db.session.rollback()
        raise
    log.info("Constancia emitida; correo en cola: %s", row.folio)
    envio_repetido.responder(envio, row.folio)
    return _enviada(row, email)


@bp.route("/constancias/vigencia-imss", methods=["GET", "POST"])
@limiter.limit(ISSUE_LIMIT, methods=["POST"])
def vigencia() -> ResponseReturnValue:
    page, fragment = "imss/vigencia.html", "imss/_vigencia.html"
    context: dict[str, Any] = {
        "form": {}, "errors": {}, "report": None, "nss_report": None, "nss_aviso": None,
    }  # fmt: skip
    if request.method == "GET":
        return render_template(page, resultado=None, **context)
    errors: dict[str, str] = {}
    curp_value, report = leer_curp(errors)
    nss_value, nss_report = leer_nss(errors)
    email = leer_email(errors)
    envio = leer_captcha(errors)
    anterior = _anterior(envio.repetido, email) if envio.repetido else None
    if envio.repetido and anterior is None:
        # Nothing to give again, as after a first post that left nothing to repeat: its captcha
        # is spent all the same, and nothing is issued without a new one.
        errors["captcha"] = str(EXPIRED)
    form = {"curp": curp_value, "nss": nss_value, "email": email}
    # Issue 9: a year of birth that disagrees with the CURP's is a warning beside the NSS, never
    # an error; it is drawn wherever the form is (the document, once sent, replaces the form).
    aviso = nss.birth_year_mismatch(nss_value, curp_value)
    context.update(form=form, errors=errors, report=report, nss_report=nss_report, nss_aviso=aviso)
    if errors:
        return responder(page, fragment, 422, resultado=None, **context)
    resultado = _emitir(curp_value, nss_value, email, envio, anterior)
    status = 422 if resultado["estado"] == NO_CORRESPONDE else 200
    return responder(page, fragment, status, resultado=resultado, **context)


swaps_land_on("imss/vigencia.html", "imss.vigencia")


@confirmar_sin_token("imss.vigencia", otros_sitios=True)
def _confirmar_vigencia(**motivo: Any) -> ResponseReturnValue:
    nss_value, email = enviado("nss", destino=True), enviado("email", destino=True)
    form = {"curp": enviado("curp"), "nss": nss_value, "email": email}
    context = {"report": None, "nss_report": None, "nss_aviso": None, "resultado": None}
    return render_template("imss/vigencia.html", form=form, errors={}, **motivo, **context)


REENVIO = Reenvio(
    tipo=constancia_tipos.VIGENCIA_IMSS.clave,
    salt=RESEND_SALT,
    plantilla="imss_vigencia",
    pagina="imss/vigencia_reenvio.html",
    nombre="resultado",
    clave="reenvio-vi",
    enviada=_enviada,
    log=log,
)


# Over its limit, the general page, as constancias.reenviar's button and for the same reason.
@bp.post("/constancias/vigencia-imss/reenviar")
@limiter.limit(RESEND_LIMIT)
@limiter.limit(RESEND_LIMIT, key_func=REENVIO.clave_folio)
def reenviar_vigencia() -> ResponseReturnValue:
    return REENVIO.atender()
