"""The signed-in session's idle limit, seen from the Oficina Virtual's pages.

``seguir`` is what the warning's «Seguir en mi cuenta» posts to (templates/oficina/
_aviso_sesion.html, static/js/sesion.js). The forms below come back, filled in with what can be
kept, when they are sent with a token that no longer matches while the session still lives (a
page left open over the token's hour, or from before a sign-in in another tab); sent after the
session ended, ``blueprints.errors`` sends them to the sign-in page (``con_sesion``).
"""

from __future__ import annotations

from flask import Response, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf.csrf import generate_csrf

from blueprints import carnet
from blueprints.errors import confirmar_sin_token, enviado
from blueprints.extensions import limiter
from blueprints.oficina import _cuenta, bp

SEGUIR_LIMIT = "30 per minute"


@bp.post("/oficina/sesion")
@limiter.limit(SEGUIR_LIMIT)
@login_required
def seguir() -> ResponseReturnValue:
    # Answering is what renews: Flask signs a signed-in cookie again with every response. The
    # page's forms carry a token with its own hour, so a fresh one goes back for them; only this
    # page's scripts can read it (same origin).
    return Response(status=204, headers={"X-CSRF-Token": generate_csrf()})


@confirmar_sin_token("oficina.correo", con_sesion=True)
def _confirmar_correo() -> ResponseReturnValue:
    # The new address comes back; the password never does.
    return render_template(
        "oficina/correo.html",
        cuenta=_cuenta(),
        form={"email": enviado("email")},
        errors={},
        confirmar=True,
        confirmar_contrasena=True,
    )


@confirmar_sin_token("oficina.contrasena", con_sesion=True)
def _confirmar_contrasena() -> ResponseReturnValue:
    return render_template(
        "oficina/contrasena.html",
        errors={},
        confirmar=True,
        confirmar_contrasena=_("No guardamos las contraseñas que escribiste: escríbelas otra vez."),
    )


@confirmar_sin_token("carnet.descargar", con_sesion=True)
def _confirmar_carnet() -> ResponseReturnValue:
    # Nothing typed: the page with its buttons again, nothing issued yet.
    page, _status = carnet._pagina(confirmar=True)
    return page
