"""/cuenta/entrar and /cuenta/salir: sign in with CURP and password, and sign out everywhere.

Apart from ``blueprints.cuenta`` (whose ``bp`` these routes join when app.py imports this
module) because signing in has its own defences: a CURP without an account fails and locks
as an account would, in the same time, so no answer tells which CURPs have one.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from typing import Any

from flask import Response, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from blueprints import caducados
from blueprints.constancias_forms import ProblemaDeCampo, problema_del_campo
from blueprints.cuenta import (
    RESEND_RULE,
    anotar_fallo,
    bp,
    reenviar_activacion,
    reservar,
    see_other,
)
from blueprints.cuenta_forms import (
    Sesion,
    form_values,
    now,
    por_curp,
    recordar_pendiente,
)
from blueprints.cuenta_limites import bloqueo_mensaje, contar
from blueprints.destino import destino_seguro
from blueprints.extensions import db, limiter
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from blueprints.ratelimit_respuesta import marcar_pausa
from blueprints.secretos import secretos
from blueprints.templating import current_lang
from domain import contrasenas, curp, fallos, intentos_sin_cuenta
from domain.curp import compact
from domain.sesiones import cerrar_sesiones

# Per client address, counted only for the posts that reach the database or a password (a
# blank field is asked for again, uncounted: limiter.limit_here).
ENTRAR_LIMIT = "10 per minute;60 per hour"


def _entrar_page(
    form: dict[str, str], errors: dict[str, str], status: int = 200, cerrada: bool = False
) -> Response:
    html = render_template("cuenta/entrar.html", form=form, errors=errors, cerrada=cerrada)
    return Response(html, status=422 if errors and status == 200 else status)


def _wrong(form: dict[str, str]) -> Response:
    return _entrar_page(form, {"curp": _("La CURP o la contraseña no son correctas.")})


def _locked(form: dict[str, str], minutos: int) -> Response:
    marcar_pausa()
    return _entrar_page(form, {"curp": bloqueo_mensaje(minutos)}, 429)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no es la contraseña de nadie", method="scrypt")


def _check_dummy(password: str) -> None:
    # Unknown CURP: spend the same time as a real check, so timing does not tell them apart.
    check_password_hash(_dummy_hash(), password)


@bp.route("/cuenta/entrar", methods=["GET", "POST"])
def entrar() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(destino_seguro(request.args.get("next")))
    form = form_values(("curp", "next"))
    form["next"] = destino_seguro(request.values.get("next"), "")
    if request.method == "GET":
        # cerrada: the Oficina page's warning ran out (static/js/sesion.js) and sent them here.
        return _entrar_page(form, {}, cerrada=request.args.get("cerrada") == "1")
    password = request.form.get("password", "")[: contrasenas.MAX_PASSWORD]
    errors = {}
    if not form["curp"].strip():
        errors["curp"] = _("Escribe tu CURP.")
    elif not curp.is_valid(form["curp"]):
        # A mistyped CURP has no account, so saying what is wrong with it tells nothing about
        # who has one; "the CURP or the password" would hide the typo from the person.
        report = curp.report(form["curp"])
        errors["curp"] = ProblemaDeCampo(problema_del_campo(report.errors, "CURP"), "CURP")
    if not password:
        errors["password"] = _("Escribe tu contraseña.")
    if errors:
        return _entrar_page(form, errors)  # nothing to check: not counted
    limiter.limit_here(ENTRAR_LIMIT)
    cuenta, moment = por_curp(form["curp"]), now()
    if cuenta is None:
        return _fallo_sin_cuenta(form, password, moment)
    leida = (cuenta.token_version, cuenta.email)  # what the password is checked against
    reserva = reservar(cuenta, moment)
    if not reserva.permitida:
        return _locked(form, reserva.minutos(moment))
    if not check_password_hash(cuenta.password_hash, password):
        minutos = anotar_fallo(cuenta, reserva, moment)
        return _locked(form, minutos) if minutos else _wrong(form)
    fallos.limpiar(db.session, cuenta)  # with what other requests counted meanwhile
    cuenta.idioma = current_lang()  # the owner's, proven by the password: their alerts' too
    if not cuenta.activa:
        # Committed on its own: a resend that finds the account changed rolls its transaction
        # back, and a right password must not stay counted as a wrong one.
        db.session.commit()
        # The right password proves who is asking: send a fresh activation link.
        # Only for the account as it was read: a registration started over meanwhile (another
        # address, another password) keeps its own link, and the old address gets none.
        version, email = leida
        if contar("reenviar", email, RESEND_RULE):
            reenviar_activacion(cuenta, version, email)
        db.session.commit()
        recordar_pendiente(email)
        flash("no_activa", "no_activa")
        return see_other(".correo_enviado")
    db.session.commit()
    session.clear()  # nothing from before signing in survives into the signed-in session
    login_user(Sesion(cuenta))
    session.permanent = True  # 30 idle minutes (PERMANENT_SESSION_LIFETIME), renewed per request
    return redirect(form["next"] or url_for("oficina.inicio"), 303)


@confirmar_sin_token("cuenta.entrar")
def _confirmar_entrar(**motivo: Any) -> ResponseReturnValue:
    # The CURP comes back, the password never: nothing is checked or counted until it is sent
    # again with this page's token.
    form = {"curp": enviado("curp"), "next": destino_seguro(request.values.get("next"), "")}
    return render_template(
        "cuenta/entrar.html", form=form, errors={}, confirmar_contrasena=True, **motivo
    )


def _fallo_sin_cuenta(form: dict[str, str], password: str, moment: dt.datetime) -> Response:
    """A CURP without an account fails, and locks, exactly as an account would (domain/bloqueo):
    five failures within 15 minutes of the first lock it for 15 minutes from the fifth, with the
    same countdown, so nobody can tell from the answers which CURPs have an account. Its count
    is in the database, as an account's is, and written (committed) the same way, before the
    dummy check: no more checks, and no slower answers, than an account's.
    """
    # Counted as accounts are looked up (por_curp): spaces, hyphens or lower case must not
    # start a fresh count, or the CURPs that never lock would be those without an account.
    claves = intentos_sin_cuenta.claves(secretos(), compact(form["curp"]))
    reserva = intentos_sin_cuenta.reservar(db.session, claves, moment)
    if reserva.permitida:
        _check_dummy(password)
        caducados.purgar_a_veces(moment)
    if minutos := reserva.minutos(moment):
        return _locked(form, minutos)
    return _wrong(form)


@confirmar_sin_token("cuenta.salir")
def _confirmar_salir(**_motivo: Any) -> ResponseReturnValue:
    # On a shared phone, a "Salir" that only says the form expired would leave the account open.
    # posts_nothing: the header's own "Salir" would be a second button for the same thing. No
    # panel to confirm (``_motivo``): its own words say what happened, and nothing is sent.
    abierta = bool(current_user.is_authenticated)
    return render_template("cuenta/salir.html", sesion_abierta=abierta, posts_nothing=True)


@bp.post("/cuenta/salir")
def salir() -> ResponseReturnValue:
    if current_user.is_authenticated:
        cerrar_sesiones(db.session, current_user.cuenta)  # every session of this account ends
        db.session.commit()
    logout_user()
    session.clear()
    flash(_("Saliste de tu cuenta."), "ok")
    return see_other(".entrar")
