"""IMSS services without an account: the Constancia de Vigencia de Derechos (CURP + NSS, sent
by email, with its own resend) and the NSS lookup (sent by email, never shown).

The NSS lookup answers every CURP alike on screen. Like IMSS's own service, it sends the
answer to the address typed, so whoever types a CURP and their own address learns that CURP's
NSS (or that it has none): the NSS is no secret, and the vigencia asks for it beside the CURP
only to catch mistakes. What keeps it from being a directory is its limits: per client address
(counted once there is a captcha answer to check), and per CURP and per destination mailbox
(keyed by HMACs under SECRET_KEY, never the CURP or the address; counted only for a lookup that
will be sent, so that posts with someone's CURP and a wrong captcha can't use up that CURP's
budget).

Both forms sent again within moments with the same fields (a double tap) get the first post's
answer: nothing is issued or sent twice, nor counted twice against a CURP or a mailbox
(``envio_repetido``).
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
from blueprints.constancias_servicio import (
    ahora,
    enviar_constancia,
    leer_token_reenvio,
    reenviar_una_vez,
    servicio,
    token_reenvio,
)
from blueprints.extensions import db, limiter
from blueprints.formulario_sin_token import confirmar_sin_token, desde_otro_sitio, enviado
from blueprints.htmx_util import fragment_for, swaps_land_on, wants_fragment
from blueprints.mail import queue_email
from blueprints.secretos import seudonimo_de
from domain import (
    buzones,
    constancia_tipos,
    constancias,
    constancias_vigencia,
    curp,
    nss,
    registry,
    verificacion,
)
from domain.hoy import today_in_mexico
from domain.models import Constancia
from domain.outbox import mask_email
from domain.redact import mask_curp

bp = Blueprint("imss", __name__)
log = logging.getLogger(__name__)

NSS_LIMIT = "5 per minute;30 per day"
NSS_CURP_LIMIT = "3 per hour;6 per day"
NSS_EMAIL_LIMIT = "10 per day"  # a family's CURPs, not a list of strangers'
RESEND_SALT = "reenvio-vigencia-imss"
# What envio_repetido keeps for a vigencia refused as not matching, and for a lookup sent.
NO_CORRESPONDE = "no_corresponde"
NSS_ENVIADO = "enviado"


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


def _folio_key() -> str:
    leido = leer_token_reenvio(request.form.get("token", ""), RESEND_SALT)
    return "reenvio-vi:" + (leido.folio if leido else "invalido")


def _enviar(row: Constancia, email: str) -> None:
    enviar_constancia(row, email, servicio().renderer.pdf(row), "imss_vigencia")


def _enviada(row: Constancia, email: str, reenviada: bool = False) -> dict[str, Any]:
    return {
        "estado": "enviada",
        "folio": row.folio,
        "entrega": row.entrega,
        "reenviada": reenviada,
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
    form = {"curp": enviado("curp"), "nss": enviado("nss"), "email": enviado("email")}
    context = {"report": None, "nss_report": None, "nss_aviso": None, "resultado": None}
    return render_template("imss/vigencia.html", form=form, errors={}, **motivo, **context)


# Over its limit, the general page, as constancias.reenviar's button and for the same reason.
@bp.post("/constancias/vigencia-imss/reenviar")
@limiter.limit(RESEND_LIMIT)
@limiter.limit(RESEND_LIMIT, key_func=_folio_key)
def reenviar_vigencia() -> ResponseReturnValue:
    page = "imss/vigencia_reenvio.html"
    leido = leer_token_reenvio(request.form.get("token", ""), RESEND_SALT)
    row = db.session.get(Constancia, leido.folio) if leido else None
    valido = row is not None and row.tipo == constancia_tipos.VIGENCIA_IMSS.clave
    if leido is None or row is None or not valido or row.entrega != mask_email(leido.email):
        return render_template(page, resultado={"estado": "invalido"}), 400
    estado = verificacion.estado(row, ahora())
    if estado != "vigente":
        return render_template(page, resultado={"estado": estado, "folio": row.folio}), 410
    if not reenviar_una_vez(row, leido, "imss_vigencia"):
        # 409 and no new button, as in constancias.reenviar.
        log.info("Reenvío rechazado, el botón ya se usó: %s", row.folio)
        usado = {"estado": "usado", "folio": row.folio, "entrega": row.entrega}
        return render_template(page, resultado=usado), 409
    log.info("Reenvío de constancia en cola: %s", row.folio)
    return render_template(page, resultado=_enviada(row, leido.email, reenviada=True))


# --- NSS lookup ----------------------------------------------------------------------------


def _curp_key() -> str:
    """The limiter key for one CURP: a keyed pseudonym of its normal form, never the CURP."""
    value = request.form.get("curp", "")[:256]
    normal = curp.report(value).curp or "".join(value.split()).upper()
    return "nss-curp:" + seudonimo_de(b"derechohabiencia/limite-nss-curp", normal)[:24]


def _email_key(email: str) -> str:
    """The limiter key for the mailbox the lookup is sent to: a keyed pseudonym, never the
    address.

    Every way of typing one mailbox (a subaddress, the domain in punycode or capitals, an
    accent composed or not) counts as that one mailbox (``buzones.buzon``).
    """
    buzon = buzones.buzon(email)
    return "nss-correo:" + seudonimo_de(b"derechohabiencia/limite-nss-correo", buzon)[:24]


def _enviar_nss(curp_value: str, email: str) -> None:
    situacion = registry.situacion(db.session, curp_value, today_in_mexico())
    numeros = sorted({a.numero_afiliacion for a in situacion.imss})
    # The CURP masked, as in the logs: the person knows which one they typed, and a message
    # that may sit unread in a mailbox others open need not carry it whole.
    curp_mostrada = mask_curp(curp_value)
    if numeros:
        queue_email(email, "imss_nss", _("Tu Número de Seguridad Social (NSS)"),
                    curp=curp_mostrada, numeros=numeros)  # fmt: skip
    else:
        queue_email(email, "imss_nss_sin_registro", _("No encontramos un NSS con tu CURP"),
                    curp=curp_mostrada)  # fmt: skip


def _consultar_nss(curp_value: str, email: str) -> None:
    limiter.limit_here((NSS_CURP_LIMIT, _curp_key), (NSS_EMAIL_LIMIT, lambda: _email_key(email)))
    try:
        _enviar_nss(curp_value, email)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    log.info("Consulta de NSS atendida")  # the same line whatever the answer


@bp.route("/imss/nss", methods=["GET", "POST"])
def consulta_nss() -> ResponseReturnValue:
    page, fragment = "imss/nss.html", "imss/_nss.html"
    if request.method == "GET":
        return render_template(page, form={}, errors={}, report=None, entrega=None)
    errors: dict[str, str] = {}
    curp_value, report = leer_curp(errors)
    email = leer_email(errors)
    # A blank form or a slip gets its messages back uncounted (someone who needs several tries
    # must not meet a 429 for them); a captcha answer to check is counted per client address.
    envio = leer_captcha(errors, lambda: limiter.limit_here(NSS_LIMIT))
    form = {"curp": curp_value, "email": email}
    if errors:
        return responder(page, fragment, 422, form=form, errors=errors, report=report, entrega=None)
    if not envio.repetido:  # else this form sent again (a double tap): the first one's email
        _consultar_nss(curp_value, email)
        envio_repetido.responder(envio, NSS_ENVIADO)
    return responder(page, fragment, 200, form={}, errors={}, report=None,
                     entrega=mask_email(email))  # fmt: skip


swaps_land_on("imss/nss.html", "imss.consulta_nss")


@confirmar_sin_token("imss.consulta_nss")
def _confirmar_nss(**motivo: Any) -> ResponseReturnValue:
    # Nothing looked up, sent or counted against the limits until it comes back with a token.
    form = {"curp": enviado("curp"), "email": enviado("email")}
    return render_template(
        "imss/nss.html", form=form, errors={}, report=None, entrega=None, **motivo
    )


@desde_otro_sitio("imss.consulta_nss")
def _nss_desde_otro_sitio() -> ResponseReturnValue:
    # Empty, for the reason the form is refilled only from our own pages: another site must not
    # hand a person our form with its own address in it, for the NSS to be sent there.
    return render_template(
        "imss/nss.html", form={}, errors={}, report=None, entrega=None, desde_fuera=True
    )
