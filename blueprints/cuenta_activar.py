"""/cuenta/activar/<token>: activate an account from its emailed link, with its password.

Anyone who knows a CURP's data (all printed on the CURP) can start a pending registration over
with a password of their own, and the newest link then goes to the same address: were the link
enough, whoever registered last would choose the password of the account its owner activates.
So the page asks for the password of the latest registration. Wrong ones count towards the
lock sign-in uses (``anotar_fallo``) and spend nothing of the link; a blank one is a slip.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.security import check_password_hash

from blueprints.cuenta import anotar_fallo, bp, enlace_caido, leer_enlace, reservar
from blueprints.cuenta_forms import now
from blueprints.extensions import db, limiter
from blueprints.formulario_sin_token import confirmar_sin_token
from blueprints.ratelimit_respuesta import marcar_pausa
from domain import contrasenas, enlaces, fallos


def _pagina(
    token: str, errors: dict[str, str], status: int = 200, olvidada: bool = False
) -> ResponseReturnValue:
    """``olvidada``: a wrong password or the pause, whose message the page follows with the
    link to a new password by email."""
    html = render_template("cuenta/activar.html", token=token, errors=errors, olvidada=olvidada)
    return html, 422 if errors and status == 200 else status


# A new password by email (/cuenta/recuperar) is offered first: it needs only the mailbox, it
# activates a pending account too, and it ends a pause that anyone who knows the CURP can
# cause. Registering again asks for the captcha and every field.
def _incorrecta() -> str:
    return _(
        "Esa no es la contraseña que elegiste al registrarte. Si no la recuerdas, pide una "
        "nueva por correo o regístrate otra vez con los mismos datos."
    )


def _pausada(minutos: int) -> str:
    return ngettext(
        "Por tu seguridad, pausamos tu cuenta después de varios intentos con una contraseña "
        "equivocada. Vuelve a intentarlo en %(num)d minuto o pide una contraseña nueva por "
        "correo.",
        "Por tu seguridad, pausamos tu cuenta después de varios intentos con una contraseña "
        "equivocada. Vuelve a intentarlo en %(num)d minutos o pide una contraseña nueva por "
        "correo.",
        minutos,
    )


@bp.route("/cuenta/activar/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def activar(token: str) -> ResponseReturnValue:
    found = leer_enlace("activar", token)
    if isinstance(found, Response):
        return found
    cuenta, contenido = found
    if cuenta.activa:
        return render_template("cuenta/activada.html", ya_activa=True)
    if request.method == "GET":
        return _pagina(token, {})  # mail scanners open links: nothing is spent here
    password = request.form.get("password", "")[: contrasenas.MAX_PASSWORD]
    if not password:
        return _pagina(token, {"password": _("Escribe tu contraseña.")})
    moment = now()
    reserva = reservar(cuenta, moment)  # counted first: at most five checks per lock
    if not reserva.permitida:
        marcar_pausa()
        return _pagina(token, {"password": _pausada(reserva.minutos(moment))}, 429, olvidada=True)
    if not check_password_hash(cuenta.password_hash, password):
        if minutos := anotar_fallo(cuenta, reserva, moment):
            marcar_pausa()
            return _pagina(token, {"password": _pausada(minutos)}, 429, olvidada=True)
        return _pagina(token, {"password": _incorrecta()}, olvidada=True)
    if not enlaces.gastar(db.session, cuenta, contenido.version):
        # Another request used it first: "ya está activa", or the page for a spent link.
        return enlace_caido("activar", contenido, "usado")
    cuenta.activa = True
    fallos.limpiar(db.session, cuenta)  # the link is spent already (enlaces.gastar)
    db.session.commit()
    return render_template("cuenta/activada.html", ya_activa=False)


@confirmar_sin_token("cuenta.activar")
def _confirmar_activar(**motivo: Any) -> ResponseReturnValue:
    # The page left open over the form's hour: the same form again, the password asked for
    # again; nothing is checked, counted or spent until it is sent with this page's token.
    token = (request.view_args or {}).get("token", "")
    found = leer_enlace("activar", token)
    if isinstance(found, Response):
        return found
    if found[0].activa:
        return render_template("cuenta/activada.html", ya_activa=True)
    return render_template(
        "cuenta/activar.html", token=token, errors={}, confirmar_contrasena=True, **motivo
    )
