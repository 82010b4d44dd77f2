"""/cuenta/registro: create an account, or start a pending one over (its activation link's page
is blueprints/cuenta_activar.py; a new link, blueprints/cuenta_reenviar.py).

It never says whether a CURP or an address already has an account, or one waiting: every valid
request gets the same page and the same work behind it, an email either way (but for a
registration that loses a race with one for the same CURP or address, or for the same pending
account started over: the winner's is sent).
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from werkzeug.security import generate_password_hash

from blueprints import envio_repetido
from blueprints.cuenta import bp, see_other
from blueprints.cuenta_forms import (
    en_su_idioma,
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
from blueprints.extensions import db, limiter
from blueprints.fecha_formulario import pedir_fecha_completa
from blueprints.formulario_sin_token import confirmar_sin_token, enviado
from blueprints.htmx_util import fragment_for, swaps_land_on, wants_fragment
from blueprints.templating import current_lang
from blueprints.traduccion import traducir
from domain import accounts, contrasenas, enlaces, fallos
from domain.hoy import today_in_mexico
from domain.mascaras import mask_email
from domain.models import Cuenta
from domain.registry import situacion

# Per client address, counted only for the posts that reach the database (limiter.limit_here):
# a form sent with its fields blank gets its "Escribe tu …" messages back, uncounted.
REGISTRO_LIMIT = "20 per hour"

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
def _confirmar_registro(**motivo: Any) -> ResponseReturnValue:
    # Every field comes back but the password and the consent (and the captcha, a new
    # question), to a post from our own pages (blueprints/errors.py): nothing is
    # looked up, saved or sent until the form is sent again with this page's token.
    kept = (name for name in accounts.FIELDS if name not in ("password", "acepto"))
    form = {name: enviado(name, destino=name == "email") for name in kept}
    return render_template(
        "cuenta/registro.html", form=form, errors={}, confirmar_contrasena=True, **motivo
    )


def _registrar(solicitud: accounts.Solicitud) -> None:
    # Hash first, whatever happens next, so a taken CURP answers as slowly as a new one.
    password_hash = generate_password_hash(solicitud.password, method="scrypt")
    cuenta_curp, cuenta_email = por_curp(solicitud.curp), por_email(solicitud.email)
    accion = accounts.decidir_registro(cuenta_curp, cuenta_email)
    try:
        if accion is accounts.Accion.AVISAR:
            for cuenta in {c.id: c for c in (cuenta_curp, cuenta_email) if c is not None}.values():
                enviar_aviso_registro(cuenta)
        elif not _guardar(solicitud, cuenta_curp, password_hash):
            return  # nothing was written or queued: the request that came first stands
        db.session.commit()
    except IntegrityError:
        # Someone registered the same CURP or address a moment ago: the same answer for both.
        # The database refuses this account at the flush (the other's row is in the unique
        # index), before any email is queued; the rollback takes back all this request did.
        db.session.rollback()


def _guardar(solicitud: accounts.Solicitud, cuenta_curp: Cuenta | None, password_hash: str) -> bool:
    """Create the account, or start the pending one over, and queue its activation link; False
    (rolled back) when the pending one changed after it was read."""
    if cuenta_curp:
        # Only as read: started over meanwhile by another request (its new address has the
        # link, and the old one was told), sent a new link, or activated, it is left as is.
        if not enlaces.reiniciar(db.session, cuenta_curp, cuenta_curp.token_version):
            return False
        fallos.limpiar(db.session, cuenta_curp)  # with what other requests counted meanwhile
    cuenta = cuenta_curp or Cuenta(curp=solicitud.curp, token_version=0, session_version=0)
    # Started over, it is a new registration: if never activated, it is purged counting from
    # now (domain/cuentas_purga), not from the first one, whose data this one replaces.
    cuenta.creada = now()
    anterior, idioma_anterior = (cuenta.email, cuenta.idioma) if cuenta_curp else (None, "es")
    cuenta.email, cuenta.telefono = solicitud.email, solicitud.telefono
    cuenta.idioma = current_lang()  # what this registration was written in
    cuenta.password_hash, cuenta.activa = password_hash, False
    db.session.add(cuenta)
    db.session.flush()  # the link needs the account's id; a taken CURP or address raises here
    enviar_activacion(cuenta)
    if anterior and anterior != cuenta.email:
        with en_su_idioma(idioma_anterior):  # to whoever registered first, as they wrote it
            asunto = _("Tu registro pendiente cambió de correo")
            enviar(anterior, "registro_reemplazado", asunto, para=cuenta)
    return True


@bp.get("/cuenta/registro/revisa-tu-correo")
def correo_enviado() -> ResponseReturnValue:
    email = pendiente()
    if not email:
        return see_other(".registro")
    return render_template("cuenta/correo_enviado.html", email=mask_email(email))


# htmx's only (a plain post is sent to the form): over its limit, the alert over the page.
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
