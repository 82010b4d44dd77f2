"""/cuenta/correo: confirm a new address from the link sent to it (asked for in /oficina).

The address is where recovery links go: whoever moved it may be the one who took a session
elsewhere (or the owner, shutting one out), so confirming it ends every session of the account,
as a new password does. The browser that confirms stays signed in only if it already was, to
this account; opened anywhere else (the phone's mail app), everyone signs in again.
"""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import IntegrityError

from blueprints.cuenta import bp, enlace_caido, leer_enlace
from blueprints.cuenta_forms import Sesion, en_su_idioma, enviar, por_email
from blueprints.extensions import db, limiter
from blueprints.formulario_al_limite import al_limite
from blueprints.secretos import secretos
from domain import enlaces, sesiones, tokens
from domain.mascaras import mask_email
from domain.models import Cuenta


def _leer(token: str) -> tuple[Cuenta, tokens.Contenido, str] | Response:
    """The account, the link and the address it confirms; or the page of a link that died."""
    found = leer_enlace("correo", token)
    if isinstance(found, Response):
        return found
    cuenta, contenido = found
    # The link names the address by a hash only: the address is the one the account waits for.
    nuevo = cuenta.email_pendiente or ""
    if not nuevo or not tokens.es_para(secretos(), contenido, nuevo):
        return enlace_caido("correo", contenido, "usado")  # a newer request replaced it
    return cuenta, contenido, nuevo


def _pagina(token: str, nuevo: str, **motivo: Any) -> str:
    email = mask_email(nuevo)
    return render_template("cuenta/confirmar_correo.html", token=token, email=email, **motivo)


def _version_propia(cuenta: Cuenta) -> int | None:
    """The ``session_version`` of this browser's session if it is signed in to ``cuenta``.

    Read before the bump: Flask-Login loads the session when first asked, and after the bump
    it would find it ended."""
    if current_user.is_authenticated and current_user.cuenta.id == cuenta.id:
        version: int = current_user.version
        return version
    return None


def _seguir_o_salir(cuenta: Cuenta, propia: int | None, version: int) -> bool:
    """Re-issue this browser's session with the ``version`` its own bump wrote (as a new
    password does), if it was signed in to ``cuenta`` and no other bump (a sign-out on every
    device) came in between: that one ended it too. Whether it goes on."""
    if propia is None:
        return False
    session.clear()
    if version != propia + 1:
        logout_user()
        return False
    login_user(Sesion(cuenta, version))
    session.permanent = True
    return True


@bp.route("/cuenta/correo/confirmar/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def confirmar_correo(token: str) -> ResponseReturnValue:
    found = _leer(token)
    if isinstance(found, Response):
        return found
    cuenta, contenido, nuevo = found
    if request.method == "GET":
        return _pagina(token, nuevo)
    propia = _version_propia(cuenta)
    otra = por_email(nuevo)
    if otra is not None and otra.id != cuenta.id:
        return render_template("cuenta/correo_ocupado.html", email=mask_email(nuevo)), 409
    if not enlaces.gastar_cambio_de_correo(db.session, cuenta, contenido.version):
        return enlace_caido("correo", contenido, "usado")  # used or replaced meanwhile
    # Before the new address is set: this UPDATE flushes what is pending, and a taken address
    # must fail at the commit below, where it is caught.
    version = sesiones.cerrar_sesiones(db.session, cuenta)
    assert version is not None  # the link's write before this one holds the row
    anterior = cuenta.email
    cuenta.email, cuenta.email_pendiente = nuevo, None
    with en_su_idioma(cuenta.idioma):  # the link may be opened on any device
        asunto = _("Cambiaste el correo de tu cuenta")
        enviar(anterior, "correo_cambiado", asunto, para=cuenta, nuevo=mask_email(nuevo))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return render_template("cuenta/correo_ocupado.html", email=mask_email(nuevo)), 409
    sigue = _seguir_o_salir(cuenta, propia, version)
    return render_template("cuenta/correo_confirmado.html", email=mask_email(nuevo), sigue=sigue)


@al_limite("cuenta.confirmar_correo")
def _confirmar_correo_al_limite(**motivo: Any) -> ResponseReturnValue:
    token = (request.view_args or {}).get("token", "")
    found = _leer(token)
    return found if isinstance(found, Response) else _pagina(token, found[2], **motivo)
