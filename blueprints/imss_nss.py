"""/imss/nss: the NSS lookup, sent by email, never shown.

The lookup answers every CURP alike on screen. Like IMSS's own service, it sends the answer to
the address typed, so whoever types a CURP and their own address learns that CURP's NSS (or
that it has none): the NSS is no secret, and the vigencia asks for it beside the CURP only to
catch mistakes. What keeps it from being a directory is its limits: per client address (counted
once there is a captcha answer to check), and per CURP and per destination mailbox (keyed by
HMACs under SECRET_KEY, never the CURP or the address; counted only for a lookup that will be
sent, so that posts with someone's CURP and a wrong captcha can't use up that CURP's budget).

The form sent again within moments with the same fields (a double tap) gets the first post's
answer: nothing is sent twice, nor counted twice against a CURP or a mailbox
(``envio_repetido``). Apart from ``blueprints.imss``, whose ``bp`` this route joins when ``app``
imports this module, so that its endpoint stays ``imss.consulta_nss``.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from blueprints import envio_repetido
from blueprints.constancias_forms import leer_captcha, leer_curp, leer_email
from blueprints.extensions import db, limiter
from blueprints.formulario_sin_token import confirmar_sin_token, desde_otro_sitio, enviado
from blueprints.htmx_util import swaps_land_on
from blueprints.imss import bp, responder
from blueprints.mail import queue_email
from blueprints.secretos import seudonimo_de
from domain import buzones, curp, registry
from domain.hoy import today_in_mexico
from domain.mascaras import mask_curp, mask_email

# The logger of blueprints.imss, where these lines were written before this module was cut out
# of it: log searches by logger still find them.
log = logging.getLogger("blueprints.imss")

NSS_LIMIT = "5 per minute;30 per day"
NSS_CURP_LIMIT = "3 per hour;6 per day"
NSS_EMAIL_LIMIT = "10 per day"  # a family's CURPs, not a list of strangers'
NSS_ENVIADO = "enviado"  # what envio_repetido keeps for a lookup sent


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
    form = {"curp": enviado("curp"), "email": enviado("email", destino=True)}
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
