"""/cuenta/...: create and activate an account, sign in and out, recover the password.

Registration never says whether a CURP or an address already has an account: every valid
request gets the same page, and the owners of existing accounts get an email instead.
Every emailed link opens a page with a button; only the POST uses the token, so mail scanners
that open links cannot spend it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from blueprints.captcha import check_captcha
from blueprints.cuenta_forms import (
    Sesion,
    agotado,
    bloqueo_mensaje,
    comprobar,
    contar,
    destino_seguro,
    emitir,
    enviar,
    enviar_activacion,
    enviar_aviso_registro,
    form_values,
    nombres_de,
    now,
    por_curp,
    por_email,
)
from blueprints.extensions import db, limiter
from blueprints.htmx_util import wants_fragment
from blueprints.mail import url_publica
from blueprints.secretos import secretos
from domain import accounts, tokens
from domain.curp import today_in_mexico
from domain.models import Cuenta
from domain.outbox import mask_email
from domain.registry import situacion

bp = Blueprint("cuenta", __name__)

FAILURES_RULE = f"{accounts.MAX_FAILURES} per 15 minutes"  # sign-ins with an unknown CURP
RESEND_RULE = "3 per hour"  # activation links to one address
RECOVER_RULE = "3 per hour"  # recovery links to one address


@bp.after_request
def _no_store(response: Response) -> Response:
    response.cache_control.no_store = True  # personal data and one-time links: never cache
    return response


def _see_other(endpoint: str, **values: Any) -> Response:
    return redirect(url_for(endpoint, **values), 303)


# --- Registration ----------------------------------------------------------------------------


def _registro_page(
    form: dict[str, str], errors: dict[str, str], aviso: accounts.Aviso | None = None
) -> ResponseReturnValue:
    html = render_template(
        "cuenta/registro.html", form=form, errors=errors, aviso=aviso and aviso.value
    )
    return html, 422 if errors else 200


@bp.route("/cuenta/registro", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def registro() -> ResponseReturnValue:
    form = form_values(accounts.FIELDS)
    if request.method == "GET":
        return _registro_page(form, {})
    solicitud, errors = accounts.revisar_solicitud(form, today_in_mexico())
    captcha_error = check_captcha(request.form)
    if captcha_error:
        errors["captcha"] = captcha_error
    if solicitud is None or errors:
        return _registro_page(form, errors)
    # The registry is asked only after the captcha passed: it is the costly, sensitive lookup.
    revision = accounts.revisar_registro(
        situacion(db.session, solicitud.curp, today_in_mexico()), solicitud
    )
    if not revision.ok:
        return _registro_page(form, revision.errors, revision.aviso)
    _registrar(solicitud)
    session["pendiente"] = solicitud.email
    return _see_other(".correo_enviado")


def _registrar(solicitud: accounts.Solicitud) -> None:
    # Hash first, whatever happens next, so a taken CURP answers as slowly as a new one.
    password_hash = generate_password_hash(solicitud.password, method="scrypt")
    cuenta_curp, cuenta_email = por_curp(solicitud.curp), por_email(solicitud.email)
    accion = accounts.decidir_registro(cuenta_curp, cuenta_email)
    if accion is accounts.Accion.AVISAR:
        for email in {c.email for c in (cuenta_curp, cuenta_email) if c is not None}:
            enviar_aviso_registro(email)
    else:
        cuenta = cuenta_curp or Cuenta(
            curp=solicitud.curp, creada=now(), token_version=0, session_version=0
        )
        anterior = cuenta.email if cuenta_curp else None
        cuenta.email, cuenta.telefono = solicitud.email, solicitud.telefono
        cuenta.password_hash, cuenta.activa = password_hash, False
        cuenta.intentos_fallidos, cuenta.primer_fallo, cuenta.bloqueada_hasta = 0, None, None
        if cuenta_curp:
            cuenta.token_version += 1  # the links sent before stop working
        db.session.add(cuenta)
        db.session.flush()
        enviar_activacion(cuenta)
        if anterior and anterior != cuenta.email:
            enviar(anterior, "registro_reemplazado", _("Tu registro pendiente cambió de correo"))
    try:
        db.session.commit()
    except IntegrityError:
        # Someone registered the same CURP or address a moment ago: the same answer for both.
        db.session.rollback()


@bp.get("/cuenta/registro/revisa-tu-correo")
def correo_enviado() -> ResponseReturnValue:
    email = session.get("pendiente")
    if not email:
        return _see_other(".registro")
    return render_template("cuenta/correo_enviado.html", email=mask_email(email))


@bp.post("/cuenta/registro/revisar/<campo>")
@limiter.limit("120 per minute")
def revisar_campo(campo: str) -> ResponseReturnValue:
    """The htmx inline check of one field: the field's fragment, with its message if any."""
    if campo not in ("curp", "password"):
        abort(404)
    if not wants_fragment():
        return _see_other(".registro")
    form = form_values(accounts.FIELDS)
    if campo == "curp":
        error = accounts.curp_problem(form["curp"])[1]
    else:
        names = (form["nombre"], form["primer_apellido"], form["segundo_apellido"])
        error = accounts.password_problem(form["password"], form["curp"], names)
    errors = {campo: error} if error else {}
    return render_template(f"cuenta/_campo_{campo}.html", form=form, errors=errors, eco=True)


# --- Activation --------------------------------------------------------------------------------


def _enlace_caido(proposito: str, contenido: tokens.Contenido | None, motivo: str) -> Response:
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


def _leer_enlace(proposito: str, token: str) -> tuple[Cuenta, tokens.Contenido] | Response:
    try:
        return comprobar(proposito, token)
    except tokens.TokenVencido as exc:
        return _enlace_caido(proposito, exc.contenido, "vencido")
    except tokens.TokenUsado as exc:
        return _enlace_caido(proposito, exc.contenido, "usado")
    except tokens.TokenInvalido:
        return _enlace_caido(proposito, None, "invalido")


@bp.route("/cuenta/activar/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def activar(token: str) -> ResponseReturnValue:
    found = _leer_enlace("activar", token)
    if isinstance(found, Response):
        return found
    cuenta = found[0]
    if cuenta.activa:
        return render_template("cuenta/activada.html", ya_activa=True)
    if request.method == "GET":
        return render_template("cuenta/activar.html", token=token)
    cuenta.activa = True
    cuenta.token_version += 1
    db.session.commit()
    return render_template("cuenta/activada.html", ya_activa=False)


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
@limiter.limit("10 per hour", methods=["POST"])
def reenviar() -> ResponseReturnValue:
    """A new activation link: for the address typed, the link given back, or the one pending."""
    if request.method == "GET":
        return render_template("cuenta/reenviar.html", form={}, errors={})
    form = form_values(("email", "token"))
    if form["token"]:
        cuenta = _cuenta_del_enlace(form["token"])
        if cuenta is None:
            return render_template("cuenta/reenviar.html", form={}, errors={}), 400
        destino = cuenta.email
    elif "email" in request.form:
        destino, error = accounts.email_problem(form["email"])
        if error:
            return render_template("cuenta/reenviar.html", form=form, errors={"email": error}), 422
        cuenta = por_email(destino)
    else:
        destino = session.get("pendiente", "")
        if not destino:
            return _see_other(".reenviar")
        cuenta = por_email(destino)
    session["pendiente"] = destino
    if not contar("reenviar", destino, RESEND_RULE):
        html = render_template("cuenta/correo_enviado.html", email=mask_email(destino), limite=True)
        return html, 429
    if cuenta is not None and not cuenta.activa:
        cuenta.token_version += 1  # only the newest link works
        enviar_activacion(cuenta)
        db.session.commit()
    flash("reenviado", "reenviado")
    return _see_other(".correo_enviado")


# --- Sign in and out ---------------------------------------------------------------------------


def _entrar_page(form: dict[str, str], errors: dict[str, str], status: int = 200) -> Response:
    html = render_template("cuenta/entrar.html", form=form, errors=errors)
    return Response(html, status=422 if errors and status == 200 else status)


def _wrong(form: dict[str, str]) -> Response:
    return _entrar_page(form, {"curp": _("La CURP o la contraseña no son correctas.")})


def _locked(form: dict[str, str], minutos: int) -> Response:
    return _entrar_page(form, {"curp": bloqueo_mensaje(minutos)}, 429)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no es la contraseña de nadie", method="scrypt")


def _check_dummy(password: str) -> None:
    # Unknown CURP: spend the same time as a real check, so timing does not tell them apart.
    check_password_hash(_dummy_hash(), password)


@bp.route("/cuenta/entrar", methods=["GET", "POST"])
@limiter.limit("10 per minute;60 per hour", methods=["POST"])
def entrar() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(destino_seguro(request.args.get("next")))
    form = form_values(("curp", "next"))
    form["next"] = destino_seguro(request.values.get("next"), "")
    if request.method == "GET":
        return _entrar_page(form, {})
    password = request.form.get("password", "")[: accounts.MAX_PASSWORD]
    errors = {}
    if not form["curp"].strip():
        errors["curp"] = _("Escribe tu CURP.")
    if not password:
        errors["password"] = _("Escribe tu contraseña.")
    if errors:
        return _entrar_page(form, errors)
    cuenta, moment = por_curp(form["curp"]), now()
    if cuenta is None:
        if agotado("entrar", form["curp"], FAILURES_RULE):
            return _locked(form, 15)
        _check_dummy(password)
        contar("entrar", form["curp"], FAILURES_RULE)
        if agotado("entrar", form["curp"], FAILURES_RULE):
            return _locked(form, 15)
        return _wrong(form)
    if accounts.bloqueada(cuenta.bloqueada_hasta, moment):
        return _locked(form, accounts.minutos_restantes(cuenta.bloqueada_hasta, moment))
    if not check_password_hash(cuenta.password_hash, password):
        return _fallo(cuenta, form)
    cuenta.intentos_fallidos, cuenta.primer_fallo, cuenta.bloqueada_hasta = 0, None, None
    if not cuenta.activa:
        # The right password proves who is asking: send a fresh activation link.
        if contar("reenviar", cuenta.email, RESEND_RULE):
            cuenta.token_version += 1
            enviar_activacion(cuenta)
        db.session.commit()
        session["pendiente"] = cuenta.email
        flash("no_activa", "no_activa")
        return _see_other(".correo_enviado")
    db.session.commit()
    session.clear()  # nothing from before signing in survives into the signed-in session
    login_user(Sesion(cuenta))
    session.permanent = True  # 30 idle minutes (PERMANENT_SESSION_LIFETIME), renewed per request
    return redirect(form["next"] or url_for("oficina.inicio"), 303)


def _fallo(cuenta: Cuenta, form: dict[str, str]) -> Response:
    moment = now()
    antes = accounts.Intentos(cuenta.intentos_fallidos, cuenta.primer_fallo, cuenta.bloqueada_hasta)
    despues = accounts.tras_fallo(antes, moment)
    cuenta.intentos_fallidos = despues.fallidos
    cuenta.primer_fallo = despues.primer_fallo
    cuenta.bloqueada_hasta = despues.bloqueada_hasta
    if despues.bloqueada_hasta is not None:
        enviar(
            cuenta.email,
            "bloqueada",
            _("Pausamos la entrada a tu cuenta"),
            minutos=int(accounts.LOCK_TIME.total_seconds() // 60),
            recuperar=url_publica("cuenta.recuperar"),
        )
    db.session.commit()
    if despues.bloqueada_hasta is not None:
        return _locked(form, accounts.minutos_restantes(despues.bloqueada_hasta, moment))
    return _wrong(form)


@bp.post("/cuenta/salir")
def salir() -> ResponseReturnValue:
    if current_user.is_authenticated:
        current_user.cuenta.session_version += 1  # every session of this account ends
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Saliste de tu cuenta."), "ok")
    return _see_other(".entrar")


# --- Password recovery -------------------------------------------------------------------------


@bp.route("/cuenta/recuperar", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
def recuperar() -> ResponseReturnValue:
    form = form_values(("email",))
    if request.method == "GET":
        return render_template("cuenta/recuperar.html", form=form, errors={})
    email, error = accounts.email_problem(form["email"])
    if error:
        return render_template("cuenta/recuperar.html", form=form, errors={"email": error}), 422
    # Same page whether or not the address has an account; over the limit, silently no mail.
    cuenta = por_email(email)
    if contar("recuperar", email, RECOVER_RULE) and cuenta is not None:
        enlace = url_publica("cuenta.nueva_contrasena", token=emitir("recuperar", cuenta))
        asunto = _("Recupera tu cuenta de la Oficina Virtual")
        enviar(cuenta.email, "recuperar", asunto, enlace=enlace)
        db.session.commit()
    session["recuperar"] = email
    return _see_other(".recuperar_enviado")


@bp.get("/cuenta/recuperar/revisa-tu-correo")
def recuperar_enviado() -> ResponseReturnValue:
    email = session.get("recuperar")
    if not email:
        return _see_other(".recuperar")
    return render_template("cuenta/recuperar_enviado.html", email=mask_email(email))


@bp.route("/cuenta/recuperar/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def nueva_contrasena(token: str) -> ResponseReturnValue:
    found = _leer_enlace("recuperar", token)
    if isinstance(found, Response):
        return found
    cuenta = found[0]
    if request.method == "GET":
        return render_template("cuenta/nueva_contrasena.html", token=token, errors={})
    password = request.form.get("password", "")[: accounts.MAX_PASSWORD + 1]
    problem = accounts.password_problem(password, cuenta.curp, nombres_de(cuenta))
    if problem:
        errors = {"password": problem}
        return render_template("cuenta/nueva_contrasena.html", token=token, errors=errors), 422
    cuenta.password_hash = generate_password_hash(password, method="scrypt")
    cuenta.activa = True  # the link reached the inbox: the address is proven
    cuenta.token_version += 1
    cuenta.session_version += 1
    cuenta.intentos_fallidos, cuenta.primer_fallo, cuenta.bloqueada_hasta = 0, None, None
    enviar(
        cuenta.email,
        "contrasena_cambiada",
        _("Tu contraseña cambió"),
        recuperar=url_publica("cuenta.recuperar"),
    )
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Tu contraseña cambió. Entra con tu nueva contraseña."), "ok")
    return _see_other(".entrar")


# --- Confirming a new address --------------------------------------------------------------------


@bp.route("/cuenta/correo/confirmar/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def confirmar_correo(token: str) -> ResponseReturnValue:
    found = _leer_enlace("correo", token)
    if isinstance(found, Response):
        return found
    cuenta, contenido = found
    nuevo = contenido.email or ""
    if not cuenta.email_pendiente or cuenta.email_pendiente.lower() != nuevo.lower():
        return _enlace_caido("correo", contenido, "usado")  # a newer request replaced it
    if request.method == "GET":
        return render_template("cuenta/confirmar_correo.html", token=token, email=mask_email(nuevo))
    otra = por_email(nuevo)
    if otra is not None and otra.id != cuenta.id:
        return render_template("cuenta/correo_ocupado.html", email=mask_email(nuevo)), 409
    anterior = cuenta.email
    cuenta.email, cuenta.email_pendiente = nuevo, None
    cuenta.token_version += 1
    asunto = _("Cambiaste el correo de tu cuenta")
    enviar(anterior, "correo_cambiado", asunto, nuevo=mask_email(nuevo))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return render_template("cuenta/correo_ocupado.html", email=mask_email(nuevo)), 409
    return render_template("cuenta/correo_confirmado.html", email=mask_email(nuevo))
