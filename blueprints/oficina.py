"""/oficina: the signed-in home (registry data, beneficiaries, constancias), email, password,
and the renewal the idle-limit warning posts to."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from werkzeug.security import check_password_hash

from blueprints.cuenta_forms import (
    Sesion,
    emitir,
    enviar,
    form_values,
    nombres_de,
    now,
    poner_contrasena,
    situacion_de,
)
from blueprints.cuenta_limites import agotado, contar, devolver
from blueprints.extensions import db, limiter, login_manager
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from blueprints.mail import url_publica
from domain import buzones, contrasenas, derechos, enlaces, registry
from domain.cuentas_purga import correo_pendiente
from domain.hoy import today_in_mexico
from domain.mascaras import mask_email
from domain.models import Cuenta

bp = Blueprint("oficina", __name__)

CONSTANCIA_VIGENCIA = "/oficina/constancia-vigencia"
CHANGE_RULE = "5 per hour"  # wrong current passwords per account, on top of the per-IP limit
FORM_LIMIT = "10 per hour"  # per client address: the current passwords checked (not blank ones)
SEGUIR_LIMIT = "30 per minute"
TIPOS = {
    "titular": _l("Trabajador o trabajadora en activo"),
    "pensionado": _l("Pensionado o pensionada"),
}


@bp.after_request
def _no_store(response: Response) -> Response:
    response.cache_control.no_store = True  # personal data: never in a shared cache
    return response


def _cuenta() -> Cuenta:
    cuenta: Cuenta = current_user.cuenta
    return cuenta


@bp.get("/oficina")
@login_required
def inicio() -> ResponseReturnValue:
    cuenta = _cuenta()
    today = today_in_mexico()
    estado = situacion_de(cuenta)
    afiliacion = estado.issste_titular
    beneficiarios = [
        (b, derechos.tiene_derecho(b, today, estado.issste))  # only while the titular's hold
        for b in registry.beneficiarios(db.session, cuenta.curp, "ISSSTE")
    ]
    return render_template(
        "oficina/inicio.html",
        cuenta=cuenta,
        persona=estado.persona,
        afiliacion=afiliacion,
        tipo=str(TIPOS.get(afiliacion.tipo, afiliacion.tipo)) if afiliacion else None,
        vigente=bool(afiliacion and registry.vigente(afiliacion, today)),
        beneficiarios=beneficiarios,
        constancia_url=CONSTANCIA_VIGENCIA,
        pendiente=mask_email(nuevo) if (nuevo := correo_pendiente(cuenta, now())) else None,
    )


def _cerrada() -> ResponseReturnValue:
    """The answer when the account was closed (in another tab or device) while this request
    ran: the one a request of a session that already ended gets, signed out here too."""
    logout_user()
    session.clear()
    return login_manager.unauthorized()


def _password_problem(cuenta: Cuenta, password: str, vacia: str, incorrecta: str) -> str | None:
    """None when ``password`` is the account's; wrong ones are counted per account.

    A blank one is a slip, not a guess: it is asked for again and never counted, per account
    or per client address (every one checked is, whatever the answer: ``FORM_LIMIT``).

    Each is counted before it is checked, and given back if right: counted only once found
    wrong, a burst of requests would all find the limit unspent and all be checked. So at most
    ``CHANGE_RULE``'s number of wrong ones are checked, however many arrive at once.
    """
    if agotado("cambio", str(cuenta.id), CHANGE_RULE):
        return _limite_de_cambios()
    if not password:
        return vacia
    limiter.limit_here(FORM_LIMIT)
    if not contar("cambio", str(cuenta.id), CHANGE_RULE):
        return _limite_de_cambios()  # the others of its burst spent what was left
    if check_password_hash(cuenta.password_hash, password):
        devolver("cambio", str(cuenta.id), CHANGE_RULE)  # a right one counts no more than before
        return None
    return incorrecta


def _limite_de_cambios() -> str:
    return _("Escribiste mal tu contraseña varias veces. Espera una hora y vuelve a intentarlo.")


@bp.route("/oficina/correo", methods=["GET", "POST"])
@login_required
def correo() -> ResponseReturnValue:
    cuenta = _cuenta()
    form = form_values(("email",))
    if request.method == "GET":
        return render_template("oficina/correo.html", cuenta=cuenta, form=form, errors={})
    email, error = buzones.email_problem(form["email"])
    errors = {"email": error} if error else {}
    ya_es = _("Ese ya es el correo de tu cuenta. Escribe el nuevo.")
    if not error and email == cuenta.email.lower():
        errors["email"] = ya_es
    actual = request.form.get("actual", "")[: contrasenas.MAX_PASSWORD]
    vacia, incorrecta = _("Escribe tu contraseña."), _("Tu contraseña no es correcta.")
    if wrong := _password_problem(cuenta, actual, vacia, incorrecta):
        errors["actual"] = wrong
    if not errors:
        # The new address is used only once its owner opens the link sent to it. The account
        # is read again as this writes: a confirmation may have changed it since.
        if not enlaces.pedir_cambio_de_correo(db.session, cuenta, email, now()):
            return _cerrada()
        if email == cuenta.email:  # that confirmation was of this very address
            db.session.rollback()
            errors["email"] = ya_es
    if errors:
        html = render_template("oficina/correo.html", cuenta=cuenta, form=form, errors=errors)
        return html, 422
    enlace = url_publica("cuenta.confirmar_correo", token=emitir("correo", cuenta, email))
    # Both asked for by the owner, signed in: in this request's language, which is the
    # account's (set at sign-in and by the language switch).
    enviar(email, "correo_confirmar", _("Confirma tu nuevo correo"), para=cuenta, enlace=enlace)
    aviso = _("Pediste cambiar tu correo")
    enviar(cuenta.email, "correo_aviso", aviso, para=cuenta, nuevo=mask_email(email))
    db.session.commit()
    flash(
        _(
            "Te enviamos un enlace a %(correo)s. Ábrelo en las próximas 24 horas para "
            "confirmar tu nuevo correo. Mientras tanto, seguimos usando el actual.",
            correo=mask_email(email),
        ),
        "ok",
    )
    return redirect(url_for(".inicio"), 303)


@bp.route("/oficina/contrasena", methods=["GET", "POST"])
@login_required
def contrasena() -> ResponseReturnValue:
    cuenta = _cuenta()
    if request.method == "GET":
        return render_template("oficina/contrasena.html", errors={})
    errors: dict[str, str] = {}
    actual = request.form.get("actual", "")[: contrasenas.MAX_PASSWORD]
    vacia = _("Escribe tu contraseña actual.")
    incorrecta = _("Tu contraseña actual no es correcta.")
    if wrong := _password_problem(cuenta, actual, vacia, incorrecta):
        errors["actual"] = wrong
    nueva = request.form.get("password", "")[: contrasenas.MAX_PASSWORD + 1]
    problem = contrasenas.password_problem(nueva, cuenta.curp, nombres_de(cuenta))
    if problem:
        errors["password"] = problem
    if errors:
        return render_template("oficina/contrasena.html", errors=errors), 422
    if not enlaces.invalidar(db.session, cuenta):  # pending recovery links die
        return _cerrada()
    version = poner_contrasena(cuenta, nueva)  # and every other session ends
    db.session.commit()
    session.clear()
    login_user(Sesion(cuenta, version))  # this session goes on, with the version it wrote
    session.permanent = True
    flash(_("Tu contraseña cambió. Cerramos tu sesión en los demás dispositivos."), "ok")
    return redirect(url_for(".inicio"), 303)


# --- the session's idle limit (templates/oficina/_aviso_sesion.html, static/js/sesion.js) ---


# Posted by static/js/sesion.js only (its dialog never shows without JavaScript): no form to
# draw again over its limit (blueprints/formulario_al_limite.py), the general answer as before.
@bp.post("/oficina/sesion")
@limiter.limit(SEGUIR_LIMIT)
@login_required
def seguir() -> ResponseReturnValue:
    # Answering is what renews: Flask signs a signed-in cookie again with every response. The
    # page's forms carry a token with its own hour, so a fresh one goes back for them; only this
    # page's scripts can read it (same origin).
    return Response(status=204, headers={"X-CSRF-Token": generate_csrf()})


# Sent with a token that no longer matches while the session still lives (a page left open over
# the token's hour, or from before a sign-in in another tab), the forms come back filled in with
# what can be kept; sent after the session ended, it leads to sign-in (con_sesion, in
# blueprints/formulario_sin_token.py).
@confirmar_sin_token("oficina.correo", con_sesion=True)
def _confirmar_correo(**motivo: Any) -> ResponseReturnValue:
    # The new address comes back; the password never does.
    form = {"email": enviado("email", destino=True)}
    return render_template(
        "oficina/correo.html", cuenta=_cuenta(), form=form, errors={},
        confirmar_contrasena=True, **motivo,
    )  # fmt: skip


@confirmar_sin_token("oficina.contrasena", con_sesion=True)
def _confirmar_contrasena(**motivo: Any) -> ResponseReturnValue:
    return render_template(
        "oficina/contrasena.html",
        errors={},
        confirmar_contrasena=_("No guardamos las contraseñas que escribiste: escríbelas otra vez."),
        **motivo,
    )
