"""Closing an account, for the Oficina's own page (blueprints/oficina_cerrar.py) and for the
operator's `flask --app app cuentas borrar` (blueprints/cli_cuentas.py): the deletion
(domain/cierre.py) and the notice to the address it had, in one transaction.

The notice is sent whoever closes it: someone who closed an account with a stolen password is
noticed by its owner, and a person who asked the institution for it hears that it was done.
It is the one message to that address that the closing leaves; its .eml copy and its row go
the way of any other mail.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from blueprints.cuenta_forms import en_su_idioma, enviar
from blueprints.extensions import db
from blueprints.mail import url_publica
from blueprints.secretos import secretos
from domain import cierre
from domain.models import Cuenta


def cerrar_y_avisar(cuenta: Cuenta, por_solicitud: bool = False) -> cierre.Cierre | None:
    """Delete ``cuenta`` and queue the notice, committed; None when it was closed already.

    ``por_solicitud``: an operator closed it at the person's request, rather than the person.
    """
    outbox_dir = current_app.extensions["settings"].outbox_dir
    hecho = cierre.cerrar(db.session, cuenta, outbox_dir, secretos())
    if hecho is None:
        return None
    with en_su_idioma(hecho.idioma):  # the owner's, whoever closed it (an operator, a thief)
        asunto = (
            _("Cerramos tu cuenta de la Oficina Virtual")
            if por_solicitud
            else _("Cerraste tu cuenta de la Oficina Virtual")
        )
        # The one message the closing leaves: of no account now, it goes by the outbox purge.
        enviar(
            hecho.email,
            "cerrada",
            asunto,
            para=None,
            por_solicitud=por_solicitud,
            registro=url_publica("cuenta.registro"),
        )
    db.session.commit()
    return hecho
