"""/oficina/cerrar-cuenta: a signed-in person closes their own account, confirming it with the
password; /oficina/cuenta-cerrada says it is done. On oficina's ``bp`` (app.py imports this
module, which is what adds the routes), so the pages are the Oficina's: never cached, its place
in the menu, its idle-limit warning while signed in.

What goes and what stays is domain/cierre.py; the notice to the address is
blueprints/cuenta_cierre.py, shared with the operator's command.
"""

from __future__ import annotations

from typing import Any

from flask import redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from blueprints.cuenta_cierre import cerrar_y_avisar
from blueprints.formulario_sin_token import confirmar_sin_token
from blueprints.oficina import _password_problem, bp
from domain import contrasenas
from domain.mascaras import mask_email

# What the confirmation page shows, kept in the (now anonymous) session: the masked address.
CERRADA = "cuenta_cerrada"


@bp.route("/oficina/cerrar-cuenta", methods=["GET", "POST"])
@login_required
def cerrar_cuenta() -> ResponseReturnValue:
    cuenta = current_user.cuenta
    if request.method == "GET":
        return render_template("oficina/cerrar.html", errors={})
    actual = request.form.get("actual", "")[: contrasenas.MAX_PASSWORD]
    # Counted with the other forms that ask for the password (per account, and per address).
    vacia, incorrecta = _("Escribe tu contraseña."), _("Tu contraseña no es correcta.")
    if wrong := _password_problem(cuenta, actual, vacia, incorrecta):
        return render_template("oficina/cerrar.html", errors={"actual": wrong}), 422
    email = cuenta.email
    # Closed either way: None only says another request (a second press) did it, and told.
    cerrar_y_avisar(cuenta)
    logout_user()
    session.clear()
    session[CERRADA] = mask_email(email)
    return redirect(url_for(".cuenta_cerrada"), 303)


@bp.get("/oficina/cuenta-cerrada")
def cuenta_cerrada() -> ResponseReturnValue:
    email = session.get(CERRADA)
    if not isinstance(email, str):
        return redirect(url_for(".inicio"))  # nothing closed here: the Oficina, or sign-in
    return render_template("oficina/cerrada.html", email=email)


@confirmar_sin_token("oficina.cerrar_cuenta", con_sesion=True)
def _confirmar_cerrar(**motivo: Any) -> ResponseReturnValue:
    # Nothing closed: the page again, asking for the password (never written back).
    return render_template("oficina/cerrar.html", errors={}, confirmar_contrasena=True, **motivo)
