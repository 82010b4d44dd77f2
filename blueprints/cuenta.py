"""/cuenta/...: the Oficina Virtual account's ``bp`` and what its views share (emailed links, the
count of password attempts).

The views sit on this same ``bp``, in modules named for what they do; app.py imports them,
which is what adds their routes:

- ``cuenta_entrar``: sign in and out;
- ``cuenta_registro``: create an account (with the inline checks);
- ``cuenta_reenviar``: send its activation link again;
- ``cuenta_activar``: activate it, from the emailed link and with the password chosen;
- ``cuenta_recuperar``: recover the password;
- ``cuenta_correo``: confirm a new address.

Every emailed link opens a page with a button; only the POST uses the token, so mail scanners
that open links cannot spend it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from blueprints import caducados
from blueprints.cuenta_forms import comprobar, en_su_idioma, enviar, enviar_activacion, now
from blueprints.extensions import db
from blueprints.mail import url_publica
from domain import bloqueo, enlaces, fallos, tokens
from domain.mascaras import mask_email
from domain.models import Cuenta

bp = Blueprint("cuenta", __name__)

RESEND_RULE = "3 per hour"  # activation links to one address


@bp.after_request
def _no_store(response: Response) -> Response:
    response.cache_control.no_store = True  # personal data and one-time links: never cache
    return response


def see_other(endpoint: str, **values: Any) -> Response:
    return redirect(url_for(endpoint, **values), 303)


# --- Emailed links (activation, recovery, a new address) --------------------------------------


def enlace_caido(proposito: str, contenido: tokens.Contenido | None, motivo: str) -> Response:
    """The page for a link that no longer works, with a way to get a new one."""
    cuenta = db.session.get(Cuenta, contenido.cuenta_id) if contenido else None
    if cuenta is None:
        motivo = "invalido"
    elif proposito == "activar" and cuenta.activa:
        return Response(render_template("cuenta/activada.html", ya_activa=True))
    html = render_template(
        "cuenta/enlace_invalido.html",
        proposito=proposito,
        motivo=motivo,
        email=mask_email(cuenta.email) if cuenta else None,
        token=request.view_args.get("token") if request.view_args else None,
    )
    return Response(html, status=400 if motivo == "invalido" else 410)


def leer_enlace(proposito: str, token: str) -> tuple[Cuenta, tokens.Contenido] | Response:
    try:
        return comprobar(proposito, token)
    except tokens.TokenVencido as exc:
        return enlace_caido(proposito, exc.contenido, "vencido")
    except tokens.TokenUsado as exc:
        return enlace_caido(proposito, exc.contenido, "usado")
    except tokens.TokenInvalido:
        return enlace_caido(proposito, None, "invalido")


def reenviar_activacion(cuenta: Cuenta, version: int, email: str) -> bool:
    """A new activation link for the pending ``cuenta`` as read at ``version`` and ``email``
    (``enlaces.reenviar``), queued in the caller's transaction; False, nothing sent, if it
    changed since. The purge of pending accounts counts from this link (``creada``, as a
    registration started over does): one sent on day 29 must not die with its account."""
    if not enlaces.reenviar(db.session, cuenta, version, email):
        return False
    cuenta.creada = now()
    enviar_activacion(cuenta)  # only the newest link works
    return True


# --- Password attempts (sign-in and activation) ---------------------------------------------------


def reservar(cuenta: Cuenta, moment: dt.datetime) -> fallos.Reserva:
    """Count an attempt at ``cuenta``'s password before it is checked, at sign-in or at
    activation (one count for both, domain/bloqueo), committed so that every request, on any
    server, sees it; turned away unchecked while locked (domain/fallos)."""
    reserva = fallos.reservar(db.session, cuenta, moment)
    db.session.commit()
    return reserva


def anotar_fallo(cuenta: Cuenta, reserva: fallos.Reserva, moment: dt.datetime) -> int:
    """A wrong password, its attempt counted already (``reservar``): the one that locked
    emails the owner, once per lock. The minutes the lock has left, or 0 when it did not lock."""
    # Queued after the check, not with the count: a right fifth password has no lock to tell of.
    if reserva.bloquea:
        with en_su_idioma(cuenta.idioma):  # the wrong passwords were most likely a stranger's
            enviar(
                cuenta.email,
                "bloqueada",
                _("Pausamos la entrada a tu cuenta"),
                para=cuenta,
                minutos=int(bloqueo.LOCK_TIME.total_seconds() // 60),
                recuperar=url_publica("cuenta.recuperar"),
            )
        db.session.commit()
    caducados.purgar_a_veces(moment)  # as a CURP without an account does: the same work
    return reserva.minutos(moment)
