"""/cuenta/registro and /cuenta/activar/reenviar: create an account, and send its activation
link again (the link's own page is blueprints/cuenta_activar.py).

Neither says whether a CURP or an address already has an account, or one waiting: every valid
request gets the same page and the same work behind it, an email either way (but for a
registration that loses a race with one for the same CURP or address: the winner's is sent).
"""

from __future__ import annotations

from flask import abort, flash, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from blueprints import envio_repetido
from blueprints.cuenta import RESEND_RULE, bp, see_other
from blueprints.cuenta_forms import (
    PENDIENTE_CUENTA,
    enviar,
    enviar_activacion,
    enviar_aviso_registro,
    form_values,
    now,
    pendiente,
    por_curp,
    por_email,
    recordar_pendiente,
)
from blueprints.cuenta_limites import contar
from blueprints.cuenta_sin_cuenta import enviar_sin_pendiente, mirar_cupo
from blueprints.errors import confirmar_sin_token, enviado
from blueprints.extensions import db, limiter
from blueprints.fecha_formulario import pedir_fecha_completa
from blueprints.htmx_util import fragment_for, swaps_land_on, wants_fragment
from blueprints.secretos import secretos
from blueprints.traduccion import traducir
from domain import accounts, contrasenas, enlaces, fallos, tokens
from domain.curp import today_in_mexico
from domain.models import Cuenta
from domain.outbox import mask_email
from domain.registry import situacion

# Per client address, counted only for the posts that reach the database (limiter.limit_here):
# a form sent with its fields blank gets its "Escribe tu …" messages back, uncounted.
REGISTRO_LIMIT = "20 per hour"
REENVIAR_LIMIT = "10 per hour"

# --- Registration ----------------------------------------------------------------------------


def _registro_page(
    form: dict[str, str], errors: dict[str, str], aviso: accounts.Aviso | None = None
) -> ResponseReturnValue:
    html = render_template(
        "cuenta/registro.html", form=form, errors=errors, aviso=aviso and aviso.value
    )
    return html, 422 if errors else 200


@bp.route("/cuenta/registro", methods=["GET", "POST"])
def registro() -> ResponseReturnValue:
    form = form_values(accounts.FIELDS)
    if request.method == "GET":
        return _registro_page(form, {})
    solicitud, errors = accounts.revisar_solicitud(form, today_in_mexico())
    pedir_fecha_completa(errors)
    # Counted only once there is an answer to check: a form without one is only asked for it.
    envio = envio_repetido.revisar(request.form, lambda: limiter.limit_here(REGISTRO_LIMIT))
    if envio.repetido and solicitud:  # this form sent again: its answer, nothing done twice
        recordar_pendiente(solicitud.email)
        return see_other(".correo_enviado")
    if envio.error:
        errors["captcha"] = envio.error
    if solicitud is None or errors:
        return _registro_page(form, errors)
    # The registry is asked only after the captcha passed: it is the costly, sensitive lookup.
    revision = accounts.revisar_registro(
        situacion(db.session, solicitud.curp, today_in_mexico()), solicitud
    )
    if not revision.ok:
        return _registro_page(form, revision.errors, revision.aviso)
    _registrar(solicitud)
    envio_repetido.responder(envio, "revisa_tu_correo")
    recordar_pendiente(solicitud.email)
    return see_other(".correo_enviado")


@confirmar_sin_token("cuenta.registro")
def _confirmar_registro() -> ResponseReturnValue:
    # Every field comes back but the password and the consent (and the captcha, a new
    # question), to a post from our own pages (blueprints/errors.py): nothing is
    # looked up, saved or sent until the form is sent again with this page's token.
    form = {name: enviado(name) for name in accounts.FIELDS if name not in ("password", "acepto")}
    return render_template(
        "cuenta/registro.html", form=form, errors={}, confirmar=True, confirmar_contrasena=True
    )


def _registrar(solicitud: accounts.Solicitud) -> None:
    # Hash first, whatever happens next, so a taken CURP answers as slowly as a new one.
    password_hash = generate_password_hash(solicitud.password, method="scrypt")
    cuenta_curp, cuenta_email = por_curp(solicitud.curp), por_email(solicitud.email)
    accion = accounts.decidir_registro(cuenta_curp, cuenta_email)
    try:
        if accion is accounts.Accion.AVISAR:
            for email in {c.email for c in (cuenta_curp, cuenta_email) if c is not None}:
                enviar_aviso_registro(email)
        else:
            _guardar(solicitud, cuenta_curp, password_hash)
        db.session.commit()
    except IntegrityError:
        # Someone registered the same CURP or address a moment ago: the same answer for both.
        # The database refuses this account at the flush (the other's row is in the unique
        # index), before any email is queued; the rollback takes back all this request did.
        db.session.rollback()


def _guardar(solicitud: accounts.Solicitud, cuenta_curp: Cuenta | None, password_hash: str) -> None:
    """Create the account, or start the pending one over, and queue its activation link."""
    if cuenta_curp:
        enlaces.invalidar(db.session, cuenta_curp)  # the links sent before stop working
        fallos.limpiar(db.session, cuenta_curp)  # with what other requests counted meanwhile
    cuenta = cuenta_curp or Cuenta(
        curp=solicitud.curp, creada=now(), token_version=0, session_version=0
    )
    anterior = cuenta.email if cuenta_curp else None
    cuenta.email, cuenta.telefono = solicitud.email, solicitud.telefono
    cuenta.password_hash, cuenta.activa = password_hash, False
    db.session.add(cuenta)
    db.session.flush()  # the link needs the account's id; a taken CURP or address raises here
    enviar_activacion(cuenta)
    if anterior and anterior != cuenta.email:
        enviar(anterior, "registro_reemplazado", _("Tu registro pendiente cambió de correo"))


@bp.get("/cuenta/registro/revisa-tu-correo")
def correo_enviado() -> ResponseReturnValue:
    email = pendiente()
    if not email:
        return see_other(".registro")
    return render_template("cuenta/correo_enviado.html", email=mask_email(email))


@bp.post("/cuenta/registro/revisar/<campo>")
@limiter.limit("120 per minute")
def revisar_campo(campo: str) -> ResponseReturnValue:
    """The htmx inline check of one field: the field's fragment, with its message if any."""
    if campo not in ("curp", "password"):
        abort(404)
    if not wants_fragment():
        return see_other(".registro")
    form = form_values(accounts.FIELDS)
    curp_error = accounts.curp_problem(form["curp"])[1]
    errors = {"curp": curp_error} if curp_error else {}
    if campo == "password":
        names = (form["nombre"], form["primer_apellido"], form["segundo_apellido"])
        error = contrasenas.password_problem(form["password"], form["curp"], names)
        errors = {"password": error} if error else {}
        if curp_error and form["curp"].strip():
            # Its fragment reads only its own message; the CURP's (sent along, and drawn by the
            # CURP's own check once typed) keeps "Error: " in the title too.
            errors["curp"] = curp_error
    # The page's title comes along: "Error: " while the page shows a message, and gone with it.
    resumen = request.form.get("resumen") == "1"
    anuncio = _anuncio(campo, errors.get(campo), request.form.get("mostrado", ""))
    return fragment_for(
        "cuenta/registro.html", f"cuenta/_campo_{campo}.html",
        form=form, errors=errors, eco=True, resumen=resumen, anuncio=anuncio,
    )  # fmt: skip


def _anuncio(campo: str, error: str | None, mostrado: str) -> str:
    """What the page's status region says after a check: the field's new message, or that the
    one it showed is gone; nothing when the field shows what it showed (said once)."""
    ahora = traducir(error) if error else ""
    if ahora == mostrado:
        return ""
    if ahora:
        return f"{_('Error:')} {ahora}"
    return (
        _("Ya no hay error en la CURP.")
        if campo == "curp"
        else _("Ya no hay error en la contraseña.")
    )


swaps_land_on("cuenta/registro.html", "cuenta.revisar_campo")


# --- A new activation link -------------------------------------------------------------------


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
    destino, error = accounts.email_problem(form["email"]) if escrito else ("", None)
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
        enlaces.invalidar(db.session, cuenta)  # only the newest link works
        enviar_activacion(cuenta)
        mirar_cupo(destino)
    else:
        enviar_sin_pendiente(destino)
    db.session.commit()
    flash("reenviado", "reenviado")
    return see_other(".correo_enviado")


@confirmar_sin_token("cuenta.reenviar")
def _confirmar_reenviar() -> ResponseReturnValue:
    # The address typed comes back. A button comes back as the same button: the one that
    # carried an activation link (the expired-link page) with that link, in a hidden field, and
    # the account's address masked as that page showed it; the one that carried nothing (the
    # "revisa tu correo" page) for the address this browser is waiting on. No address goes into
    # the session cookie (signed, not encrypted). Anything else asks for the address.
    token = form_values(("token",))["token"]
    if token:
        cuenta = _cuenta_del_enlace(token)
        if cuenta is not None:
            return _confirmar_boton(mask_email(cuenta.email), token)
    elif "email" not in request.form and (destino := pendiente()):
        return _confirmar_boton(mask_email(destino), "")
    form = {"email": enviado("email")}
    return render_template("cuenta/reenviar.html", form=form, errors={}, confirmar=True)


def _confirmar_boton(email: str, token: str) -> str:
    boton = {"email": email, "token": token}
    return render_template("cuenta/reenviar.html", form={}, errors={}, boton=boton, confirmar=True)
