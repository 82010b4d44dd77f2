"""/cuenta/activar/reenviar: a new activation link, for the address typed, the expired link
given back, or the address this browser is waiting on (the link's own page is
blueprints/cuenta_activar.py; the account's creation, blueprints/cuenta_registro.py).

Like registration, it never says whether an address has an account waiting: an email either
way, the link or word that nothing waits there.
"""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request, session
from flask.typing import ResponseReturnValue

from blueprints.cuenta import RESEND_RULE, bp, reenviar_activacion, see_other
from blueprints.cuenta_forms import (
    PENDIENTE_CUENTA,
    form_values,
    pendiente,
    por_email,
    recordar_pendiente,
)
from blueprints.cuenta_limites import contar
from blueprints.cuenta_sin_cuenta import enviar_sin_pendiente, mirar_cupo
from blueprints.extensions import db, limiter
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from blueprints.secretos import secretos
from domain import buzones, tokens
from domain.mascaras import mask_email
from domain.models import Cuenta

# Per client address, counted only for the posts that reach the database (limiter.limit_here):
# a form sent with its address blank or mistyped gets its message back, uncounted.
REENVIAR_LIMIT = "10 per hour"


def _cuenta_del_enlace(token: str) -> Cuenta | None:
    """Whose activation link this was, even expired or used: a resend goes to that address."""
    try:
        contenido = tokens.leer(secretos(), "activar", token)
    except tokens.TokenVencido as exc:
        contenido = exc.contenido
    except tokens.TokenInvalido:
        return None
    return db.session.get(Cuenta, contenido.cuenta_id)


@bp.route("/cuenta/activar/reenviar", methods=["GET", "POST"])
def reenviar() -> ResponseReturnValue:
    """A new activation link: for the address typed, the link given back, or the one pending."""
    if request.method == "GET":
        return render_template("cuenta/reenviar.html", form={}, errors={})
    form = form_values(("email", "token"))
    escrito = not form["token"] and "email" in request.form
    destino, error = buzones.email_problem(form["email"]) if escrito else ("", None)
    if error:
        # Blank or mistyped: nothing to look up, so it is asked for again and never counted.
        return render_template("cuenta/reenviar.html", form=form, errors={"email": error}), 422
    limiter.limit_here(REENVIAR_LIMIT)
    if form["token"]:
        cuenta = _cuenta_del_enlace(form["token"])
        if cuenta is None:
            return render_template("cuenta/reenviar.html", form={}, errors={}), 400
        destino = cuenta.email
        # The link may be years old and the address changed since: whoever holds it learns
        # no more than its mask. Flask's session cookie is signed, not encrypted, so it keeps
        # the account's number here, never the address.
        session.pop("pendiente", None)
        session[PENDIENTE_CUENTA] = cuenta.id
    elif escrito:
        cuenta = por_email(destino)
        recordar_pendiente(destino)
    else:
        destino = pendiente()
        if not destino:
            return see_other(".reenviar")
        cuenta = por_email(destino)
    if not contar("reenviar", destino, RESEND_RULE):
        html = render_template("cuenta/correo_enviado.html", email=mask_email(destino), limite=True)
        return html, 429
    # As /cuenta/recuperar: an email either way (the link, or word that nothing waits for this
    # address), so the time taken does not tell whether the address has a pending account.
    # Word that nothing waits has a budget of its own (blueprints/cuenta_sin_cuenta.py).
    if cuenta is not None and not cuenta.activa:
        # Only the newest link works, and only for the account as read: started over (perhaps
        # at another address), sent a link or activated meanwhile, the request that did so
        # stands, and this one sends nothing.
        if reenviar_activacion(cuenta, cuenta.token_version, cuenta.email):
            mirar_cupo(destino)
    else:
        enviar_sin_pendiente(destino)
    db.session.commit()
    flash("reenviado", "reenviado")
    return see_other(".correo_enviado")


@confirmar_sin_token("cuenta.reenviar")
def _confirmar_reenviar(**motivo: Any) -> ResponseReturnValue:
    # The address typed comes back. A button comes back as the same button: the one that
    # carried an activation link (the expired-link page) with that link, in a hidden field, and
    # the account's address masked as that page showed it; the one that carried nothing (the
    # "revisa tu correo" page) for the address this browser is waiting on. No address goes into
    # the session cookie (signed, not encrypted). Anything else asks for the address.
    token = form_values(("token",))["token"]
    if token:
        cuenta = _cuenta_del_enlace(token)
        if cuenta is not None:
            return _confirmar_boton(mask_email(cuenta.email), token, motivo)
    elif "email" not in request.form and (destino := pendiente()):
        return _confirmar_boton(mask_email(destino), "", motivo)
    form = {"email": enviado("email", destino=True)}
    return render_template("cuenta/reenviar.html", form=form, errors={}, **motivo)


def _confirmar_boton(email: str, token: str, motivo: dict[str, Any]) -> str:
    boton = {"email": email, "token": token}
    return render_template("cuenta/reenviar.html", form={}, errors={}, boton=boton, **motivo)
