"""/cuenta/recuperar: a new password through a link sent to the account's address."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import logout_user

from blueprints.cuenta import bp, enlace_caido, leer_enlace, see_other
from blueprints.cuenta_forms import (
    emitir,
    enviar,
    form_values,
    nombres_de,
    poner_contrasena,
    por_email,
)
from blueprints.cuenta_limites import contar
from blueprints.cuenta_sin_cuenta import enviar_sin_cuenta, mirar_cupo
from blueprints.extensions import db, limiter
from blueprints.formulario_al_limite import al_limite
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from blueprints.mail import url_publica
from domain import buzones, contrasenas, enlaces, fallos
from domain.mascaras import mask_email

RECOVER_RULE = "3 per hour"  # recovery links to one address
RECUPERAR_LIMIT = "10 per hour"  # per client address, for the addresses that are looked up


@bp.route("/cuenta/recuperar", methods=["GET", "POST"])
def recuperar() -> ResponseReturnValue:
    form = form_values(("email",))
    if request.method == "GET":
        return render_template("cuenta/recuperar.html", form=form, errors={})
    email, error = buzones.email_problem(form["email"])
    if error:
        # Blank or mistyped: nothing to look up, so it is asked for again and never counted.
        return render_template("cuenta/recuperar.html", form=form, errors={"email": error}), 422
    limiter.limit_here(RECUPERAR_LIMIT)
    # Same page whether or not the address has an account, and the same work behind it: an
    # email either way (the link, or word that no account has this address, which also helps
    # someone who forgot which address they used), so the time taken tells nothing either.
    # Over the limit, silently no mail. Word that nobody is there has a budget of its own too,
    # shared with /cuenta/activar/reenviar (blueprints/cuenta_sin_cuenta.py).
    cuenta = por_email(email)
    if contar("recuperar", email, RECOVER_RULE):
        if cuenta is not None:
            enlace = url_publica("cuenta.nueva_contrasena", token=emitir("recuperar", cuenta))
            asunto = _("Recupera tu cuenta de la Oficina Virtual")
            enviar(cuenta.email, "recuperar", asunto, para=cuenta, enlace=enlace)
            mirar_cupo(email)
        else:
            enviar_sin_cuenta(email)
        db.session.commit()
    # Only its mask, all the next page shows: the session cookie is signed, not encrypted.
    session["recuperar"] = mask_email(email)
    return see_other(".recuperar_enviado")


@confirmar_sin_token("cuenta.recuperar")
def _confirmar_recuperar(**motivo: Any) -> ResponseReturnValue:
    # Nothing is sent until it comes back with a token.
    form = {"email": enviado("email", destino=True)}
    return render_template("cuenta/recuperar.html", form=form, errors={}, **motivo)


@bp.get("/cuenta/recuperar/revisa-tu-correo")
def recuperar_enviado() -> ResponseReturnValue:
    email = session.get("recuperar")
    if not isinstance(email, str) or not email:
        return see_other(".recuperar")
    # Masked again: the mask of a mask is itself, and a cookie from before held the address.
    return render_template("cuenta/recuperar_enviado.html", email=mask_email(email))


@bp.route("/cuenta/recuperar/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def nueva_contrasena(token: str) -> ResponseReturnValue:
    found = leer_enlace("recuperar", token)
    if isinstance(found, Response):
        return found
    cuenta, contenido = found
    if request.method == "GET":
        return render_template("cuenta/nueva_contrasena.html", token=token, errors={})
    password = request.form.get("password", "")[: contrasenas.MAX_PASSWORD + 1]
    problem = contrasenas.password_problem(password, cuenta.curp, nombres_de(cuenta))
    if problem:
        errors = {"password": problem}
        return render_template("cuenta/nueva_contrasena.html", token=token, errors=errors), 422
    if not enlaces.gastar(db.session, cuenta, contenido.version):
        return enlace_caido("recuperar", contenido, "usado")  # another request used it first
    poner_contrasena(cuenta, password)
    cuenta.activa = True  # the link reached the inbox: the address is proven
    fallos.limpiar(db.session, cuenta)  # with what other requests counted meanwhile
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Tu contraseña cambió. Entra con tu nueva contraseña."), "ok")
    return see_other(".entrar")


@al_limite("cuenta.nueva_contrasena")
def _nueva_contrasena_al_limite(**motivo: Any) -> ResponseReturnValue:
    # The link's page again, asking for the password again (never written back).
    token = (request.view_args or {}).get("token", "")
    found = leer_enlace("recuperar", token)
    if isinstance(found, Response):
        return found  # the link no longer works: its page is not the form
    return render_template(
        "cuenta/nueva_contrasena.html", token=token, errors={}, confirmar_contrasena=True, **motivo
    )
